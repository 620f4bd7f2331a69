"""The Twilio-facing routes over real HTTP/WebSocket on loopback (engines not needed)."""

from __future__ import annotations

import asyncio
import json
from xml.etree import ElementTree as ET

import httpx
import pytest
import uvicorn
import websockets
from sqlalchemy import select

from support import ACCOUNT_SID, AUTH_TOKEN
from switchboard.app import create_app
from switchboard.simulator.runner import _free_socket
from switchboard.storage import repo
from switchboard.storage.db import transaction
from switchboard.storage.models import CallEvent
from switchboard.telephony import stream_token
from switchboard.telephony.signature import sign

PUBLIC = "https://agent.example.test"


@pytest.fixture
async def server(resources):
    sock = _free_socket()
    app = create_app(resources.settings, resources=resources)
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio"))
    task = asyncio.create_task(srv.serve(sockets=[sock]))
    for _ in range(500):
        if srv.started:
            break
        await asyncio.sleep(0.02)
    port = sock.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", resources
    finally:
        srv.should_exit = True
        await task
        sock.close()


def form(call_sid="CA" + "a" * 32, to="+13055550100", frm="+13055550123"):
    return {"CallSid": call_sid, "AccountSid": ACCOUNT_SID, "From": frm, "To": to,
            "CallStatus": "ringing", "Direction": "inbound"}


async def post_signed(base, path, data, *, signature=None):
    sig = signature if signature is not None else sign(AUTH_TOKEN, PUBLIC + path, data)
    async with httpx.AsyncClient() as c:
        return await c.post(base + path, data=data, headers={"X-Twilio-Signature": sig})


async def test_signed_webhook_answers_with_stream_token_and_front_desk_fallback(server):
    base, res = server
    r = await post_signed(base, "/twilio/voice", form())
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.text)
    stream = root.find("Connect/Stream")
    assert stream.get("url") == "wss://agent.example.test/twilio/stream"
    token = stream.find("Parameter[@name='token']").get("value")
    stream_token.verify(res.settings.stream_secret, token, "CA" + "a" * 32)
    assert root.find("Dial").text == "+13055550110"
    async with transaction(res.db) as s:
        call = await repo.get_call(s, call_sid="CA" + "a" * 32)
    assert (call.from_number, call.business_id) == ("+13055550123", "bayside-vision")


@pytest.mark.parametrize("signature", ["", "bogus", sign("other-token", PUBLIC + "/twilio/voice",
                                                         form())])
async def test_webhook_with_bad_or_missing_signature_gets_403(server, signature):
    base, res = server
    r = await post_signed(base, "/twilio/voice", form(), signature=signature)
    assert r.status_code == 403
    async with transaction(res.db) as s:
        assert await repo.get_call(s, call_sid="CA" + "a" * 32) is None


async def test_signature_over_the_internal_url_is_refused(server):
    base, _ = server
    data = form()
    r = await post_signed(base, "/twilio/voice", data,
                          signature=sign(AUTH_TOKEN, base + "/twilio/voice", data))
    assert r.status_code == 403


async def test_caller_over_capacity_hears_busy_line_and_slot_count_holds(server):
    base, res = server
    res.capacity._limit = 1  # noqa: SLF001
    first = await post_signed(base, "/twilio/voice", form("CA" + "1" * 32))
    second = await post_signed(base, "/twilio/voice", form("CA" + "2" * 32))
    assert ET.fromstring(first.text).find("Connect") is not None
    busy = ET.fromstring(second.text)
    assert [c.tag for c in busy] == ["Say", "Hangup"]
    assert res.capacity.in_use == 1
    async with transaction(res.db) as s:
        call = await repo.get_call(s, call_sid="CA" + "2" * 32)
    assert (call.ended_by, call.end_reason) == ("system", "over_capacity")


async def test_overflow_number_takes_callers_over_capacity(server):
    base, res = server
    res.capacity._limit = 1  # noqa: SLF001
    res.settings = res.settings.model_copy(update={"overflow_number": "+13055550999"})
    await post_signed(base, "/twilio/voice", form("CA" + "1" * 32))
    r = await post_signed(base, "/twilio/voice", form("CA" + "2" * 32))
    assert ET.fromstring(r.text).find("Dial").text == "+13055550999"


async def test_status_callback_is_recorded_and_frees_an_unclaimed_slot(server):
    base, res = server
    sid = "CA" + "3" * 32
    await post_signed(base, "/twilio/voice", form(sid))
    assert res.capacity.in_use == 1
    r = await post_signed(base, "/twilio/status",
                          {"CallSid": sid, "CallStatus": "completed", "CallDuration": "3",
                           "From": "+13055550123"})
    assert r.status_code == 204
    assert res.capacity.in_use == 0
    async with transaction(res.db) as s:
        ev = (await s.execute(select(CallEvent))).scalar_one()
        call = await repo.get_call(s, call_sid=sid)
    assert ev.status == "completed" and "From" not in ev.payload
    assert call.ended_by == "caller" and call.ended_at is not None


async def test_unsigned_status_callback_gets_403(server):
    base, _ = server
    r = await post_signed(base, "/twilio/status", {"CallSid": "CA1", "CallStatus": "completed"},
                          signature="nope")
    assert r.status_code == 403


# --- the media stream WebSocket ------------------------------------------------------------
WS_SIGNED_URL = "wss://agent.example.test/twilio/stream"


def start_msg(call_sid, token):
    return json.dumps({
        "event": "start", "streamSid": "MZ" + "0" * 32,
        "start": {"accountSid": ACCOUNT_SID, "streamSid": "MZ" + "0" * 32, "callSid": call_sid,
                  "tracks": ["inbound"], "customParameters": {"token": token},
                  "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000,
                                  "channels": 1}},
    })


async def open_stream(base, *, signature):
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    return await websockets.connect(base.replace("http", "ws") + "/twilio/stream",
                                    additional_headers=headers)


@pytest.mark.parametrize("signature", [None, "bogus"])
async def test_stream_upgrade_without_valid_signature_is_refused_with_403(server, signature):
    base, _ = server
    with pytest.raises(websockets.InvalidStatus) as err:
        await open_stream(base, signature=signature)
    assert err.value.response.status_code == 403


@pytest.mark.parametrize(
    "first_messages",
    [
        [json.dumps({"event": "connected"}), "not json"],
        [json.dumps({"event": "media", "media": {"payload": ""}})],
        [start_msg("CA" + "a" * 32, "1.forged")],
        [start_msg("CA" + "a" * 32, "")],
    ],
)
async def test_stream_with_bad_handshake_or_token_is_closed_as_policy_violation(
    server, first_messages
):
    base, _ = server
    await post_signed(base, "/twilio/voice", form())
    ws = await open_stream(base, signature=sign(AUTH_TOKEN, WS_SIGNED_URL, {}))
    for m in first_messages:
        await ws.send(m)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd.code == 1008


async def test_replayed_stream_token_is_refused(server):
    base, res = server
    sid = "CA" + "a" * 32
    r = await post_signed(base, "/twilio/voice", form(sid))
    token = ET.fromstring(r.text).find("Connect/Stream/Parameter").get("value")
    async with transaction(res.db) as s:  # the first stream already used the token
        await repo.claim_stream(s, call_sid=sid, stream_sid="MZfirst", started_at=res.now())
    ws = await open_stream(base, signature=sign(AUTH_TOKEN, WS_SIGNED_URL, {}))
    await ws.send(start_msg(sid, token))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd.code == 1008
