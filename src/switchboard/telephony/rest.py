"""Our own Twilio REST client (httpx): hang up and redirect calls, results recorded.

Pipecat's serializer can hang up by itself, but it swallows failures in a log line; here every
result is returned to the caller so it lands on the call record.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from switchboard.errors import CarrierError


@dataclass(frozen=True)
class RestResult:
    ok: bool
    status: int | None
    detail: str

    def as_text(self) -> str:
        return f"{'ok' if self.ok else 'failed'} status={self.status} {self.detail}".strip()


class TwilioRest:
    """Calls resource of the Twilio REST API, on a configurable base URL."""

    def __init__(
        self, *, account_sid: str, auth_token: str, base_url: str, client: httpx.AsyncClient
    ) -> None:
        self._account_sid = account_sid
        self._auth = (account_sid, auth_token)
        self._base = base_url.rstrip("/")
        self._client = client

    def _call_url(self, call_sid: str) -> str:
        return f"{self._base}/2010-04-01/Accounts/{self._account_sid}/Calls/{call_sid}.json"

    async def _update(self, call_sid: str, data: dict[str, str]) -> RestResult:
        try:
            resp = await self._client.post(
                self._call_url(call_sid), data=data, auth=self._auth, timeout=10.0
            )
        except httpx.HTTPError as exc:
            return RestResult(False, None, f"{type(exc).__name__}: {exc}")
        if resp.status_code < 300:
            return RestResult(True, resp.status_code, "")
        code = ""
        try:
            code = str(resp.json().get("code", ""))
        except ValueError:
            pass
        if resp.status_code == 404 and code == "20404":
            # The call is already over (the caller hung up first): nothing left to do.
            return RestResult(True, 404, "already ended (20404)")
        return RestResult(False, resp.status_code, f"code={code}" if code else resp.text[:200])

    async def hang_up(self, call_sid: str) -> RestResult:
        return await self._update(call_sid, {"Status": "completed"})

    async def redirect_twiml(self, call_sid: str, twiml: str) -> RestResult:
        return await self._update(call_sid, {"Twiml": twiml})

    async def hang_up_or_raise(self, call_sid: str) -> None:
        result = await self.hang_up(call_sid)
        if not result.ok:
            raise CarrierError(f"hang-up failed: {result.as_text()}", status=result.status)
