"""Staff notification for urgent calls: e-mail through a local SMTP server, or a webhook."""

from __future__ import annotations

import email
import socket

import pytest

from crm.helpers import Cfg, all_rows, finished_call
from crm.receiver import Receiver
from switchboard.crm.outbox import OutboxWorker

aiosmtpd = pytest.importorskip("aiosmtpd")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


def _email_cfg(settings, smtp, **over):
    return Cfg(
        settings,
        crm_targets="file",
        notify="email",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_from="agent@clinic.example",
        smtp_to="frontdesk@clinic.example, manager@clinic.example",
        **over,
    )


async def test_an_emergency_call_emails_the_staff(db, settings, http, smtp):
    cfg = _email_cfg(settings, smtp)
    sid = await finished_call(db, cfg, outcome="emergency")
    assert await OutboxWorker(db, cfg, http=http).run_once() == 2  # file + notify
    [msg] = smtp.messages
    assert msg["Subject"].startswith("URGENT: emergency call: Maria Lopez, +13055550123")
    assert msg["To"] == "frontdesk@clinic.example, manager@clinic.example"
    assert sid.lower() in msg["Message-ID"].lower()
    assert "Callback number: +13055550123" in msg.get_payload()


async def test_a_booking_notifies_nobody_by_default(db, settings, http, smtp):
    cfg = _email_cfg(settings, smtp)
    await finished_call(db, cfg, outcome="request_captured")
    assert {r.target for r in await all_rows(db)} == {"file"}


async def test_a_transfer_notifies_through_the_webhook(db, settings, http):
    with Receiver() as hook:
        cfg = Cfg(settings, crm_targets="file", notify="webhook", webhook_url=hook.url)
        await finished_call(db, cfg, outcome="transferred")
        assert await OutboxWorker(db, cfg, http=http).run_once() == 2
    [req] = hook.received
    assert req.json()["event"] == "call.urgent"
    assert req.headers["Idempotency-Key"].endswith(":notify")


async def test_a_mail_server_that_is_down_is_retried(db, settings, http):
    cfg = Cfg(
        settings,
        crm_targets="file",
        notify="email",
        smtp_host="127.0.0.1",
        smtp_port=_free_port(),
        smtp_to="frontdesk@clinic.example",
    )
    await finished_call(db, cfg, outcome="emergency")
    await OutboxWorker(db, cfg, http=http).run_once()
    [notify] = [r for r in await all_rows(db) if r.target == "notify"]
    assert notify.state == "pending" and "could not reach the mail server" in notify.last_error
