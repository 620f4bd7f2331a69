"""PocketsphinxSTTService in a Pipecat pipeline: VAD frames + audio in, one transcript out."""

from __future__ import annotations

import pytest
from pipecat.frames.frames import (
    ErrorFrame,
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import SleepFrame, run_test

from switchboard.speech.decoder_pool import DecoderPool
from switchboard.speech.evaluation import phone_path, read_audio, real_speech_set
from switchboard.speech.pocketsphinx_stt import PocketsphinxSTTService

pytestmark = pytest.mark.asyncio(loop_scope="module")

PARAMS = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)


def _frames(pcm: bytes, *, speech_from: int) -> list:
    """Audio in 20 ms frames with VAD start after ``speech_from`` frames and stop at the end."""
    step = 320
    chunks = [pcm[i : i + step] for i in range(0, len(pcm), step)]
    frames: list = []
    for i, chunk in enumerate(chunks):
        if i == speech_from:
            frames.append(VADUserStartedSpeakingFrame())
        frames.append(InputAudioRawFrame(audio=chunk, sample_rate=8000, num_channels=1))
    frames.append(VADUserStoppedSpeakingFrame())
    frames.append(SleepFrame(sleep=0.5))
    return frames


async def test_one_transcription_per_speech_segment_and_audio_passes_through(pool):
    path, _ = next(p for p in real_speech_set() if p[0].name == "librivox-0930.wav")
    pcm = phone_path(*read_audio(path))
    stt = PocketsphinxSTTService(pool=pool)
    frames = _frames(pcm, speech_from=10)
    down, _ = await run_test(stt, frames_to_send=frames, pipeline_params=PARAMS)
    transcripts = [f for f in down if isinstance(f, TranscriptionFrame)]
    audio = [f for f in down if isinstance(f, InputAudioRawFrame)]
    assert len(transcripts) == 1
    assert "amiable" in transcripts[0].text or "might" in transcripts[0].text
    assert len(audio) == sum(isinstance(f, InputAudioRawFrame) for f in frames)
    stopped = next(i for i, f in enumerate(down) if isinstance(f, VADUserStoppedSpeakingFrame))
    assert down.index(transcripts[0]) > stopped
    assert stt.last_decode_ms is not None and stt.last_decode_ms < 1000
    print(f"transcript={transcripts[0].text!r} decode_ms={stt.last_decode_ms:.1f}")


async def test_pre_roll_keeps_the_words_said_before_the_vad_fired(pool):
    pcm = phone_path(*read_audio(real_speech_set()[5][0]))  # "go forward ten meters"
    stt = PocketsphinxSTTService(pool=pool, preroll_secs=0.3)
    # VAD fires 200 ms into the audio: pre-roll must bring those frames back.
    down, _ = await run_test(
        stt, frames_to_send=_frames(pcm, speech_from=10), pipeline_params=PARAMS
    )
    text = next(f for f in down if isinstance(f, TranscriptionFrame)).text
    assert "go" in text.split()


async def test_silence_produces_no_transcription(pool):
    stt = PocketsphinxSTTService(pool=pool)
    down, _ = await run_test(
        stt, frames_to_send=_frames(bytes(8000), speech_from=2), pipeline_params=PARAMS
    )
    assert not [f for f in down if isinstance(f, TranscriptionFrame)]


async def test_expectation_biases_the_next_utterance(pool):
    from switchboard.speech.evaluation import flite_available, flite_say

    if not flite_available():
        pytest.skip("flite is not installed")
    pcm = phone_path(*flite_say("Round Rock"))
    stt = PocketsphinxSTTService(pool=pool)
    stt.set_expectation("office", ["Coral Gables", "Round Rock", "Hialeah"])
    down, _ = await run_test(
        stt, frames_to_send=_frames(pcm, speech_from=0), pipeline_params=PARAMS
    )
    frame = next(f for f in down if isinstance(f, TranscriptionFrame))
    # The office grammar's words travel as an alternative reading (the free decoders heard
    # "burnham brought"); the dialogue acts on it because the free words answer nothing.
    assert "round rock" in (frame.text, *frame.result.alternatives)


async def test_engine_failure_pushes_an_error_frame_and_no_transcript(settings):
    dead_pool = DecoderPool(settings, workers=1)  # never started: every open fails
    stt = PocketsphinxSTTService(pool=dead_pool)
    pcm = bytes(3200)
    down, up = await run_test(
        stt, frames_to_send=_frames(pcm, speech_from=1), pipeline_params=PARAMS
    )
    assert not [f for f in down if isinstance(f, TranscriptionFrame)]
    errors = [f for f in up if isinstance(f, ErrorFrame)]
    assert errors and not errors[0].fatal
