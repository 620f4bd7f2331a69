"""X-Twilio-Signature checks with the official SDK, against URLs rebuilt from PUBLIC_URL.

Proxies rewrite scheme and host, so the URL Twilio signed is never the one the app sees;
it is rebuilt from the configured public origin plus the request's path and query.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator


def public_url_for(public_url: str, path: str, query: str = "", *, websocket: bool = False) -> str:
    """The URL Twilio used for ``path``, on the configured public origin."""
    base = urlsplit(public_url)
    scheme = base.scheme
    if websocket:
        scheme = {"https": "wss", "http": "ws"}.get(scheme, scheme)
    prefix = base.path.rstrip("/")
    url = f"{scheme}://{base.netloc}{prefix}{path}"
    return f"{url}?{query}" if query else url


def is_valid_signature(
    auth_token: str, url: str, params: Mapping[str, str], signature: str | None
) -> bool:
    """True when ``signature`` is Twilio's signature of ``url`` + ``params``."""
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Compute the signature Twilio would send (for the simulator and tests)."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))
