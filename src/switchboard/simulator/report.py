"""The report of one simulated call: the JSON of ``shared/scenarios/README.md`` and a transcript.

The README's fields (scenario, mode, passed, failures, call_sid, ended_by, outcome, duration_s,
turns, request, latencies_ms, metrics, recording_path) are a contract; ``steps`` (the caller's
own log of each scripted step) is an addition the expectation checks need.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Speaker = Literal["caller", "agent"]


@dataclass(slots=True)
class Turn:
    """One spoken turn, times in seconds from the start of the call."""

    speaker: Speaker
    text: str
    start_s: float
    end_s: float


@dataclass(slots=True)
class StepLog:
    """What the simulated caller did for one scripted step, and whether the agent replied.

    Attributes:
        kind: ``say``, ``silence`` or ``hang_up``.
        text: The line for ``say``; empty otherwise.
        sent_at_s: When the step began (first frame of speech for ``say``), from call start.
        speech_end_s: When the caller's last voiced frame went out (``say`` only).
        agent_replied: An agent turn began after this line and before the next step.
        reply_latency_ms: Caller's last voiced frame sent -> first voiced agent frame received.
    """

    kind: str
    text: str = ""
    sent_at_s: float | None = None
    speech_end_s: float | None = None
    agent_replied: bool = False
    reply_latency_ms: float | None = None


@dataclass(slots=True)
class CallReport:
    """Everything known about one simulated call, merged from the caller and the server."""

    scenario: str
    mode: str
    call_sid: str | None = None
    ended_by: str | None = None
    outcome: str | None = None
    duration_s: float | None = None
    turns: list[Turn] = field(default_factory=list)
    request: dict[str, Any] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    recording_path: str | None = None
    steps: list[StepLog] = field(default_factory=list)
    # None when the scenario has no `expect` (then both stay out of the JSON).
    passed: bool | None = None
    failures: list[str] | None = None

    def set_result(self, failures: list[str]) -> None:
        """Record the outcome of the expectation checks."""
        self.failures = list(failures)
        self.passed = not failures

    def to_dict(self) -> dict[str, Any]:
        """The JSON report as a dict, in the README's key order."""
        out: dict[str, Any] = {"scenario": self.scenario, "mode": self.mode}
        if self.passed is not None:
            out["passed"] = self.passed
            out["failures"] = list(self.failures or [])
        out.update(
            call_sid=self.call_sid,
            ended_by=self.ended_by,
            outcome=self.outcome,
            duration_s=_round(self.duration_s, 3),
            turns=[asdict(t) for t in self.turns],
            request=_jsonable(self.request),
            latencies_ms=[_round(x, 1) for x in self.latencies_ms],
            metrics=_jsonable(self.metrics),
            recording_path=self.recording_path,
            steps=[asdict(s) for s in self.steps],
        )
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON report (``--json FILE``)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def format_transcript(self) -> str:
        """A readable transcript for the console: timed turns, then a summary."""
        lines = [f"Scenario: {self.scenario}  [{self.mode}]"]
        if self.call_sid:
            lines.append(f"Call: {self.call_sid}")
        lines.append("")
        for turn in sorted(self.turns, key=lambda t: t.start_s):
            who = "AGENT " if turn.speaker == "agent" else "CALLER"
            lines.append(f"[{_clock(turn.start_s)}-{_clock(turn.end_s)}] {who}  {turn.text}")
        if not self.turns:
            lines.append("(no turns)")
        lines.append("")
        duration = f"{self.duration_s:.1f} s" if self.duration_s is not None else "?"
        lines.append(
            f"Ended by: {self.ended_by or '?'}   Outcome: {self.outcome or '?'}   "
            f"Duration: {duration}"
        )
        if self.request:
            lines.append("Request:")
            width = max(len(k) for k in self.request)
            for key, value in self.request.items():
                if value not in (None, "", []):
                    lines.append(f"  {key.ljust(width)}  {value}")
        lines.append(f"Latency: {latency_summary(self.latencies_ms)}")
        if self.recording_path:
            lines.append(f"Recording: {self.recording_path}")
        if self.passed is not None:
            if self.passed:
                lines.append("PASS")
            else:
                lines.append(f"FAIL ({len(self.failures or [])})")
                lines.extend(f"  - {reason}" for reason in self.failures or [])
        return "\n".join(lines)


