"""Staff notification (C5.5) for urgent outcomes (emergency, transferred by default).

``NOTIFY=webhook`` posts the signed document (event ``call.urgent``) to ``NOTIFY_WEBHOOK_URL``
(default ``WEBHOOK_URL``); ``NOTIFY=email`` sends a short plain-text e-mail through
``SMTP_HOST``. The e-mail carries a ``Message-ID`` derived from the outbox key, so a retry after
a lost reply is recognised as the same message by mail clients.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import httpx

from switchboard.crm import document
from switchboard.crm.base import (
    Delivery,
    DeliveryError,
    PermanentDeliveryError,
    setting,
    setting_float,
    setting_list,
)
from switchboard.crm.webhook import post_signed

URGENT_SUBJECT = {
    "emergency": "URGENT: emergency call",
    "transferred": "Call transferred to the front desk",
}


def email_message(doc: dict[str, Any], *, sender: str, to: list[str], key: str) -> EmailMessage:
    req = doc.get("request") or {}
    outcome = doc.get("outcome") or ""
    who = req.get("patient_name") or "unknown caller"
    number = req.get("callback_number") or doc.get("from_number") or "no number"
    msg = EmailMessage()
    msg["Subject"] = f"{URGENT_SUBJECT.get(outcome, 'Call needs attention')}: {who}, {number}"
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = f"<{key.replace(':', '.')}@switchboard>"
    lines = [
        f"{label}: {value}"
        for label, value in document.request_lines(doc)
        if label not in ("Question",)
    ]
    body = [
        f"A call ended with outcome '{outcome}'. Please call back as soon as possible.",
        "",
        *lines,
        "",
        f"Call: {doc.get('call_sid')}",
    ]
    msg.set_content("\n".join(body))
    return msg


class NotifyTarget:
    name = "notify"

    def __init__(self, settings: Any, *, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http
        self.kind = str(setting(settings, "notify", "none")).lower()

    async def deliver(self, delivery: Delivery) -> dict[str, Any]:
        s = self._settings
        if self.kind == "webhook":
            url = setting(s, "notify_webhook_url", None) or setting(s, "webhook_url", "")
            return await post_signed(
                self._http,
                url=str(url),
                secret=str(setting(s, "webhook_secret", "")),
                delivery=delivery,
                event="call.urgent",
                http_timeout=setting_float(s, "webhook_timeout_secs", 15.0),
            )
        if self.kind == "email":
            return await asyncio.to_thread(self._send_email, delivery)
        raise PermanentDeliveryError(f"NOTIFY={self.kind!r} is not a way to notify staff")

    def _send_email(self, delivery: Delivery) -> dict[str, Any]:
        s = self._settings
        host = str(setting(s, "smtp_host", ""))
        to = setting_list(s, "smtp_to", "")
        sender = str(setting(s, "smtp_from", "switchboard@localhost"))
        if not host or not to:
            raise PermanentDeliveryError("NOTIFY=email needs SMTP_HOST and SMTP_TO")
        port = int(setting(s, "smtp_port", 25))
        timeout = setting_float(s, "smtp_timeout_secs", 15.0)
        msg = email_message(delivery.payload, sender=sender, to=to, key=delivery.key)
        try:
            with smtplib.SMTP(host, port, timeout=timeout) as smtp:
                if str(setting(s, "smtp_starttls", "false")).lower() in ("1", "true", "yes"):
                    smtp.starttls(context=ssl.create_default_context())
                user = setting(s, "smtp_username", "")
                if user:
                    smtp.login(str(user), str(setting(s, "smtp_password", "")))
                refused = smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentDeliveryError(
                f"the mail server {host} refused the login: check SMTP_USERNAME/SMTP_PASSWORD "
                f"({exc.smtp_code})"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(
                f"the mail server {host} refused every recipient in SMTP_TO: {list(exc.recipients)}"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            message = f"the mail server {host} answered {exc.smtp_code}: {exc.smtp_error!r}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(message) from exc
            raise DeliveryError(message) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"could not reach the mail server {host}:{port}: {exc}") from exc
        return {"email_to": to, "refused": sorted(refused)}
