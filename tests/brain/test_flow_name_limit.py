"""A name the recognizer cannot make out is not asked for forever: after two answers with no
name in them the flow keeps what it heard for staff (marked unclear) and moves on, and the
request is still captured. A name followed by a stray recognizer word still counts."""

import pytest

from support import play_flow
from switchboard.brain.names import extract_name, loose_name


def test_name_is_asked_at_most_twice_then_the_flow_moves_on_with_the_words_heard():
    state, replies = play_flow(
        [
            "I'd like to book an eye exam.",
            "Kendall.",
            "roberto do you hours",  # a mangled "Roberto Diaz"
            "no thank you",
            "Medicare.",
            "Monday morning.",
        ]
    )
    asks = [r for r in replies if r.expect == "name"]
    assert len(asks) == 2
    assert state.request.patient_name == "Roberto Hours (name unclear)"
    assert state.request.first_name == "" and state.outcome == "request_captured"
    assert replies[-1].expect == "anything_else"
    assert "Roberto" not in replies[-1].text  # an unsure name is never said back


def test_a_name_like_second_answer_is_taken_as_heard():
    state, _ = play_flow(
        ["I'd like to book an eye exam.", "Kendall.", "nine a patel", "nina patel"]
    )
    assert state.request.first_name == "Nina" and state.request.last_name == "Patel"


def test_facts_given_instead_of_the_name_do_not_use_up_the_name_asks():
    state, replies = play_flow(
        ["I'd like to book an eye exam.", "Kendall.", "Aetna.", "Maria Lopez."]
    )
    assert state.request.patient_name == "Maria Lopez"
    assert state.request.insurance == "Aetna"


@pytest.mark.parametrize(
    ("heard", "first", "last"),
    [
        ("bianca ross you", "Bianca", "Ross"),
        ("maria gonzalez", "Maria", "Gonzalez"),
        ("hannah right", "Hannah", "Right"),
        ("maria gonzalez the", "Maria", "Gonzalez"),
    ],
)
def test_a_name_followed_by_stray_recognizer_words_still_counts(heard, first, last):
    name = extract_name(heard, expecting=True)
    assert name is not None and (name.first, name.last) == (first, last)


@pytest.mark.parametrize(
    "heard",
    [
        "kendall please thanks",
        "i want an appointment",
        "roberto do you hours",
        "no thank you",
        "im im",  # how the recognizer renders "mm"
    ],
)
def test_other_answers_are_not_names(heard):
    assert extract_name(heard, expecting=True) is None


@pytest.mark.parametrize(
    ("heard", "expected"),
    [("roberto do you hours", "Roberto Hours"), ("no thank you", None), ("it's uh", None)],
)
def test_loose_name_keeps_only_name_like_words(heard, expected):
    name = loose_name(heard)
    assert (name.full if name else None) == expected


def test_a_stray_word_before_this_is_does_not_hide_the_name():
    name = extract_name("like this is maria gonzalez i'd like an eye exam")
    assert name is not None and name.full == "Maria Gonzalez"


def test_the_name_is_asked_at_most_three_times_when_other_facts_keep_coming_instead():
    state, replies = play_flow(
        [
            "I'd like to book a glaucoma check.",
            "Hialeah.",
            "roberto do you hours",  # a mangled name: asked again
            "Medicare.",  # facts instead of the name: asked a third time
            "Monday at ten in the morning.",
        ]
    )
    assert sum(r.expect == "name" for r in replies) == 3
    assert state.outcome == "request_captured" and state.request.preferred_time
    assert replies[-1].expect == "anything_else"
    # The name was given up on after three asks: what was first heard is kept, marked.
    assert state.request.patient_name == "Roberto Hours (name unclear)"
    assert state.request.first_name == ""


def test_a_name_given_up_on_with_nothing_name_like_heard_is_still_marked_for_staff():
    state, replies = play_flow(
        [
            "I'd like to book a glaucoma check.",
            "Hialeah.",
            "Medicare.",
            "Monday at ten in the morning.",
            "Next week.",
        ]
    )
    assert sum(r.expect == "name" for r in replies) == 3
    assert state.request.patient_name == "(name unclear)"
    assert state.outcome == "request_captured"


def test_an_answer_not_understood_after_three_name_asks_does_not_ask_a_fourth_time():
    state, replies = play_flow(
        [
            "I'd like to book a glaucoma check.",
            "Hialeah.",
            "Medicare.",  # facts instead of the name: asked again
            "Monday at ten in the morning.",  # asked a third time
            "blue the ocean",  # nothing understood
        ]
    )
    assert sum(r.expect == "name" for r in replies) == 3
    assert replies[-1].expect == "anything_else"
    assert state.request.patient_name.endswith("(name unclear)")
    assert state.outcome == "request_captured"
