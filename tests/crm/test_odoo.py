"""The Odoo target against a local server speaking Odoo's XML-RPC and JSON-2."""

from __future__ import annotations

import hashlib

import pytest

from crm.helpers import finished_call, odoo_cfg, write_wav
from switchboard.crm.outbox import OutboxWorker
from switchboard.storage import outbox_repo
from switchboard.storage.db import transaction

PROTOCOLS = ["xmlrpc", "json2"]


async def _rows(db):
    async with transaction(db) as s:
        return await outbox_repo.list_rows(s)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_call_becomes_one_lead_with_the_transcript_note_and_the_wav(
    db, settings, odoo, http, tmp_path, protocol
):
    cfg = odoo_cfg(settings, odoo, odoo_protocol=protocol, odoo_team_id=3, odoo_user_id=9)
    wav = write_wav(tmp_path / "rec.wav", 2.0)
    sid = await finished_call(db, cfg, recording=wav)

    assert await OutboxWorker(db, cfg, http=http).run_once() == 1

    [lead] = odoo.leads()
    assert lead["type"] == "lead"
    assert lead["name"] == "blurry vision — Maria Lopez (Coral Gables)"
    assert lead["contact_name"] == "Maria Lopez"
    assert lead["phone"] == "+13055550123"
    assert lead["team_id"] == 3 and lead["user_id"] == 9
    assert "Aetna (as said; staff to verify)" in lead["description"]
    assert f"CallSid: {sid}" in lead["description"]
    lead_id = next(iter(odoo.records["crm.lead"]))
    [note] = odoo.messages(lead_id)
    assert note["subtype_xmlid"] == "mail.mt_note"
    assert note["message_type"] == "comment"
    assert "I need an eye exam" in note["body"]
    [att] = odoo.attachments(lead_id)
    assert att["name"] == f"call-{sid}.wav" and att["mimetype"] == "audio/wav"
    assert att["checksum"] == hashlib.sha1(wav.read_bytes()).hexdigest()
    assert note["attachment_ids"] == [next(iter(odoo.records["ir.attachment"]))]
    [row] = await _rows(db)
    assert row.state == "done" and row.result["lead_id"] == lead_id


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_odoo_down_for_the_whole_call_gets_the_lead_once_it_is_back(
    db, settings, odoo, http, protocol
):
    cfg = odoo_cfg(settings, odoo, odoo_protocol=protocol)
    odoo.stop()  # connection refused
    await finished_call(db, cfg)
    worker = OutboxWorker(db, cfg, http=http)
    assert await worker.run_once() == 0
    odoo.unavailable = True  # now a proxy answers 503 in front of it
    odoo.start()
    await _make_due(db)
    assert await worker.run_once() == 0
    [row] = await _rows(db)
    assert row.state == "pending" and row.attempts == 2 and row.last_error_kind == "retryable"
    assert "503" in row.last_error

    odoo.unavailable = False
    await _make_due(db)
    assert await worker.run_once() == 1
    assert len(odoo.leads()) == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_timeout_after_odoo_created_the_lead_does_not_duplicate_it(
    db, settings, odoo, http, tmp_path, protocol
):
    cfg = odoo_cfg(settings, odoo, odoo_protocol=protocol, odoo_timeout_secs=0.5)
    await finished_call(db, cfg, recording=write_wav(tmp_path / "r.wav", 1.0))
    odoo.delay_after_create = 1.5
    worker = OutboxWorker(db, cfg, http=http)
    assert await worker.run_once() == 0
    [row] = await _rows(db)
    assert row.state == "pending" and "did not answer in time" in row.last_error
    assert len(odoo.leads()) == 1  # Odoo made it; we never heard back

    await _make_due(db)
    assert await worker.run_once() == 1
    assert len(odoo.leads()) == 1
    lead_id = next(iter(odoo.records["crm.lead"]))
    assert len(odoo.messages(lead_id)) == 1 and len(odoo.attachments(lead_id)) == 1
    [row] = await _rows(db)
    assert row.result["lead_found"] is True


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_wrong_api_key_is_a_permanent_failure_staff_can_read(
    db, settings, odoo, http, protocol
):
    cfg = odoo_cfg(settings, odoo, odoo_protocol=protocol, odoo_api_key="expired-key")
    await finished_call(db, cfg)
    assert await OutboxWorker(db, cfg, http=http).run_once() == 0
    [row] = await _rows(db)
    assert row.state == "dead" and row.attempts == 1 and row.last_error_kind == "permanent"
    assert "refused the API key" in row.last_error and "ODOO_API_KEY" in row.last_error
    assert odoo.leads() == []


async def test_a_ten_megabyte_recording_is_attached_whole(db, settings, odoo, http, tmp_path):
    cfg = odoo_cfg(settings, odoo)
    wav = write_wav(tmp_path / "long.wav", 10_500_000 / 32_000)  # ~10.5 MB of stereo 8 kHz
    assert wav.stat().st_size > 10_000_000
    await finished_call(db, cfg, recording=wav)
    assert await OutboxWorker(db, cfg, http=http).run_once() == 1
    [att] = odoo.records["ir.attachment"].values()
    assert att["file_size"] == wav.stat().st_size


async def test_missing_fields_still_make_a_lead_with_the_gaps_marked(db, settings, odoo, http):
    cfg = odoo_cfg(settings, odoo)
    await finished_call(db, cfg, request={"reason": "eye pain"}, outcome="request_captured")
    assert await OutboxWorker(db, cfg, http=http).run_once() == 1
    [lead] = odoo.leads()
    assert lead["name"] == "eye pain — +13055550123"
    assert "not captured" in lead["description"]
    assert "Missing:</b> patient_name, office, insurance, preferred_time" in lead["description"]
    assert lead["phone"] == "+13055550123"  # the caller-ID stands in


async def test_a_missing_recording_file_does_not_block_the_lead(db, settings, odoo, http, tmp_path):
    cfg = odoo_cfg(settings, odoo)
    await finished_call(db, cfg, recording=tmp_path / "gone.wav")
    assert await OutboxWorker(db, cfg, http=http).run_once() == 1
    [row] = await _rows(db)
    assert row.result["recording"].startswith("missing")


async def test_the_call_sid_can_live_in_a_field_of_its_own(db, settings, odoo, http):
    cfg = odoo_cfg(settings, odoo, odoo_sid_field="x_call_sid")
    sid = await finished_call(db, cfg)
    assert await OutboxWorker(db, cfg, http=http).run_once() == 1
    await _make_due(db, reset=True)
    assert await OutboxWorker(db, cfg, http=http).run_once() == 1
    [lead] = odoo.leads()
    assert lead["x_call_sid"] == sid


async def _make_due(db, *, reset: bool = False) -> None:
    from datetime import UTC, datetime

    async with transaction(db) as s:
        for row in await outbox_repo.list_rows(s):
            if reset:
                await outbox_repo.retry_row(s, row_id=row.id, now=datetime.now(UTC))
            else:
                row.next_attempt_at = datetime.now(UTC)
