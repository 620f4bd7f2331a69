"""Query functions: keyword-only arguments, never commit (the caller owns the transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from switchboard.storage.models import Call, CallEvent, Turn, utcnow


async def create_call(
    session: AsyncSession,
    *,
    call_sid: str,
    account_sid: str,
    from_number: str,
    to_number: str,
    business_id: str,
    direction: str = "inbound",
) -> Call:
    """Insert the call if it is new; a carrier retry of the same webhook returns the first row."""
    existing = await get_call(session, call_sid=call_sid)
    if existing is not None:
        return existing
    call = Call(
        call_sid=call_sid,
        account_sid=account_sid,
        from_number=from_number,
        to_number=to_number,
        business_id=business_id,
        direction=direction,
    )
    session.add(call)
    await session.flush()
    return call


async def get_call(
    session: AsyncSession, *, call_sid: str, with_turns: bool = False
) -> Call | None:
    stmt = select(Call).where(Call.call_sid == call_sid)
    if with_turns:
        stmt = stmt.options(selectinload(Call.turns))
    return (await session.execute(stmt)).scalar_one_or_none()


async def claim_stream(
    session: AsyncSession, *, call_sid: str, stream_sid: str, started_at: datetime
) -> bool:
    """Atomically mark the call's media stream as started; False if it already was (replay)."""
    result = await session.execute(
        update(Call)
        .where(Call.call_sid == call_sid, Call.stream_sid.is_(None))
        .values(stream_sid=stream_sid, started_at=started_at, carrier_status="in-progress")
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def add_turn(
    session: AsyncSession,
    *,
    call_sid: str,
    speaker: str,
    text: str,
    start_s: float,
    end_s: float | None = None,
    meta: dict[str, Any] | None = None,
    seq: int | None = None,
) -> Turn:
    """Append a turn; ``seq`` defaults to the next number for the call."""
    call = await get_call(session, call_sid=call_sid)
    if call is None:
        raise LookupError(f"no call {call_sid}")
    if seq is None:
        last = select(func.coalesce(func.max(Turn.seq), 0)).where(Turn.call_id == call.id)
        seq = (await session.execute(last)).scalar_one() + 1
    turn = Turn(
        call_id=call.id,
        seq=seq,
        speaker=speaker,
        text=text,
        start_s=start_s,
        end_s=end_s,
        meta=meta or {},
    )
    session.add(turn)
    await session.flush()
    return turn


async def set_turn_end(session: AsyncSession, *, call_sid: str, seq: int, end_s: float) -> None:
    call_id = select(Call.id).where(Call.call_sid == call_sid).scalar_subquery()
    await session.execute(
        update(Turn).where(Turn.call_id == call_id, Turn.seq == seq).values(end_s=end_s)
    )


async def update_call(session: AsyncSession, *, call_sid: str, **values: Any) -> None:
    """Set columns on a call (request, outcome, metrics, recording_path, ...)."""
    await session.execute(update(Call).where(Call.call_sid == call_sid).values(**values))


async def finish_call(
    session: AsyncSession,
    *,
    call_sid: str,
    ended_by: str,
    end_reason: str,
    outcome: str | None,
    request: dict[str, Any] | None = None,
    questions: list[Any] | None = None,
    metrics: dict[str, Any] | None = None,
    hangup_result: str | None = None,
    transfer_result: str | None = None,
    recording_path: str | None = None,
) -> None:
    """Close the call record; a second call only fills what is still empty."""
    call = await get_call(session, call_sid=call_sid)
    if call is None:
        raise LookupError(f"no call {call_sid}")
    call.ended_at = call.ended_at or utcnow()
    call.ended_by = call.ended_by or ended_by
    call.end_reason = call.end_reason or end_reason
    call.outcome = call.outcome or outcome
    if request is not None:
        call.request = request
    if questions is not None:
        call.questions = questions
    if metrics is not None:
        call.metrics = metrics
    if hangup_result is not None:
        call.hangup_result = hangup_result
    if transfer_result is not None:
        call.transfer_result = transfer_result
    if recording_path is not None:
        call.recording_path = recording_path
    await session.flush()


async def record_status_event(
    session: AsyncSession, *, call_sid: str, status: str, payload: dict[str, Any]
) -> CallEvent:
    """Store a carrier status callback and mirror the latest status on the call."""
    ev = CallEvent(call_sid=call_sid, status=status, payload=payload)
    session.add(ev)
    await session.execute(
        update(Call).where(Call.call_sid == call_sid).values(carrier_status=status)
    )
    await session.flush()
    return ev


async def unfinished_calls(
    session: AsyncSession, *, created_before: datetime | None = None
) -> list[Call]:
    """Calls whose record was never closed, optionally only those created before a time."""
    stmt = select(Call).where(Call.ended_at.is_(None))
    if created_before is not None:
        stmt = stmt.where(Call.created_at < created_before)
    return list((await session.execute(stmt)).scalars())


async def list_calls(session: AsyncSession, *, limit: int = 50) -> list[Call]:
    stmt = select(Call).order_by(Call.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars())
