"""The post-call step: request finalized with gaps marked, one outbox row per target, once."""

from __future__ import annotations

import pytest

from crm.helpers import BOOKING, Cfg, all_rows, finished_call, open_db
from switchboard.postcall.run import finalize_call
from switchboard.storage import repo
from switchboard.storage.db import transaction


@pytest.fixture
async def db(settings):
    async with open_db(settings) as factory:
        yield factory


async def test_each_configured_target_gets_one_row_and_a_second_run_changes_nothing(db, settings):
    cfg = Cfg(settings, crm_targets="odoo, webhook,file")
    sid = await finished_call(db, cfg)
    first = {(r.key, r.target) for r in await all_rows(db)}
    assert first == {
        (f"{sid}:odoo", "odoo"),
        (f"{sid}:webhook", "webhook"),
        (f"{sid}:file", "file"),
    }
    async with transaction(db) as s:
        before = (await repo.get_call(s, call_sid=sid)).request
        await finalize_call(s, call_sid=sid, settings=cfg)
        await finalize_call(s, call_sid=sid, settings=cfg)
    async with transaction(db) as s:
        assert (await repo.get_call(s, call_sid=sid)).request == before
    assert {(r.key, r.target) for r in await all_rows(db)} == first


async def test_a_complete_request_has_no_gaps_and_keeps_the_caller_id(db, settings):
    sid = await finished_call(db, settings)
    async with transaction(db) as s:
        req = (await repo.get_call(s, call_sid=sid)).request
    assert req["gaps"] == []
    assert req["caller_id"] == "+13055550123"
    assert req["insurance_note"] == "as said by the caller; staff to verify"
    assert {k: req[k] for k in BOOKING} == BOOKING


async def test_missing_fields_are_marked_and_the_caller_id_stands_in_for_the_callback(db, settings):
    sid = await finished_call(db, settings, request={"reason": "red eye"})
    async with transaction(db) as s:
        req = (await repo.get_call(s, call_sid=sid)).request
    assert req["gaps"] == ["patient_name", "office", "insurance", "preferred_time"]
    assert req["callback_number"] == "+13055550123" and req["callback_source"] == "caller_id"
    assert req["phone_confirmed"] is False
    [row] = await all_rows(db)
    assert row.payload["gaps"] == req["gaps"]


async def test_crms_get_the_outcomes_staff_act_on_and_the_file_keeps_every_call(db, settings):
    cfg = Cfg(settings, crm_targets="odoo,file")
    await finished_call(db, cfg, outcome="question_answered", request={})
    assert {r.target for r in await all_rows(db)} == {"file"}


async def test_crm_rows_wait_for_the_transcript_but_urgent_notice_does_not(db, settings, tmp_path):
    from crm.helpers import write_wav

    cfg = Cfg(settings, crm_targets="odoo,file", postcall_stt="openai", notify="email")
    sid = await finished_call(
        db, cfg, outcome="emergency", recording=write_wav(tmp_path / "r.wav", 0.5)
    )
    rows = {r.target: r for r in await all_rows(db)}
    assert set(rows) == {"transcribe", "odoo", "file", "notify"}
    assert rows["odoo"].after_key == rows["file"].after_key == f"{sid}:transcribe"
    assert rows["notify"].after_key is None and rows["transcribe"].after_key is None


async def test_the_payload_is_a_snapshot_of_the_call(db, settings):
    sid = await finished_call(db, settings)
    [row] = await all_rows(db)
    doc = row.payload
    assert doc["call_sid"] == sid and doc["outcome"] == "request_captured"
    assert [t["speaker"] for t in doc["transcript"]] == ["agent", "caller"]
    assert doc["ended_at"] and doc["from_number"] == "+13055550123"
