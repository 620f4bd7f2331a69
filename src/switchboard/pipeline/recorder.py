"""Stereo call recording written as the call goes (C5.1): caller left, agent right.

Two taps share one writer: ``input_tap`` sits right after the transport input (so the caller
channel is what the carrier delivered, before any echo gate), ``output_tap`` right after the
transport output (the agent audio as it was sent). Both channels are placed on one timeline:
caller audio arrives continuously at 50 frames a second, so its sample count is the call's
clock; agent audio is placed at the caller-clock position where it was sent.

The WAV header is rewritten every ``flush_secs`` with the sizes written so far, so a process
killed mid-call leaves a playable file up to (nearly) that moment.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    OutputAudioRawFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor


def _wav_header(sample_rate: int, channels: int, data_bytes: int) -> bytes:
    byte_rate = sample_rate * channels * 2
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, byte_rate, channels * 2, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


class StereoWavWriter:
    """Progressive two-channel PCM16 WAV writer with a timeline for each channel."""

    def __init__(self, path: Path, *, sample_rate: int = 8000, flush_secs: float = 1.0) -> None:
        self.path = path
        self._rate = sample_rate
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO | None = path.open("wb")
        self._fh.write(_wav_header(sample_rate, 2, 0))
        self._fh.flush()
        self._caller = np.zeros(0, dtype=np.int16)  # pending, not yet written
        self._agent = np.zeros(0, dtype=np.int16)
        self._written = 0  # stereo samples written
        self._agent_cursor = 0  # absolute sample index after the last agent sample
        self._caller_cursor = 0
        self._flush_every = int(flush_secs * sample_rate)
        self._since_flush = 0

    @property
    def caller_samples(self) -> int:
        return self._caller_cursor

    def add_caller(self, pcm: bytes) -> None:
        samples = np.frombuffer(pcm, dtype=np.int16)
        self._caller = np.concatenate([self._caller, samples])
        self._caller_cursor += len(samples)
        self._maybe_write()

    def add_agent(self, pcm: bytes) -> None:
        samples = np.frombuffer(pcm, dtype=np.int16)
        # Agent audio starts no earlier than "now" on the caller clock and never overlaps itself.
        start = max(self._agent_cursor, self._caller_cursor)
        pending_start = self._written
        gap = start - (pending_start + len(self._agent))
        if gap > 0:
            self._agent = np.concatenate([self._agent, np.zeros(gap, dtype=np.int16)])
        self._agent = np.concatenate([self._agent, samples])
        self._agent_cursor = start + len(samples)
        self._maybe_write()

    def _maybe_write(self, *, final: bool = False) -> None:
        if self._fh is None:
            return
        n = len(self._caller) if not final else max(len(self._caller), len(self._agent))
        if n == 0:
            return
        caller = self._take("_caller", n)
        agent = self._take("_agent", n)
        frames = np.empty(n * 2, dtype=np.int16)
        frames[0::2] = caller
        frames[1::2] = agent
        self._fh.write(frames.tobytes())
        self._written += n
        self._since_flush += n
        if final or self._since_flush >= self._flush_every:
            self._patch_header()
            self._since_flush = 0

    def _take(self, attr: str, n: int) -> np.ndarray:
        buf: np.ndarray = getattr(self, attr)
        head = buf[:n]
        if len(head) < n:
            head = np.concatenate([head, np.zeros(n - len(head), dtype=np.int16)])
        setattr(self, attr, buf[n:])
        return head

    def _patch_header(self) -> None:
        if self._fh is None:
            return
        pos = self._fh.tell()
        self._fh.seek(0)
        self._fh.write(_wav_header(self._rate, 2, self._written * 4))
        self._fh.seek(pos)
        self._fh.flush()

    def close(self) -> None:
        if self._fh is None:
            return
        self._maybe_write(final=True)
        self._patch_header()
        self._fh.close()
        self._fh = None

    @property
    def duration_s(self) -> float:
        return self._written / self._rate


class _Tap(FrameProcessor):
    def __init__(self, *, writer: StereoWavWriter, channel: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._writer = writer
        self._channel = channel

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if self._channel == "caller" and isinstance(frame, InputAudioRawFrame):
            self._writer.add_caller(frame.audio)
        elif self._channel == "agent" and isinstance(frame, OutputAudioRawFrame):
            self._writer.add_agent(frame.audio)
        elif isinstance(frame, (EndFrame, CancelFrame)):
            self._writer.close()
        await self.push_frame(frame, direction)


class CallRecorder:
    """Owns the writer and hands out the two pipeline taps."""

    def __init__(self, path: Path, *, sample_rate: int = 8000) -> None:
        self.writer = StereoWavWriter(path, sample_rate=sample_rate)
        self.input_tap = _Tap(writer=self.writer, channel="caller", name="recorder-in")
        self.output_tap = _Tap(writer=self.writer, channel="agent", name="recorder-out")

    @property
    def path(self) -> Path:
        return self.writer.path

    def close(self) -> None:
        self.writer.close()
