"""One paced transmit path (C1/C3): agent audio leaves the real output transport in 20 ms
frames at real-time pace; every frame of the audio exactly once, no bursts, no duplicates."""

from __future__ import annotations

import base64
import json
import time

import numpy as np
import pytest
from pipecat.frames.frames import TTSAudioRawFrame, TTSStartedFrame, TTSStoppedFrame
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import SleepFrame, run_test
from starlette.websockets import WebSocketState

from switchboard.telephony.media_stream import SafeTwilioSerializer
from switchboard.telephony.paced_transport import (
    LEAD_FRAMES,
    FramePacer,
    PacedWebsocketTransport,
    twilio_params,
)

RATE = 8000
FRAME_S = 0.02


class RecordingSocket:
    """Stands in for the FastAPI WebSocket: records what is sent, and when."""

    client_state = WebSocketState.CONNECTED
    application_state = WebSocketState.CONNECTED
    headers: dict[str, str] = {}

    def __init__(self) -> None:
        self.media: list[tuple[float, bytes]] = []
        self.events: list[str] = []

    async def send_text(self, data: str) -> None:
        message = json.loads(data)
        self.events.append(message["event"])
        if message["event"] == "media":
            payload = base64.b64decode(message["media"]["payload"])
            self.media.append((time.monotonic(), payload))

    async def send_bytes(self, data: bytes) -> None:
        raise AssertionError("Twilio gets text frames only")

    async def close(self, *args: object, **kwargs: object) -> None:
        self.client_state = WebSocketState.DISCONNECTED


def speech(secs: float) -> bytes:
    """Audio whose every 20 ms frame differs from every other (noise)."""
    rng = np.random.default_rng(int(secs * 1000))
    return rng.integers(-8000, 8000, int(secs * RATE)).astype(np.int16).tobytes()


def pcm_frames(audio: bytes, chunk_secs: float) -> list[TTSAudioRawFrame]:
    step = int(chunk_secs * RATE) * 2
    return [
        TTSAudioRawFrame(audio=audio[i : i + step], sample_rate=RATE, num_channels=1)
        for i in range(0, len(audio), step)
    ]


async def send_through(transport_cls: type, utterances: list[float]) -> RecordingSocket:
    socket = RecordingSocket()
    serializer = SafeTwilioSerializer(stream_sid="MZ1", call_sid="CA1", account_sid="AC1")
    transport = transport_cls(socket, twilio_params(serializer, sample_rate=RATE))
    frames: list = []
    for secs in utterances:  # as TTS sends them: bigger chunks than the wire's frames
        frames += [TTSStartedFrame(), *pcm_frames(speech(secs), 0.2), TTSStoppedFrame()]
        frames.append(SleepFrame(secs + 0.5))
    await run_test(
        transport.output(),
        frames_to_send=frames,
        pipeline_params=PipelineParams(audio_out_sample_rate=RATE),
    )
    return socket


def check_paced(media: list[tuple[float, bytes]], secs: float) -> None:
    """Frame count against the audio's duration; never ahead of real time beyond the lead."""
    assert len(media) == round(secs / FRAME_S)
    payloads = [p for _, p in media]
    assert all(len(p) == 160 for p in payloads)
    assert len(set(payloads)) == len(payloads), "a frame was sent twice"
    t0 = media[0][0]
    for k, (t, _) in enumerate(media):
        ahead = (k - LEAD_FRAMES) * FRAME_S - (t - t0)
        assert ahead <= FRAME_S, f"burst: frame {k} sent {ahead * 1000:.0f} ms ahead of its time"
    span = media[-1][0] - t0
    assert span >= secs - (LEAD_FRAMES + 2) * FRAME_S
    assert span <= secs + 0.25, "audio trickled out slower than real time"


async def test_agent_audio_leaves_in_20_ms_frames_at_real_time_pace():
    socket = await send_through(PacedWebsocketTransport, [2.0])
    check_paced(socket.media, 2.0)


async def test_each_utterance_is_paced_and_a_new_one_starts_a_fresh_run():
    socket = await send_through(PacedWebsocketTransport, [0.6, 1.0])
    first, second = socket.media[:30], socket.media[30:]
    check_paced(first, 0.6)
    check_paced(second, 1.0)


class UnpacedTransport(PacedWebsocketTransport):
    """What a fast path would do: write every frame as soon as it is ready."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        async def no_sleep() -> None:
            return None

        self._output._write_audio_sleep = no_sleep  # noqa: SLF001


async def test_an_unpaced_path_is_caught_as_a_burst():
    socket = await send_through(UnpacedTransport, [1.0])
    with pytest.raises(AssertionError, match="burst"):
        check_paced(socket.media, 1.0)


async def test_the_graceful_end_sends_no_silence_blob():
    socket = await send_through(PacedWebsocketTransport, [0.4])
    assert all(len(p) == 160 for _, p in socket.media)  # Pipecat's default: 2 s in one message


@pytest.mark.parametrize(
    ("sends", "waits"),
    [
        # (time each frame is sent) -> (wait before the next): three lead frames, then 20 ms.
        ([0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.02, 0.04]),
        # A late wake-up is caught up, never overtaken.
        ([0.0, 0.0, 0.0, 0.0, 0.05, 0.05], [0.0, 0.0, 0.0, 0.02, 0.0, 0.01]),
    ],
)
def test_pacer_schedule(sends, waits):
    pacer = FramePacer(0.02, lead_frames=3)
    got = [round(pacer.sent(t), 6) for t in sends]
    assert got == pytest.approx(waits)


def test_pacer_starts_a_new_run_after_an_idle_gap():
    pacer = FramePacer(0.02, lead_frames=3)
    for t in (0.0, 0.0, 0.0, 0.0):
        pacer.sent(t)
    assert pacer.sent(5.0) == 0.0 and pacer.runs == 2
