"""The outbox worker: backoff, retryable vs permanent, dead letter, leases, two workers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from crm.helpers import (
    Cfg,
    all_rows,
    create_pg_database,
    drop_pg_database,
    finished_call,
    make_due,
    odoo_cfg,
    postgres_available,
)
from crm.receiver import Receiver
from switchboard.crm.base import Delivery, DeliveryError, PermanentDeliveryError
from switchboard.crm.cli import add_cli, format_rows
from switchboard.crm.outbox import OutboxWorker
from switchboard.storage import outbox_repo
from switchboard.storage.db import create_engine, session_factory, transaction
from switchboard.storage.outbox_models import OutboxRow

FAST = {"outbox_backoff_base_secs": 0.01, "outbox_backoff_max_secs": 0.05}


class Scripted:
    """A target that fails with the given errors in turn, then succeeds."""

    name = "webhook"

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.seen: list[Delivery] = []

    async def deliver(self, delivery: Delivery) -> dict:
        self.seen.append(delivery)
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap(settings):
    worker = OutboxWorker(
        None,  # type: ignore[arg-type]
        Cfg(settings, outbox_backoff_base_secs=10, outbox_backoff_max_secs=600),
        http=None,  # type: ignore[arg-type]
    )
    for attempt, low in [(1, 10), (2, 20), (3, 40), (5, 160)]:
        waits = {worker.backoff(attempt) for _ in range(20)}
        assert all(low <= w <= low + 10 for w in waits)
        assert len(waits) > 1  # jittered: rows failing together do not retry together
    assert worker.backoff(30) == 600


async def test_retryable_failures_end_in_the_dead_letter_after_the_attempt_budget(
    db, settings, http
):
    cfg = Cfg(settings, crm_targets="webhook", outbox_max_attempts=3, **FAST)
    await finished_call(db, cfg)
    target = Scripted(*(DeliveryError(f"down {i}") for i in range(5)))
    worker = OutboxWorker(db, cfg, http=http, targets={"webhook": target})
    for expected_state in ["pending", "pending", "dead"]:
        await worker.run_once()
        [row] = await all_rows(db)
        assert row.state == expected_state
        await make_due(db)
    assert row.attempts == 3 and row.last_error == "down 2"
    assert [d.attempt for d in target.seen] == [1, 2, 3]
    assert await worker.run_once() == 0  # dead rows are left alone


async def test_a_retry_waits_for_its_backoff(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook", outbox_backoff_base_secs=60)
    await finished_call(db, cfg)
    worker = OutboxWorker(db, cfg, http=http, targets={"webhook": Scripted(DeliveryError("x"))})
    before = datetime.now(UTC)
    assert await worker.run_once() == 0
    [row] = await all_rows(db)
    wait = (outbox_repo.aware(row.next_attempt_at) - before).total_seconds()
    assert 60 <= wait <= 121
    assert await worker.run_once() == 0  # not due yet


async def test_a_permanent_failure_goes_straight_to_the_dead_letter(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook")
    await finished_call(db, cfg)
    target = Scripted(PermanentDeliveryError("the CRM rejected it: no such stage"))
    await OutboxWorker(db, cfg, http=http, targets={"webhook": target}).run_once()
    [row] = await all_rows(db)
    assert (row.state, row.attempts, row.last_error_kind) == ("dead", 1, "permanent")


async def test_an_unexpected_exception_is_kept_and_retried_not_lost(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook", **FAST)
    await finished_call(db, cfg)
    target = Scripted(KeyError("boom"))
    worker = OutboxWorker(db, cfg, http=http, targets={"webhook": target})
    assert await worker.run_once() == 0
    [row] = await all_rows(db)
    assert row.state == "pending" and "internal error: KeyError" in row.last_error
    await make_due(db)
    assert await worker.run_once() == 1


async def test_a_row_claimed_by_a_dead_worker_is_taken_over_when_its_lease_ends(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook")
    await finished_call(db, cfg)
    async with transaction(db) as s:  # a worker claims the row, then its process dies
        [row] = await outbox_repo.claim_due(
            s, claim_id="gone:1", now=datetime.now(UTC), lease_secs=0.3, limit=10
        )
    worker = OutboxWorker(db, cfg, http=http, targets={"webhook": Scripted()})
    assert await worker.run_once() == 0  # still leased
    await asyncio.sleep(0.4)
    assert await worker.run_once() == 1


async def test_stopping_a_worker_gives_its_rows_back(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook", outbox_lease_secs=600)
    await finished_call(db, cfg)

    class Hangs:
        name = "webhook"

        async def deliver(self, delivery):
            await asyncio.sleep(3600)

    worker = OutboxWorker(db, cfg, http=http, targets={"webhook": Hangs()})
    worker.start()
    for _ in range(100):
        await asyncio.sleep(0.05)
        [row] = await all_rows(db)
        if row.claimed_by:
            break
    assert row.claimed_by
    await worker.stop()
    [row] = await all_rows(db)
    assert row.claimed_by is None and row.state == "pending"


async def test_the_background_worker_delivers_without_being_asked(db, settings, http, tmp_path):
    cfg = Cfg(settings, crm_targets="file", outbox_poll_secs=0.05)
    worker = OutboxWorker(db, cfg, http=http)
    worker.start()
    try:
        await finished_call(db, cfg)
        worker.wake()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if (await all_rows(db))[0].state == "done":
                break
    finally:
        await worker.stop()
    assert (await all_rows(db))[0].state == "done"


async def _two_workers_deliver_each_row_once(url: str, settings) -> None:
    with Receiver() as hook:
        cfg = Cfg(settings, crm_targets="webhook", webhook_url=hook.url, outbox_batch=5)
        engines = [create_engine(url) for _ in range(2)]  # two "processes"
        dbs = [session_factory(e) for e in engines]
        try:
            for i in range(60):
                await finished_call(dbs[0], cfg, sid=f"CA{i:032d}")
            async with httpx.AsyncClient() as http:
                workers = [OutboxWorker(d, cfg, http=http) for d in dbs]
                counts = await asyncio.gather(*(w.run_once() for w in workers))
            assert sum(counts) == 60
            keys = Counter(r.headers["Idempotency-Key"] for r in hook.received)
            assert len(keys) == 60 and set(keys.values()) == {1}
            assert {r.state for r in await all_rows(dbs[0])} == {"done"}
        finally:
            for e in engines:
                await e.dispose()


async def test_two_workers_on_sqlite_never_deliver_a_row_twice(settings):
    from switchboard.storage.db import migrate

    url = settings.resolved_database_url
    migrate(url)
    await _two_workers_deliver_each_row_once(url, settings)


@pytest.mark.integration
async def test_two_workers_on_postgresql_never_deliver_a_row_twice(settings):
    if not postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    url = create_pg_database()
    try:
        await _two_workers_deliver_each_row_once(url, settings)
    finally:
        drop_pg_database(url)


@pytest.mark.integration
async def test_claiming_on_postgresql_skips_rows_another_worker_holds(settings):
    if not postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    url = create_pg_database()
    engine = create_engine(url)
    db = session_factory(engine)
    try:
        cfg = Cfg(settings, crm_targets="file,webhook")
        await finished_call(db, cfg)
        now = datetime.now(UTC)
        async with transaction(db) as a, transaction(db) as b:
            first = await outbox_repo.claim_due(a, claim_id="a", now=now, lease_secs=60, limit=1)
            second = await outbox_repo.claim_due(b, claim_id="b", now=now, lease_secs=60, limit=5)
        assert len(first) == 1 and len(second) == 1 and first[0].id != second[0].id
    finally:
        await engine.dispose()
        drop_pg_database(url)


def test_the_process_killed_before_delivery_leaves_the_row_for_the_next_start(
    settings, odoo, tmp_path
):
    """Finalize and start delivering in a child process, SIGKILL it mid-delivery (Odoo not
    answering), then a new worker delivers the lead once the dead worker's lease ends."""
    import socket

    url = settings.resolved_database_url
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(8)  # accepts connections, never answers
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("killed_worker.py")),
            url,
            f"http://127.0.0.1:{hole.getsockname()[1]}",
            str(tmp_path),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "finalized"
        assert child.stdout.readline().strip() == "claimed"
        child.kill()
        child.wait(10)
    finally:
        hole.close()

    async def recover() -> None:
        engine = create_engine(url)
        db = session_factory(engine)
        async with httpx.AsyncClient() as http:
            worker = OutboxWorker(db, odoo_cfg(settings, odoo), http=http)
            [row] = await all_rows(db)
            assert row.state == "pending" and row.claimed_by  # the dead process holds it
            for _ in range(50):  # the dead worker's 1 s lease must run out first
                if await worker.run_once():
                    break
                await asyncio.sleep(0.2)
            [row] = await all_rows(db)
        await engine.dispose()
        assert row.state == "done"

    asyncio.run(recover())
    assert len(odoo.leads()) == 1


