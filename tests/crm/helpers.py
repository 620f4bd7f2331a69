"""Helpers for the outbox tests: settings overlay, finished calls, WAV files."""

from __future__ import annotations

import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from crm.fake_odoo import API_KEY, DB, LOGIN, FakeOdoo
from switchboard.postcall.run import finalize_call
from switchboard.storage import repo
from switchboard.storage.db import create_engine, migrate, session_factory, transaction

BOOKING = {
    "patient_name": "Maria Lopez",
    "callback_number": "+13055550123",
    "phone_confirmed": True,
    "office": "Coral Gables",
    "reason": "blurry vision",
    "insurance": "Aetna",
    "preferred_time": "next Monday morning",
    "resolved_date": "2026-11-30",
}


class Cfg:
    """Settings with extra (or replaced) values, read the way the CRM code reads them."""

    def __init__(self, base: Any, **over: Any) -> None:
        self._base = base
        self.__dict__.update(over)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


def odoo_cfg(settings: Any, odoo: FakeOdoo, **over: Any) -> Cfg:
    values = {
        "crm_targets": "odoo",
        "odoo_url": odoo.url,
        "odoo_db": DB,
        "odoo_username": LOGIN,
        "odoo_api_key": API_KEY,
        "odoo_protocol": "xmlrpc",
        "outbox_backoff_base_secs": 0.01,
        "outbox_backoff_max_secs": 0.05,
        **over,
    }
    return Cfg(settings, **values)


def write_wav(path: Path, seconds: float, *, rate: int = 8000) -> Path:
    """A stereo PCM16 WAV: a tone on the left (caller), silence on the right (agent)."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    left = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    right = np.zeros(n, dtype=np.int16)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.column_stack([left, right]).reshape(-1).tobytes())
    return path


async def finished_call(
    db: Any,
    settings: Any,
    *,
    sid: str = "CA" + "a" * 32,
    request: dict[str, Any] | None = None,
    outcome: str = "request_captured",
    recording: Path | None = None,
) -> str:
    """A call as the call engine leaves it: created, turns, closed and finalized together."""
    async with transaction(db) as s:
        await repo.create_call(
            s,
            call_sid=sid,
            account_sid="AC1",
            from_number="+13055550123",
            to_number="+13055550100",
            business_id="bayside-vision",
        )
        await repo.add_turn(s, call_sid=sid, speaker="agent", text="Bayside Vision, hi.", start_s=0)
        await repo.add_turn(s, call_sid=sid, speaker="caller", text="I need an eye exam", start_s=3)
        await repo.finish_call(
            s,
            call_sid=sid,
            ended_by="agent",
            end_reason="goodbye",
            outcome=outcome,
            request=dict(BOOKING if request is None else request),
            questions=[],
            recording_path=str(recording) if recording else None,
        )
        await finalize_call(s, call_sid=sid, settings=settings)
    return sid


PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=2):
            return True
    except Exception:
        return False


def create_pg_database() -> str:
    """A fresh migrated PostgreSQL database; returns its async URL."""
    import uuid

    import psycopg

    from switchboard.storage.db import migrate

    name = "sb_outbox_" + uuid.uuid4().hex[:8]
    with psycopg.connect(PG_URL, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate(url)
    return url


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(PG_URL, autocommit=True) as c:
        c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def make_due(db: Any) -> None:
    """Pretend the backoff has passed for every pending row."""
    from datetime import UTC, datetime

    from switchboard.storage import outbox_repo

    async with transaction(db) as s:
        for row in await outbox_repo.list_rows(s, limit=100_000):
            row.next_attempt_at = datetime.now(UTC)


async def all_rows(db: Any) -> list[Any]:
    from switchboard.storage import outbox_repo

    async with transaction(db) as s:
        return await outbox_repo.list_rows(s, limit=100_000)


# --- fixtures (re-exported by tests/crm/conftest.py; import them where else needed) ---------


@asynccontextmanager
async def open_db(settings: Any) -> AsyncIterator[Any]:
    """A migrated database (the settings' SQLite file) and its session factory."""
    url = settings.resolved_database_url
    migrate(url)
    engine = create_engine(url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def db(settings: Any) -> Any:
    async with open_db(settings) as factory:
        yield factory


@pytest.fixture
def odoo() -> Any:
    with FakeOdoo() as server:
        yield server


@pytest.fixture
async def http() -> Any:
    async with httpx.AsyncClient() as client:
        yield client
