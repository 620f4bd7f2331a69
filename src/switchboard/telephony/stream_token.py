"""Per-call media-stream tokens: HMAC over CallSid + expiry, carried in a TwiML <Parameter>.

Twilio forbids query strings on stream URLs, so the token rides in ``customParameters`` of the
stream's ``start`` message. Single use is enforced by the call record (``claim_stream``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from switchboard.errors import StreamTokenError


def _mac(secret: bytes, call_sid: str, expires: int) -> str:
    digest = hmac.new(secret, f"{call_sid}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(secret: bytes, call_sid: str, *, ttl_secs: int, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + ttl_secs)
    return f"{expires}.{_mac(secret, call_sid, expires)}"


def verify(secret: bytes, token: str | None, call_sid: str, *, now: float | None = None) -> None:
    """Raise StreamTokenError unless ``token`` was issued for ``call_sid`` and is unexpired."""
    if not token or not isinstance(token, str) or "." not in token:
        raise StreamTokenError("missing or malformed stream token")
    expires_s, mac = token.split(".", 1)
    try:
        expires = int(expires_s)
    except ValueError as exc:
        raise StreamTokenError("malformed stream token") from exc
    if not hmac.compare_digest(mac, _mac(secret, call_sid, expires)):
        raise StreamTokenError("stream token does not match this call")
    if (now if now is not None else time.time()) > expires:
        raise StreamTokenError("stream token expired")
