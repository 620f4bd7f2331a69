"""A caller reading a phone number with pauses, through the real VAD, recognizer and smart-turn.

The same chain as a call (Silero VAD at 8 kHz with the short stop -> pocketsphinx per segment ->
EndOfTurnProcessor with the shared smart-turn model), fed at real time so the pause timers run
as they would on a call. With plain VAD at the old 0.6 s stop the number arrives in three
pieces (bench/turn_bench.py); here it must arrive as one utterance.
"""

from __future__ import annotations

import numpy as np
import pytest
import pytest_asyncio
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.frames.frames import (
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.tests.utils import SleepFrame, run_test

from switchboard.pipeline.end_of_turn import EndOfTurnProcessor
from switchboard.settings import Settings
from switchboard.speech.decoder_pool import DecoderPool
from switchboard.speech.evaluation import flite_available, flite_say, phone_path
from switchboard.speech.pocketsphinx_stt import PocketsphinxSTTService

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

PARAMS = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)
GROUPS = ["five one two", "five five five", "oh one nine nine"]
PAUSE_SECS = 0.8  # longer than the old 0.6 s VAD stop


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def pool():
    settings = Settings(environment="test", max_concurrent_calls=2, stt_workers=1)
    pool = DecoderPool(settings, workers=1, preload=1)
    await pool.start()
    yield pool
    await pool.close()


def _speech(text: str) -> bytes:
    pcm = np.frombuffer(phone_path(*flite_say(text)), dtype=np.int16)
    voiced = np.nonzero(np.abs(pcm) > 300)[0]
    return pcm[: voiced[-1] + 1].tobytes()


def _paced(pcm: bytes) -> list:
    """20 ms frames, with a sleep every 100 ms so the audio arrives at real time."""
    frames: list = []
    for i in range(0, len(pcm) - 319, 320):
        frames.append(InputAudioRawFrame(audio=pcm[i : i + 320], sample_rate=8000, num_channels=1))
        if len(frames) % 6 == 5:
            frames.append(SleepFrame(sleep=0.1))
    return frames


async def test_a_caller_reading_a_phone_number_with_pauses_is_not_cut_off(pool):
    if not flite_available():
        pytest.skip("flite is not installed")
    gap = bytes(int(PAUSE_SECS * 8000) * 2)
    audio = bytes(8000) + gap.join(_speech(g) for g in GROUPS) + bytes(2 * 8000 * 3)
    vad = VADProcessor(
        vad_analyzer=SileroVADAnalyzer(
            sample_rate=8000, params=VADParams(start_secs=0.15, stop_secs=0.2)
        )
    )
    stt = PocketsphinxSTTService(pool=pool)
    turn = EndOfTurnProcessor(max_pause_secs=2.0)
    stt.set_expectation("phone")
    turn.set_expectation("phone")
    down, _ = await run_test(
        Pipeline([vad, stt, turn]), frames_to_send=_paced(audio), pipeline_params=PARAMS
    )
    transcripts = [f.text for f in down if isinstance(f, TranscriptionFrame)]
    print(f"transcripts={transcripts} stats={turn.stats} model_ms={turn.inference_ms}")
    assert len(transcripts) == 1, transcripts
    assert len([f for f in down if isinstance(f, VADUserStoppedSpeakingFrame)]) == 1
    assert turn.stats.joined_pauses >= 2  # the VAD did stop inside the number
    words = transcripts[0].split()
    # The first and the last digit group are both in the one utterance (the recognizer may
    # garble a word or two of flite's voice).
    assert "one" in words[:3] and words[-2:] == ["nine", "nine"] and len(words) >= 8
