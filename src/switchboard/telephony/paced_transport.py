"""One paced transmit path per call: agent audio leaves in 20 ms frames at real-time pace.

Every agent sound (greeting, replies, re-prompts, cached fallback lines) goes through the
call's one output transport, so pacing it here paces them all. Pipecat's FastAPI WebSocket
output already sleeps one frame's duration per frame, but with no lead at all (each frame
arrives at the carrier just as the previous one finishes, so any event-loop jitter is an
audible gap), it never catches up after a stall, and at a graceful end it sends its closing
silence as one multi-second message. This output keeps a small lead instead:

the first ``lead_frames`` frames of a run go at once (a jitter buffer at the carrier), then
one frame per frame duration on an absolute schedule, so a late wake-up is caught up without
ever running further ahead than the lead. A run restarts (with a fresh lead) after an idle
gap, a stall longer than the lead, or an interruption. :func:`twilio_params` turns off the
closing silence blob.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from fastapi import WebSocket
from pipecat.frames.frames import Frame, InterruptionFrame
from pipecat.processors.frame_processor import FrameDirection
from pipecat.serializers.base_serializer import FrameSerializer
from pipecat.transports.websocket.fastapi import (
    FastAPIWebsocketOutputTransport,
    FastAPIWebsocketParams,
    FastAPIWebsocketTransport,
)

LEAD_FRAMES = 3  # 60 ms ahead of real time at most


def twilio_params(serializer: FrameSerializer, *, sample_rate: int) -> FastAPIWebsocketParams:
    """Transport parameters for a Twilio media stream (the call and its tests share them)."""
    return FastAPIWebsocketParams(
        audio_in_enabled=True,
        audio_out_enabled=True,
        audio_in_sample_rate=sample_rate,
        audio_out_sample_rate=sample_rate,
        audio_out_10ms_chunks=2,  # 20 ms frames, as Twilio plays them
        # Pipecat sends this much silence as ONE message at a graceful end: a 2 s burst.
        audio_out_end_silence_secs=0,
        add_wav_header=False,
        serializer=serializer,
        allowed_origins=[],  # Twilio sends no Origin header
    )


class FramePacer:
    """When each frame of a run may be sent (pure; the transport sleeps until then).

    Args:
        frame_secs: the duration of one frame.
        lead_frames: frames that may be sent ahead of real time.
    """

    def __init__(self, frame_secs: float, lead_frames: int = LEAD_FRAMES) -> None:
        self.frame_secs = frame_secs
        self.lead_frames = lead_frames
        self._epoch: float | None = None
        self._sent = 0
        self.runs = 0

    def reset(self) -> None:
        """The next frame starts a new run (after an interruption)."""
        self._epoch = None

    def sent(self, now: float) -> float:
        """A frame was just sent at ``now``; returns how long to wait before the next one."""
        behind = (
            self._epoch is None
            or now - (self._epoch + (self._sent - self.lead_frames) * self.frame_secs)
            > (self.lead_frames + 1) * self.frame_secs
        )
        if behind:  # idle gap or stall: start a new run with a fresh lead
            self._epoch, self._sent = now, 0
            self.runs += 1
        self._sent += 1
        due = self._epoch + (self._sent - self.lead_frames) * self.frame_secs  # type: ignore[operator]
        return max(0.0, due - now)


class PacedWebsocketOutputTransport(FastAPIWebsocketOutputTransport):
    """The WebSocket output with real-time pacing (see the module docstring)."""

    def __init__(
        self, *args: object, clock: Callable[[], float] = time.monotonic, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._clock = clock
        self.pacer: FramePacer | None = None
        self.frames_sent = 0

    async def setup(self, setup) -> None:  # type: ignore[no-untyped-def]
        await super().setup(setup)
        bytes_per_sec = self.sample_rate * self._params.audio_out_channels * 2
        self.pacer = FramePacer(self.audio_chunk_size / bytes_per_sec)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InterruptionFrame) and self.pacer is not None:
            self.pacer.reset()

    async def _write_audio_sleep(self) -> None:
        self.frames_sent += 1
        if self.pacer is None:
            return
        await asyncio.sleep(self.pacer.sent(self._clock()))


class PacedWebsocketTransport(FastAPIWebsocketTransport):
    """Pipecat's FastAPI WebSocket transport with :class:`PacedWebsocketOutputTransport`."""

    def __init__(self, websocket: WebSocket, params: FastAPIWebsocketParams, **kwargs: str) -> None:
        super().__init__(websocket, params, **kwargs)  # type: ignore[arg-type]
        self._output = PacedWebsocketOutputTransport(
            self, self._client, self._params, name=self._output_name
        )

    def output(self) -> PacedWebsocketOutputTransport:
        return self._output  # type: ignore[return-value]
