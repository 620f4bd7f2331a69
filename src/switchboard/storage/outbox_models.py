"""Outbox rows (C5.4) and post-call transcripts (C5.3).

Both live on the shared declarative ``Base`` so ``Base.metadata`` (and Alembic's autogenerate)
sees them; the schema itself is written by migration 0002.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from switchboard.storage.models import Base, utcnow

# Row states. A row is "claimed" while ``claimed_by`` is set and its lease has not expired.
PENDING = "pending"  # waiting for its next attempt (or for the row it runs after)
DONE = "done"  # delivered; ``result`` says what the target did
DEAD = "dead"  # permanent failure or attempts exhausted; ``last_error`` says why
STATES = (PENDING, DONE, DEAD)


class OutboxRow(Base):
    """One delivery of one call's document to one target (Odoo, webhook, file, notify, ...).

    ``key`` is the idempotency key (``<CallSid>:<target>``): unique, so a call is queued for a
    target once, ever; targets receive it so a retry never creates a second lead or message.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    # Delivered only once the row with this key is done or dead (CRM rows wait for the
    # high-accuracy transcript when one is configured; a failed transcript never blocks them).
    after_key: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(16))  # retryable | permanent
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PostcallTranscript(Base):
    """The high-accuracy batch transcript of a call's caller channel, beside the live turns."""

    __tablename__ = "postcall_transcripts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    engine: Mapped[str] = mapped_column(String(32))  # whisper | openai
    model: Mapped[str] = mapped_column(String(128), default="")
    channel: Mapped[str] = mapped_column(String(16), default="caller")
    text: Mapped[str] = mapped_column(Text, default="")
    # [{"start_s": float, "end_s": float, "text": str}, ...] on the call's timeline
    segments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
