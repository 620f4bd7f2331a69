"""A garbled "okay, thank you" to "anything else?" closes the call; going on does not."""

import pytest

from support import play_flow

BOOKING = [
    "I'd like to book an eye exam.",
    "Kendall.",
    "Maria Lopez.",
    "Aetna.",
    "Monday morning.",
]


@pytest.mark.parametrize(
    ("heard", "closes"),
    [
        ("the okay eight", True),  # "Okay." after the emergency line, as heard
        ("okay eight and you", True),  # "Okay, thank you."
        ("the okay eight about i've", True),  # "Okay, bye."
        ("okay goodbye it", True),
        ("okay wait", False),
        ("okay one more thing", False),
        ("okay but what are your hours", False),
        ("purple monkey dishwasher", False),
        ("okay so the thing is that my daughter also", False),  # too long to be a courtesy
    ],
)
def test_anything_else_answer(heard, closes):
    state, replies = play_flow([*BOOKING, heard])
    assert replies[-2].expect == "anything_else"
    assert state.ended is closes
    if closes:
        assert replies[-1].end_call and state.outcome == "request_captured"


@pytest.mark.parametrize(
    ("heard", "field", "kept", "ends"),
    [
        # a lone time word in a goodbye is the recognizer's: the call closes, the day stays
        ("yeah that's all noon just", "preferred_time", "Monday morning", True),
        ("yes that's my cell that's friday", "preferred_time", "Monday morning", True),
        ("yes but friday is better", "preferred_time", "friday", False),
        # "That's the house phone, yes. That's all, thank you." as an audio run heard it
        ("that's a how stone vsp that's all thank you", "insurance", "Aetna", True),
        ("yes that's all cigna", "insurance", "Aetna", True),
        # a change said as one
        ("actually make it Tuesday instead", "preferred_time", "Tuesday", False),
        (
            "that's all but Tuesday afternoon is better",
            "preferred_time",
            "Tuesday afternoon",
            False,
        ),
        ("actually my insurance is Cigna now", "insurance", "Cigna", False),
        ("that's all but I have Humana now instead", "insurance", "Humana", False),
    ],
)
def test_a_fact_heard_in_the_goodbye_changes_the_request_only_when_said_as_a_change(
    heard, field, kept, ends
):
    state, _ = play_flow([*BOOKING, heard])
    assert getattr(state.request, field).lower().startswith(kept.lower())
    assert state.ended is ends
