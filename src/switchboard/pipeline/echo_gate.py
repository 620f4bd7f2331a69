"""Half-duplex echo gate (C3.1): caller audio is withheld from VAD/STT while the agent speaks.

On a phone line the agent's own voice comes back on the caller's channel. Left alone, the VAD
reads it as the caller speaking and the recognizer turns it into words, so the agent answers
(or interrupts) itself. The gate sits between the recorder's input tap and the VAD: while the
agent speaks, and for ``tail_secs`` after it stops (the echo's tail), each caller audio frame
is replaced by silence of the same length. The VAD and recognizer keep their 50 frames/s clock
(an utterance in progress ends cleanly instead of waiting for an idle timeout), but nothing the
line carried in that window can start a turn or reach a transcript. The recording is not
affected: its tap sits before the gate.

The agent's speaking state comes from ``BotStartedSpeakingFrame``/``BotStoppedSpeakingFrame``,
which the output transport pushes upstream through the whole pipeline.

One exception: an utterance the caller is already speaking when the agent starts is let
finish (up to ``hold_max_secs``). The end of a turn is judged at a pause, and a caller who
paused after "I was grinding metal at work," and went on with "... something's stuck in my
eye" would otherwise lose the rest under the agent's reply to the first half (the dialogue
then stops that reply for the emergency instruction). Echo cannot come before the agent
speaks, so speech the VAD already
reported (``VADUserStartedSpeakingFrame``, which the VAD also sends upstream) is the caller's;
it is let through until the VAD reports its end. The cap bounds what a line's echo could add
to it, since the VAD may hear the echo as the caller going on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    InputAudioRawFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor


@dataclass
class EchoGateCounters:
    """Caller audio frames seen by the gate (plain attributes, read by the call's metrics)."""

    frames_in: int = 0
    frames_forwarded: int = 0
    frames_gated: int = 0
    utterances_let_finish: int = 0  # the caller was speaking when the agent started


def gate_is_closed(
    *,
    enabled: bool,
    bot_speaking: bool,
    stopped_at: float | None,
    now: float,
    tail_secs: float,
    held_until: float | None = None,
) -> bool:
    """Whether caller audio arriving at ``now`` is withheld.

    ``held_until``: an utterance under way when the agent started is let through until then.
    """
    if not enabled:
        return False
    if held_until is not None and now < held_until:
        return False
    if bot_speaking:
        return True
    return stopped_at is not None and now - stopped_at < tail_secs


class EchoGate(FrameProcessor):
    """Withholds caller audio while the agent speaks plus an echo tail.

    Args:
        tail_secs: how long after the agent stops speaking the gate stays closed.
        hold_max_secs: how long an utterance under way when the agent starts is let through.
        enabled: False passes every frame (barge-in mode); the counters still count.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        *,
        tail_secs: float = 0.5,
        hold_max_secs: float = 4.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.tail_secs = tail_secs
        self.enabled = enabled
        self._clock = clock
        self._bot_speaking = False
        self._stopped_at: float | None = None
        self.hold_max_secs = hold_max_secs
        self._caller_speaking = False
        self._held_until: float | None = None
        self.counters = EchoGateCounters()

    @property
    def closed(self) -> bool:
        """Whether caller audio arriving now is withheld."""
        return gate_is_closed(
            enabled=self.enabled,
            bot_speaking=self._bot_speaking,
            stopped_at=self._stopped_at,
            now=self._clock(),
            tail_secs=self.tail_secs,
            held_until=self._held_until,
        )

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame) and direction == FrameDirection.DOWNSTREAM:
            self.counters.frames_in += 1
            if self.closed:
                self.counters.frames_gated += 1
                frame = InputAudioRawFrame(
                    audio=bytes(len(frame.audio)),
                    sample_rate=frame.sample_rate,
                    num_channels=frame.num_channels,
                )
            else:
                self.counters.frames_forwarded += 1
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            if direction == FrameDirection.UPSTREAM:
                self._caller_speaking = True
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            if direction == FrameDirection.UPSTREAM:
                self._caller_speaking = False
                self._held_until = None
        elif isinstance(frame, BotStartedSpeakingFrame):
            if direction == FrameDirection.UPSTREAM:
                if self._caller_speaking and not self._bot_speaking and self.enabled:
                    self._held_until = self._clock() + self.hold_max_secs
                    self.counters.utterances_let_finish += 1
                self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            if direction == FrameDirection.UPSTREAM and self._bot_speaking:
                self._bot_speaking = False
                self._stopped_at = self._clock()
        await self.push_frame(frame, direction)