@dataclass(slots=True)
class AgentTurnLog:
    """One agent turn as the caller heard it (seconds from the start of the call)."""

    start_s: float
    end_s: float
    first_received_s: float  # arrival of its first voiced frame (latency is measured to this)
    voiced_frames: int = 0


@dataclass(slots=True)
class MediaStats:
    """Counts and timing of the media on the stream, both ways."""

    frames_sent: int = 0
    max_send_lag_ms: float = 0.0
    media_messages_received: int = 0
    frames_received: int = 0
    bytes_received: int = 0
    first_agent_frame_s: float | None = None
    max_buffer_ms: float = 0.0
    burst_frames: int = 0  # frames that arrived while more than the allowance was queued
    late_frames: int = 0  # agent frames arriving > LATE_GAP_MS after the previous one, mid-turn
    max_gap_ms: float = 0.0  # the longest such gap between agent frames within a turn
    marks_received: int = 0
    marks_echoed: int = 0
    clears_received: int = 0
    unknown_messages: int = 0


@dataclass
class CallerSideResult:
    """What the simulated caller (and the fake carrier) saw of one call."""

    scenario: str
    call_sid: str
    account_sid: str
    from_: str
    to: str
    voice: str
    attempt: str = "failed"  # connected | busy | overflow | rejected | failed
    voice_status: int | None = None
    twiml: str | None = None
    stream_url: str | None = None
    stream_sid: str | None = None
    stream_parameters: dict[str, str] = field(default_factory=dict)
    fallback_dial: str | None = None
    ended_by: str | None = None  # agent | caller
    end_reason: str | None = None  # hangup | transfer | twiml | redirect | stream_closed |
    #                                hang_up (script) | max_seconds | busy | overflow | rejected
    transfer_target: str | None = None
    hit_max_seconds: bool = False
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    duration_s: float = 0.0
    steps: list[StepLog] = field(default_factory=list)
    agent_turns: list[AgentTurnLog] = field(default_factory=list)
    media: MediaStats = field(default_factory=MediaStats)
    audio_path: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def latencies_ms(self) -> list[float]:
        """Per replied line: caller's last voiced frame sent -> first agent frame received."""
        return [s.reply_latency_ms for s in self.steps if s.reply_latency_ms is not None]

    @property
    def metrics(self) -> dict[str, Any]:
        """Caller-side metrics for the report (JSON-ready)."""
        return {
            "attempt": self.attempt,
            "end_reason": self.end_reason,
            "transfer_target": self.transfer_target,
            "fallback_dial": self.fallback_dial,
            "hit_max_seconds": self.hit_max_seconds,
            "voice": self.voice,
            "agent_turns": [asdict(t) for t in self.agent_turns],
            "media": asdict(self.media),
            "errors": list(self.errors),
        }

    def caller_turns(self) -> list[Turn]:
        """The caller's lines as turns (the script's text, the times they were sent)."""
        return [
            Turn("caller", s.text, s.sent_at_s, (s.speech_end_s or s.sent_at_s) + 0.02)
            for s in self.steps
            if s.kind == "say" and s.sent_at_s is not None
        ]

    def apply_to(self, report: CallReport) -> CallReport:
        """Fill a report's caller-side fields (steps, latencies, media metrics, who ended it).

        Server-side facts (turn texts, outcome, request) come from the call record; fields
        already set on ``report`` are kept, except steps and latencies, which the caller owns.
        """
        report.call_sid = report.call_sid or self.call_sid
        report.ended_by = report.ended_by or self.ended_by
        report.duration_s = report.duration_s if report.duration_s is not None else self.duration_s
        report.steps = list(self.steps)
        report.latencies_ms = self.latencies_ms
        report.metrics["caller_side"] = self.metrics
        return report


def latency_summary(latencies_ms: list[float]) -> str:
    """`median 640 ms, worst 910 ms over 6 turns`, or `n/a`."""
    if not latencies_ms:
        return "n/a"
    median = statistics.median(latencies_ms)
    return (
        f"median {median:.0f} ms, worst {max(latencies_ms):.0f} ms "
        f"over {len(latencies_ms)} turn{'s' if len(latencies_ms) != 1 else ''}"
    )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes):02d}:{secs:05.2f}"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _jsonable(value: Any) -> Any:
    """Dates, datetimes and other odd values become strings so the report always serializes."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
