"""Query functions against real databases: SQLite always, PostgreSQL when one is reachable."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from switchboard.storage import repo
from switchboard.storage.db import create_engine, migrate, session_factory, transaction

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.integration),
    ]
)
async def db(request, tmp_path) -> AsyncIterator[object]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}"
        migrate(url)
        engine = create_engine(url)
        yield session_factory(engine)
        await engine.dispose()
        return
    if not _postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    import psycopg

    name = "sb_test_" + uuid.uuid4().hex[:8]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate(url)
    engine = create_engine(url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def _new_call(db, sid="CA1"):
    async with transaction(db) as s:
        return await repo.create_call(
            s,
            call_sid=sid,
            account_sid="AC1",
            from_number="+13055550123",
            to_number="+13055550100",
            business_id="bayside-vision",
        )


async def test_a_carrier_retry_of_the_webhook_does_not_duplicate_the_call(db):
    first = await _new_call(db)
    again = await _new_call(db)
    assert first.id == again.id


async def test_stream_can_be_claimed_once_only(db):
    await _new_call(db)
    now = datetime.now(UTC)
    async with transaction(db) as s:
        assert await repo.claim_stream(s, call_sid="CA1", stream_sid="MZ1", started_at=now)
    async with transaction(db) as s:
        assert not await repo.claim_stream(s, call_sid="CA1", stream_sid="MZ2", started_at=now)
        assert not await repo.claim_stream(s, call_sid="CAX", stream_sid="MZ3", started_at=now)


async def test_turns_request_and_outcome_are_kept_with_the_call(db):
    await _new_call(db)
    async with transaction(db) as s:
        await repo.add_turn(s, call_sid="CA1", speaker="agent", text="Hello", start_s=0.0)
        await repo.add_turn(s, call_sid="CA1", speaker="caller", text="Hi", start_s=2.0, end_s=2.5)
        await repo.set_turn_end(s, call_sid="CA1", seq=1, end_s=1.5)
        await repo.finish_call(
            s,
            call_sid="CA1",
            ended_by="agent",
            end_reason="goodbye",
            outcome="request_captured",
            request={"patient_name": "Maria Gonzalez"},
            hangup_result="ok status=200",
            recording_path="/r/CA1.wav",
            metrics={"frames_in": 10},
        )
    async with transaction(db) as s:
        call = await repo.get_call(s, call_sid="CA1", with_turns=True)
    assert [(t.seq, t.speaker, t.text, t.end_s) for t in call.turns] == [
        (1, "agent", "Hello", 1.5),
        (2, "caller", "Hi", 2.5),
    ]
    assert (call.ended_by, call.end_reason, call.outcome) == (
        "agent",
        "goodbye",
        "request_captured",
    )
    assert call.request == {"patient_name": "Maria Gonzalez"}
    assert call.hangup_result == "ok status=200" and call.metrics == {"frames_in": 10}
    assert call.ended_at is not None


async def test_finishing_twice_keeps_the_first_ending(db):
    await _new_call(db)
    async with transaction(db) as s:
        await repo.finish_call(
            s, call_sid="CA1", ended_by="agent", end_reason="goodbye", outcome="request_captured"
        )
    async with transaction(db) as s:
        await repo.finish_call(
            s, call_sid="CA1", ended_by="system", end_reason="process_restart", outcome="abandoned"
        )
        call = await repo.get_call(s, call_sid="CA1")
    assert (call.ended_by, call.end_reason, call.outcome) == (
        "agent",
        "goodbye",
        "request_captured",
    )


async def test_query_functions_never_commit(db):
    await _new_call(db)
    async with db() as s:
        await repo.add_turn(s, call_sid="CA1", speaker="agent", text="lost", start_s=0)
        await s.rollback()
    async with transaction(db) as s:
        call = await repo.get_call(s, call_sid="CA1", with_turns=True)
        assert call.turns == []
        assert (await s.execute(text("SELECT count(*) FROM turns"))).scalar_one() == 0


async def test_open_records_are_found_for_crash_recovery(db):
    await _new_call(db, "CA1")
    await _new_call(db, "CA2")
    async with transaction(db) as s:
        await repo.finish_call(
            s, call_sid="CA2", ended_by="agent", end_reason="goodbye", outcome=None
        )
        assert [c.call_sid for c in await repo.unfinished_calls(s)] == ["CA1"]


async def test_status_callbacks_are_stored_and_mirrored(db):
    await _new_call(db)
    async with transaction(db) as s:
        await repo.record_status_event(
            s, call_sid="CA1", status="completed", payload={"CallDuration": "42"}
        )
        call = await repo.get_call(s, call_sid="CA1")
    assert call.carrier_status == "completed"
