"""Engine selection: embedded defaults, OpenAI-compatible servers, and clear start-up errors."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from pipecat.frames.frames import (
    InputAudioRawFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import SleepFrame, run_test

from switchboard.errors import EngineUnavailable
from switchboard.settings import Settings
from switchboard.speech import engines
from switchboard.speech.espeak_tts import EspeakTTSService
from switchboard.speech.pocketsphinx_stt import PocketsphinxSTTService

PARAMS = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)
SPEECH_SECONDS = 0.5


class _OpenAIAudioServer(BaseHTTPRequestHandler):
    """Speaks the two OpenAI audio endpoints the way local servers do."""

    requests: list[tuple[str, bytes]] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path.endswith("/v1/models"):
            self._reply(200, b'{"object": "list", "data": []}', "application/json")
        else:
            self._reply(404, b"{}", "application/json")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).requests.append((self.path, body))
        if self.path.endswith("/v1/audio/transcriptions"):
            self._reply(
                200, json.dumps({"text": "Coral Gables please"}).encode(), "application/json"
            )
        elif self.path.endswith("/v1/audio/speech"):
            request = json.loads(body)
            assert request["response_format"] == "pcm"
            t = np.arange(int(24000 * SPEECH_SECONDS)) / 24000
            pcm = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()
            self._reply(200, pcm, "application/octet-stream")
        else:
            self._reply(404, b"{}", "application/json")


@pytest.fixture
def audio_server() -> Iterator[str]:
    _OpenAIAudioServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OpenAIAudioServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()
    thread.join(5)


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_embedded_defaults_pass_the_start_check_and_build():
    settings = Settings(environment="test")
    engines.check_engines(settings)
    assert isinstance(engines.build_tts(settings), EspeakTTSService)
    assert isinstance(engines.build_stt(settings, pool=object()), PocketsphinxSTTService)


def test_pocketsphinx_without_a_pool_is_refused():
    with pytest.raises(EngineUnavailable, match="DecoderPool"):
        engines.build_stt(Settings(environment="test"))


def test_profile_voice_overrides_the_default_voice():
    class Profile:
        voice = "en-gb"

    tts = engines.build_tts(Settings(environment="test"), profile=Profile())
    assert tts._voice == "en-gb"


async def test_openai_compatible_stt_transcribes_through_a_local_server(audio_server):
    settings = Settings(environment="test", stt_engine="openai", openai_stt_base_url=audio_server)
    engines.check_engines(settings.model_copy(update={"tts_engine": "espeak"}))
    stt = engines.build_stt(settings)
    stt.set_expectation("office", ["Coral Gables", "Round Rock"])
    speech = (np.sin(np.arange(8000) / 8000 * 2 * np.pi * 300) * 5000).astype("<i2").tobytes()
    frames = [VADUserStartedSpeakingFrame()]
    frames += [
        InputAudioRawFrame(audio=speech[i : i + 320], sample_rate=8000, num_channels=1)
        for i in range(0, len(speech), 320)
    ]
    frames += [VADUserStoppedSpeakingFrame(), SleepFrame(sleep=1.0)]
    down, _ = await run_test(stt, frames_to_send=frames, pipeline_params=PARAMS)
    transcripts = [f for f in down if isinstance(f, TranscriptionFrame)]
    assert [t.text for t in transcripts] == ["Coral Gables please"]
    path, body = next(r for r in _OpenAIAudioServer.requests if "transcriptions" in r[0])
    assert b"RIFF" in body and b"whisper-1" in body
    assert b"Coral Gables, Round Rock" in body  # the hint travels as the prompt


async def test_openai_compatible_tts_streams_audio_resampled_to_the_pipeline_rate(audio_server):
    settings = Settings(
        environment="test",
        tts_engine="openai",
        openai_tts_base_url=audio_server,
        openai_tts_voice="af_heart",
    )
    engines.check_engines(settings)
    tts = engines.build_tts(settings)
    down, _ = await run_test(
        tts, frames_to_send=[TTSSpeakFrame(text="Hello there.")], pipeline_params=PARAMS
    )
    audio = [f for f in down if isinstance(f, TTSAudioRawFrame)]
    assert audio and all(f.sample_rate == 8000 for f in audio)
    seconds = sum(len(f.audio) for f in audio) / 2 / 8000
    assert abs(seconds - SPEECH_SECONDS) < 0.05
    request = json.loads(next(b for p, b in _OpenAIAudioServer.requests if "speech" in p))
    assert request["voice"] == "af_heart" and request["model"] == "tts-1"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"stt_engine": "openai", "openai_stt_base_url": "CLOSED"}, "unreachable"),
        ({"tts_engine": "openai", "openai_tts_base_url": "CLOSED"}, "unreachable"),
        ({"stt_engine": "openai", "openai_stt_base_url": ""}, "OPENAI_STT_BASE_URL"),
        ({"stt_engine": "whisper", "whisper_model_path": "/nope/model"}, "faster_whisper"),
        ({"tts_engine": "kokoro", "kokoro_model_path": "/nope/k.onnx"}, "kokoro_onnx"),
    ],
)
def test_start_check_names_what_is_missing(overrides, named):
    overrides = {k: _closed_port_url() if v == "CLOSED" else v for k, v in overrides.items()}
    with pytest.raises(EngineUnavailable, match=named):
        engines.check_engines(Settings(environment="test", **overrides))


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (
            {"stt_engine": "whisper", "whisper_model_path": "/nope/whisper-small"},
            "/nope/whisper-small",
        ),
        ({"stt_engine": "whisper", "whisper_model_path": ""}, "WHISPER_MODEL_PATH"),
        (
            {
                "tts_engine": "kokoro",
                "kokoro_model_path": "/nope/k.onnx",
                "kokoro_voices_path": "x",
            },
            "/nope/k.onnx",
        ),
    ],
)
def test_start_check_names_a_missing_model_path(monkeypatch, overrides, named):
    monkeypatch.setattr(engines, "_need_package", lambda *args: None)  # as if installed
    with pytest.raises(EngineUnavailable, match=named):
        engines.check_engines(Settings(environment="test", **overrides))
