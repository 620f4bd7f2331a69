"""espeak-ng TTS: synthesis, resampling to the phone rate, chunking and the prompt cache."""

from __future__ import annotations

import numpy as np
from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame, TTSStartedFrame, TTSStoppedFrame
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import run_test

from switchboard.speech.espeak_tts import EspeakTTSService, resample_pcm16, synthesize

PARAMS = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)
SENTENCE = "Thank you for calling. How can I help you today?"


def test_synthesize_returns_non_silent_pcm_at_the_native_rate():
    pcm, rate = synthesize(SENTENCE, voice="en-us", rate=165)
    samples = np.frombuffer(pcm, dtype=np.int16)
    seconds = len(samples) / rate
    assert rate == 22050
    assert 1.5 < seconds < 6.0  # ~9 words at 165 wpm
    assert np.abs(samples).mean() > 300


def test_audio_resampled_to_8k_keeps_its_duration_and_energy():
    pcm, rate = synthesize(SENTENCE)
    at8k = np.frombuffer(resample_pcm16(pcm, rate, 8000), dtype=np.int16)
    assert abs(len(at8k) / 8000 - len(pcm) / 2 / rate) < 0.01
    assert np.abs(at8k).mean() > 300


async def test_service_speaks_in_paced_chunks_at_the_pipeline_rate():
    tts = EspeakTTSService(voice="en-us", rate=165, chunk_ms=200)
    down, _ = await run_test(
        tts, frames_to_send=[TTSSpeakFrame(text=SENTENCE)], pipeline_params=PARAMS
    )
    audio = [f for f in down if isinstance(f, TTSAudioRawFrame)]
    assert any(isinstance(f, TTSStartedFrame) for f in down)
    assert any(isinstance(f, TTSStoppedFrame) for f in down)
    assert len(audio) > 5
    assert all(f.sample_rate == 8000 for f in audio)
    assert max(len(f.audio) for f in audio) <= 8000 * 2 * 200 // 1000
    seconds = sum(len(f.audio) for f in audio) / 2 / 8000
    assert 1.5 < seconds < 6.0


async def test_repeated_prompts_come_from_the_cache():
    tts = EspeakTTSService()
    frames = [
        TTSSpeakFrame(text="Are you still there?"),
        TTSSpeakFrame(text="Are you still there?"),
    ]
    await run_test(tts, frames_to_send=frames, pipeline_params=PARAMS)
    assert tts.cache_hits == 1
