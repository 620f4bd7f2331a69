"""Outbox and post-call transcript queries: keyword-only arguments, never commit.

Row claiming is one conditional ``UPDATE`` (``claimed_by IS NULL OR lease expired``) whose
subquery picks the due rows, so two workers never hold the same row on SQLite (the UPDATE takes
the write lock) nor on PostgreSQL (the subquery uses ``FOR UPDATE SKIP LOCKED`` and the outer
condition is re-checked after any lock wait).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from switchboard.storage.outbox_models import (
    DEAD,
    DONE,
    PENDING,
    OutboxRow,
    PostcallTranscript,
)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; every stored timestamp is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def enqueue(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> int:
    """Insert outbox rows whose ``key`` is new; existing keys are left untouched.

    Never raises on a duplicate key, so it is safe inside the transaction that closes a call
    even when another process finalizes the same call at the same moment.
    """
    if not rows:
        return 0
    now = datetime.now(UTC)
    values = [
        {
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
            "result": {},
            "after_key": None,
            **row,
        }
        for row in rows
    ]
    dialect = _dialect(session)
    if dialect in ("sqlite", "postgresql"):
        from sqlalchemy.dialects import postgresql, sqlite

        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = insert(OutboxRow).values(values).on_conflict_do_nothing(index_elements=["key"])
        result = await session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
    inserted = 0
    for value in values:  # other databases: one savepoint per row
        try:
            async with session.begin_nested():
                session.add(OutboxRow(**value))
            inserted += 1
        except IntegrityError:
            pass
    return inserted


async def keys_for_call(session: AsyncSession, *, call_sid: str) -> set[str]:
    stmt = select(OutboxRow.key).where(OutboxRow.call_sid == call_sid)
    return set((await session.execute(stmt)).scalars())


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return or_(OutboxRow.claimed_by.is_(None), OutboxRow.lease_until < now)


async def claim_due(
    session: AsyncSession,
    *,
    claim_id: str,
    now: datetime,
    lease_secs: float,
    limit: int,
    targets: Sequence[str] | None = None,
    due_by: datetime | None = None,
) -> list[OutboxRow]:
    """Claim up to ``limit`` rows due by ``due_by`` (default ``now``) for ``claim_id``.

    ``claim_id`` is unique per batch. A caller draining a round passes the round's start as
    ``due_by`` so a row that failed during the round waits for the next one.
    """
    # Aliases keep both subqueries uncorrelated from the UPDATE's own ``outbox``.
    cand = aliased(OutboxRow)
    prior = aliased(OutboxRow)
    finished = select(prior.key).where(prior.state.in_((DONE, DEAD)))
    due = (
        select(cand.id)
        .where(
            cand.state == PENDING,
            cand.next_attempt_at <= (now if due_by is None else due_by),
            or_(cand.claimed_by.is_(None), cand.lease_until < now),
            or_(cand.after_key.is_(None), cand.after_key.in_(finished)),
        )
        .order_by(cand.next_attempt_at, cand.id)
        .limit(limit)
    )
    if targets is not None:
        due = due.where(cand.target.in_(list(targets)))
    if _dialect(session) == "postgresql":
        # A CTE is evaluated once; PostgreSQL may re-run an IN (... LIMIT) subquery and
        # claim more than ``limit`` rows. SKIP LOCKED lets concurrent workers pass each other.
        picked = due.with_for_update(skip_locked=True).cte("due")
        which = OutboxRow.id == picked.c.id
    else:
        which = OutboxRow.id.in_(due)
    await session.execute(
        update(OutboxRow)
        .where(which, OutboxRow.state == PENDING, _claimable(now))
        .values(
            claimed_by=claim_id,
            lease_until=now + timedelta(seconds=lease_secs),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    stmt = select(OutboxRow).where(OutboxRow.claimed_by == claim_id).order_by(OutboxRow.id)
    rows = list((await session.execute(stmt)).scalars())
    return rows


async def extend_lease(session: AsyncSession, *, claim_id: str, lease_until: datetime) -> int:
    """Keep rows claimed while a slow delivery (a large upload) is still under way."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.claimed_by == claim_id, OutboxRow.state == PENDING)
        .values(lease_until=lease_until)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def mark_done(
    session: AsyncSession,
    *,
    row_id: int,
    claim_id: str,
    result: dict[str, Any],
    now: datetime,
) -> bool:
    """Record a delivery; False if the claim was lost (another worker took the row over)."""
    res = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.claimed_by == claim_id)
        .values(
            state=DONE,
            attempts=OutboxRow.attempts + 1,
            result=result,
            delivered_at=now,
            updated_at=now,
            claimed_by=None,
            lease_until=None,
            last_error=None,
            last_error_kind=None,
        )
    )
    return (res.rowcount or 0) == 1  # type: ignore[attr-defined]


