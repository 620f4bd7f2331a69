"""Per-call metrics (C3.5): what one call's pipeline did, timed on the server.

:class:`CallMetrics` is the pure core: it is fed timed events (caller utterance ended, transcript
out of STT, reply handed to TTS, first TTS audio, first agent frame sent...) and summarizes them.
:class:`CallMetricsObserver` is the thin Pipecat adapter: a pipeline observer, so it sees every
frame's *first* push anywhere in the pipeline without adding a stage to the audio path, and it
times each event by the pipeline clock at the moment of the push (not when the observer's own
task gets round to it).

Turn latency is "caller's last voiced frame -> first agent frame sent": the VAD's stop decision
minus its ``stop_secs`` (the silence it waited for) to the output transport's
``BotStartedSpeakingFrame``, which it pushes right before writing the turn's first frame. A turn
counts when the agent starts speaking within :data:`REPLY_WINDOW_S` of the utterance and before
the caller speaks again (a re-prompt after seconds of silence is not a reply).

Engine times per turn: ``stt_ms`` (VAD stop -> the recognizer's transcript pushed, i.e. its
post-turn work as the call felt it), ``turn_wait_ms`` (that transcript -> the transcript the
dialogue acts on, when an end-of-turn stage holds pauses; 0 without one), ``flow_ms`` (final
transcript -> reply text pushed), ``tts_ms`` (reply text pushed -> first synthesized audio).
``overhead_ms`` is what is left of the latency after the VAD's endpointing wait, the end-of-turn
decision and the engines: queues, frame plumbing, the output transport (and the flow step,
which is Switchboard's own code).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    InputAudioRawFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.observers.base_observer import BaseObserver, FramePushed
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.stt_service import STTService
from pipecat.services.tts_service import TTSService
from pipecat.transports.base_input import BaseInputTransport
from pipecat.transports.base_output import BaseOutputTransport

from switchboard.brain.understanding import is_filler_only

REPLY_WINDOW_S = 3.0  # longer than the reply deadline (2.5 s), shorter than a re-prompt (7 s)
VERY_SHORT_S = 0.3  # voiced less than this: a cough, a click, a blip of echo
FRAME_MS = 20.0
LATE_GAP_MS = 60.0  # an outbound frame this long after the previous one left a gap in the audio
DEFAULT_FILLERS = ("um", "uh", "hmm", "mm", "er")


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def spread(values: list[float]) -> dict[str, float | int | None]:
    """``{"n", "p50", "p95", "max"}`` of a list of milliseconds."""
    return {
        "n": len(values),
        "p50": _r(statistics.median(values)) if values else None,
        "p95": _r(percentile(values, 0.95)),
        "max": _r(max(values)) if values else None,
    }


@dataclass
class Utterance:
    """One VAD speech segment of the caller (seconds on the pipeline clock)."""

    started_s: float | None
    voiced_end_s: float
    stopped_s: float  # when the VAD decided (voiced_end_s + its stop_secs)
    text: str | None = None
    transcript_s: float | None = None  # the recognizer's transcript of this segment


@dataclass
class TurnTiming:
    """One replied caller utterance: latency and where it went, in milliseconds."""

    latency_ms: float
    endpoint_ms: float  # the VAD's stop_secs wait
    stt_ms: float | None = None
    turn_wait_ms: float | None = None
    flow_ms: float | None = None
    tts_ms: float | None = None

    @property
    def overhead_ms(self) -> float:
        waits = (self.stt_ms or 0.0) + (self.turn_wait_ms or 0.0) + (self.tts_ms or 0.0)
        return max(0.0, self.latency_ms - self.endpoint_ms - waits)


@dataclass
class CallMetrics:
    """Per-call counters and timings, fed by events; :meth:`summary` makes the JSON."""

    fillers: frozenset[str] = frozenset(DEFAULT_FILLERS)
    reprompt_prefix: str = ""
    reply_window_s: float = REPLY_WINDOW_S
    frames_into_pipeline: int = 0
    frames_out: int = 0
    out_late_frames: int = 0
    out_max_gap_ms: float = 0.0
    interruptions: int = 0
    replies: int = 0
    reprompts: int = 0
    utterances: list[Utterance] = field(default_factory=list)
    turns: list[TurnTiming] = field(default_factory=list)
    tts_ms: list[float] = field(default_factory=list)
    _speech_started_s: float | None = None
    _awaiting: Utterance | None = None  # the utterance a reply would answer
    _reply_s: float | None = None  # reply text pushed, waiting for its first audio
    _final_transcript_s: float | None = None  # the last transcript anyone pushed
    _turn_wait_ms: float | None = None
    _turn_flow_ms: float | None = None
    _turn_tts_ms: float | None = None
    _bot_speaking: bool = False
    _last_out_s: float | None = None

    # --- events (times in seconds on one monotonic clock) -------------------------------
    def caller_audio(self) -> None:
        self.frames_into_pipeline += 1

    def speech_started(self, t: float, *, start_secs: float = 0.0) -> None:
        self._speech_started_s = t - start_secs
        self._awaiting = None  # the caller went on: no reply to the previous utterance yet

    def speech_stopped(self, t: float, *, stop_secs: float = 0.0) -> None:
        utt = Utterance(self._speech_started_s, voiced_end_s=t - stop_secs, stopped_s=t)
        self.utterances.append(utt)
        self._speech_started_s = None
        self._awaiting = utt
        self._turn_flow_ms = self._turn_tts_ms = self._turn_wait_ms = None

    def transcript(self, t: float, text: str, *, from_recognizer: bool = True) -> None:
        """A transcript pushed: by the recognizer (one per VAD segment), or a later stage
        (an end-of-turn processor's joined turn, ``from_recognizer=False``)."""
        self._final_transcript_s = t
        if not from_recognizer:
            return
        utt = next((u for u in reversed(self.utterances) if u.text is None), None)
        if utt is not None:
            utt.text, utt.transcript_s = text, t

    def reply_requested(self, t: float, text: str = "") -> None:
        self.replies += 1
        if self.reprompt_prefix and text.startswith(self.reprompt_prefix):
            self.reprompts += 1
        self._reply_s = t
        utt, final = self._awaiting, self._final_transcript_s
        if utt is not None and self._turn_flow_ms is None and final is not None:
            if final >= utt.stopped_s:
                self._turn_flow_ms = (t - final) * 1000
                if utt.transcript_s is not None:
                    self._turn_wait_ms = max(0.0, (final - utt.transcript_s) * 1000)

    def tts_audio(self, t: float) -> None:
        if self._reply_s is None:
            return
        ms = (t - self._reply_s) * 1000
        self.tts_ms.append(ms)
        self._reply_s = None
        if self._awaiting is not None and self._turn_tts_ms is None:
            self._turn_tts_ms = ms

    def agent_started(self, t: float) -> None:
        self._bot_speaking = True
        self._last_out_s = None
        utt, self._awaiting = self._awaiting, None
        if utt is None or t - utt.voiced_end_s > self.reply_window_s:
            return
        self.turns.append(
            TurnTiming(
                latency_ms=(t - utt.voiced_end_s) * 1000,
                endpoint_ms=(utt.stopped_s - utt.voiced_end_s) * 1000,
                stt_ms=None
                if utt.transcript_s is None
                else (utt.transcript_s - utt.stopped_s) * 1000,
                turn_wait_ms=self._turn_wait_ms,
                flow_ms=self._turn_flow_ms,
                tts_ms=self._turn_tts_ms,
            )
        )

    def agent_stopped(self) -> None:
        self._bot_speaking = False
        self._last_out_s = None

    def agent_frame_sent(self, t: float) -> None:
        self.frames_out += 1
        if self._bot_speaking and self._last_out_s is not None:
            gap = (t - self._last_out_s) * 1000
            self.out_max_gap_ms = max(self.out_max_gap_ms, gap)
            if gap > LATE_GAP_MS:
                self.out_late_frames += 1
        self._last_out_s = t

    def interrupted(self) -> None:
        self.interruptions += 1

    # --- summary ------------------------------------------------------------------------
    def utterance_counts(self) -> dict[str, int]:
        """total, empty (no words recognized), very_short, filler_only."""
        fillers = list(self.fillers)
        return {
            "total": len(self.utterances),
            "empty": sum(1 for u in self.utterances if not (u.text or "").strip()),
            "very_short": sum(
                1
                for u in self.utterances
                if u.started_s is not None and u.voiced_end_s - u.started_s < VERY_SHORT_S
            ),
            "filler_only": sum(
                1
                for u in self.utterances
                if (u.text or "").strip() and is_filler_only(u.text or "", fillers)
            ),
        }

    def summary(self) -> dict[str, Any]:
        """The JSON-ready metrics of this call (lists are per replied turn, in ms)."""
        turns = self.turns
        latencies = [t.latency_ms for t in turns]
        overheads = [t.overhead_ms for t in turns]
        stt = [t.stt_ms for t in turns if t.stt_ms is not None]
        flow = [t.flow_ms for t in turns if t.flow_ms is not None]
        waits = [t.turn_wait_ms for t in turns if t.turn_wait_ms is not None]
        return {
            "frames_into_pipeline": self.frames_into_pipeline,
            "frames_out": self.frames_out,
            "out_late_frames": self.out_late_frames,
            "out_max_gap_ms": _r(self.out_max_gap_ms),
            "utterances": self.utterance_counts(),
            "agent_replies": self.replies,
            "reprompts": self.reprompts,
            "interruptions": self.interruptions,
            "turn_latency": spread(latencies),
            "overhead": spread(overheads),
            "engines": {"stt": spread(stt), "flow": spread(flow), "tts": spread(self.tts_ms)},
            "turn_wait": spread(waits),
            "turns": [
                {
                    "latency_ms": _r(t.latency_ms),
                    "endpoint_ms": _r(t.endpoint_ms),
                    "stt_ms": _r(t.stt_ms),
                    "turn_wait_ms": _r(t.turn_wait_ms),
                    "flow_ms": _r(t.flow_ms),
                    "tts_ms": _r(t.tts_ms),
                    "overhead_ms": _r(t.overhead_ms),
                }
                for t in turns
            ],
        }


def for_profile(profile: Any) -> CallMetrics:
    """Metrics for a call to ``profile``: its filler words (all languages) and re-prompt line."""
    fillers = getattr(profile, "fillers", None) or {}
    words = frozenset(w for ws in fillers.values() for w in ws) or frozenset(DEFAULT_FILLERS)
    phrases = getattr(profile, "phrases", None)
    return CallMetrics(fillers=words, reprompt_prefix=getattr(phrases, "reprompt", "") or "")


def counters_of(processors: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """The numeric fields of each processor's ``counters`` (or ``stats``) dataclass, by
    snake-cased class name.

    The echo gate (``EchoGate.counters``: frames_in/frames_forwarded/frames_gated), the dialogue
    (``DialogueProcessor.counters``: barge_ins, fallbacks, ...) and the end-of-turn stage
    (``EndOfTurnProcessor.stats``) expose theirs this way; a processor without one is skipped,
    so this works whichever of them a pipeline has.
    """
    out: dict[str, dict[str, Any]] = {}
    for proc in processors:
        counters = getattr(proc, "counters", None) or getattr(proc, "stats", None)
        if counters is None or not is_dataclass(counters) or isinstance(counters, type):
            continue
        values = {
            f.name: getattr(counters, f.name)
            for f in fields(counters)
            if isinstance(getattr(counters, f.name), int | float)
        }
        out[_snake(type(proc).__name__)] = values
    return out


class CallMetricsObserver(BaseObserver):
    """Feeds a :class:`CallMetrics` from the frames pushed in a call's pipeline.

    Created with ``observe_every_push=False``: each frame is seen once, at its first push, so
    the cost is one queued event per frame (about 50 per second each way while audio flows).
    """

    def __init__(self, metrics: CallMetrics, **kwargs: Any) -> None:
        super().__init__(observe_every_push=False, **kwargs)
        self.metrics = metrics

    async def on_push_frame(self, data: FramePushed) -> None:
        frame, m = data.frame, self.metrics
        t = data.timestamp / 1e9
        if isinstance(frame, InputAudioRawFrame):
            if isinstance(data.source, BaseInputTransport):
                m.caller_audio()
        elif isinstance(frame, OutputAudioRawFrame):
            if isinstance(data.source, BaseOutputTransport):
                m.agent_frame_sent(t)
            elif isinstance(frame, TTSAudioRawFrame) and isinstance(data.source, TTSService):
                m.tts_audio(t)
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            m.speech_started(t, start_secs=frame.start_secs)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            m.speech_stopped(t, stop_secs=frame.stop_secs)
        elif isinstance(frame, TranscriptionFrame):
            m.transcript(t, frame.text, from_recognizer=isinstance(data.source, STTService))
        elif isinstance(frame, TTSSpeakFrame):
            m.reply_requested(t, frame.text)
        elif isinstance(frame, BotStartedSpeakingFrame):
            if data.direction == FrameDirection.DOWNSTREAM:
                m.agent_started(t)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            if data.direction == FrameDirection.DOWNSTREAM:
                m.agent_stopped()
        elif isinstance(frame, InterruptionFrame):
            if data.direction == FrameDirection.DOWNSTREAM:  # broadcasts come in pairs
                m.interrupted()


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _snake(name: str) -> str:
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    return out.removesuffix("_processor")
