"""End of turn: joins a caller's pauses into one utterance before the dialogue hears it.

Sits between the recognizer and the dialogue. The VAD runs with a short stop (VAD_STOP_SECS),
so the recognizer finalizes each stretch of speech ~a pause after it ends. At each pause this
processor holds the ``VADUserStoppedSpeakingFrame`` and the transcript, asks the pure policy
(:mod:`switchboard.pipeline.turn_policy`: the words first, then smart-turn) whether the turn is
over, and:

- complete: pushes the held stop frame and one ``TranscriptionFrame`` with the whole turn's
  words, at once;
- incomplete: keeps waiting; if the caller speaks again the ``VADUserStartedSpeakingFrame`` is
  swallowed (downstream the caller never stopped) and the next stretch joins the turn; after
  TURN_MAX_PAUSE_SECS of pause (counted from the caller's last voiced audio) the turn is
  finalized whatever the model thinks.

While the agent is speaking (barge-in mode: no echo gate) pauses are not held, so an
interruption is never delayed. Downstream therefore sees exactly one start/stop pair and one
transcript per caller turn. Audio and every other frame pass straight through. Smart-turn runs
in the shared executor (:mod:`switchboard.speech.smart_turn`) while the recognizer finishes, so
it adds no wait unless it is slower than the recognizer; its times are kept in
``inference_ms``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, is_dataclass, replace
from typing import Any

from loguru import logger
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    STTMetadataFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import (
    FrameDirection,
    FrameProcessor,
    FrameProcessorSetup,
)

from switchboard.pipeline.turn_policy import Verdict, judge
from switchboard.speech import smart_turn

# What smart-turn hears before the first VAD start (the VAD fires after speech began).
PRE_SPEECH_SECS = 0.5
Predictor = Callable[[bytes, int], Awaitable[smart_turn.TurnPrediction]]
# (the turn's words so far, what the agent asked for) -> do they answer it?
Answered = Callable[[str, str | None], bool]


@dataclass
class TurnStats:
    """Counts for this call (read by metrics)."""

    turns: int = 0
    joined_pauses: int = 0  # pauses the caller resumed after, inside one turn
    released_by: dict[str, int] = field(default_factory=dict)


class EndOfTurnProcessor(FrameProcessor):
    """Holds each pause until the caller's turn is over; one utterance per turn downstream.

    Args:
        max_pause_secs: longest pause (from the last voiced audio) a turn may contain.
        threshold: smart-turn probability at or above which a pause ends the turn.
        predictor: async ``(pcm16, sample_rate) -> TurnPrediction``; default: the shared model.
        stt_grace_secs: how long to wait for a pause's transcript before judging without it
            (only matters when the recognizer heard no words); the recognizer's
            ``STTMetadataFrame`` p99 replaces it when larger.
        answered: whether the words so far answer what the agent asked
            (:func:`switchboard.brain.answered.answers_question` bound to the business);
            such a pause ends the turn without waiting for the model.
    """

    def __init__(
        self,
        *,
        max_pause_secs: float = 2.0,
        threshold: float = 0.7,
        predictor: Predictor | None = None,
        stt_grace_secs: float = 0.3,
        answered: Answered | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self._answered = answered
        self._answered_memo: tuple[str, str | None, bool] | None = None  # one pause's answer
        self._max_pause = max_pause_secs
        self._threshold = threshold
        self._predictor: Predictor = predictor or smart_turn.predict
        self._grace = stt_grace_secs
        self._expect: str | None = None
        self._bot_speaking = False
        self._rate = 8000
        self._audio: deque[bytes] = deque()
        self._audio_bytes = 0
        self._turn_bytes = 0  # bytes of audio since the turn's pre-speech began
        self._in_turn = False
        self._held: VADUserStoppedSpeakingFrame | None = None
        self._texts: list[str] = []
        self._last_transcript: TranscriptionFrame | None = None
        self._awaiting_text = False
        self._probability: float | None = None
        self._model_failed = False
        self._pause = 0  # increments per pause; stale results are ignored
        self._infer_task: asyncio.Task | None = None
        self._grace_task: asyncio.Task | None = None
        self._limit_task: asyncio.Task | None = None
        self.stats = TurnStats()
        self.inference_ms: list[float] = []

    def set_expectation(self, kind: str | None, _phrases: object = ()) -> None:
        """What the agent just asked for ("phone" makes a short digit run incomplete)."""
        self._expect = kind

    # --- frames -------------------------------------------------------------------------
    async def setup(self, setup: FrameProcessorSetup) -> None:
        await super().setup(setup)
        self._rate = setup.audio_in_sample_rate or self._rate

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, BotStartedSpeakingFrame):  # upstream from the output transport
            self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
        if direction != FrameDirection.DOWNSTREAM:
            await self.push_frame(frame, direction)
            return
        if isinstance(frame, (EndFrame, CancelFrame)):
            await self._cancel_tasks()
            self._reset()
            await self.push_frame(frame, direction)
        elif isinstance(frame, STTMetadataFrame):
            self._grace = max(self._grace, frame.ttfs_p99_latency or 0.0)
            await self.push_frame(frame, direction)
        elif isinstance(frame, InputAudioRawFrame):
            self._keep_audio(frame.audio)
            await self.push_frame(frame, direction)
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            await self._on_speech_started(frame)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            await self._on_speech_stopped(frame)
        elif isinstance(frame, TranscriptionFrame) and self._in_turn:
            self._texts.append(frame.text)
            self._last_transcript = frame
            if self._held is not None:
                self._awaiting_text = False
                await self._cancel(self._grace_task)
                self._grace_task = None
                await self._decide()
        else:
            await self.push_frame(frame, direction)

    async def _on_speech_started(self, frame: VADUserStartedSpeakingFrame) -> None:
        if self._held is not None:  # the caller resumed inside the turn
            self.stats.joined_pauses += 1
            self._held = None
            self._pause += 1
            await self._cancel_pause_tasks()
            return
        if self._in_turn:  # a duplicate start: nothing to do
            return
        self._in_turn = True
        pre_speech = self._bytes_for(PRE_SPEECH_SECS + frame.start_secs)
        self._turn_bytes = min(self._audio_bytes, pre_speech)
        await self.push_frame(frame)

    async def _on_speech_stopped(self, frame: VADUserStoppedSpeakingFrame) -> None:
        if not self._in_turn or self._bot_speaking:
            # Caller speech over the agent's (barge-in mode) is judged at once, as plain VAD
            # would: holding it would delay the interruption.
            await self._cancel_pause_tasks()
            self._reset()
            await self.push_frame(frame)
            return
        await self._cancel_pause_tasks()
        self._held = frame
        self._pause += 1
        self._awaiting_text = True
        self._probability = None
        self._model_failed = False
        pause = self._pause
        audio = self._turn_audio()
        self._infer_task = self.create_task(self._infer(pause, audio), name="smart-turn")
        self._grace_task = self.create_task(self._text_grace(pause), name="turn-stt-grace")
        wait = max(0.0, self._max_pause - frame.stop_secs)
        self._limit_task = self.create_task(self._pause_limit(pause, wait), name="turn-max-pause")

    # --- the pause ----------------------------------------------------------------------
    async def _infer(self, pause: int, audio: bytes) -> None:
        try:
            prediction = await self._predictor(audio, self._rate)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the model must never stall a turn
            logger.warning(f"{self}: smart-turn failed ({exc!r}); judging without it")
            if pause == self._pause:
                self._model_failed = True
                self._infer_task = None
                await self._decide()
            return
        self.inference_ms.append(prediction.inference_ms)
        if pause != self._pause:
            return
        self._infer_task = None
        self._probability = prediction.probability
        await self._decide()

    async def _text_grace(self, pause: int) -> None:
        await asyncio.sleep(self._grace)
        if pause != self._pause:
            return
        self._grace_task = None
        self._awaiting_text = False
        await self._decide()

    async def _pause_limit(self, pause: int, wait: float) -> None:
        await asyncio.sleep(wait)
        if pause != self._pause or self._held is None:
            return
        self._limit_task = None
        await self._release("max pause")

    async def _decide(self) -> None:
        if self._held is None or self._awaiting_text:
            return
        text = " ".join(self._texts)
        decision = judge(
            text,
            self._probability,
            expect=self._expect,
            threshold=self._threshold,
            model_failed=self._model_failed,
            answered=self._answers(text),
        )
        logger.debug(f"{self}: pause judged {decision.verdict.value} ({decision.reason})")
        if decision.verdict == Verdict.COMPLETE:
            await self._release(decision.reason)

    def _answers(self, text: str) -> bool:
        """The answered check, run once per text: a pause is judged again when smart-turn's
        result arrives, with the same words."""
        if self._answered is None or not text.strip():
            return False
        memo = self._answered_memo
        if memo is not None and memo[:2] == (text, self._expect):
            return memo[2]
        try:
            answered = self._answered(text, self._expect)
        except Exception as exc:  # understanding must never stall a turn
            logger.warning(f"{self}: answered-check failed ({exc!r}); judging without it")
            answered = False
        self._answered_memo = (text, self._expect, answered)
        return answered

    async def _release(self, reason: str) -> None:
        held, transcript = self._held, self._last_transcript
        if held is None:
            return
        text = " ".join(t for t in self._texts if t.strip())
        earlier = " ".join(t for t in self._texts[:-1] if t.strip())
        # Take the turn before any await: the transcript's handler and smart-turn's result can
        # both judge the same pause complete, and the second must find nothing to release.
        self._reset()
        self.stats.turns += 1
        self.stats.released_by[reason] = self.stats.released_by.get(reason, 0) + 1
        self._pause += 1
        await self._cancel_pause_tasks()
        await self.push_frame(held)
        if transcript is not None and text:
            await self.push_frame(
                TranscriptionFrame(
                    text=text,
                    user_id=transcript.user_id,
                    timestamp=transcript.timestamp,
                    language=transcript.language,
                    result=_turn_result(transcript.result, earlier),
                    finalized=True,
                )
            )

    # --- state --------------------------------------------------------------------------
    def _bytes_for(self, secs: float) -> int:
        return int(secs * self._rate) * 2

    def _keep_audio(self, pcm: bytes) -> None:
        self._audio.append(pcm)
        self._audio_bytes += len(pcm)
        if self._in_turn:
            self._turn_bytes += len(pcm)
        limit = self._bytes_for(smart_turn.WINDOW_SECS + PRE_SPEECH_SECS + 1.0)
        while self._audio and self._audio_bytes - len(self._audio[0]) >= limit:
            self._audio_bytes -= len(self._audio.popleft())

    def _turn_audio(self) -> bytes:
        data = b"".join(self._audio)
        keep = min(len(data), self._turn_bytes, self._bytes_for(smart_turn.WINDOW_SECS))
        return data[len(data) - keep :] if keep else b""

    def _reset(self) -> None:
        self._in_turn = False
        self._held = None
        self._texts = []
        self._last_transcript = None
        self._awaiting_text = False
        self._probability = None
        self._model_failed = False
        self._turn_bytes = 0

    async def _cancel(self, task: asyncio.Task | None) -> None:
        if task is None or task.done() or task is asyncio.current_task():
            return
        await self.cancel_task(task)

    async def _cancel_pause_tasks(self) -> None:
        tasks = (self._infer_task, self._grace_task, self._limit_task)
        self._infer_task = self._grace_task = self._limit_task = None
        for task in tasks:
            await self._cancel(task)

    async def _cancel_tasks(self) -> None:
        self._pause += 1
        await self._cancel_pause_tasks()

    async def cleanup(self) -> None:
        await self._cancel_tasks()
        await super().cleanup()


def _turn_result(result: Any, earlier: str) -> Any:
    """The last segment's engine result, its ``alternatives`` (other recognitions of that
    segment) prefixed with the turn's earlier words so they stand for the whole turn."""
    alternatives = getattr(result, "alternatives", None)
    if not alternatives or not earlier or not is_dataclass(result):
        return result
    return replace(result, alternatives=tuple(f"{earlier} {alt}" for alt in alternatives))