async def mark_failed(
    session: AsyncSession,
    *,
    row_id: int,
    claim_id: str,
    error: str,
    permanent: bool,
    retry_at: datetime | None,
    now: datetime,
) -> bool:
    """Record a failed attempt: back to pending at ``retry_at``, or dead when it is None."""
    dead = permanent or retry_at is None
    res = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.claimed_by == claim_id)
        .values(
            state=DEAD if dead else PENDING,
            attempts=OutboxRow.attempts + 1,
            next_attempt_at=retry_at if retry_at is not None else now,
            last_error=error[:4000],
            last_error_kind="permanent" if permanent else "retryable",
            updated_at=now,
            claimed_by=None,
            lease_until=None,
        )
    )
    return (res.rowcount or 0) == 1  # type: ignore[attr-defined]


async def release(session: AsyncSession, *, claim_id: str) -> int:
    """Give back rows claimed but not attempted (the worker is stopping)."""
    res = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.claimed_by == claim_id, OutboxRow.state == PENDING)
        .values(claimed_by=None, lease_until=None)
    )
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


async def retry_row(session: AsyncSession, *, row_id: int, now: datetime) -> OutboxRow | None:
    """Make a row due now with a fresh attempt budget (dead-letter replay by staff)."""
    row = await session.get(OutboxRow, row_id)
    if row is None:
        return None
    row.state = PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.claimed_by = None
    row.lease_until = None
    row.updated_at = now
    await session.flush()
    return row


async def get_row(session: AsyncSession, *, row_id: int) -> OutboxRow | None:
    return await session.get(OutboxRow, row_id)


async def list_rows(
    session: AsyncSession,
    *,
    state: str | None = None,
    call_sid: str | None = None,
    limit: int = 50,
) -> list[OutboxRow]:
    stmt = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(OutboxRow.state == state)
    if call_sid:
        stmt = stmt.where(OutboxRow.call_sid == call_sid)
    return list((await session.execute(stmt)).scalars())


async def count_by_state(session: AsyncSession) -> dict[str, int]:
    stmt = select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
    return {state: int(n) for state, n in (await session.execute(stmt)).all()}


async def next_due_at(session: AsyncSession, *, now: datetime) -> datetime | None:
    """When the earliest pending row becomes due (or its lease expires)."""
    stmt = select(func.min(OutboxRow.next_attempt_at)).where(
        OutboxRow.state == PENDING, _claimable(now)
    )
    earliest = aware((await session.execute(stmt)).scalar_one_or_none())
    lease = select(func.min(OutboxRow.lease_until)).where(
        and_(OutboxRow.state == PENDING, OutboxRow.claimed_by.is_not(None))
    )
    lease_end = aware((await session.execute(lease)).scalar_one_or_none())
    candidates = [t for t in (earliest, lease_end) if t is not None]
    return min(candidates) if candidates else None


# --- post-call transcripts -------------------------------------------------------------------


async def save_transcript(
    session: AsyncSession,
    *,
    call_sid: str,
    engine: str,
    model: str,
    text: str,
    segments: list[dict[str, Any]],
    channel: str = "caller",
) -> PostcallTranscript:
    """Store (or replace) the batch transcript of a call."""
    existing = await get_transcript(session, call_sid=call_sid)
    if existing is None:
        existing = PostcallTranscript(call_sid=call_sid)
        session.add(existing)
    existing.engine = engine
    existing.model = model
    existing.text = text
    existing.segments = segments
    existing.channel = channel
    existing.created_at = datetime.now(UTC)
    await session.flush()
    return existing


async def get_transcript(session: AsyncSession, *, call_sid: str) -> PostcallTranscript | None:
    stmt = select(PostcallTranscript).where(PostcallTranscript.call_sid == call_sid)
    return (await session.execute(stmt)).scalar_one_or_none()
