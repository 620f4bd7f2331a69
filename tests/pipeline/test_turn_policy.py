"""The pure end-of-turn decision: the caller's words first, smart-turn's probability last."""

from __future__ import annotations

import pytest

from switchboard.pipeline.turn_policy import Verdict, judge

C, INC, ASK = Verdict.COMPLETE, Verdict.INCOMPLETE, Verdict.ASK_MODEL


@pytest.mark.parametrize(
    ("text", "probability", "expect", "verdict"),
    [
        # nothing recognized: nothing to wait for
        ("", None, None, C),
        ("", 0.1, "phone", C),
        # short complete answers, whatever the model says
        ("yes", 0.2, None, C),
        ("no thank you", 0.1, None, C),
        ("no that's all thank you", 0.21, None, C),  # the model's score for it on the phone
        ("next tuesday please", 0.1, None, C),
        # a filler at the end: still thinking
        ("my name is uh", 0.99, None, INC),
        ("um", 0.9, None, INC),
        # a phone number being read out: the model hears each digit group as finished
        ("five one two", 0.95, "phone", INC),
        ("five one two five five five", 0.95, "phone", INC),
        ("three ohio two two one", 0.9, "phone", INC),  # garbled group, digits still counted
        ("five one two five five five oh one nine nine", 0.1, "phone", C),
        ("my number is five one two", 0.95, None, INC),
        ("five one two five five five", 0.9, None, INC),
        ("call me on my cell five one two five five five zero one nine nine", 0.2, None, C),
        # not a number: one or two digit words are an ordinary answer
        ("at three", 0.9, None, C),
        # spelling a name: a pause after a letter is a pause inside the word
        ("n g u", 0.95, "spelling", INC),
        ("it's r e", 0.9, "spelling", INC),
        ("n g u", 0.95, None, C),
        ("medicare", 0.9, "spelling", C),
        # a sentence broken off
        ("my name is", 0.97, None, INC),
        ("I would like to book an appointment for", 0.9, None, INC),
        ("the office on", 0.9, None, INC),
        # otherwise the model decides
        ("maria lopez", 0.9, None, C),
        ("maria lopez", 0.2, None, INC),
        ("the downtown office", None, None, ASK),
        ("the downtown office", 0.5, None, C),
    ],
)
def test_pause_verdicts(text: str, probability: float | None, expect: str | None, verdict):
    assert judge(text, probability, expect=expect).verdict == verdict


def test_spelled_letters_that_make_a_known_surname_end_the_turn():
    assert judge("r e y e s", 0.9, expect="spelling", answered=True).verdict == C
    assert judge("r e y e s", 0.9, expect="spelling", answered=False).verdict == INC


def test_threshold_moves_the_models_line():
    assert judge("maria lopez", 0.6, threshold=0.7).verdict == INC
    assert judge("maria lopez", 0.6, threshold=0.5).verdict == C


def test_a_failed_model_falls_back_to_plain_vad_unless_the_words_say_otherwise():
    assert judge("the downtown office", None, model_failed=True).verdict == C
    assert judge("my name is", None, model_failed=True).verdict == INC


@pytest.mark.parametrize(
    ("text", "probability", "expect", "verdict"),
    [
        # the words answer what was asked: no need to wait for the model's opinion
        ("maria lopez", 0.2, "name", C),
        ("maria lopez", None, "name", C),
        # but the word rules come first: a broken-off sentence or a number is still going on
        ("i have blue cross and", 0.9, "insurance", INC),
        ("my number is five one two", 0.1, "phone", INC),
        ("maria lopez uh", 0.1, "name", INC),
    ],
)
def test_an_answer_to_the_question_ends_the_turn_unless_the_words_say_otherwise(
    text: str, probability: float | None, expect: str, verdict
):
    assert judge(text, probability, expect=expect, answered=True).verdict == verdict
