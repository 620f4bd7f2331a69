"""How the agent's sentences are put together."""

from __future__ import annotations

import pytest

from switchboard.brain.flow import CallRequest
from switchboard.brain.replies import join_ack, message_words, recap_request
from switchboard.profiles import default_profiles_dir, load_profile


@pytest.mark.parametrize(
    ("acks", "said"),
    [
        (
            ["Got it, I've updated that.", "Got it, I've updated that."],
            "Got it, I've updated that.",
        ),
        (
            ["Got it, I've updated that.", "Got it, I'll use 3 0 5."],
            "Got it, I've updated that, I'll use 3 0 5.",
        ),
        (
            ["Great, our Kendall office.", "Thank you, Maria."],
            "Great, our Kendall office, thank you, Maria.",
        ),
        ([], ""),
    ],
)
def test_acknowledgements_join_without_saying_anything_twice(acks, said):
    assert join_ack(acks) == said


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        # the caller's "my" is the agent's "your"; a caller speaking of themselves is not
        # repeated in the agent's mouth
        ("an eye exam for my daughter", "to come in for an eye exam for your daughter"),
        ("a checkup, I think I need glasses", "to come in"),
        ("I'm due for a checkup", "to come in"),
        ("we need a contact lens fitting", "to come in"),
        # typed with a capital, said mid-sentence; a capitalized acronym stays
        ("Glaucoma check", "to come in for glaucoma check"),
        ("LASIK consultation", "to come in for LASIK consultation"),
        ("my dry eyes", "to come in"),
    ],
)
def test_the_recap_speaks_of_the_reason_in_the_agents_words(reason, said):
    profile = load_profile(default_profiles_dir() / "bayside-vision.yaml")
    assert recap_request(profile, CallRequest(reason=reason)) == said


@pytest.mark.parametrize(
    ("text", "name", "office", "kept"),
    [
        # the self-introduction and the sentences that only give the name or the office go;
        # both are on the record beside the message
        (
            "Hi this is Dana Whitfield, I need to reschedule my appointment at Coral Gables",
            "Dana Whitfield",
            "coral gables",
            "I need to reschedule my appointment at Coral Gables",
        ),
        ("cancel my appt. kendall. paula suarez.", "Paula Suarez", "kendall", "Cancel my appt."),
        (
            "Hi, my name is Ana Ruiz. I need a copy of my prescription.",
            "Ana Ruiz",
            "",
            "I need a copy of my prescription.",
        ),
        ("I need to cancel. The Austin office.", "", "austin", "I need to cancel."),
        # a name inside the message, or the message that is only a name, stays as said
        ("I need to cancel, this is Tom Lee", "Tom Lee", "", "I need to cancel, this is Tom Lee"),
        (
            "It's Tom Lee calling about my glasses",
            "Tom Lee",
            "",
            "It's Tom Lee calling about my glasses",
        ),
        ("Paula Suarez.", "Paula Suarez", "", "Paula Suarez."),
        ("Please cancel Thursday.", "", "", "Please cancel Thursday."),
    ],
)
def test_a_message_keeps_what_the_record_beside_it_does_not(text, name, office, kept):
    assert message_words(text, name=name, office=office) == kept
