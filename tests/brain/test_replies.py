"""How the agent's sentences are put together."""

from __future__ import annotations

import pytest

from switchboard.brain.replies import join_ack


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
