"""The durable outbox worker: delivers queued rows to their targets until each is done or dead.

Each round claims a batch of due rows (a conditional UPDATE with a lease, safe with several
workers in one or many processes), delivers them concurrently, and records each result in its
own short transaction: done, back to pending at ``now + backoff`` (exponential with jitter,
tenacity's ``wait_exponential_jitter``, computed per row from its attempt count), or dead when
the failure is permanent or the attempts are spent. A worker that dies mid-delivery leaves its
rows claimed until the lease runs out; then any worker takes them (targets are idempotent by
the row key, so the repeat is harmless). Leases are extended while slow deliveries run.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import tenacity
from loguru import logger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.crm.base import (
    Delivery,
    DeliveryError,
    PermanentDeliveryError,
    Target,
    setting_float,
    setting_int,
)
from switchboard.storage import outbox_repo
from switchboard.storage.db import transaction
from switchboard.storage.outbox_models import OutboxRow

CRM_TARGETS = ("odoo", "webhook", "file")


def build_target(
    name: str, settings: Any, *, http: httpx.AsyncClient, db: async_sessionmaker[AsyncSession]
) -> Target:
    """The target for a row's ``target`` name (imports are lazy: unused ones cost nothing)."""
    if name == "odoo":
        from switchboard.crm.odoo import OdooTarget

        return OdooTarget(settings, http=http)
    if name == "webhook":
        from switchboard.crm.webhook import WebhookTarget

        return WebhookTarget(settings, http=http)
    if name == "file":
        from switchboard.crm.export import FileTarget

        return FileTarget(settings)
    if name == "notify":
        from switchboard.crm.notify import NotifyTarget

        return NotifyTarget(settings, http=http)
    if name == "transcribe":
        from switchboard.postcall.transcribe import TranscribeTarget

        return TranscribeTarget(settings, http=http, db=db)
    raise PermanentDeliveryError(f"unknown target {name!r}")


@dataclass
class _Attempt:
    """The one field tenacity's wait strategies read."""

    attempt_number: int


