"""Webhook target: the call document POSTed as JSON, signed, with an idempotency key.

Headers: ``X-Switchboard-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` (keyed by
``WEBHOOK_SECRET``), ``Idempotency-Key: <CallSid>:<target>`` (the same on every retry, so the
receiver can drop repeats), ``X-Switchboard-Event`` and ``X-Switchboard-Attempt``.
2xx = delivered; 4xx other than 408/429 = permanent; anything else is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from switchboard.crm.base import (
    Delivery,
    PermanentDeliveryError,
    http_failure,
    setting,
    setting_float,
    transport_failure,
)

SIGNATURE_HEADER = "X-Switchboard-Signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and tests): constant-time check of a signature header."""
    return hmac.compare_digest(sign(secret, body), header or "")


def webhook_body(delivery: Delivery, *, event: str) -> bytes:
    doc = dict(delivery.payload)
    doc.pop("recording_path", None)  # a server path means nothing to the receiver
    return json.dumps(
        {"event": event, "idempotency_key": delivery.key, "call": doc},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode("utf-8")


async def post_signed(
    http: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    delivery: Delivery,
    event: str,
    http_timeout: float,
) -> dict[str, Any]:
    if not url:
        raise PermanentDeliveryError("WEBHOOK_URL is not set: the webhook is listed as a target")
    body = webhook_body(delivery, event=event)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": delivery.key,
        "X-Switchboard-Event": event,
        "X-Switchboard-Attempt": str(delivery.attempt),
        "User-Agent": "switchboard",
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, body)
    try:
        response = await http.post(url, content=body, headers=headers, timeout=http_timeout)
    except httpx.HTTPError as exc:
        raise transport_failure(f"the webhook {url}", exc) from exc
    if 200 <= response.status_code < 300:
        return {"status": response.status_code}
    raise http_failure(f"the webhook {url}", response)


class WebhookTarget:
    name = "webhook"

    def __init__(self, settings: Any, *, http: httpx.AsyncClient, event: str = "call.completed"):
        self._http = http
        self._url = str(setting(settings, "webhook_url", ""))
        self._secret = str(setting(settings, "webhook_secret", ""))
        self._timeout = setting_float(settings, "webhook_timeout_secs", 15.0)
        self._event = event

    async def deliver(self, delivery: Delivery) -> dict[str, Any]:
        return await post_signed(
            self._http,
            url=self._url,
            secret=self._secret,
            delivery=delivery,
            event=self._event,
            http_timeout=self._timeout,
        )
