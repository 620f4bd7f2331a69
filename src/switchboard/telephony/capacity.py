"""The capacity gate: at most N live calls per process, reserved atomically, always released.

A slot is reserved when the webhook answers (so the busy decision is made before Twilio
connects the stream) and held until the call's pipeline ends. A reservation whose stream never
arrives expires, so a caller who hangs up during the TwiML exchange does not leak a slot.
"""

from __future__ import annotations

import time


class CapacityGate:
    """In-process slot accounting. All methods are synchronous, hence atomic under asyncio."""

    def __init__(self, limit: int, *, reservation_ttl_secs: float = 30.0) -> None:
        self._limit = limit
        self._ttl = reservation_ttl_secs
        self._pending: dict[str, float] = {}  # call_sid -> reserved at (monotonic)
        self._active: set[str] = set()

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def in_use(self) -> int:
        self._expire()
        return len(self._pending) + len(self._active)

    def try_reserve(self, call_sid: str) -> bool:
        """Reserve a slot for a call; idempotent for a call that already holds one."""
        self._expire()
        if call_sid in self._pending or call_sid in self._active:
            return True
        if len(self._pending) + len(self._active) >= self._limit:
            return False
        self._pending[call_sid] = time.monotonic()
        return True

    def activate(self, call_sid: str) -> bool:
        """Turn a reservation into a live call; False if the call holds no slot."""
        self._expire()
        if call_sid in self._active:
            return True
        if self._pending.pop(call_sid, None) is None:
            return False
        self._active.add(call_sid)
        return True

    def release(self, call_sid: str) -> None:
        self._pending.pop(call_sid, None)
        self._active.discard(call_sid)

    def _expire(self) -> None:
        cutoff = time.monotonic() - self._ttl
        for sid in [s for s, t in self._pending.items() if t < cutoff]:
            del self._pending[sid]
