"""Which turns answer what the agent asked, so the end-of-turn decision need not wait."""

from __future__ import annotations

import pytest

from switchboard.brain.answered import answers_question
from switchboard.profiles import default_profiles_dir, load_profile

PROFILE = load_profile(default_profiles_dir() / "bayside-vision.yaml")


@pytest.mark.parametrize(
    ("expect", "text", "answered"),
    [
        # an office: any office or alias, even with words around it
        ("office", "Kendall.", True),
        ("office", "I live in Pflugerville", True),
        ("office", "the one in", False),
        ("office", "I'm not sure which one is", False),
        # a plan, or no plan
        ("insurance", "I have Blue Cross Blue Shield.", True),
        ("insurance", "I have", False),
        ("insurance", "I don't have insurance", True),
        ("insurance", "I'll pay cash", True),
        ("insurance", "it's a plan through my", False),
        # a full name; a first name alone may be followed by the surname
        ("name", "Maria Gonzalez.", True),
        ("name", "my name is Peter Brown", True),
        ("name", "my name is", False),
        ("name", "Maria", False),
        ("last_name", "Gonzalez", True),
        # spelled letters: only a known surname is surely whole
        ("spelling", "R E Y E S", True),
        ("spelling", "it's n g u y e n", True),
        ("spelling", "N G U", False),
        ("spelling", "B R O W N I N", False),
        # a reason the business offers; anything else may go on
        ("reason", "Hi, I'd like to make an appointment for an eye exam.", True),
        ("reason", "I need a contact lens fitting", True),
        ("reason", "I'd like to make an appointment for", False),
        ("reason", "I was wondering if", False),
        ("anything_else", "No, that's everything.", True),
        ("anything_else", "Yes, actually", False),
        # day/time and phone numbers are left to the other rules
        ("time", "Monday", False),
        ("time", "next Thursday morning", False),
        ("phone", "305 555 0123", False),
        (None, "Kendall", False),
        # the greeting asks an open question: a visit for one of the services answers it
        (None, "Hi, I'd like to make an appointment for an eye exam.", True),
        (None, "I'd like to make an appointment", False),
        (None, "I have a question about", False),
        # these end a turn whatever was asked
        ("time", "I suddenly lost vision in my left eye", True),
        ("insurance", "can I talk to a real person", True),
        ("name", "am I talking to a robot", True),
        # a question is not an answer, even with an office in it
        ("office", "what are your hours at Kendall", False),
        ("office", "", False),
    ],
)
def test_answers_question(expect, text, answered):
    assert answers_question(PROFILE, text, expect) is answered
