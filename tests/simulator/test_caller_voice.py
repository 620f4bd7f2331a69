"""The caller's voice and the µ-law/resampling helpers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from switchboard.simulator import voice
from switchboard.simulator.voice import (
    frame_rms,
    pcm16_to_ulaw,
    resample_pcm16,
    speakable,
    trim_silence,
    ulaw_is_voiced,
    ulaw_to_pcm16,
)


def _tone(freq, seconds, rate, amp=8000):
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()


def _audioop():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import audioop
        except ImportError:
            return None
    return audioop


def test_ulaw_matches_the_g711_reference_for_every_sample_value():
    audioop = _audioop()
    if audioop is None:
        pytest.skip("audioop (the reference) is not in this Python")
    pcm = np.arange(-32768, 32768, dtype="<i2").tobytes()
    assert pcm16_to_ulaw(pcm) == audioop.lin2ulaw(pcm, 2)
    every_code = bytes(range(256))
    assert ulaw_to_pcm16(every_code) == audioop.ulaw2lin(every_code, 2)


def test_ulaw_silence_is_0xff_and_round_trips_closely():
    assert pcm16_to_ulaw(b"\x00\x00" * 4) == b"\xff" * 4
    pcm = _tone(440, 0.1, 8000)
    back = np.frombuffer(ulaw_to_pcm16(pcm16_to_ulaw(pcm)), dtype="<i2").astype(float)
    orig = np.frombuffer(pcm, dtype="<i2").astype(float)
    assert np.max(np.abs(back - orig)) < 300


def test_voiced_detection():
    assert not ulaw_is_voiced(b"\xff" * 160)
    assert ulaw_is_voiced(pcm16_to_ulaw(_tone(300, 0.02, 8000)))


@pytest.mark.parametrize("src_rate", [16000, 22050, 24000, 44100])
def test_resampling_keeps_in_band_tones_and_removes_aliases(src_rate):
    in_band = resample_pcm16(_tone(1000, 0.5, src_rate), src_rate, 8000)
    assert abs(len(in_band) // 2 - 4000) <= 1
    assert frame_rms(in_band[400:-400]) == pytest.approx(8000 / np.sqrt(2), rel=0.05)
    # 6 kHz cannot exist at 8 kHz; naive decimation would fold it to 2 kHz at full level.
    alias = resample_pcm16(_tone(6000, 0.5, src_rate), src_rate, 8000)
    assert frame_rms(alias[400:-400]) < 8000 / np.sqrt(2) * 0.02


def test_upsampling_and_identity():
    pcm = _tone(500, 0.2, 8000)
    assert resample_pcm16(pcm, 8000, 8000) is pcm
    up = resample_pcm16(pcm, 8000, 16000)
    assert len(up) == 2 * len(pcm)


def test_trim_silence_drops_leading_and_trailing_quiet():
    silence = b"\x00\x00" * 8000
    trimmed = trim_silence(silence + _tone(400, 0.5, 8000) + silence, 8000)
    assert 0.5 <= len(trimmed) / 2 / 8000 <= 0.56


def test_caller_voice_name_says_which_engine():
    name = voice.caller_voice_name()
    assert name.startswith(("flite:", "espeak-ng:"))


def test_flite_caller_line_is_8khz_ulaw_speech():
    if not voice.has_flite():
        pytest.skip("flite is not installed: the caller would speak with espeak-ng")
    speech = voice.synthesize_caller_sync("Hi, I'd like to book an eye exam.")
    assert speech.engine == "flite:rms"
    assert len(speech.ulaw) * 2 == len(speech.pcm16)
    assert 1.0 < speech.duration_s < 5.0
    assert frame_rms(speech.pcm16) > 500
    assert voice.synthesize_caller_sync("Hi, I'd like to book an eye exam.") is speech


async def test_async_synthesis_runs_off_the_loop():
    if not voice.has_flite():
        pytest.skip("flite is not installed")
    speech = await voice.synthesize_caller("Kendall.")
    assert speech.duration_s > 0.2


def test_espeak_fallback_is_used_without_flite(monkeypatch):
    calls = []

    def fake_espeak(text, language):
        calls.append((text, language))
        return _tone(300, 0.5, 22050), 22050

    monkeypatch.setattr(voice.shutil, "which", lambda name: None)
    monkeypatch.setattr(voice, "_espeak", fake_espeak)
    speech = voice.synthesize_caller_sync("fallback line")
    assert speech.engine == "espeak-ng:en-gb-x-rp+m3"
    assert calls == [("fallback line", "en")]
    assert abs(speech.duration_s - 0.5) < 0.05


def test_embedded_espeak_caller_voice_speaks_english_and_spanish(monkeypatch):
    pytest.importorskip("switchboard.speech.espeak_tts")
    monkeypatch.setattr(voice.shutil, "which", lambda name: None)
    english = voice.synthesize_caller_sync("Kendall, please.")
    spanish = voice.synthesize_caller_sync("Hola, quiero una cita.", language="es")
    assert english.engine == "espeak-ng:en-gb-x-rp+m3"
    assert spanish.engine == "espeak-ng:es-419+f2"
    for speech in (english, spanish):
        assert 0.3 < speech.duration_s < 4 and frame_rms(speech.pcm16) > 300


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Hmm.", "hum."),
        ("Uh, hmm.", "Uh, hum."),
        ("Mm.", "hum."),
        ("mmm, Kendall", "hum, Kendall"),
        ("mm-hmm", "mm-hmm"),  # a "yes", not a hum
        ("Hammond", "Hammond"),
        ("I'm Emma", "I'm Emma"),
    ],
)
def test_written_hums_are_hummed_not_spelled(line, said):
    assert speakable(line) == said
