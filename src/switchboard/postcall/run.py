"""The post-call step: finalize the request and queue one outbox row per target (C5.2, C5.4).

:func:`finalize_call` runs inside the transaction that closes the call record (and again from
crash recovery), so the call's outcome and its deliveries are written together or not at all.
It is idempotent: request finalization is a pure function of the record, and outbox rows are
keyed ``<CallSid>:<target>`` and inserted only when new.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.crm.base import setting, setting_list
from switchboard.storage import outbox_repo, repo
from switchboard.storage.models import Call

# What a complete request holds, per outcome; anything else missing is still delivered,
# with the gap named so staff know to ask on the callback.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "request_captured": (
        "patient_name",
        "callback_number",
        "office",
        "reason",
        "insurance",
        "preferred_time",
    ),
    "message_taken": ("patient_name", "callback_number", "reason"),
    "emergency": ("patient_name", "callback_number"),
    "transferred": ("patient_name", "callback_number"),
    "abandoned": ("patient_name", "callback_number", "reason"),
}
DEFAULT_TARGETS = "file"
DEFAULT_CRM_OUTCOMES = "request_captured,message_taken,emergency,transferred,abandoned"
DEFAULT_NOTIFY_OUTCOMES = "emergency,transferred"
KNOWN_TARGETS = ("odoo", "webhook", "file")


def finalize_request(call: Call) -> tuple[dict[str, Any], list[str]]:
    """The request as staff get it, and the names of the fields that are missing.

    The caller-ID from the carrier is kept beside what was said and stands in for a callback
    number nobody gave (C5.2: the caller-ID is trusted over anything a model says).
    """
    req = dict(call.request or {})
    req.pop("gaps", None)
    if not str(req.get("callback_number") or "").strip() and call.from_number:
        req["callback_number"] = call.from_number
        req["callback_source"] = "caller_id"
        req["phone_confirmed"] = bool(req.get("phone_confirmed"))
    req["caller_id"] = call.from_number or ""
    if req.get("insurance"):
        req["insurance_note"] = "as said by the caller; staff to verify"
    required = REQUIRED_FIELDS.get(call.outcome or "", ())
    gaps = [f for f in required if not str(req.get(f) or "").strip()]
    req["gaps"] = gaps
    return req, gaps


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def call_document(call: Call, request: dict[str, Any], gaps: list[str]) -> dict[str, Any]:
    """The self-contained snapshot every target receives (JSON-ready)."""
    return {
        "call_sid": call.call_sid,
        "business_id": call.business_id,
        "direction": call.direction,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "started_at": _iso(call.started_at or call.created_at),
        "ended_at": _iso(call.ended_at),
        "ended_by": call.ended_by,
        "end_reason": call.end_reason,
        "outcome": call.outcome,
        "request": request,
        "gaps": gaps,
        "questions": list(call.questions or []),
        "transcript": [
            {
                "speaker": t.speaker,
                "text": t.text,
                "start_s": t.start_s,
                "end_s": t.end_s,
            }
            for t in call.turns
        ],
        "recording_path": call.recording_path,
    }


def planned_rows(settings: Any, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The outbox rows a finished call gets under the current settings."""
    sid = doc["call_sid"]
    outcome = doc.get("outcome") or "no_request"
    rows: list[dict[str, Any]] = []
    transcribe_key: str | None = None
    stt = str(setting(settings, "postcall_stt", "none")).lower()
    if stt != "none" and doc.get("recording_path"):
        transcribe_key = f"{sid}:transcribe"
        rows.append({"key": transcribe_key, "call_sid": sid, "target": "transcribe"})
    crm_outcomes = setting_list(settings, "crm_outcomes", DEFAULT_CRM_OUTCOMES)
    for target in setting_list(settings, "crm_targets", DEFAULT_TARGETS):
        if target not in KNOWN_TARGETS:
            continue
        # The file is the archive: it keeps every call; CRMs get the outcomes staff act on.
        if target != "file" and "all" not in crm_outcomes and outcome not in crm_outcomes:
            continue
        key = f"{sid}:{target}"
        rows.append({"key": key, "call_sid": sid, "target": target, "after_key": transcribe_key})
    notify = str(setting(settings, "notify", "none")).lower()
    if notify != "none" and outcome in setting_list(
        settings, "notify_outcomes", DEFAULT_NOTIFY_OUTCOMES
    ):
        # Urgent: never waits for the transcript.
        rows.append({"key": f"{sid}:notify", "call_sid": sid, "target": "notify"})
    for row in rows:
        row["payload"] = doc
    return rows


async def finalize_call(session: AsyncSession, *, call_sid: str, settings: Any) -> None:
    """Finalize the call's request (gaps marked) and queue its deliveries; never commits.

    Safe to call again for the same call: nothing changes the second time.
    """
    call = await repo.get_call(session, call_sid=call_sid, with_turns=True)
    if call is None:
        raise LookupError(f"no call {call_sid}")
    request, gaps = finalize_request(call)
    if call.request != request:
        call.request = request
        await session.flush()
    doc = call_document(call, request, gaps)
    rows = planned_rows(settings, doc)
    existing = await outbox_repo.keys_for_call(session, call_sid=call_sid)
    await outbox_repo.enqueue(session, rows=[r for r in rows if r["key"] not in existing])
