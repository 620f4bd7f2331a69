"""File target: one JSON line per call, appended atomically, never twice."""

from __future__ import annotations

import asyncio
import json

from crm.helpers import Cfg, all_rows, finished_call
from switchboard.crm.base import Delivery
from switchboard.crm.export import FileTarget
from switchboard.crm.outbox import OutboxWorker


def _delivery(key: str) -> Delivery:
    return Delivery(key=key, call_sid=key, target="file", payload={"call_sid": key}, attempt=1)


async def test_a_fresh_install_writes_every_call_to_the_export_file(db, settings, http):
    await finished_call(db, settings)  # no CRM settings at all: the file target is the default
    assert await OutboxWorker(db, settings, http=http).run_once() == 1
    lines = (settings.data_dir / "requests.jsonl").read_text().splitlines()
    [record] = [json.loads(line) for line in lines]
    assert record["request"]["patient_name"] == "Maria Lopez"
    assert record["idempotency_key"].endswith(":file")


async def test_the_same_key_is_written_once_even_by_two_writers(settings, tmp_path):
    cfg = Cfg(settings, export_file=str(tmp_path / "out" / "r.jsonl"))
    a, b = FileTarget(cfg), FileTarget(cfg)  # two workers, each with its own index
    keys = [f"CA{i}:file" for i in range(50)]
    await asyncio.gather(*(t.deliver(_delivery(k)) for k in keys for t in (a, b)))
    lines = (tmp_path / "out" / "r.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["idempotency_key"] for line in lines) == sorted(keys)


async def test_a_torn_last_line_is_closed_before_the_next_record(settings, tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"idempotency_key": "CA0:file"}\n{"idempotency_key": "CA1:fi')
    await FileTarget(Cfg(settings, export_file=str(path))).deliver(_delivery("CA2:file"))
    lines = path.read_text().splitlines()
    assert json.loads(lines[-1])["idempotency_key"] == "CA2:file"
    assert len(lines) == 3


async def test_an_unwritable_export_file_is_retried(db, settings, http, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    cfg = Cfg(settings, export_file=str(blocker / "r.jsonl"))
    await finished_call(db, cfg)
    await OutboxWorker(db, cfg, http=http).run_once()
    [row] = await all_rows(db)
    assert row.state == "pending" and "could not write" in row.last_error
