"""EndOfTurnProcessor in a Pipecat pipeline: pauses joined into one turn, complete turns fast."""

from __future__ import annotations

import asyncio
import time

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.worker import PipelineParams
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.tests.utils import SleepFrame, run_test

from switchboard.pipeline.end_of_turn import EndOfTurnProcessor
from switchboard.speech.smart_turn import TurnPrediction

PARAMS = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)


class FakeModel:
    """Answers a fixed probability and remembers how much audio it was given."""

    def __init__(self, probability: float = 0.9, *, fail: bool = False, delay: float = 0.0):
        self.probability = probability
        self.fail = fail
        self.delay = delay
        self.calls: list[int] = []

    async def __call__(self, pcm: bytes, rate: int) -> TurnPrediction:
        self.calls.append(len(pcm))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("model broke")
        return TurnPrediction(self.probability, 1.0)


def audio(n: int = 5) -> list:
    return [InputAudioRawFrame(audio=bytes(320), sample_rate=8000, num_channels=1)] * n


def segment(text: str, *, pause: float) -> list:
    return [
        VADUserStartedSpeakingFrame(start_secs=0.15),
        *audio(),
        VADUserStoppedSpeakingFrame(stop_secs=0.2),
        TranscriptionFrame(text=text, user_id="", timestamp="t", finalized=True),
        SleepFrame(sleep=pause),
    ]


def kinds(frames, cls) -> list:
    return [f for f in frames if isinstance(f, cls)]


async def test_a_phone_number_read_in_groups_reaches_the_dialogue_as_one_utterance():
    model = FakeModel(0.95)  # smart-turn hears every digit group as a finished sentence
    turn = EndOfTurnProcessor(max_pause_secs=1.5, predictor=model)
    turn.set_expectation("phone")
    frames = [
        *segment("five one two", pause=0.3),
        *segment("five five five", pause=0.3),
        *segment("oh one nine nine", pause=0.3),
    ]
    down, _ = await run_test(turn, frames_to_send=frames, pipeline_params=PARAMS)
    transcripts = kinds(down, TranscriptionFrame)
    assert [t.text for t in transcripts] == ["five one two five five five oh one nine nine"]
    assert len(kinds(down, VADUserStartedSpeakingFrame)) == 1
    assert len(kinds(down, VADUserStoppedSpeakingFrame)) == 1
    stop = next(i for i, f in enumerate(down) if isinstance(f, VADUserStoppedSpeakingFrame))
    assert down.index(transcripts[0]) > stop
    assert len(kinds(down, InputAudioRawFrame)) == 15  # audio is never held
    assert turn.stats.joined_pauses == 2 and turn.stats.turns == 1


