"""What every delivery target shares: the delivery, the target interface, failure kinds.

A target either returns a small JSON-ready result (stored on the outbox row) or raises
:class:`DeliveryError`. ``retryable`` decides between another attempt later and the dead-letter
state; the message is shown to staff in ``switchboard outbox list``, so it says what is wrong
and, where it can, what to change.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from switchboard.errors import SwitchboardError


class DeliveryError(SwitchboardError):
    """A target could not take a delivery; ``retryable`` says whether trying later can help."""

    retryable = True

    def __init__(
        self, message: str, *, retryable: bool | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, retryable=retryable)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Trying again cannot help (wrong credentials, rejected data): a person must act."""

    retryable = False


@dataclass
class Delivery:
    """One outbox row as a target sees it."""

    key: str  # idempotency key, ``<CallSid>:<target>``
    call_sid: str
    target: str
    payload: dict[str, Any]
    attempt: int  # 1 for the first try


class Target(Protocol):
    """A place a finished call goes (Odoo, a webhook, a file, staff notification, ...)."""

    name: str

    async def deliver(self, delivery: Delivery) -> dict[str, Any]:
        """Deliver idempotently (the same key twice has one effect); return what was done."""
        ...


# --- settings access -------------------------------------------------------------------------
# These settings are read by name so this package works before they are declared on Settings.


def setting(settings: Any, name: str, default: Any = None) -> Any:
    """A setting's value, secrets unwrapped, ``default`` when absent or empty."""
    value = getattr(settings, name, None)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None or value == "":
        return default
    return value


def setting_list(settings: Any, name: str, default: str) -> list[str]:
    """A comma-separated (or list) setting, lower-cased, blanks dropped."""
    value = setting(settings, name, default)
    items = value if isinstance(value, list | tuple | set) else str(value).split(",")
    return [str(v).strip().lower() for v in items if str(v).strip()]


def setting_int(settings: Any, name: str, default: int | None) -> int | None:
    value = setting(settings, name, default)
    if value is None:
        return None
    return int(value)


def setting_float(settings: Any, name: str, default: float) -> float:
    return float(setting(settings, name, default))


# --- HTTP failure classification -------------------------------------------------------------


def retry_after_secs(response: httpx.Response) -> float | None:
    """The server's ``Retry-After`` (seconds or an HTTP date), if any."""
    raw = response.headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_retryable_status(status: int) -> bool:
    """5xx, 408 and 429 may pass on their own; any other 4xx needs a person."""
    return status >= 500 or status in (408, 425, 429)


def http_failure(what: str, response: httpx.Response, detail: str = "") -> DeliveryError:
    """The error for a non-2xx answer, classified by status."""
    text = detail or response.text[:300].strip()
    message = f"{what} answered HTTP {response.status_code}" + (f": {text}" if text else "")
    if is_retryable_status(response.status_code):
        return DeliveryError(message, retry_after=retry_after_secs(response))
    return PermanentDeliveryError(message)


def transport_failure(what: str, exc: Exception) -> DeliveryError:
    """The error for a request that got no answer (refused, reset, timed out)."""
    if isinstance(exc, httpx.TimeoutException):
        return DeliveryError(f"{what} did not answer in time ({type(exc).__name__})")
    return DeliveryError(f"could not reach {what}: {exc or type(exc).__name__}")
