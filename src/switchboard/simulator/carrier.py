"""A local fake Twilio that speaks the real protocol, for the simulator and tests.

It serves the Calls resource of the REST API (hang up with ``Status=completed``, transfer with
``Twiml=<Response><Dial>...``), records every request, tells the live simulated call to end its
media stream the way Twilio does (``stop``, then the WebSocket closes), and then posts a signed
status callback to the app. Failures can be injected (HTTP 500, a stalled answer).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import secrets
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

API_VERSION = "2010-04-01"
CALL_PATH = "/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json"


def new_sid(prefix: str) -> str:
    """A Twilio-shaped SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def sign(auth_token: str, url: str, params: Mapping[str, str] | None = None) -> str:
    """The ``X-Twilio-Signature`` Twilio would send for ``url`` and form ``params``."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params or {})))


def validate(
    auth_token: str, url: str, params: Mapping[str, str] | None, signature: str | None
) -> bool:
    """Check an ``X-Twilio-Signature`` with the official SDK."""
    if not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params or {}), signature))


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, *, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on a free local port; yields its ``http://`` base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=2,
        ws_ping_interval=None,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"uvicorn:{bound_port}")
    try:
        while not server.started:
            if task.done():
                task.result()  # re-raises why the server could not start
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, timeout=5)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        sock.close()


@dataclass
class RecordedRequest:
    """One request the fake REST API received."""

    method: str
    path: str
    call_sid: str | None
    form: dict[str, str]
    auth_ok: bool
    status: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class StatusCallback:
    """One status callback the fake carrier posted to the app, and how the app answered."""

    url: str
    params: dict[str, str]
    status: int | None
    error: str | None = None


@dataclass
class CarrierCall:
    """A live call as the carrier sees it.

    ``ended`` is set when the carrier ends the call's media stream (the agent hung up or
    transferred through the REST API); the simulated caller then sends ``stop``, closes the
    WebSocket and sets ``stream_closed``.
    """

    call_sid: str
    account_sid: str
    from_: str
    to: str
    status_callback_url: str | None
    status: str = "in-progress"
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    started: float = field(default_factory=time.monotonic)
    ended_at: float | None = None
    ended_by: str | None = None  # "agent" (REST) | "caller"
    end_reason: str | None = None  # hangup | transfer | twiml | redirect | caller | busy ...
    twiml: str | None = None
    transfer_target: str | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    stream_closed: asyncio.Event = field(default_factory=asyncio.Event)
    callback_sent: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def duration_s(self) -> float:
        end = self.ended_at if self.ended_at is not None else time.monotonic()
        return end - self.started


def dial_target(twiml: str) -> str | None:
    """The number (or SIP/client address) a TwiML document dials, if any."""
    try:
        root = ET.fromstring(twiml)
    except ET.ParseError:
        return None
    for dial in root.iter("Dial"):
        for child in dial:
            if child.tag in ("Number", "Sip", "Client", "Conference", "Queue") and child.text:
                return child.text.strip()
        if dial.text and dial.text.strip():
            return dial.text.strip()
        return ""
    return None


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
    )


class FakeTwilio:
    """A local Twilio REST API plus the carrier's side of each simulated call.

    Use as ``async with FakeTwilio(...) as carrier:``; ``carrier.base_url`` is the API base
    the app's Twilio REST client must use instead of ``https://api.twilio.com``.
    """

    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        status_callback_url: str | None = None,
        end_delay_s: float = 0.05,
        stream_close_timeout_s: float = 5.0,
        callback_timeout_s: float = 10.0,
    ) -> None:
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.status_callback_url = status_callback_url
        self.requests: list[RecordedRequest] = []
        self.calls: dict[str, CarrierCall] = {}
        self.status_callbacks: list[StatusCallback] = []
        self._end_delay_s = end_delay_s
        self._stream_close_timeout_s = stream_close_timeout_s
        self._callback_timeout_s = callback_timeout_s
        self._injections: list[tuple[str, float]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._serving: contextlib.AbstractAsyncContextManager[str] | None = None
        self.base_url = ""
        self.app = Starlette(
            routes=[
                Route(
                    "/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json",
                    self._call_resource,
                    methods=["GET", "POST"],
                ),
            ]
        )

    async def __aenter__(self) -> FakeTwilio:
        self._client = httpx.AsyncClient(timeout=self._callback_timeout_s)
        self._serving = serve_asgi(self.app)
        self.base_url = await self._serving.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.settle()
        if self._serving is not None:
            await self._serving.__aexit__(None, None, None)
        if self._client is not None:
            await self._client.aclose()

    async def settle(self) -> None:
        """Wait (bounded) for the carrier's own pending work: stream ends, status callbacks.

        Twilio posts a call's status callback a moment after the call ends; a test that
        checks the callback reached the app calls this while the app is still serving.
        """
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=self._callback_timeout_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    # --- failure injection -------------------------------------------------------------------

    def fail_next(self, *, status: int = 500, times: int = 1) -> None:
        """Answer the next ``times`` REST requests with an HTTP error, like a Twilio outage."""
        self._injections.extend([("fail", float(status))] * times)

    def stall_next(self, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` REST requests for ``seconds`` before answering normally."""
        self._injections.extend([("stall", seconds)] * times)

    # --- the simulated call's side -------------------------------------------------------------

    def register_call(
        self, call_sid: str, *, from_: str, to: str, status_callback_url: str | None = None
    ) -> CarrierCall:
        """Make a call known to the REST API (the simulated caller does this as it dials).

        The carrier-wide ``status_callback_url`` (the number's configuration) wins over the
        per-call one, as on a real Twilio number.
        """
        call = CarrierCall(
            call_sid=call_sid,
            account_sid=self.account_sid,
            from_=from_,
            to=to,
            status_callback_url=self.status_callback_url or status_callback_url,
        )
        self.calls[call_sid] = call
        return call

    async def finish(
        self,
        call_sid: str,
        *,
        ended_by: str,
        reason: str,
        transfer_target: str | None = None,
    ) -> None:
        """The call ended on the caller's side (hang-up, busy...): complete it, post callback."""
        call = self.calls[call_sid]
        if call.status != "completed":
            self._complete(call, ended_by=ended_by, reason=reason)
            if transfer_target is not None:
                call.transfer_target = transfer_target
        call.stream_closed.set()
        if not call.callback_sent.is_set():
            await self._post_status_callback(call)

    def hang_ups(self, call_sid: str | None = None) -> list[RecordedRequest]:
        """Successful REST requests that ended or redirected a call."""
        return [
            r
            for r in self.requests
            if r.method == "POST"
            and r.status < 300
            and (call_sid is None or r.call_sid == call_sid)
            and ("Status" in r.form or "Twiml" in r.form or "Url" in r.form)
        ]

    # --- REST ------------------------------------------------------------------------------

    async def _call_resource(self, request: Request) -> Response:
        account_sid = request.path_params["account_sid"]
        call_sid = request.path_params["call_sid"]
        body = (await request.body()).decode("utf-8", errors="replace")
        form = dict(parse_qsl(body, keep_blank_values=True))
        record = RecordedRequest(
            method=request.method,
            path=request.url.path,
            call_sid=call_sid,
            form=form,
            auth_ok=self._auth_ok(request.headers.get("authorization")),
        )
        self.requests.append(record)
        response = await self._handle(request.method, account_sid, call_sid, form, record)
        record.status = response.status_code
        return response

    def _auth_ok(self, header: str | None) -> bool:
        if not header or not header.lower().startswith("basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(
            password, self.auth_token
        )

    async def _handle(
        self,
        method: str,
        account_sid: str,
        call_sid: str,
        form: dict[str, str],
        record: RecordedRequest,
    ) -> Response:
        if not record.auth_ok:
            response = _error(401, 20003, "Authenticate")
            response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        if self._injections:
            kind, value = self._injections.pop(0)
            if kind == "stall":
                await asyncio.sleep(value)
            else:
                return _error(int(value), 20500, "An internal server error has occurred")
        call = self.calls.get(call_sid)
        if account_sid != self.account_sid or call is None:
            return _error(
                404,
                20404,
                f"The requested resource /2010-04-01/Accounts/{account_sid}/Calls/"
                f"{call_sid}.json was not found",
            )
        if method == "GET":
            return JSONResponse(self._resource(call))
        twiml, url, status = form.get("Twiml"), form.get("Url"), form.get("Status")
        if twiml is None and url is None and status is None:
            return _error(400, 21218, "Invalid ApplicationSid: one of Url, Twiml or Status")
        if status is not None and status not in ("completed", "canceled"):
            return _error(400, 21218, f"Invalid Status: {status}")
        if call.status == "completed":
            if status is not None:
                return JSONResponse(self._resource(call))
            return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
        if status is not None:
            self._end_by_agent(call, reason="hangup")
        elif twiml is not None:
            call.twiml = twiml
            target = dial_target(twiml)
            if target is not None:
                call.transfer_target = target
                self._end_by_agent(call, reason="transfer")
            else:
                self._end_by_agent(call, reason="twiml")
        else:
            self._end_by_agent(call, reason="redirect")
        return JSONResponse(self._resource(call))

    def _end_by_agent(self, call: CarrierCall, *, reason: str) -> None:
        call.ended_by = "agent"
        call.end_reason = reason
        if reason == "hangup":
            self._complete(call, ended_by="agent", reason=reason)
        self._spawn(self._end_stream_then_callback(call))

    def _complete(self, call: CarrierCall, *, ended_by: str, reason: str) -> None:
        call.status = "completed"
        call.ended_at = time.monotonic()
        call.ended_by = call.ended_by or ended_by
        call.end_reason = call.end_reason or reason

    async def _end_stream_then_callback(self, call: CarrierCall) -> None:
        # Twilio answers the REST request first; the stream's `stop` follows shortly after.
        await asyncio.sleep(self._end_delay_s)
        call.ended.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(call.stream_closed.wait(), self._stream_close_timeout_s)
        if call.status != "completed":
            # A transfer: the simulated human leg ends at once, so the call completes here.
            self._complete(call, ended_by="agent", reason=call.end_reason or "transfer")
        if not call.callback_sent.is_set():
            await self._post_status_callback(call)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post_status_callback(self, call: CarrierCall) -> None:
        call.callback_sent.set()
        url = call.status_callback_url
        if not url or self._client is None:
            return
        duration = max(0, int(round(call.duration_s)))
        params = {
            "AccountSid": call.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": call.call_sid,
            "CallStatus": "completed",
            "CallDuration": str(duration),
            "Duration": str((duration + 59) // 60),
            "Direction": "inbound",
            "From": call.from_,
            "To": call.to,
            "Caller": call.from_,
            "Called": call.to,
            "CallbackSource": "call-progress-events",
            "SequenceNumber": "0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        }
        headers = {"X-Twilio-Signature": sign(self.auth_token, url, params)}
        try:
            resp = await self._client.post(url, data=params, headers=headers)
        except httpx.HTTPError as exc:
            self.status_callbacks.append(
                StatusCallback(url, params, None, f"{type(exc).__name__}: {exc}")
            )
            return
        self.status_callbacks.append(StatusCallback(url, params, resp.status_code))

    def _resource(self, call: CarrierCall) -> dict[str, Any]:
        fmt = "%a, %d %b %Y %H:%M:%S +0000"
        now = dt.datetime.now(dt.UTC).strftime(fmt)
        completed = call.status == "completed"
        return {
            "sid": call.call_sid,
            "account_sid": call.account_sid,
            "api_version": API_VERSION,
            "date_created": call.created.strftime(fmt),
            "date_updated": now,
            "start_time": call.created.strftime(fmt),
            "end_time": now if completed else None,
            "duration": str(int(round(call.duration_s))) if completed else None,
            "direction": "inbound",
            "from": call.from_,
            "from_formatted": call.from_,
            "to": call.to,
            "to_formatted": call.to,
            "status": call.status,
            "answered_by": None,
            "parent_call_sid": None,
            "price": None,
            "price_unit": "USD",
            "uri": CALL_PATH.format(account_sid=call.account_sid, call_sid=call.call_sid),
        }
