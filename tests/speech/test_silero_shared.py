"""One Silero ONNX session per process: each call keeps its own state, results unchanged."""

from __future__ import annotations

import numpy as np
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADParams

from switchboard.pipeline.call import phone_vad
from switchboard.settings import Settings
from switchboard.speech.evaluation import phone_path, read_audio, real_speech_set
from switchboard.speech.silero_shared import SharedSileroVADAnalyzer, shared_session

RATE = 8000
WINDOW = 256 * 2  # bytes: the model's 8 kHz window


def _speech(index: int) -> bytes:
    path, _ = real_speech_set()[index]
    return phone_path(*read_audio(path))


def _analyzer(cls: type[SileroVADAnalyzer]) -> SileroVADAnalyzer:
    analyzer = cls(sample_rate=RATE, params=VADParams())
    analyzer.set_sample_rate(RATE)
    return analyzer


def _confidences(analyzer: SileroVADAnalyzer, pcm: bytes) -> list[float]:
    return [
        analyzer.voice_confidence(pcm[i : i + WINDOW]) for i in range(0, len(pcm) - WINDOW, WINDOW)
    ]


def test_analyzers_share_one_session_but_not_their_state():
    a = SharedSileroVADAnalyzer(sample_rate=RATE, params=VADParams())
    b = SharedSileroVADAnalyzer(sample_rate=RATE, params=VADParams())
    assert a._model.session is b._model.session is shared_session()
    assert a._model is not b._model


def test_interleaved_calls_get_the_same_confidences_as_pipecats_own_analyzer():
    first, second = _speech(0), _speech(1)
    n = min(len(first), len(second))
    stock = [_analyzer(SileroVADAnalyzer) for _ in range(2)]
    shared = [_analyzer(SharedSileroVADAnalyzer) for _ in range(2)]
    expected = (_confidences(stock[0], first[:n]), _confidences(stock[1], second[:n]))
    got: tuple[list[float], list[float]] = ([], [])
    for i in range(0, n - WINDOW, WINDOW):  # two calls' windows, alternating on one session
        got[0].append(shared[0].voice_confidence(first[i : i + WINDOW]))
        got[1].append(shared[1].voice_confidence(second[i : i + WINDOW]))
    assert max(got[0]) > 0.9  # real speech was heard
    np.testing.assert_allclose(got[0], expected[0], atol=1e-6)
    np.testing.assert_allclose(got[1], expected[1], atol=1e-6)


def test_a_calls_vad_uses_the_shared_session_and_the_bench_baseline_does_not():
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    call_vad = phone_vad(settings)._vad_controller._vad_analyzer
    plain_vad = phone_vad(settings, shared_session=False)._vad_controller._vad_analyzer
    assert isinstance(call_vad, SharedSileroVADAnalyzer)
    assert not isinstance(plain_vad, SharedSileroVADAnalyzer)
    assert plain_vad._model.session is not shared_session()
