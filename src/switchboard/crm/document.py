"""Staff-facing text built from a call document (the outbox payload): lead title, request
lines with gaps marked, the transcript (the high-accuracy caller channel when there is one).
"""

from __future__ import annotations

import html
from typing import Any

# Order and labels staff read; the keys are the call request's (C5.2).
REQUEST_LABELS: list[tuple[str, str]] = [
    ("patient_name", "Patient"),
    ("callback_number", "Callback number"),
    ("phone_confirmed", "Phone confirmed"),
    ("office", "Office"),
    ("reason", "Reason"),
    ("insurance", "Insurance"),
    ("preferred_time", "Preferred time"),
    ("resolved_date", "Resolved date (staff to verify)"),
]
GAP = "(not captured: ask on callback)"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def lead_title(doc: dict[str, Any]) -> str:
    """``"<reason> — <patient> (<office>)"`` with plain fallbacks for what is missing."""
    req = doc.get("request") or {}
    reason = _text(req.get("reason")) or _OUTCOME_TITLES.get(doc.get("outcome") or "", "Call")
    patient = _text(req.get("patient_name")) or _text(doc.get("from_number")) or "unknown caller"
    office = _text(req.get("office"))
    title = f"{reason} — {patient}"
    return f"{title} ({office})" if office else title


_OUTCOME_TITLES = {
    "request_captured": "Appointment request",
    "message_taken": "Message",
    "emergency": "URGENT call",
    "transferred": "Transferred call",
    "abandoned": "Unfinished call",
    "question_answered": "Question",
    "no_request": "Call",
}


def request_lines(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for every request field; gaps say so instead of being left out."""
    req = doc.get("request") or {}
    lines: list[tuple[str, str]] = []
    for key, label in REQUEST_LABELS:
        value = _text(req.get(key))
        if key == "insurance":
            value = f"{value} (as said; staff to verify)" if value else GAP
        elif key == "resolved_date":
            value = value or "-"
        elif key == "phone_confirmed":
            value = "yes" if req.get(key) else "no"
        else:
            value = value or GAP
        lines.append((label, value))
    lines.append(("Caller ID", _text(doc.get("from_number")) or "-"))
    lines.append(("Outcome", _text(doc.get("outcome")) or "-"))
    lines.append(("Called", _text(doc.get("to_number")) or "-"))
    lines.append(("Time", _text(doc.get("started_at") or doc.get("ended_at")) or "-"))
    gaps = doc.get("gaps") or []
    if gaps:
        lines.append(("Missing", ", ".join(gaps)))
    for q in doc.get("questions") or []:
        lines.append(("Question", _text(q.get("text") if isinstance(q, dict) else q)))
    return lines


def marker(doc: dict[str, Any]) -> str:
    """The CallSid marker written on a lead and searched for before creating one."""
    return f"CallSid: {doc['call_sid']}"


def description_html(doc: dict[str, Any]) -> str:
    rows = "".join(
        f"<li><b>{html.escape(label)}:</b> {html.escape(value)}</li>"
        for label, value in request_lines(doc)
    )
    return f"<ul>{rows}</ul><p>{html.escape(marker(doc))}</p>"


def description_text(doc: dict[str, Any]) -> str:
    lines = [f"{label}: {value}" for label, value in request_lines(doc)]
    return "\n".join([*lines, marker(doc)])


def transcript_entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The call's lines in time order: agent lines from the live transcript, caller lines
    from the high-accuracy transcript when the document carries one (``transcript_hq``)."""
    live = [t for t in doc.get("transcript") or [] if _text(t.get("text"))]
    hq = doc.get("transcript_hq") or None
    if not hq or not hq.get("segments"):
        return live
    caller = [
        {"speaker": "caller", "text": s["text"].strip(), "start_s": float(s.get("start_s", 0))}
        for s in hq["segments"]
        if _text(s.get("text"))
    ]
    agent = [t for t in live if t.get("speaker") != "caller"]
    return sorted([*agent, *caller], key=lambda t: float(t.get("start_s") or 0.0))


def _stamp(seconds: Any) -> str:
    s = int(float(seconds or 0))
    return f"{s // 60:02d}:{s % 60:02d}"


def transcript_text(doc: dict[str, Any]) -> str:
    return "\n".join(
        f"[{_stamp(t.get('start_s'))}] {t.get('speaker', '?')}: {_text(t.get('text'))}"
        for t in transcript_entries(doc)
    )


def transcript_html(doc: dict[str, Any]) -> str:
    source = "high-accuracy caller transcript" if doc.get("transcript_hq") else "live transcript"
    head = f"<p><b>Call transcript</b> ({source}) — {html.escape(marker(doc))}</p>"
    lines = "".join(
        f"<p>[{_stamp(t.get('start_s'))}] <b>{html.escape(str(t.get('speaker', '?')))}</b>: "
        f"{html.escape(_text(t.get('text')))}</p>"
        for t in transcript_entries(doc)
    )
    return head + (lines or "<p>(nothing was said)</p>")
