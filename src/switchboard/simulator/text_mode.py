"""Text mode: the same dialogue processor and call record, with text in and text out.

Speech is replaced at both ends: caller lines enter as ``TranscriptionFrame``s, and a sink
stands in for TTS + transport by answering each ``TTSSpeakFrame`` with bot-started/stopped
frames at once. Time is virtual: a line of speech, a reply and a silence advance the clock by
their length, so silence scenarios run in milliseconds.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    TranscriptionFrame,
    TTSSpeakFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.workers.runner import WorkerRunner

from switchboard.brain.dialogue import CallerSilentFrame, DialogueProcessor, state_as_dict
from switchboard.brain.flow import staff_notes
from switchboard.pipeline.call_record import CallRecordHooks, RecordWriter
from switchboard.profiles import BusinessProfile
from switchboard.simulator.report import StepLog
from switchboard.simulator.scenario import HangUpStep, SayStep, Scenario, SilenceStep
from switchboard.storage import repo
from switchboard.storage.db import transaction

WORDS_PER_SEC = 2.7  # a caller's and the agent's speaking pace on the virtual clock
REPLY_WAIT_SECS = 0.5  # real time to wait for an (instant) text reply to a silence
LINE_WAIT_SECS = 5.0  # real time a caller line may take to be handled (a loaded CI machine)


class VirtualClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    def advance(self, secs: float) -> None:
        self.t += max(0.0, secs)


def speech_secs(text: str) -> float:
    return max(0.4, len(text.split()) / WORDS_PER_SEC)


class TextAgentSink(FrameProcessor):
    """Stands in for TTS and the carrier: every reply 'plays' instantly on the virtual clock."""

    def __init__(self, *, clock: VirtualClock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clock = clock
        self.replies: asyncio.Queue[str] = asyncio.Queue()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSSpeakFrame):
            await self.push_frame(BotStartedSpeakingFrame(), FrameDirection.UPSTREAM)
            self._clock.advance(speech_secs(frame.text))
            await self.push_frame(BotStoppedSpeakingFrame(), FrameDirection.UPSTREAM)
            self.replies.put_nowait(frame.text)
            return
        await self.push_frame(frame, direction)


@dataclass
class TextCallResult:
    call_sid: str
    ended_by: str
    end_reason: str
    duration_s: float
    steps: list[StepLog] = field(default_factory=list)


async def run_text_call(
    res: Any,
    scenario: Scenario,
    profile: BusinessProfile,
    *,
    now: datetime,
    max_seconds: float = 180.0,
) -> TextCallResult:
    """Play ``scenario`` through the dialogue in text; the call record lands in the database."""
    s = res.settings
    call_sid = "CA" + uuid.uuid4().hex
    caller_id = scenario.caller_id or "+10000000000"
    async with transaction(res.db) as session:
        await repo.create_call(
            session,
            call_sid=call_sid,
            account_sid="simulator",
            from_number=caller_id,
            to_number=scenario.business or "",
            business_id=profile.id,
            direction="simulated-text",
        )
        await repo.claim_stream(session, call_sid=call_sid, stream_sid="text", started_at=now)

    clock = VirtualClock()
    ended: dict[str, str] = {}
    finished = asyncio.Event()

    async def end_call(reason: str) -> None:
        ended.setdefault("by", "agent")
        ended.setdefault("reason", reason)
        finished.set()

    async def transfer() -> None:
        ended.setdefault("by", "agent")
        ended.setdefault("reason", "transfer")
        finished.set()

    writer = RecordWriter(res.db, call_sid=call_sid)
    hooks = _TextHooks(writer, call_sid=call_sid, end_call=end_call, transfer=transfer)
    dialogue = DialogueProcessor(
        profile=profile,
        caller_id=caller_id,
        called_number=scenario.business or "",
        now=now,
        hooks=hooks,
        hangup_delay_secs=0.0,
        silence_reprompt_secs=None,  # silences are driven on the virtual clock below
        clock=clock,
    )
    sink = TextAgentSink(clock=clock)
    worker = PipelineWorker(
        Pipeline([dialogue, sink]),
        idle_timeout_secs=None,
        enable_rtvi=False,
        enable_turn_tracking=False,
    )
    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    writer.start()
    run_task = asyncio.create_task(runner.run(), name=f"text-call-{call_sid}")
    steps: list[StepLog] = []
    try:
        await _next_reply(sink, wait_secs=5.0)  # the greeting
        for step in scenario.caller:
            if finished.is_set() or clock.t > max_seconds:
                break
            if isinstance(step, SayStep):
                log = StepLog(kind="say", text=step.say, sent_at_s=clock.t)
                clock.advance(speech_secs(step.say))
                log.speech_end_s = clock.t
                timing = {"start_s": log.sent_at_s, "end_s": log.speech_end_s}
                await worker.queue_frame(
                    TranscriptionFrame(text=step.say, user_id="caller", timestamp="", result=timing)
                )
                # Wait until the dialogue has handled the line, then for its reply if it made
                # one: a fixed short wait took a slow reply on a loaded machine for none.
                replied = await _line_handled(hooks, wait_secs=LINE_WAIT_SECS)
                reply = await _next_reply(sink, wait_secs=LINE_WAIT_SECS) if replied else None
                log.agent_replied = reply is not None
                log.reply_latency_ms = 0.0 if reply is not None else None
                steps.append(log)
            elif isinstance(step, SilenceStep):
                steps.append(StepLog(kind="silence", text=str(step.silence), sent_at_s=clock.t))
                await _silence(worker, sink, clock, step.silence, s.silence_reprompt_secs, finished)
            elif isinstance(step, HangUpStep):
                steps.append(StepLog(kind="hang_up", sent_at_s=clock.t))
                ended.setdefault("by", "caller")
                ended.setdefault("reason", "caller_hangup")
                await dialogue.handle_hangup()
                break
        # Out of lines and the call is still up: the caller stays silent.
        if not finished.is_set() and "by" not in ended:
            remaining = max(0.0, max_seconds - clock.t)
            await _silence(worker, sink, clock, remaining, s.silence_reprompt_secs, finished)
        if not finished.is_set() and "by" not in ended:
            ended.update(by="caller", reason="max_seconds")
            await dialogue.handle_hangup()
    finally:
        await worker.cancel(reason="text call over")
        await asyncio.gather(run_task, return_exceptions=True)
        state = dialogue.state
        duration = clock.t
        by, reason = ended.get("by", "system"), ended.get("reason", "unknown")
        writer.submit(
            lambda session: repo.finish_call(
                session,
                call_sid=call_sid,
                ended_by=by,
                end_reason=reason,
                outcome=state.outcome if state else None,
                request=state_as_dict(state.request) if state else None,
                questions=staff_notes(state) if state else None,
                metrics={"duration_s": round(duration, 3), "mode": "text"},
            )
        )
        await writer.close()
    return TextCallResult(call_sid, by, reason, duration, steps)


class _TextHooks(CallRecordHooks):
    """The call record's hooks, plus a signal each time the dialogue has handled a caller line
    (``replied``: whether it answered it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handled: asyncio.Queue[bool] = asyncio.Queue()

    def caller_said(self, text: str, *, start_s: float, end_s: float, meta: dict[str, Any]) -> None:
        super().caller_said(text, start_s=start_s, end_s=end_s, meta=meta)
        self.handled.put_nowait(bool(meta.get("replied")))


async def _line_handled(hooks: _TextHooks, *, wait_secs: float) -> bool:
    """Whether the dialogue replied to the line just sent (False if it never handled it, as
    when the call was already closing)."""
    try:
        return await asyncio.wait_for(hooks.handled.get(), wait_secs)
    except TimeoutError:
        return False


async def _next_reply(sink: TextAgentSink, *, wait_secs: float) -> str | None:
    try:
        reply = await asyncio.wait_for(sink.replies.get(), wait_secs)
    except TimeoutError:
        return None
    await asyncio.sleep(0.01)  # let the dialogue's after-speech task (hang-up) run
    return reply


async def _silence(
    worker: PipelineWorker,
    sink: TextAgentSink,
    clock: VirtualClock,
    secs: float,
    reprompt_secs: float,
    finished: asyncio.Event,
) -> None:
    """``secs`` of caller silence: the watchdog fires every ``reprompt_secs`` after the agent."""
    end = clock.t + secs
    while not finished.is_set() and clock.t + reprompt_secs <= end:
        clock.advance(reprompt_secs)
        await worker.queue_frame(CallerSilentFrame())
        await _next_reply(sink, wait_secs=REPLY_WAIT_SECS)
        await asyncio.sleep(0)  # let a closing hook run
    clock.t = max(clock.t, end) if not finished.is_set() else clock.t