class OutboxWorker:
    """Delivers the outbox. Owned by the app lifespan (``start``/``stop``) or run by the CLI."""

    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        settings: Any,
        *,
        http: httpx.AsyncClient,
        targets: dict[str, Target] | None = None,
        worker_id: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._http = http
        self._targets: dict[str, Target] = dict(targets or {})
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._clock = clock or (lambda: datetime.now(UTC))
        self.max_attempts = setting_int(settings, "outbox_max_attempts", 20) or 20
        base = setting_float(settings, "outbox_backoff_base_secs", 10.0)
        cap = setting_float(settings, "outbox_backoff_max_secs", 3600.0)
        self._wait = tenacity.wait_exponential_jitter(initial=base, max=cap, jitter=base)
        self.lease_secs = setting_float(settings, "outbox_lease_secs", 120.0)
        self.poll_secs = setting_float(settings, "outbox_poll_secs", 2.0)
        self.batch = setting_int(settings, "outbox_batch", 32) or 32
        self.concurrency = setting_int(settings, "outbox_concurrency", 8) or 8
        self._claims = itertools.count(1)
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Run the delivery loop in a task of its own until :meth:`stop`."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name=f"outbox:{self.worker_id}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    def wake(self) -> None:
        """Look for due rows now (after a call was finalized) instead of at the next poll."""
        self._wake.set()

    async def _loop(self) -> None:
        logger.info(f"outbox worker {self.worker_id} started")
        while True:
            delay = self.poll_secs
            try:
                await self.run_once()
                delay = await self._idle_delay()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database itself failed (locked, restarting): rows are safe in it; the
                # round is simply tried again.
                logger.exception("outbox round failed; trying again")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _idle_delay(self) -> float:
        now = self._clock()
        async with transaction(self._db) as session:
            due = await outbox_repo.next_due_at(session, now=now)
        if due is None:
            return self.poll_secs
        return min(self.poll_secs, max(0.05, (due - now).total_seconds()))

    # --- delivery ------------------------------------------------------------------------

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed try (exponential, with jitter)."""
        return float(self._wait(_Attempt(attempt_number=max(1, attempts))))  # type: ignore[arg-type]

    def target(self, name: str) -> Target:
        if name not in self._targets:
            self._targets[name] = build_target(name, self._settings, http=self._http, db=self._db)
        return self._targets[name]

    async def run_once(self) -> int:
        """Deliver everything due at the start of this round; returns how many were delivered.

        A row that fails during the round is not retried in it, even when its backoff is
        shorter than the round: retries wait for the next round.
        """
        delivered = 0
        round_start = self._clock()
        for _ in range(1000):  # bounded: a round never spins forever
            claim_id = f"{self.worker_id}:{next(self._claims)}"
            now = self._clock()
            async with transaction(self._db) as session:
                rows = await outbox_repo.claim_due(
                    session,
                    claim_id=claim_id,
                    now=now,
                    lease_secs=self.lease_secs,
                    limit=self.batch,
                    due_by=round_start,
                )
            if not rows:
                break
            delivered += await self._deliver_batch(rows, claim_id)
        return delivered

    async def _deliver_batch(self, rows: list[OutboxRow], claim_id: str) -> int:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: OutboxRow) -> bool:
            async with gate:
                return await self._deliver(row, claim_id)

        keeper = asyncio.create_task(self._keep_lease(claim_id))
        try:
            results = await asyncio.gather(*(one(r) for r in rows))
        except asyncio.CancelledError:
            # Stopping: hand unfinished rows back now rather than at lease expiry.
            await asyncio.shield(self._release(claim_id))
            raise
        finally:
            keeper.cancel()
        return sum(1 for ok in results if ok)

    async def _keep_lease(self, claim_id: str) -> None:
        while True:
            await asyncio.sleep(max(1.0, self.lease_secs / 3))
            until = self._clock() + timedelta(seconds=self.lease_secs)
            try:
                async with transaction(self._db) as session:
                    await outbox_repo.extend_lease(session, claim_id=claim_id, lease_until=until)
            except Exception:
                logger.exception("could not extend the outbox lease")

    async def _release(self, claim_id: str) -> None:
        try:
            async with transaction(self._db) as session:
                await outbox_repo.release(session, claim_id=claim_id)
        except Exception:
            logger.exception("could not release claimed outbox rows (their lease will expire)")

    async def _payload(self, row: OutboxRow) -> dict[str, Any]:
        payload = dict(row.payload or {})
        if row.target in CRM_TARGETS and row.after_key:
            async with transaction(self._db) as session:
                hq = await outbox_repo.get_transcript(session, call_sid=row.call_sid)
            if hq is not None and hq.segments:
                payload["transcript_hq"] = {
                    "engine": hq.engine,
                    "model": hq.model,
                    "text": hq.text,
                    "segments": hq.segments,
                }
        return payload

    async def _deliver(self, row: OutboxRow, claim_id: str) -> bool:
        attempt = row.attempts + 1
        error: DeliveryError | None = None
        result: dict[str, Any] = {}
        try:
            delivery = Delivery(
                key=row.key,
                call_sid=row.call_sid,
                target=row.target,
                payload=await self._payload(row),
                attempt=attempt,
            )
            result = await self.target(row.target).deliver(delivery)
        except DeliveryError as exc:
            error = exc
        except (httpx.HTTPError, OSError) as exc:
            error = DeliveryError(f"{type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # A bug, not an outage: keep the row (bounded retries) and make it visible.
            logger.exception(f"outbox row {row.id} ({row.key}) failed unexpectedly")
            error = DeliveryError(f"internal error: {type(exc).__name__}: {exc}")
        now = self._clock()
        async with transaction(self._db) as session:
            if error is None:
                kept = await outbox_repo.mark_done(
                    session, row_id=row.id, claim_id=claim_id, result=result or {}, now=now
                )
                if not kept:
                    logger.warning(f"outbox row {row.id} delivered after its lease was taken over")
                return True
            permanent = not error.retryable
            retry_at: datetime | None = None
            if not permanent and attempt < self.max_attempts:
                wait = self.backoff(attempt)
                if error.retry_after is not None:
                    wait = max(wait, min(error.retry_after, self.backoff(self.max_attempts)))
                retry_at = now + timedelta(seconds=wait)
            await outbox_repo.mark_failed(
                session,
                row_id=row.id,
                claim_id=claim_id,
                error=str(error),
                permanent=permanent,
                retry_at=retry_at,
                now=now,
            )
        if retry_at is None:
            why = "permanent failure" if permanent else f"gave up after {attempt} attempts"
            logger.error(f"outbox row {row.id} ({row.key}) is dead ({why}): {error}")
        else:
            logger.warning(
                f"outbox row {row.id} ({row.key}) attempt {attempt} failed, next at "
                f"{retry_at.isoformat(timespec='seconds')}: {error}"
            )
        return False
