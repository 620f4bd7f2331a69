"""One live phone call: assembles its Pipecat pipeline, runs it, and closes its record.

Every exit path (agent goodbye, transfer, caller hang-up, socket drop, time limit, crash) goes
through :meth:`CallSession.run`'s ``finally``: the pipeline is cancelled, the recording closed,
the record completed and the capacity slot released. Nothing this class starts outlives it.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import WebSocket
from loguru import logger
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.workers.runner import WorkerRunner

from switchboard.brain.answered import answers_question
from switchboard.brain.dialogue import DialogueProcessor, state_as_dict
from switchboard.brain.flow import staff_notes
from switchboard.pipeline import call_metrics
from switchboard.pipeline.call_record import CallRecordHooks, RecordWriter
from switchboard.pipeline.echo_gate import EchoGate
from switchboard.pipeline.end_of_turn import EndOfTurnProcessor
from switchboard.pipeline.recorder import CallRecorder
from switchboard.postcall.run import finalize_call
from switchboard.profiles import BusinessProfile
from switchboard.speech.silero_shared import SharedSileroVADAnalyzer
from switchboard.storage import repo
from switchboard.storage.db import transaction
from switchboard.telephony import twiml
from switchboard.telephony.media_stream import SafeTwilioSerializer, StreamStart
from switchboard.telephony.paced_transport import PacedWebsocketTransport, twilio_params

if TYPE_CHECKING:
    from switchboard.app import AppResources

SAMPLE_RATE = 8000


def phone_vad(settings: Any, *, shared_session: bool = True) -> VADProcessor:
    """Silero VAD on the 8 kHz phone audio, tuned by the VAD_* settings.

    ``shared_session``: run on the process's one Silero session (about 10 MB less per call,
    no session build on the event loop at call start); False builds Pipecat's stock analyzer,
    as a plain Pipecat pipeline does (the bench's baseline).
    """
    analyzer = SharedSileroVADAnalyzer if shared_session else SileroVADAnalyzer
    return VADProcessor(
        vad_analyzer=analyzer(
            sample_rate=SAMPLE_RATE,
            params=VADParams(
                confidence=settings.vad_confidence,
                start_secs=settings.vad_start_secs,
                stop_secs=settings.resolved_vad_stop_secs,
                min_volume=settings.vad_min_volume,
            ),
        )
    )


@dataclass
class CallInfo:
    call_sid: str
    stream_sid: str
    account_sid: str
    from_number: str
    to_number: str
    profile: BusinessProfile


class CallSession:
    """A single call's pipeline and lifecycle."""

    def __init__(self, res: AppResources, info: CallInfo) -> None:
        self._res = res
        self.info = info
        self._worker: PipelineWorker | None = None
        self._ended_by: str | None = None
        self._end_reason: str | None = None
        self._hangup_result: str | None = None
        self._transfer_result: str | None = None
        self._ending = asyncio.Event()
        self._started = time.monotonic()
        self._writer = RecordWriter(res.db, call_sid=info.call_sid)
        self._serializer: SafeTwilioSerializer | None = None
        self._recorder: CallRecorder | None = None
        self._stt: Any = None
        self.hooks = CallRecordHooks(
            self._writer,
            call_sid=info.call_sid,
            end_call=self._agent_ends_call,
            transfer=self._agent_transfers,
            expect=self._hint_stt,
        )
        self.dialogue: DialogueProcessor | None = None
        self.echo_gate: EchoGate | None = None  # counters: self.echo_gate.counters
        self.end_of_turn: EndOfTurnProcessor | None = None  # stats, inference_ms

    # --- control used by the dialogue ---------------------------------------------------
    async def _agent_ends_call(self, reason: str) -> None:
        if self._ended_by is None:
            self._ended_by, self._end_reason = "agent", reason
        result = await self._res.rest.hang_up(self.info.call_sid)
        self._hangup_result = result.as_text()
        if not result.ok:
            logger.error(f"hang-up failed for call {self.info.call_sid}: {result.as_text()}")
        await self._stop_pipeline()

    async def _agent_transfers(self) -> None:
        if self._ended_by is None:
            self._ended_by, self._end_reason = "agent", "transfer"
        result = await self._res.rest.redirect_twiml(
            self.info.call_sid, twiml.dial(self.info.profile.front_desk)
        )
        # If the redirect failed, closing the stream still reaches the front desk: the TwiML
        # that opened the stream dials it after </Connect>.
        self._transfer_result = result.as_text() + (
            "" if result.ok else " (fell through to <Dial>)"
        )
        await self._stop_pipeline()

    def _hint_stt(self, kind: str | None, phrases: list[str]) -> None:
        setter = getattr(self._stt, "set_expectation", None)
        if callable(setter):
            setter(kind, phrases)
        if self.end_of_turn is not None:
            self.end_of_turn.set_expectation(kind, phrases)

    async def _caller_gone(self, reason: str) -> None:
        if self._ended_by is None:
            self._ended_by, self._end_reason = "caller", reason
            if self.dialogue is not None:
                await self.dialogue.handle_hangup()
        await self._stop_pipeline()

    async def _stop_pipeline(self) -> None:
        # Only signal: the pipeline is cancelled from run(), never from inside one of its own
        # processors' tasks (which the cancellation would itself cancel).
        self._ending.set()

    def shutdown(self) -> None:
        """The app is stopping: end this call (its record says so)."""
        if self._ended_by is None:
            self._ended_by, self._end_reason = "system", "shutdown"
        self._ending.set()

    # --- assembly -----------------------------------------------------------------------
    def _recording_path(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return self._res.settings.resolved_recordings_dir / f"{stamp}_{self.info.call_sid}.wav"

    def build(self, websocket: WebSocket) -> PipelineWorker:
        s = self._res.settings
        info = self.info
        self._serializer = SafeTwilioSerializer(
            stream_sid=info.stream_sid, call_sid=info.call_sid, account_sid=info.account_sid
        )
        # The one paced transmit path: every agent sound leaves here in 20 ms frames.
        transport = PacedWebsocketTransport(
            websocket, twilio_params(self._serializer, sample_rate=SAMPLE_RATE)
        )

        @transport.event_handler("on_client_disconnected")
        async def _on_disconnected(_transport: Any, _ws: Any) -> None:
            stopped = self._serializer is not None and self._serializer.counters.stopped
            await self._caller_gone("caller_hangup" if stopped else "stream_closed")

        vad = phone_vad(s)
        from switchboard.speech import engines
        from switchboard.speech.fallback_voice import FallbackVoice

        self._stt = engines.build_stt(s, pool=self._res.pool, domain=info.profile.id)
        # End of turn (C2.1): short VAD pauses, joined into one utterance until the caller's
        # words and smart-turn say the turn is over (see pipeline/end_of_turn.py).
        if s.end_of_turn == "smart":
            self.end_of_turn = EndOfTurnProcessor(
                max_pause_secs=s.turn_max_pause_secs,
                threshold=s.smart_turn_threshold,
                answered=partial(answers_question, info.profile),
            )
        # Half-duplex echo gate (C3.1): on for phone lines unless the business or settings say.
        gate_on = s.echo_gate and info.profile.echo_gate
        self.echo_gate = EchoGate(tail_secs=s.echo_tail_secs, enabled=gate_on)
        tts = engines.build_tts(s)
        self.dialogue = DialogueProcessor(
            profile=info.profile,
            caller_id=info.from_number,
            called_number=info.to_number,
            now=self._res.now(),
            hooks=self.hooks,
            hangup_delay_secs=s.hangup_delay_secs,
            silence_reprompt_secs=s.silence_reprompt_secs,
            reply_deadline_secs=s.reply_deadline_secs,
            barge_in=not gate_on,  # the gate off: the caller may interrupt (C3.2)
            fallback_voice=FallbackVoice(
                sample_rate=SAMPLE_RATE, voice=s.espeak_voice, rate=s.espeak_rate
            ),
        )
        from switchboard.pipeline.spoken_text_normalizer import SpokenTextNormalizer

        normalizer = SpokenTextNormalizer(
            agent_name=info.profile.agent.name, spoken_name=info.profile.agent.spoken_name
        )
        processors: list[Any] = [transport.input()]
        if s.record_calls:
            self._recorder = CallRecorder(self._recording_path(), sample_rate=SAMPLE_RATE)
            processors.append(self._recorder.input_tap)
        processors.append(self.echo_gate)
        processors += [vad, self._stt]
        if self.end_of_turn is not None:
            processors.append(self.end_of_turn)
        processors += [self.dialogue, normalizer, tts, transport.output()]
        if self._recorder is not None:
            processors.append(self._recorder.output_tap)
        self._call_metrics = call_metrics.for_profile(info.profile)
        self._worker = PipelineWorker(
            Pipeline(processors),
            params=PipelineParams(
                audio_in_sample_rate=SAMPLE_RATE, audio_out_sample_rate=SAMPLE_RATE
            ),
            idle_timeout_secs=None,
            enable_rtvi=False,
            enable_turn_tracking=False,
            observers=[call_metrics.CallMetricsObserver(self._call_metrics)],
        )
        return self._worker

    # --- lifecycle ----------------------------------------------------------------------
    async def run(self, websocket: WebSocket) -> None:
        """Run the call to its end; always completes the record and releases the slot."""
        self._writer.start()
        try:
            worker = self.build(websocket)
            if self._recorder is not None:
                path = str(self._recorder.path)
                self._writer.submit(
                    lambda s: repo.update_call(s, call_sid=self.info.call_sid, recording_path=path)
                )
            runner = WorkerRunner(handle_sigint=False)
            await runner.add_workers(worker)
            run_task = asyncio.create_task(runner.run(), name=f"call-{self.info.call_sid}")
            ending = asyncio.create_task(self._ending.wait(), name="call-ending")
            try:
                done, _ = await asyncio.wait(
                    {run_task, ending},
                    timeout=self._res.settings.max_call_secs,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if not done:
                    logger.warning(f"call {self.info.call_sid} reached the time limit")
                    await self._agent_ends_call("max_duration")
                if not run_task.done():
                    await worker.cancel(reason=self._end_reason or "ended")
                    await asyncio.wait_for(run_task, timeout=10)
            finally:
                for task in (ending, run_task):
                    if not task.done():
                        task.cancel()
                        await asyncio.gather(task, return_exceptions=True)
        except asyncio.CancelledError:
            if self._ended_by is None:
                self._ended_by, self._end_reason = "system", "shutdown"
            raise
        except Exception:
            logger.exception(f"call {self.info.call_sid} failed")
            if self._ended_by is None:
                self._ended_by, self._end_reason = "system", "error"
        finally:
            await self._finish()

    def metrics(self) -> dict[str, Any]:
        c = self._serializer.counters if self._serializer else None
        turns = self.hooks.turns
        base = {
            "duration_s": round(time.monotonic() - self._started, 3),
            "frames_in": c.media if c else 0,
            "malformed_messages": c.malformed if c else 0,
            "oversized_messages": c.oversized if c else 0,
            "unknown_events": c.unknown if c else 0,
            "caller_turns": sum(1 for t in turns if t["speaker"] == "caller"),
            "agent_turns": sum(1 for t in turns if t["speaker"] == "agent"),
            "unreplied_utterances": sum(
                1 for t in turns if t["speaker"] == "caller" and not t["meta"].get("replied")
            ),
            "record_write_failures": self._writer.failures,
        }
        # C3.5: what the pipeline did, timed on the server (see pipeline/call_metrics.py).
        measured: call_metrics.CallMetrics | None = getattr(self, "_call_metrics", None)
        if measured is None:
            return base
        parts = call_metrics.counters_of(
            getattr(self, name, None) for name in ("echo_gate", "dialogue", "end_of_turn")
        )
        gate, talk = parts.get("echo_gate", {}), parts.get("dialogue", {})
        into = measured.frames_into_pipeline
        summary = measured.summary()
        return base | {
            "frames_forwarded": gate.get("frames_forwarded", into),
            "frames_gated": gate.get("frames_gated", 0),
            "frames_dropped": max(0, base["frames_in"] - into),
            "barge_ins": talk.get("barge_ins", 0),
            "fallbacks": talk.get("fallbacks", 0),
            "reprompts": talk.get("reprompts", summary.pop("reprompts")),
            **summary,
            "stt_decode_ms": call_metrics.spread(
                list(getattr(self._stt, "decode_ms_history", None) or [])
            ),
            "smart_turn_ms": call_metrics.spread(
                list(getattr(getattr(self, "end_of_turn", None), "inference_ms", None) or [])
            ),
            "components": parts,
        }

    async def _finish(self) -> None:
        if self._recorder is not None:
            self._recorder.close()
        state = self.hooks.state
        if self._ended_by == "caller" and self.dialogue is not None and state is not None:
            state = self.dialogue.state or state
        info = self.info
        request = state_as_dict(state.request) if state is not None else None
        outcome = state.outcome if state is not None else None
        questions = staff_notes(state) if state is not None else None
        metrics = self.metrics()
        ended_by = self._ended_by or "system"
        reason = self._end_reason or "unknown"
        hangup = self._hangup_result
        transfer = self._transfer_result
        settings = self._res.settings

        async def close_record(s: Any) -> None:
            # One transaction: the record is closed and its CRM deliveries queued together.
            await repo.finish_call(
                s,
                call_sid=info.call_sid,
                ended_by=ended_by,
                end_reason=reason,
                outcome=outcome,
                request=request,
                questions=questions,
                metrics=metrics,
                hangup_result=hangup,
                transfer_result=transfer,
            )
            await finalize_call(s, call_sid=info.call_sid, settings=settings)

        self._writer.submit(close_record)
        try:
            await self._writer.close()
        finally:
            self._res.capacity.release(info.call_sid)
            if self._res.outbox is not None:
                self._res.outbox.wake()
            close = getattr(self._stt, "close_stream", None)
            if callable(close):
                try:
                    await close()
                except Exception:
                    logger.exception("closing the recognizer stream failed")
            summary = {
                "call_sid": info.call_sid,
                "ended_by": ended_by,
                "reason": reason,
                "outcome": outcome,
                **metrics,
            }
            logger.info(f"call summary {json.dumps(summary)}")


#: A call record still open this long after it was created cannot belong to a live call in
#: any process (MAX_CALL_SECS ends every call), so it was left by a process that died.
STALE_MARGIN_SECS = 60.0


async def close_stale_calls(res: AppResources) -> int:
    """Complete records left open by a process that died mid-call.

    Only records older than the longest possible call are touched: another server process
    sharing the database (or a second ``switchboard`` command on the same data directory) may
    be in the middle of the younger ones.
    """
    age = timedelta(seconds=res.settings.max_call_secs + STALE_MARGIN_SECS)
    async with transaction(res.db) as session:
        stale = await repo.unfinished_calls(session, created_before=datetime.now(UTC) - age)
        for call in stale:
            await repo.finish_call(
                session,
                call_sid=call.call_sid,
                ended_by="system",
                end_reason="process_restart",
                outcome=call.outcome or ("abandoned" if call.stream_sid else None),
            )
            await finalize_call(session, call_sid=call.call_sid, settings=res.settings)
    return len(stale)


def stream_info(
    start: StreamStart, *, from_number: str, to_number: str, profile: BusinessProfile
) -> CallInfo:
    return CallInfo(
        call_sid=start.call_sid,
        stream_sid=start.stream_sid,
        account_sid=start.account_sid,
        from_number=from_number,
        to_number=to_number,
        profile=profile,
    )
