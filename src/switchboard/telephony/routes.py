"""Twilio-facing HTTP and WebSocket routes (C1.1–C1.3)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import Response
from loguru import logger
from starlette.websockets import WebSocketDisconnect

from switchboard.errors import StreamTokenError
from switchboard.pipeline.call import CallSession, stream_info
from switchboard.storage import repo
from switchboard.storage.db import transaction
from switchboard.telephony import stream_token, twiml
from switchboard.telephony.media_stream import HandshakeError, read_start
from switchboard.telephony.signature import is_valid_signature, public_url_for

if TYPE_CHECKING:
    from switchboard.app import AppResources

router = APIRouter()

STREAM_PATH = "/twilio/stream"
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def _xml(body: str) -> Response:
    return Response(content=body, media_type="application/xml")


async def _signed_form(request: Request, res: AppResources) -> dict[str, str] | None:
    """The form if its X-Twilio-Signature is valid (or validation is off), else None."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not res.settings.twilio_validate_signatures:
        return form
    url = public_url_for(res.settings.public_url, request.url.path, request.url.query)
    signature = request.headers.get("x-twilio-signature")
    if is_valid_signature(res.settings.auth_token, url, form, signature):
        return form
    logger.warning(f"rejected unsigned or badly signed request to {request.url.path}")
    return None


@router.post("/twilio/voice")
async def voice(request: Request) -> Response:
    res: AppResources = request.app.state.res
    form = await _signed_form(request, res)
    if form is None:
        return Response("invalid signature", status_code=403)
    call_sid = form.get("CallSid", "")
    if not call_sid:
        return Response("missing CallSid", status_code=400)
    profile = res.profiles.for_called_number(form.get("To"))
    async with transaction(res.db) as session:
        await repo.create_call(
            session,
            call_sid=call_sid,
            account_sid=form.get("AccountSid", ""),
            from_number=form.get("From", ""),
            to_number=form.get("To", ""),
            business_id=profile.id,
            direction=form.get("Direction", "inbound"),
        )
        if not res.capacity.try_reserve(call_sid):
            await repo.finish_call(
                session,
                call_sid=call_sid,
                ended_by="system",
                end_reason="over_capacity",
                outcome=None,
            )
            logger.info(f"call {call_sid} over capacity ({res.capacity.limit} live calls)")
            overflow = res.settings.overflow_number or None
            return _xml(twiml.busy(message=profile.phrases.busy, overflow_number=overflow))
    token = stream_token.issue(
        res.settings.stream_secret, call_sid, ttl_secs=res.settings.stream_token_ttl_secs
    )
    stream_url = public_url_for(res.settings.public_url, STREAM_PATH, websocket=True)
    body = twiml.connect_stream(
        stream_url=stream_url, parameters={"token": token}, fallback_number=profile.front_desk
    )
    return _xml(body)


@router.post("/twilio/status")
async def status(request: Request) -> Response:
    res: AppResources = request.app.state.res
    form = await _signed_form(request, res)
    if form is None:
        return Response("invalid signature", status_code=403)
    call_sid = form.get("CallSid", "")
    call_status = form.get("CallStatus", "")
    if not call_sid or not call_status:
        return Response("missing CallSid or CallStatus", status_code=400)
    # Keep what Twilio sent except the caller's numbers, which the call row already holds.
    payload = {k: v for k, v in form.items() if k not in ("From", "To", "Caller", "Called")}
    async with transaction(res.db) as session:
        await repo.record_status_event(
            session, call_sid=call_sid, status=call_status, payload=payload
        )
        if call_status in FINAL_STATUSES and call_sid not in res.sessions:
            call = await repo.get_call(session, call_sid=call_sid)
            if call is not None and call.ended_at is None:
                await repo.finish_call(
                    session,
                    call_sid=call_sid,
                    ended_by="caller",
                    end_reason=f"carrier_{call_status}",
                    outcome=call.outcome or "abandoned",
                )
    if call_status in FINAL_STATUSES and call_sid not in res.sessions:
        res.capacity.release(call_sid)
    return Response(status_code=204)


@router.websocket(STREAM_PATH)
async def media_stream(websocket: WebSocket) -> None:
    res: AppResources = websocket.app.state.res
    if res.settings.twilio_validate_signatures:
        url = public_url_for(
            res.settings.public_url, STREAM_PATH, websocket.url.query, websocket=True
        )
        signature = websocket.headers.get("x-twilio-signature")
        if not is_valid_signature(res.settings.auth_token, url, {}, signature):
            logger.warning("rejected a media stream with a bad or missing signature")
            await websocket.close(code=POLICY_VIOLATION)  # before accept: HTTP 403
            return
    await websocket.accept()
    try:
        start = await read_start(websocket)
        stream_token.verify(
            res.settings.stream_secret, start.custom_parameters.get("token"), start.call_sid
        )
    except (HandshakeError, StreamTokenError) as exc:
        logger.warning(f"refused media stream: {exc}")
        await websocket.close(code=POLICY_VIOLATION, reason=str(exc)[:100])
        return
    except WebSocketDisconnect:
        return

    call_sid = start.call_sid
    async with transaction(res.db) as session:
        call = await repo.get_call(session, call_sid=call_sid)
        claimed = call is not None and await repo.claim_stream(
            session, call_sid=call_sid, stream_sid=start.stream_sid, started_at=res.now()
        )
    if call is None or not claimed:
        logger.warning(f"refused media stream for call {call_sid}: token already used")
        await websocket.close(code=POLICY_VIOLATION, reason="stream token already used")
        return
    if not res.capacity.activate(call_sid) and not (
        res.capacity.try_reserve(call_sid) and res.capacity.activate(call_sid)
    ):
        # Closing sends Twilio on to the <Dial> after </Connect>: the front desk answers.
        await websocket.close(code=TRY_AGAIN_LATER, reason="over capacity")
        return

    profile = res.profiles.for_called_number(call.to_number)
    session_ = CallSession(
        res,
        stream_info(start, from_number=call.from_number, to_number=call.to_number, profile=profile),
    )
    res.sessions[call_sid] = session_
    try:
        await session_.run(websocket)
    except asyncio.CancelledError:
        raise
    finally:
        res.sessions.pop(call_sid, None)
        res.capacity.release(call_sid)
