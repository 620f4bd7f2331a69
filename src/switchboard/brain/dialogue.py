"""The only Pipecat-facing brain module: runs the pure flow engine inside a call's pipeline.

Caller transcripts come in as ``TranscriptionFrame``s; replies leave as ``TTSSpeakFrame``s.
The processor also owns the call's time-based behaviour that depends on what the agent said:
the hang-up after a goodbye has finished playing (C1.4), the transfer after its line, and the
silence watchdog (C3.3). Everything it needs from the rest of the call (recording turns,
hanging up, transferring, hinting the recognizer) goes through :class:`DialogueHooks`.

Turn-taking (C3.2, C3.4):
- **Barge-in** (only when the echo gate is off): caller speech starting while the agent speaks
  makes a *candidate*; only a transcript with real (non-filler) words confirms it. Then the
  agent stops at once (a Pipecat interruption: the TTS drops what it holds, the output
  transport drains its queue and Twilio gets ``clear``) and the caller's words are answered.
  Filler-only utterances never interrupt and never get a reply, in either mode. The greeting
  (it carries the recording notice) and closing lines are never interrupted.
- **Never silent**: each caller utterance must be answered with audio within
  ``reply_deadline_secs``. The brain runs in a worker thread under that deadline; once the
  reply is handed to TTS, a watchdog waits for the output transport's
  ``BotStartedSpeakingFrame``. A brain that raises or stalls, a TTS that raises (an
  ``ErrorFrame`` comes back upstream) or stalls, all end the same way: the pending speech is
  interrupted and the fallback line is played from audio rendered at call start
  (:class:`~switchboard.speech.fallback_voice.FallbackVoice`), so it plays even when TTS is
  broken. The flow counts failures; the second one offers the front desk and transfers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from loguru import logger
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    DataFrame,
    EndFrame,
    ErrorFrame,
    Frame,
    StartFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from switchboard.brain import flow
from switchboard.brain.answered import choose_heard
from switchboard.brain.understanding import is_filler_only
from switchboard.profiles import BusinessProfile
from switchboard.speech.fallback_voice import FallbackVoice

# A reply that never starts playing (TTS failure) still ends or transfers the call after this.
END_WITHOUT_PLAYBACK_SECS = 12.0
# After a barge-in, how long to wait for the output to confirm the agent has stopped.
INTERRUPT_SETTLE_SECS = 0.5
# Cached fallback audio is pushed in chunks of this length (the output transport paces it).
FALLBACK_CHUNK_SECS = 0.2

Brain = Callable[[BusinessProfile, flow.FlowState, str], "tuple[flow.FlowState, flow.Reply | None]"]


@dataclass
class DialogueCounters:
    """Turn-taking counters (plain attributes, read by the call's metrics)."""

    fillers_ignored: int = 0  # filler-only utterances: no reply, no interruption
    barge_in_candidates: int = 0  # caller speech started while the agent spoke (barge-in mode)
    barge_ins: int = 0  # confirmed by real words: the agent stopped and answered
    fallbacks: int = 0  # fallback lines said (including the failure transfer line)
    brain_errors: int = 0
    brain_timeouts: int = 0
    tts_errors: int = 0
    tts_timeouts: int = 0
    alternatives_taken: int = 0  # turns acted on as another decoder heard them (choose_heard)
    emergency_interruptions: int = 0  # an earlier reply stopped for the emergency instruction


@dataclasses.dataclass
class CallerSilentFrame(DataFrame):
    """The caller has stayed silent for the re-prompt interval (from a watchdog or a driver)."""


class DialogueHooks(Protocol):
    """What the dialogue needs from the call around it."""

    def caller_said(self, text: str, *, start_s: float, end_s: float, meta: dict[str, Any]) -> None:
        """Record a caller utterance."""

    def agent_said(self, text: str, *, start_s: float, meta: dict[str, Any]) -> int:
        """Record an agent reply as it is sent to TTS; returns a turn handle."""

    def agent_finished(self, handle: int, *, end_s: float) -> None:
        """The reply with ``handle`` finished playing."""

    def state_changed(self, state: flow.FlowState) -> None:
        """The flow's state (request, outcome, questions) changed."""

    def expect(self, kind: str | None, phrases: list[str]) -> None:
        """The agent just asked for ``kind``; hint the recognizer."""

    async def end_call(self, reason: str) -> None:
        """Hang up (the reply has finished playing plus the grace pause)."""

    async def transfer(self) -> None:
        """Transfer the caller to the front desk."""


def state_as_dict(value: Any) -> dict[str, Any]:
    """A JSON-ready dict of a flow value (dataclass or pydantic model)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dict(dump(mode="json"))
    return dict(value)


class DialogueProcessor(FrameProcessor):
    """Feeds caller transcripts to the flow engine and speaks its replies."""

    def __init__(
        self,
        *,
        profile: BusinessProfile,
        caller_id: str,
        now: datetime,
        hooks: DialogueHooks,
        called_number: str = "",
        hangup_delay_secs: float,
        silence_reprompt_secs: float | None,
        clock: Callable[[], float] = time.monotonic,
        reply_deadline_secs: float | None = None,
        barge_in: bool = False,
        fallback_voice: FallbackVoice | None = None,
        brain: Brain = flow.step,
        language: str = "en",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._profile = profile
        self._caller_id = caller_id
        self._called_number = called_number
        self._now = now
        self._hooks = hooks
        self._hangup_delay = hangup_delay_secs
        self._silence_secs = silence_reprompt_secs
        self._clock = clock
        self._t0 = clock()
        self._state: flow.FlowState | None = None
        self._bot_speaking = False
        self._user_speaking = False
        self._user_started_s = 0.0
        self._user_stopped_s = 0.0
        self._pending_handles: list[int] = []
        self._after_speech: str | None = None  # "end:<reason>" | "transfer"
        self._closing = False
        self._after_task: asyncio.Task | None = None
        self._fallback_task: asyncio.Task | None = None
        self._silence_task: asyncio.Task | None = None
        self._deadline = reply_deadline_secs
        self._barge_in = barge_in
        self._fallback_voice = fallback_voice
        self._brain = brain
        self._fillers = profile.fillers_for(language)
        self._greeting_played = False
        self._candidate = False
        self._awaiting_audio = False
        self._bot_quiet = asyncio.Event()
        self._bot_quiet.set()
        self._reply_watch: asyncio.Task | None = None
        self._prepare_task: asyncio.Task | None = None
        self.counters = DialogueCounters()

    # --- public -------------------------------------------------------------------------
    @property
    def state(self) -> flow.FlowState | None:
        return self._state

    @property
    def closing(self) -> bool:
        return self._closing

    def elapsed(self) -> float:
        return self._clock() - self._t0

    async def handle_silence(self) -> None:
        """The caller has been silent for the re-prompt interval after the agent's turn."""
        if self._state is None or self._closing or self._bot_speaking or self._user_speaking:
            return
        self._state, reply = flow.on_silence(self._profile, self._state)
        self._hooks.state_changed(self._state)
        await self._speak(reply, reason="silence")

    async def handle_caller_text(
        self,
        text: str,
        *,
        start_s: float,
        end_s: float,
        alternatives: tuple[str, ...] = (),
    ) -> bool:
        """Run one caller utterance through the flow; True when the agent replied.

        ``alternatives`` are other recognitions of the same words (see
        :func:`switchboard.brain.answered.choose_heard`): one is acted on instead of ``text``
        only when it answers the question asked and ``text`` does not.
        """
        if self._state is None or self._closing:
            return False
        candidate, self._candidate = self._candidate, False
        self._cancel_silence()
        text = text.strip()
        if is_filler_only(text, self._fillers):
            # "um", "uh", "mm": never a turn, never an interruption (in either mode).
            self.counters.fillers_ignored += 1
            self._hooks.caller_said(
                text, start_s=start_s, end_s=end_s, meta={"replied": False, "filler": True}
            )
            self._arm_silence()
            return False
        started = self._clock()
        barged = False
        if candidate and self._barge_in_allowed():
            barged = True
            await self._interrupt_for_barge_in()
        failure: str | None = None
        try:
            heard, (new_state, reply) = await self._think(text, alternatives)
        except TimeoutError:
            logger.warning("the brain missed the reply deadline; speaking the fallback line")
            self.counters.brain_timeouts += 1
            failure = "brain_timeout"
        except Exception:  # the brain must never leave the caller in dead air
            logger.exception("the brain failed; speaking the fallback line")
            self.counters.brain_errors += 1
            failure = "brain_error"
        if failure is not None:
            meta = {"replied": True, "failure": failure}
            if barged:
                meta["barge_in"] = True
            self._hooks.caller_said(text, start_s=start_s, end_s=end_s, meta=meta)
            await self._fail_turn()
            return True
        if heard != text:
            # Counted here, not in the worker: a turn that missed its deadline was not acted on.
            self.counters.alternatives_taken += 1
            text = heard
        urgent = new_state.emergency and not self._state.emergency
        self._state = new_state
        meta = {"replied": reply is not None}
        if barged:
            meta["barge_in"] = True
        self._hooks.caller_said(text, start_s=start_s, end_s=end_s, meta=meta)
        self._hooks.state_changed(new_state)
        if reply is None:
            self._arm_silence()
            return False
        if urgent and (self._bot_speaking or self._pending_handles) and not barged:
            # Emergency signs heard while an earlier reply plays (the caller's words went on
            # past the pause that ended the last turn): the instruction comes at once, not
            # after "May I have your name?" (C4.6).
            self.counters.emergency_interruptions += 1
            logger.info("emergency signs while the agent spoke; stopping its reply")
            await self._interrupt()
        await self._speak(reply, reason="goodbye")
        self._watch_reply(started)
        return True

    async def handle_hangup(self) -> None:
        """The caller hung up: let the flow settle the outcome."""
        if self._state is not None:
            self._state = flow.on_hangup(self._profile, self._state)
            self._hooks.state_changed(self._state)

    # --- frames -------------------------------------------------------------------------
    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)

        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            self._prepare_fallback()
            await self._greet()
        elif isinstance(frame, (EndFrame, CancelFrame)):
            await self._cancel_tasks()
            await self.push_frame(frame, direction)
        elif isinstance(frame, CallerSilentFrame):
            await self.handle_silence()
        elif isinstance(frame, TranscriptionFrame):
            # Consumed here: the transcript's words reach the caller only through the flow.
            # A driver without VAD (text mode) may carry the utterance's times in `result`.
            timing = frame.result if isinstance(frame.result, dict) else {}
            await self.handle_caller_text(
                frame.text,
                start_s=float(timing.get("start_s", self._user_started_s)),
                end_s=float(timing.get("end_s", self._user_stopped_s)),
                alternatives=tuple(getattr(frame.result, "alternatives", ()) or ()),
            )
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            self._user_speaking = True
            self._user_started_s = self.elapsed()
            self._cancel_silence()
            if self._barge_in_allowed():
                # Phase one of a barge-in: only a transcript with real words confirms it.
                self._candidate = True
                self.counters.barge_in_candidates += 1
            await self.push_frame(frame, direction)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._user_speaking = False
            self._user_stopped_s = self.elapsed()
            self._arm_silence()
            await self.push_frame(frame, direction)
        elif isinstance(frame, BotStartedSpeakingFrame):
            if direction == FrameDirection.UPSTREAM:
                await self._on_bot_started()
            await self.push_frame(frame, direction)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            if direction == FrameDirection.UPSTREAM:
                await self._on_bot_stopped()
            await self.push_frame(frame, direction)
        elif isinstance(frame, ErrorFrame) and direction == FrameDirection.UPSTREAM:
            await self.push_frame(frame, direction)
            if self._awaiting_audio:
                # The reply's speech failed downstream (TTS raised): do not wait for the deadline.
                logger.warning(f"the reply failed downstream ({frame.error}); fallback line")
                self.counters.tts_errors += 1
                await self._fail_turn()
        else:
            await self.push_frame(frame, direction)

    async def cleanup(self) -> None:
        await self._cancel_tasks()
        await super().cleanup()

    # --- internals ----------------------------------------------------------------------
    async def _greet(self) -> None:
        if self._state is not None:
            return
        self._state, reply = flow.start(
            self._profile,
            caller_id=self._caller_id,
            now=self._now,
            called_number=self._called_number,
        )
        self._hooks.state_changed(self._state)
        await self._speak(reply, reason="goodbye")

    async def _think(
        self, text: str, alternatives: tuple[str, ...] = ()
    ) -> tuple[str, tuple[flow.FlowState, flow.Reply | None]]:
        """The words acted on and the brain's answer to them; under the reply deadline this
        runs in a worker thread."""
        assert self._state is not None
        state = self._state

        def think() -> tuple[str, tuple[flow.FlowState, flow.Reply | None]]:
            heard = choose_heard(self._profile, text, alternatives, state.expect)
            return heard, self._brain(self._profile, state, heard)

        if self._deadline is None:
            return think()
        return await asyncio.wait_for(asyncio.to_thread(think), timeout=self._deadline)

    def _barge_in_allowed(self) -> bool:
        return (
            self._barge_in
            and self._bot_speaking
            and self._greeting_played
            and not self._closing
            and self._after_speech is None
        )

    async def _interrupt_for_barge_in(self) -> None:
        """The caller's real words confirmed the barge-in: stop the agent now."""
        self.counters.barge_ins += 1
        logger.info("barge-in: the caller spoke over the agent; stopping its reply")
        await self._interrupt()

    async def _interrupt(self) -> None:
        """Stop what the agent is saying or about to say (TTS, output queue, Twilio's buffer)."""
        await self._cancel(self._reply_watch)
        self._reply_watch = None
        self._awaiting_audio = False
        end_s = self.elapsed()
        for handle in self._pending_handles:
            self._hooks.agent_finished(handle, end_s=end_s)
        self._pending_handles.clear()
        await self.broadcast_interruption()
        if self._bot_speaking:
            # The output answers the interruption with BotStoppedSpeakingFrame (a system frame,
            # handled while this task waits); new speech must not be mistaken for the old.
            try:
                await asyncio.wait_for(self._bot_quiet.wait(), INTERRUPT_SETTLE_SECS)
            except TimeoutError:
                self._bot_speaking = False
                self._bot_quiet.set()

    def _watch_reply(self, started: float) -> None:
        """Arm the deadline for the reply just handed to TTS to start playing."""
        if self._deadline is None or self._bot_speaking or self._closing:
            return
        self._awaiting_audio = True
        remaining = max(0.0, started + self._deadline - self._clock())
        self._reply_watch = self.create_task(
            self._reply_watchdog(remaining), name="dialogue-reply-deadline"
        )

    async def _reply_watchdog(self, secs: float) -> None:
        await asyncio.sleep(secs)
        if self._awaiting_audio:
            logger.warning("the reply did not start playing in time; speaking the fallback line")
            self.counters.tts_timeouts += 1
            self._reply_watch = None
            await self._fail_turn()

    async def _fail_turn(self) -> None:
        """An engine failed this turn: the fallback line now; the second time, the transfer."""
        if self._state is None:
            return
        self._awaiting_audio = False
        self._state, reply = flow.on_failure(self._profile, self._state)
        self._hooks.state_changed(self._state)
        self.counters.fallbacks += 1
        await self._interrupt()  # drop whatever the failed or stalled speech left queued
        audio = self._fallback_voice.audio(reply.text) if self._fallback_voice else None
        await self._speak(reply, reason="failure", audio=audio)

    def _prepare_fallback(self) -> None:
        if self._fallback_voice is None or self._prepare_task is not None:
            return
        phrases = self._profile.phrases
        self._prepare_task = self.create_task(
            self._fallback_voice.prepare([phrases.fallback, phrases.failure_transfer]),
            name="dialogue-fallback-audio",
        )

    async def _push_audio(self, audio: bytes) -> None:
        """Speak pre-rendered audio through the same output as every other reply."""
        assert self._fallback_voice is not None
        rate = self._fallback_voice.sample_rate
        step = max(2, int(rate * FALLBACK_CHUNK_SECS) * 2)
        await self.push_frame(TTSStartedFrame())
        for i in range(0, len(audio), step):
            await self.push_frame(
                TTSAudioRawFrame(audio=audio[i : i + step], sample_rate=rate, num_channels=1)
            )
        await self.push_frame(TTSStoppedFrame())

    async def _speak(self, reply: flow.Reply, *, reason: str, audio: bytes | None = None) -> None:
        self._cancel_silence()
        handle = self._hooks.agent_said(
            reply.text,
            start_s=self.elapsed(),
            meta={"expect": reply.expect, "end_call": reply.end_call, "transfer": reply.transfer},
        )
        self._pending_handles.append(handle)
        self._hooks.expect(reply.expect, list(getattr(reply, "expect_phrases", []) or []))
        if reply.transfer:
            self._after_speech = "transfer"
        elif reply.end_call:
            self._after_speech = f"end:{reason}"
        if self._after_speech:
            self._closing = True
            await self._cancel(self._fallback_task)
            self._fallback_task = self.create_task(
                self._finish_without_playback(), name="dialogue-end-fallback"
            )
        if audio is not None:
            await self._push_audio(audio)
        else:
            await self.push_frame(TTSSpeakFrame(reply.text))

    async def _on_bot_started(self) -> None:
        self._bot_speaking = True
        self._bot_quiet.clear()
        self._awaiting_audio = False
        await self._cancel(self._reply_watch)
        self._reply_watch = None
        self._cancel_silence()
        # More speech is playing: a pending hang-up waits for it to finish.
        await self._cancel(self._after_task)
        self._after_task = None

    async def _on_bot_stopped(self) -> None:
        self._bot_speaking = False
        self._bot_quiet.set()
        self._greeting_played = True
        self._candidate = False
        end_s = self.elapsed()
        for handle in self._pending_handles:
            self._hooks.agent_finished(handle, end_s=end_s)
        self._pending_handles.clear()
        if self._after_speech:
            await self._cancel(self._after_task)
            self._after_task = self.create_task(
                self._after_speech_done(self._hangup_delay), name="dialogue-after-speech"
            )
        else:
            self._arm_silence()

    async def _after_speech_done(self, delay: float) -> None:
        await asyncio.sleep(delay)
        action, self._after_speech = self._after_speech, None
        await self._cancel(self._fallback_task)
        self._fallback_task = None
        if action == "transfer":
            await self._hooks.transfer()
        elif action:
            await self._hooks.end_call(action.removeprefix("end:"))

    async def _finish_without_playback(self) -> None:
        await asyncio.sleep(END_WITHOUT_PLAYBACK_SECS)
        if self._after_speech and not self._bot_speaking:
            logger.warning("closing reply never finished playing; ending the call anyway")
            await self._after_speech_done(0)

    def _arm_silence(self) -> None:
        if self._silence_secs is None or self._closing or self._bot_speaking:
            return
        self._cancel_silence()
        self._silence_task = self.create_task(self._silence_timer(), name="dialogue-silence")

    async def _silence_timer(self) -> None:
        await asyncio.sleep(self._silence_secs or 0)
        self._silence_task = None
        await self.handle_silence()

    def _cancel_silence(self) -> None:
        if self._silence_task is not None and not self._silence_task.done():
            self._silence_task.cancel()
        self._silence_task = None

    async def _cancel(self, task: asyncio.Task | None) -> None:
        if task is None or task.done() or task is asyncio.current_task():
            return
        await self.cancel_task(task)

    async def _cancel_tasks(self) -> None:
        self._cancel_silence()
        for task in (self._after_task, self._fallback_task, self._reply_watch, self._prepare_task):
            await self._cancel(task)
        self._after_task = self._fallback_task = self._reply_watch = self._prepare_task = None
