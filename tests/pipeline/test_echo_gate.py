"""Half-duplex echo gate (C3.1): caller audio is withheld while the agent speaks plus a tail."""

from __future__ import annotations

import pytest
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    InputAudioRawFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.tests.utils import SleepFrame, run_test

from switchboard.pipeline.echo_gate import EchoGate, gate_is_closed


class Reflector(FrameProcessor):
    """Stands in for the output transport (bot speaking frames go back upstream) and for the
    VAD (which sends its speaking frames both ways)."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, (BotStartedSpeakingFrame, BotStoppedSpeakingFrame)):
            await self.push_frame(type(frame)(), FrameDirection.UPSTREAM)
        elif isinstance(frame, (VADUserStartedSpeakingFrame, VADUserStoppedSpeakingFrame)):
            await self.push_frame(type(frame)(), FrameDirection.UPSTREAM)
            await self.push_frame(frame, direction)
        else:
            await self.push_frame(frame, direction)


def voiced(value: int) -> InputAudioRawFrame:
    return InputAudioRawFrame(audio=bytes([value]) * 320, sample_rate=8000, num_channels=1)


@pytest.mark.parametrize(
    ("held_for", "closed"),
    [(None, True), (1.0, False), (0.0, True), (-0.5, True)],
    ids=["nothing held", "an utterance under way", "its hold just over", "its hold over"],
)
def test_an_utterance_under_way_when_the_agent_starts_is_let_through_while_held(
    held_for, closed
):
    now = 100.0
    held_until = None if held_for is None else now + held_for
    assert (
        gate_is_closed(
            enabled=True,
            bot_speaking=True,
            stopped_at=None,
            now=now,
            tail_secs=0.5,
            held_until=held_until,
        )
        is closed
    )


@pytest.mark.parametrize(
    ("bot_speaking", "stopped_ago", "closed"),
    [
        (False, None, False),  # the agent has not spoken yet
        (True, None, True),  # the agent is speaking
        (False, 0.1, True),  # its echo tail
        (False, 0.49, True),
        (False, 0.5, False),  # the tail is over
        (False, 3.0, False),
    ],
)
def test_gate_is_closed_while_the_agent_speaks_and_for_the_echo_tail(
    bot_speaking, stopped_ago, closed
):
    now = 100.0
    stopped_at = None if stopped_ago is None else now - stopped_ago
    assert (
        gate_is_closed(
            enabled=True, bot_speaking=bot_speaking, stopped_at=stopped_at, now=now, tail_secs=0.5
        )
        is closed
    )
    assert not gate_is_closed(
        enabled=False, bot_speaking=bot_speaking, stopped_at=stopped_at, now=now, tail_secs=0.5
    )


async def _run(gate: EchoGate) -> list[bytes]:
    frames = [
        voiced(1),
        BotStartedSpeakingFrame(),
        SleepFrame(0.05),
        voiced(2),  # over the agent: echo
        BotStoppedSpeakingFrame(),
        SleepFrame(0.05),
        voiced(3),  # in the echo tail
        SleepFrame(0.35),
        voiced(4),  # the caller again
    ]
    down, _ = await run_test(Pipeline([gate, Reflector()]), frames_to_send=frames)
    return [f.audio for f in down if isinstance(f, InputAudioRawFrame)]


async def test_audio_over_the_agent_and_its_tail_reaches_vad_as_silence_of_the_same_length():
    gate = EchoGate(tail_secs=0.3)
    audio = await _run(gate)
    assert [a[:1] for a in audio] == [b"\x01", b"\x00", b"\x00", b"\x04"]
    assert all(len(a) == 320 for a in audio) and not any(audio[1] + audio[2])
    c = gate.counters
    assert (c.frames_in, c.frames_forwarded, c.frames_gated) == (4, 2, 2)


async def test_a_disabled_gate_passes_everything_and_still_counts():
    gate = EchoGate(tail_secs=0.3, enabled=False)
    audio = await _run(gate)
    assert [a[:1] for a in audio] == [b"\x01", b"\x02", b"\x03", b"\x04"]
    assert (gate.counters.frames_in, gate.counters.frames_gated) == (4, 0)


async def test_the_callers_words_under_way_when_the_agent_starts_reach_vad_until_they_end():
    gate = EchoGate(tail_secs=0.3, hold_max_secs=2.0)
    frames = [
        VADUserStartedSpeakingFrame(),  # the caller went on after a pause the turn ended at
        voiced(1),
        BotStartedSpeakingFrame(),  # the agent's reply to the first half starts
        SleepFrame(0.05),
        voiced(2),  # still the caller: let through
        VADUserStoppedSpeakingFrame(),
        SleepFrame(0.05),
        voiced(3),  # after the caller's end, over the agent: echo, withheld
        BotStoppedSpeakingFrame(),
    ]
    down, _ = await run_test(Pipeline([gate, Reflector()]), frames_to_send=frames)
    audio = [f.audio[:1] for f in down if isinstance(f, InputAudioRawFrame)]
    assert audio == [b"\x01", b"\x02", b"\x00"]
    assert gate.counters.utterances_let_finish == 1


async def test_a_held_utterance_is_let_through_no_longer_than_the_cap():
    gate = EchoGate(tail_secs=0.3, hold_max_secs=0.1)
    frames = [
        VADUserStartedSpeakingFrame(),
        BotStartedSpeakingFrame(),
        SleepFrame(0.2),  # the VAD never reports an end (the line's echo keeps it "speaking")
        voiced(2),
        BotStoppedSpeakingFrame(),
    ]
    down, _ = await run_test(Pipeline([gate, Reflector()]), frames_to_send=frames)
    assert [f.audio[:1] for f in down if isinstance(f, InputAudioRawFrame)] == [b"\x00"]


async def test_speech_that_starts_while_the_agent_speaks_is_still_withheld():
    gate = EchoGate(tail_secs=0.3)
    frames = [
        BotStartedSpeakingFrame(),
        SleepFrame(0.05),
        VADUserStartedSpeakingFrame(),  # could be the agent's own echo
        voiced(2),
        BotStoppedSpeakingFrame(),
    ]
    down, _ = await run_test(Pipeline([gate, Reflector()]), frames_to_send=frames)
    assert [f.audio[:1] for f in down if isinstance(f, InputAudioRawFrame)] == [b"\x00"]
    assert gate.counters.utterances_let_finish == 0