async def test_a_complete_turn_is_released_as_soon_as_the_model_says_so():
    turn = EndOfTurnProcessor(max_pause_secs=5.0, predictor=FakeModel(0.9))
    stamps: list[float] = []

    class Clock(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if isinstance(frame, TranscriptionFrame):
                stamps.append(time.monotonic())
            await self.push_frame(frame, direction)

    from pipecat.pipeline.pipeline import Pipeline

    started = time.monotonic()
    down, _ = await run_test(
        Pipeline([turn, Clock()]),
        frames_to_send=segment("the downtown office", pause=0.6),
        pipeline_params=PARAMS,
    )
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["the downtown office"]
    assert stamps and stamps[0] - started < 2.0  # not the 5 s maximum pause
    assert turn.stats.released_by == {"model: complete": 1}


def office_answered(text: str, expect: str | None) -> bool:
    return expect == "office" and "kendall" in text


async def _office_answer_after(expect: str, calls: list[str] | None = None):
    """'kendall i think' said after the agent asked for ``expect``; the model says unfinished."""

    def answered(text: str, asked: str | None) -> bool:
        if calls is not None:
            calls.append(text)
        return office_answered(text, asked)

    # the model answers after the transcript, so the pause is judged twice
    model = FakeModel(0.1, delay=0.1)
    turn = EndOfTurnProcessor(max_pause_secs=3.0, predictor=model, answered=answered)
    turn.set_expectation(expect)
    down, _ = await run_test(
        turn, frames_to_send=segment("kendall i think", pause=0.4), pipeline_params=PARAMS
    )
    return turn, down


async def test_a_turn_that_answers_the_question_is_released_without_waiting_for_the_model():
    turn, down = await _office_answer_after("office")
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["kendall i think"]
    assert turn.stats.released_by == {"answers the question": 1}


async def test_the_same_words_after_another_question_wait_for_the_model():
    calls: list[str] = []
    _, down = await _office_answer_after("name", calls)
    assert not kinds(down, TranscriptionFrame)
    # judged at the transcript and again at the model's answer; understood only once
    assert calls == ["kendall i think"]


async def test_a_failing_answered_check_never_stalls_the_turn():
    def broken(text: str, expect: str | None) -> bool:
        raise ValueError("understanding broke")

    turn = EndOfTurnProcessor(max_pause_secs=0.5, predictor=FakeModel(0.1), answered=broken)
    turn.set_expectation("office")
    down, _ = await run_test(
        turn, frames_to_send=segment("kendall", pause=1.0), pipeline_params=PARAMS
    )
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["kendall"]
    assert turn.stats.released_by == {"max pause": 1}


async def test_an_unfinished_turn_is_finalized_after_the_maximum_pause():
    turn = EndOfTurnProcessor(max_pause_secs=0.5, predictor=FakeModel(0.1))
    down, _ = await run_test(
        turn, frames_to_send=segment("maria lopez", pause=1.0), pipeline_params=PARAMS
    )
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["maria lopez"]
    assert turn.stats.released_by == {"max pause": 1}


async def test_the_turn_is_still_held_before_the_maximum_pause():
    turn = EndOfTurnProcessor(max_pause_secs=3.0, predictor=FakeModel(0.1))
    down, _ = await run_test(
        turn, frames_to_send=segment("maria lopez", pause=0.4), pipeline_params=PARAMS
    )
    assert not kinds(down, TranscriptionFrame)
    assert not kinds(down, VADUserStoppedSpeakingFrame)


async def test_a_failing_model_never_stalls_the_turn():
    turn = EndOfTurnProcessor(max_pause_secs=5.0, predictor=FakeModel(fail=True))
    down, _ = await run_test(
        turn, frames_to_send=segment("the downtown office", pause=0.4), pipeline_params=PARAMS
    )
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["the downtown office"]


async def test_the_model_hears_the_turn_from_before_the_vad_fired():
    model = FakeModel(0.9)
    turn = EndOfTurnProcessor(predictor=model)
    frames = [*audio(50), *segment("maria lopez", pause=0.3)]  # 1 s of audio before speech
    await run_test(turn, frames_to_send=frames, pipeline_params=PARAMS)
    # pre-speech 0.5 s + start 0.15 s = 32.5 frames clipped to whole bytes, plus the 5 frames
    assert model.calls == [int(0.65 * 8000) * 2 + 5 * 320]


async def test_speech_over_the_agent_is_not_held():
    turn = EndOfTurnProcessor(max_pause_secs=5.0, predictor=FakeModel(0.1))
    down, _ = await run_test(
        turn,
        frames_to_send=[BotStartedSpeakingFrame(), *segment("stop", pause=0.2)],
        pipeline_params=PARAMS,
    )
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["stop"]


class YieldingModel(FakeModel):
    """Like the real model (run in an executor): its answer comes back after a yield, while the
    transcript's own handling is still under way."""

    async def __call__(self, pcm: bytes, rate: int) -> TurnPrediction:
        await asyncio.sleep(0)
        return await super().__call__(pcm, rate)


async def test_a_pause_judged_complete_twice_at_once_releases_the_turn_once():
    turn = EndOfTurnProcessor(max_pause_secs=5.0, predictor=YieldingModel(0.9))
    down, _ = await run_test(
        turn, frames_to_send=segment("the downtown office", pause=0.6), pipeline_params=PARAMS
    )
    assert [t.text for t in kinds(down, TranscriptionFrame)] == ["the downtown office"]
    assert len(kinds(down, VADUserStoppedSpeakingFrame)) == 1
    assert turn.stats.turns == 1


async def test_other_recognitions_of_the_last_pause_stand_for_the_whole_turn():
    from switchboard.speech.recognizer import Recognition

    def heard(text: str, alternatives: tuple[str, ...]) -> Recognition:
        return Recognition(text, 0.5, 0, 1.0, 10, alternatives=alternatives)

    turn = EndOfTurnProcessor(max_pause_secs=1.5, predictor=FakeModel(0.95))
    turn.set_expectation("phone")  # digits keep the pauses in one turn
    first, second = segment("five one two", pause=0.3), segment("five five five", pause=1.8)
    for frames, alternatives in (
        (first, ("five one to",)),
        (second, ("fine five five", "five five")),
    ):
        text = frames[-2].text
        frames[-2] = TranscriptionFrame(
            text=text, user_id="", timestamp="t", finalized=True, result=heard(text, alternatives)
        )
    down, _ = await run_test(turn, frames_to_send=[*first, *second], pipeline_params=PARAMS)
    (transcript,) = kinds(down, TranscriptionFrame)
    assert transcript.text == "five one two five five five"
    assert transcript.result.alternatives == (
        "five one two fine five five",
        "five one two five five",
    )
