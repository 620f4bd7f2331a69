"""Webhook target against a local receiver: signature, idempotency key, status classes."""

from __future__ import annotations

import pytest

from crm.helpers import Cfg, all_rows, finished_call, make_due
from crm.receiver import Receiver
from switchboard.crm.outbox import OutboxWorker
from switchboard.crm.webhook import SIGNATURE_HEADER, verify

SECRET = "whsec-test-0123456789"


def _cfg(settings, hook, **over):
    values = {
        "crm_targets": "webhook",
        "webhook_url": hook.url,
        "webhook_secret": SECRET,
        "outbox_backoff_base_secs": 0.01,
        "outbox_backoff_max_secs": 0.05,
        **over,
    }
    return Cfg(settings, **values)


async def test_the_call_is_posted_signed_with_its_idempotency_key(db, settings, http):
    with Receiver() as hook:
        sid = await finished_call(db, _cfg(settings, hook))
        assert await OutboxWorker(db, _cfg(settings, hook), http=http).run_once() == 1
    [req] = hook.received
    assert verify(SECRET, req.body, req.headers[SIGNATURE_HEADER])
    assert req.headers["Idempotency-Key"] == f"{sid}:webhook"
    body = req.json()
    assert body["event"] == "call.completed"
    assert body["call"]["request"]["patient_name"] == "Maria Lopez"
    assert body["call"]["transcript"][1]["text"] == "I need an eye exam"
    assert "recording_path" not in body["call"]
    assert not verify("other-secret", req.body, req.headers[SIGNATURE_HEADER])


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
async def test_server_errors_timeouts_and_rate_limits_are_retried(db, settings, http, status):
    with Receiver(status) as hook:
        cfg = _cfg(settings, hook)
        await finished_call(db, cfg)
        worker = OutboxWorker(db, cfg, http=http)
        assert await worker.run_once() == 0
        [row] = await all_rows(db)
        assert row.state == "pending" and f"HTTP {status}" in row.last_error
        await make_due(db)
        assert await worker.run_once() == 1
    keys = {r.headers["Idempotency-Key"] for r in hook.received}
    assert len(hook.received) == 2 and len(keys) == 1  # same key on the retry


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
async def test_client_errors_are_permanent(db, settings, http, status):
    with Receiver(default=status) as hook:
        cfg = _cfg(settings, hook)
        await finished_call(db, cfg)
        assert await OutboxWorker(db, cfg, http=http).run_once() == 0
    [row] = await all_rows(db)
    assert row.state == "dead" and row.last_error_kind == "permanent"
    assert f"answered HTTP {status}" in row.last_error


async def test_retry_after_is_respected(db, settings, http):
    with Receiver(429, headers={"Retry-After": "120"}) as hook:
        cfg = _cfg(settings, hook, outbox_backoff_max_secs=3600)
        await finished_call(db, cfg)
        await OutboxWorker(db, cfg, http=http).run_once()
    [row] = await all_rows(db)
    from datetime import UTC, datetime

    from switchboard.storage.outbox_repo import aware

    assert (aware(row.next_attempt_at) - datetime.now(UTC)).total_seconds() > 100


async def test_a_webhook_nobody_listens_on_is_retried(db, settings, http):
    cfg = Cfg(settings, crm_targets="webhook", webhook_url="http://127.0.0.1:9/hook")
    await finished_call(db, cfg)
    await OutboxWorker(db, cfg, http=http).run_once()
    [row] = await all_rows(db)
    assert row.state == "pending" and "could not reach the webhook" in row.last_error
