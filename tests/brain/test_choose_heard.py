"""Acting on another decoder's words when they answer the question and the chosen ones do not."""

from __future__ import annotations

import pytest

from switchboard.brain.answered import choose_heard
from switchboard.profiles import default_profiles_dir, load_profile

PROFILE = load_profile(default_profiles_dir() / "bayside-vision.yaml")


@pytest.mark.parametrize(
    ("heard", "alternatives", "expect", "acted_on"),
    [
        pytest.param(
            "roberto do you hours",
            ["roberto diaz"],
            "name",
            "roberto diaz",
            id="a full name from the general model beats the domain model's noise",
        ),
        pytest.param(
            "to christian",
            ["the pinecrest"],
            "office",
            "the pinecrest",
            id="an office another decoder heard",
        ),
        pytest.param(
            "smith like i said",
            ["student like ours had"],
            "insurance",
            "smith like i said",
            id="no alternative answers: the recognizer's pick stays",
        ),
        pytest.param(
            "maria gonzalez",
            ["marine gonzales"],
            "name",
            "maria gonzalez",
            id="a clear answer is never swapped",
        ),
        pytest.param(
            "what are your hours",
            ["kendall"],
            "office",
            "what are your hours",
            id="a question is never swapped for an answer",
        ),
        pytest.param(
            "i need to talk to a person",
            ["hialeah"],
            "office",
            "i need to talk to a person",
            id="a request for a person is never swapped",
        ),
        pytest.param(
            "no thank you",
            ["coral gables"],
            "office",
            "no thank you",
            id="a no is never swapped",
        ),
        pytest.param(
            "i'd like to book an eye exam",
            ["i'd like to kendall i'd"],
            "office",
            "i'd like to book an eye exam",
            id="a reason the business knows is never swapped",
        ),
        pytest.param(
            "next monday morning",
            ["yeah it's to miami for to"],
            "office",
            "next monday morning",
            id="a day and time are never swapped",
        ),
        pytest.param(
            "could someone call me back",
            ["to kendall go"],
            "office",
            "could someone call me back",
            id="a callback request is never swapped",
        ),
        pytest.param(
            "um",
            ["aetna"],
            "insurance",
            "um",
            id="a filler is never swapped for a plan a grammar made of it",
        ),
        pytest.param(
            "and",
            ["the i'd aetna"],
            "insurance",
            "the i'd aetna",
            id="a plan another decoder heard",
        ),
        pytest.param(
            "some noise",
            [],
            "office",
            "some noise",
            id="no alternatives",
        ),
        pytest.param(
            "hi eight like to make a point",
            ["i'd like to book an eye exam"],
            None,
            "i'd like to book an eye exam",
            id="the greeting's open question: a reason the business knows",
        ),
    ],
)
def test_the_words_acted_on(heard, alternatives, expect, acted_on):
    assert choose_heard(PROFILE, heard, alternatives, expect) == acted_on