def test_outbox_list_shows_state_and_a_staff_readable_reason():
    row = OutboxRow(
        id=4,
        key="CA1:odoo",
        call_sid="CA1",
        target="odoo",
        state="dead",
        attempts=1,
        next_attempt_at=datetime.now(UTC),
        last_error="Odoo refused the API key for user 'bot' ... Check ODOO_API_KEY",
        last_error_kind="permanent",
    )
    text = format_rows([row])
    assert "dead" in text and "permanent: Odoo refused the API key" in text


async def test_outbox_cli_lists_and_retries_a_dead_row(db, settings, http, capsys, monkeypatch):
    import argparse

    cfg = Cfg(settings, crm_targets="webhook")
    await finished_call(db, cfg)
    await OutboxWorker(
        db, cfg, http=http, targets={"webhook": Scripted(PermanentDeliveryError("HTTP 410"))}
    ).run_once()
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    add_cli(parser.add_subparsers(dest="command"))
    url = settings.resolved_database_url
    monkeypatch.chdir(settings.data_dir)  # no stray .env

    def run(*argv: str) -> int:
        args = parser.parse_args(["--database-url", url, *argv])
        return asyncio.get_running_loop().run_in_executor(None, args.func, args)

    assert await run("outbox", "list") == 0
    out = capsys.readouterr().out
    assert "dead" in out and "permanent: HTTP 410" in out and "1 dead" in out
    [row] = await all_rows(db)
    assert await run("outbox", "retry", str(row.id)) == 0
    [row] = await all_rows(db)
    assert row.state == "pending" and row.attempts == 0


async def test_a_row_waits_for_the_row_it_runs_after(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook")
    await finished_call(db, cfg)
    async with transaction(db) as s:
        await outbox_repo.enqueue(s, rows=[{"key": "first", "call_sid": "CAx", "target": "x"}])
        await s.execute(
            update(OutboxRow).where(OutboxRow.target == "webhook").values(after_key="first")
        )
    target = Scripted()
    worker = OutboxWorker(db, cfg, http=http, targets={"webhook": target})
    async with transaction(db) as s:
        await s.execute(
            update(OutboxRow)
            .where(OutboxRow.key == "first")
            .values(next_attempt_at=datetime.now(UTC) + timedelta(hours=1))
        )
    assert await worker.run_once() == 0 and target.seen == []
    async with transaction(db) as s:
        await s.execute(update(OutboxRow).where(OutboxRow.key == "first").values(state="dead"))
    assert await worker.run_once() == 1
