"""Barge-in mode (C3.2, echo gate off): caller speech over the agent is only a candidate until a
transcript with real words confirms it; fillers never interrupt and never get a reply."""

from __future__ import annotations

import asyncio

from dialogue_harness import Call
from pipecat.frames.frames import (
    InterruptionFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)

from switchboard.telephony.media_stream import SafeTwilioSerializer


def said(text: str) -> TranscriptionFrame:
    return TranscriptionFrame(text=text, user_id="caller", timestamp="")


async def _agent_speaking_a_long_reply(call: Call) -> None:
    """The caller asks something; the agent starts its (multi-second) answer."""
    before = len(call.output.played)
    await call.send(said("What are your hours at the Kendall office?"))
    await call.wait_for(lambda: len(call.output.played) > before and call.output.speaking, 3)


async def _speak_over(call: Call, text: str) -> None:
    await call.send(VADUserStartedSpeakingFrame())
    await asyncio.sleep(0.1)
    await call.send(VADUserStoppedSpeakingFrame())
    await call.send(said(text))


async def test_real_words_over_the_agent_stop_it_at_once_and_get_answered():
    async with Call(barge_in=True) as call:
        await _agent_speaking_a_long_reply(call)
        replies = len(call.output.played)
        agent_lines = len(call.hooks.agent)
        await _speak_over(call, "Actually I want to book an eye exam.")
        waited = await call.wait_for(lambda: call.output.clears >= 1, 1)
        assert waited < 0.3
        await call.wait_for(lambda: len(call.output.played) > replies, 2)  # the answer plays
        assert call.dialogue.counters.barge_ins == 1
        assert len(call.hooks.agent) == agent_lines + 1
        assert call.hooks.caller[-1][1].get("barge_in") is True


async def test_a_filler_over_the_agent_neither_interrupts_nor_gets_a_reply():
    async with Call(barge_in=True) as call:
        await _agent_speaking_a_long_reply(call)
        agent_lines = len(call.hooks.agent)
        await _speak_over(call, "Um.")
        await asyncio.sleep(0.3)
        assert call.output.clears == 0 and call.output.speaking
        assert len(call.hooks.agent) == agent_lines
        counters = call.dialogue.counters
        assert counters.barge_in_candidates == 1 and counters.barge_ins == 0
        assert counters.fillers_ignored == 1


async def test_with_the_echo_gate_on_nothing_interrupts_the_agent():
    async with Call(barge_in=False) as call:
        await _agent_speaking_a_long_reply(call)
        await _speak_over(call, "Actually I want to book an eye exam.")
        await asyncio.sleep(0.3)
        assert call.output.clears == 0
        assert call.dialogue.counters.barge_ins == 0


async def test_the_greeting_is_never_interrupted():
    async with Call(barge_in=True, wait_greeting=False) as call:
        assert call.output.speaking  # the greeting (with the recording notice) is playing
        await _speak_over(call, "Actually I want to book an eye exam.")
        await asyncio.sleep(0.3)
        assert call.output.clears == 0 and call.output.speaking
        assert call.dialogue.counters.barge_ins == 0


async def test_twilio_is_told_to_clear_its_buffer_on_an_interruption():
    serializer = SafeTwilioSerializer(stream_sid="MZ1", call_sid="CA1", account_sid="AC1")
    message = await serializer.serialize(InterruptionFrame())
    assert '"event": "clear"' in message and '"streamSid": "MZ1"' in message


async def test_emergency_signs_heard_while_the_agent_speaks_stop_it_for_the_instruction():
    # Echo gate on: the words are an utterance the caller went on with past the pause that
    # ended the last turn (the gate lets an utterance under way finish).
    async with Call(barge_in=False) as call:
        await _agent_speaking_a_long_reply(call)
        replies = len(call.output.played)
        await call.send(said("I think something's stuck in my eye, it's really red and it hurts."))
        waited = await call.wait_for(lambda: call.output.clears >= 1, 1)
        assert waited < 0.3
        await call.wait_for(lambda: len(call.output.played) > replies, 2)
        assert "911" in call.hooks.agent[-1]
        assert call.dialogue.counters.emergency_interruptions == 1
        assert call.dialogue.counters.barge_ins == 0
