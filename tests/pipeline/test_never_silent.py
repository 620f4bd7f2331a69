"""Never silent (C3.4): each caller utterance is answered with audio within the reply deadline,
whether the brain or the TTS raises or stalls; the second failure transfers to the front desk."""

from __future__ import annotations

import time

import pytest
from dialogue_harness import Call
from pipecat.frames.frames import TranscriptionFrame

DEADLINE = 0.6


def said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="caller", timestamp="")


def slow_brain(*args):
    time.sleep(DEADLINE * 4)
    raise AssertionError("a late answer must be ignored")


def raising_brain(*args):
    raise RuntimeError("brain exploded")


async def _reply_after(call: Call, text: str) -> tuple[str, float]:
    """Say ``text``; returns what kind of audio answered it and how long it took to start."""
    before = len(call.output.played)
    start = time.monotonic()
    await call.send(said(text))
    await call.wait_for(lambda: len(call.output.played) > before, DEADLINE * 4)
    kind, at, _ = call.output.played[before]
    return kind, at - start


async def test_healthy_engines_answer_with_the_reply_and_no_fallback():
    async with Call(deadline=DEADLINE) as call:
        kind, latency = await _reply_after(call, "I'd like to book an eye exam.")
    assert kind == "reply" and latency < DEADLINE
    assert call.dialogue.counters.fallbacks == 0


@pytest.mark.parametrize(
    ("failure", "counter"),
    [
        ("brain_raises", "brain_errors"),
        ("brain_too_slow", "brain_timeouts"),
        ("tts_raises", "tts_errors"),
        ("tts_never_speaks", "tts_timeouts"),
    ],
)
async def test_each_engine_failure_is_answered_by_the_cached_fallback_line(failure, counter):
    async with Call(deadline=DEADLINE) as call:
        if failure == "brain_raises":
            call.brain_impl = raising_brain
        elif failure == "brain_too_slow":
            call.brain_impl = slow_brain
        elif failure == "tts_raises":
            call.tts.mode = "raise"
        else:
            call.tts.mode = "stall"
        kind, latency = await _reply_after(call, "I'd like to book an eye exam.")
        assert kind == "fallback"
        assert latency < DEADLINE + 0.8, latency
        await call.wait_for(lambda: not call.output.speaking, 5)
        counters = call.dialogue.counters
        assert getattr(counters, counter) == 1 and counters.fallbacks == 1
        assert call.hooks.agent[-1] == call.profile.phrases.fallback
        assert call.hooks.caller[-1][1]["replied"] is True
        # The call goes on: with healthy engines again the next utterance gets a real reply.
        call.brain_impl = __import__("switchboard.brain.flow", fromlist=["step"]).step
        call.tts.mode = "ok"
        kind, _ = await _reply_after(call, "I'd like to book an eye exam.")
        assert kind == "reply"
        assert not call.hooks.transferred.is_set()


async def test_second_failure_offers_the_front_desk_and_transfers_after_the_line_plays():
    async with Call(deadline=DEADLINE) as call:
        call.tts.mode = "stall"
        kind, _ = await _reply_after(call, "I'd like to book an eye exam.")
        assert kind == "fallback"
        await call.wait_for(lambda: not call.output.speaking, 5)
        call.brain_impl = raising_brain
        kind, _ = await _reply_after(call, "Kendall.")
        assert kind == "fallback"
        assert call.hooks.agent[-1] == call.profile.phrases.failure_transfer
        await call.wait_for(call.hooks.transferred.is_set, 5)
        assert not call.output.speaking  # the line had finished playing
        assert call.dialogue.counters.fallbacks == 2
