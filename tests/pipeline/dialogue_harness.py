"""A dialogue between a real Pipecat TTS service (whose failures tests choose) and a stand-in
output that 'plays' audio for as long as it lasts, answers interruptions like the real output
transport (stops at once, counts a Twilio ``clear``) and reports bot speech upstream."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    InterruptionFrame,
    TTSAudioRawFrame,
    TTSStoppedFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.workers.runner import WorkerRunner

from switchboard.brain.dialogue import DialogueProcessor
from switchboard.profiles import default_profiles_dir, load_profile
from switchboard.speech.fallback_voice import FallbackVoice

RATE = 8000
FALLBACK_BYTE = 0x11  # the stub fallback voice's audio is made of this byte
REPLY_BYTE = 0x22  # the stub TTS's audio
SPEECH_SECS_PER_CHAR = 0.004  # stub TTS audio length per character of text


def profile() -> Any:
    return load_profile(default_profiles_dir() / "bayside-vision.yaml")


class StubTTS(TTSService):
    """A TTS whose behaviour the test sets: ``ok``, ``raise`` or ``stall``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=TTSSettings(model="stub", voice="stub", language=None),
            **kwargs,
        )
        self.mode = "ok"
        self.texts: list[str] = []

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        self.texts.append(text)
        if self.mode == "raise":
            raise RuntimeError("TTS engine exploded")
        if self.mode == "stall":
            await asyncio.sleep(3600)
        n = int(len(text) * SPEECH_SECS_PER_CHAR * RATE) * 2
        yield TTSAudioRawFrame(
            audio=bytes([REPLY_BYTE]) * n, sample_rate=RATE, num_channels=1, context_id=context_id
        )


class PlayingOutput(FrameProcessor):
    """Plays TTS audio in real time (1 byte = 1/16000 s), stops on interruptions."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.speaking = False
        self.clears = 0
        self.played: list[tuple[str, float, int]] = []  # (kind, time started, bytes)
        self._pending = 0
        self._kind = ""
        self._play: asyncio.Task | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InterruptionFrame):
            self.clears += 1
            await self._stop()
        elif isinstance(frame, TTSAudioRawFrame) and frame.audio.strip(b"\x00"):
            kind = "fallback" if frame.audio[0] == FALLBACK_BYTE else "reply"
            if not self.speaking:
                self.speaking = True
                self._kind = kind
                self.played.append((kind, time.monotonic(), 0))
                await self.push_frame(BotStartedSpeakingFrame(), FrameDirection.UPSTREAM)
            k, t, b = self.played[-1]
            self.played[-1] = (k, t, b + len(frame.audio))
            self._pending += len(frame.audio)
        elif isinstance(frame, TTSStoppedFrame) and self.speaking and self._play is None:
            self._play = self.create_task(self._play_out(self._pending / (2 * RATE)))
        await self.push_frame(frame, direction)

    async def _play_out(self, secs: float) -> None:
        await asyncio.sleep(secs)
        self._play = None
        await self._stopped()

    async def _stop(self) -> None:
        if self._play is not None:
            await self.cancel_task(self._play)
            self._play = None
        await self._stopped()

    async def _stopped(self) -> None:
        self._pending = 0
        if self.speaking:
            self.speaking = False
            await self.push_frame(BotStoppedSpeakingFrame(), FrameDirection.UPSTREAM)


@dataclass
class Hooks:
    caller: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    agent: list[str] = field(default_factory=list)
    transferred: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    def caller_said(self, text: str, *, start_s: float, end_s: float, meta: dict) -> None:
        self.caller.append((text, meta))

    def agent_said(self, text: str, *, start_s: float, meta: dict) -> int:
        self.agent.append(text)
        return len(self.agent)

    def agent_finished(self, handle: int, *, end_s: float) -> None:
        pass

    def state_changed(self, state: Any) -> None:
        pass

    def expect(self, kind: str | None, phrases: list[str]) -> None:
        pass

    async def end_call(self, reason: str) -> None:
        self.ended.set()

    async def transfer(self) -> None:
        self.transferred.set()


class Call:
    """dialogue -> StubTTS -> PlayingOutput, running in a real PipelineWorker."""

    def __init__(
        self,
        *,
        deadline: float | None = 0.6,
        barge_in: bool = False,
        brain: Callable[..., Any] | None = None,
        wait_greeting: bool = True,
    ) -> None:
        from switchboard.brain import flow

        self.profile = profile()
        self.hooks = Hooks()
        self.tts = StubTTS()
        self.output = PlayingOutput()
        self.voice = FallbackVoice(
            sample_rate=RATE, render=lambda text: bytes([FALLBACK_BYTE]) * 1600
        )
        self.brain_impl: Callable[..., Any] = brain or flow.step
        self.dialogue = DialogueProcessor(
            profile=self.profile,
            caller_id="+13055550123",
            now=datetime(2026, 11, 21, 10, 0),
            hooks=self.hooks,
            hangup_delay_secs=0.05,
            silence_reprompt_secs=None,
            reply_deadline_secs=deadline,
            barge_in=barge_in,
            fallback_voice=self.voice,
            brain=lambda *a: self.brain_impl(*a),
        )
        self.worker = PipelineWorker(
            Pipeline([self.dialogue, self.tts, self.output]),
            params=PipelineParams(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE),
            idle_timeout_secs=None,
            enable_rtvi=False,
            enable_turn_tracking=False,
        )
        self._wait_greeting = wait_greeting
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> Call:
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(self.worker)
        self._task = asyncio.create_task(runner.run())
        await self.wait_for(lambda: self.output.played, 5)  # the greeting started
        if self._wait_greeting:
            await self.wait_for(lambda: not self.output.speaking, 10)  # ...and finished
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.worker.cancel(reason="test over")
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def send(self, frame: Frame) -> None:
        await self.worker.queue_frame(frame)

    @staticmethod
    async def wait_for(cond: Callable[[], Any], secs: float) -> float:
        start = time.monotonic()
        while not cond():
            if time.monotonic() - start > secs:
                raise AssertionError(f"condition not met within {secs} s")
            await asyncio.sleep(0.01)
        return time.monotonic() - start
