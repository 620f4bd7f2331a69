"""The fake Twilio answers like Twilio: auth, errors, hang-up, transfer, callbacks, failures."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qsl

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from switchboard.simulator.carrier import FakeTwilio, dial_target, serve_asgi, sign, validate

ACCOUNT = "AC" + "2" * 32
TOKEN = "feedface" * 4
CALL = "CA" + "3" * 32


def _url(carrier, call_sid=CALL, account=ACCOUNT):
    return f"{carrier.base_url}/2010-04-01/Accounts/{account}/Calls/{call_sid}.json"


async def _post(carrier, data, *, auth=(ACCOUNT, TOKEN), call_sid=CALL, client_timeout=5.0):
    async with httpx.AsyncClient(timeout=client_timeout) as client:
        return await client.post(_url(carrier, call_sid), data=data, auth=auth)


def test_signatures_round_trip_with_the_official_sdk():
    params = {"CallSid": CALL, "From": "+13055550123"}
    sig = sign(TOKEN, "https://agent.example/twilio/voice", params)
    assert validate(TOKEN, "https://agent.example/twilio/voice", params, sig)
    assert not validate(TOKEN, "https://agent.example/twilio/voice", {**params, "To": "x"}, sig)
    assert not validate("0" * 32, "https://agent.example/twilio/voice", params, sig)
    assert not validate(TOKEN, "https://agent.example/twilio/voice", params, None)


@pytest.mark.parametrize(
    ("twiml", "target"),
    [
        ("<Response><Dial>+13055550100</Dial></Response>", "+13055550100"),
        ("<Response><Say>one moment</Say><Dial><Number>+1305</Number></Dial></Response>",
         "+1305"),
        ("<Response><Dial><Sip>sip:desk@pbx</Sip></Dial></Response>", "sip:desk@pbx"),
        ("<Response><Hangup/></Response>", None),
        ("not xml", None),
    ],
)
def test_dial_target(twiml, target):
    assert dial_target(twiml) == target


async def test_bad_credentials_get_twilios_401():
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        carrier.register_call(CALL, from_="+1", to="+2")
        resp = await _post(carrier, {"Status": "completed"}, auth=(ACCOUNT, "wrong"))
        async with httpx.AsyncClient() as client:
            no_auth = await client.post(_url(carrier), data={"Status": "completed"})
    assert resp.status_code == 401 and no_auth.status_code == 401
    body = resp.json()
    assert body["code"] == 20003 and body["status"] == 401 and "more_info" in body
    assert "Basic" in resp.headers["www-authenticate"]
    assert not carrier.calls[CALL].ended.is_set()
    assert [r.auth_ok for r in carrier.requests] == [False, False]


async def test_unknown_call_gets_twilios_404_body():
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        resp = await _post(carrier, {"Status": "completed"}, call_sid="CA" + "9" * 32)
    assert resp.status_code == 404
    body = resp.json()
    assert body["code"] == 20404 and body["status"] == 404
    assert body["message"].startswith("The requested resource /2010-04-01/Accounts/")
    assert body["message"].endswith("was not found")
    assert body["more_info"] == "https://www.twilio.com/docs/errors/20404"


@pytest.fixture
async def callback_sink():
    received: list[tuple[dict, bool]] = []
    holder = {}

    async def status(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        ok = validate(TOKEN, f"{holder['url']}/twilio/status", form,
                      request.headers.get("x-twilio-signature"))
        received.append((form, ok))
        return Response("", status_code=204)

    app = Starlette(routes=[Route("/twilio/status", status, methods=["POST"])])
    async with serve_asgi(app) as url:
        holder["url"] = url
        yield url, received


async def test_hang_up_ends_the_stream_then_posts_a_signed_callback(callback_sink):
    url, received = callback_sink
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        call = carrier.register_call(CALL, from_="+13055550123", to="+13055550100",
                                     status_callback_url=f"{url}/twilio/status")
        resp = await _post(carrier, {"Status": "completed"})
        assert resp.status_code == 200
        body = resp.json()
        assert body["sid"] == CALL and body["status"] == "completed"
        assert body["account_sid"] == ACCOUNT and body["from"] == "+13055550123"
        assert body["uri"] == f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}.json"
        await asyncio.wait_for(call.ended.wait(), 1)
        assert not received  # the callback waits for the stream to close
        call.stream_closed.set()
        await asyncio.wait_for(call.callback_sent.wait(), 1)
        # Hanging up a completed call again is harmless, as on Twilio.
        again = await _post(carrier, {"Status": "completed"})
        assert again.status_code == 200
        redirect = await _post(carrier, {"Twiml": "<Response><Dial>+1</Dial></Response>"})
        assert redirect.status_code == 400 and redirect.json()["code"] == 21220
    [(form, signed)] = received
    assert signed
    assert form["CallStatus"] == "completed" and form["CallSid"] == CALL
    assert form["AccountSid"] == ACCOUNT and form["From"] == "+13055550123"
    assert form["To"] == "+13055550100" and form["CallDuration"].isdigit()
    assert call.ended_by == "agent" and call.end_reason == "hangup"


async def test_twiml_dial_is_a_transfer():
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        call = carrier.register_call(CALL, from_="+1", to="+2")
        twiml = "<Response><Say>Connecting you.</Say><Dial>+13055550111</Dial></Response>"
        resp = await _post(carrier, {"Twiml": twiml})
        assert resp.status_code == 200 and resp.json()["status"] == "in-progress"
        await asyncio.wait_for(call.ended.wait(), 1)
        call.stream_closed.set()
    assert call.end_reason == "transfer" and call.transfer_target == "+13055550111"
    assert call.twiml == twiml and call.status == "completed"
    assert [r.form for r in carrier.hang_ups(CALL)] == [{"Twiml": twiml}]


async def test_injected_failure_then_success():
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        call = carrier.register_call(CALL, from_="+1", to="+2")
        carrier.fail_next(status=500)
        first = await _post(carrier, {"Status": "completed"})
        assert first.status_code == 500 and first.json()["status"] == 500
        assert not call.ended.is_set()
        second = await _post(carrier, {"Status": "completed"})
        assert second.status_code == 200
        call.stream_closed.set()
    assert [r.status for r in carrier.requests] == [500, 200]


async def test_injected_stall_makes_the_client_time_out():
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        call = carrier.register_call(CALL, from_="+1", to="+2")
        call.stream_closed.set()  # no media stream in this test
        carrier.stall_next(2.0)
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await _post(carrier, {"Status": "completed"}, client_timeout=0.3)
        assert time.monotonic() - started < 1.8  # well before the stalled answer
        await asyncio.sleep(1.9)  # the stalled request completes on the server side


async def test_caller_side_finish_posts_the_callback(callback_sink):
    url, received = callback_sink
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN,
                          status_callback_url=f"{url}/twilio/status") as carrier:
        call = carrier.register_call(CALL, from_="+1", to="+2")
        await carrier.finish(CALL, ended_by="caller", reason="hang_up")
        # The agent's hang-up after the caller left: 200, nothing changes.
        late = await _post(carrier, {"Status": "completed"})
    assert late.status_code == 200
    assert call.ended_by == "caller" and call.status == "completed"
    assert len(received) == 1 and received[0][1]


async def test_missing_parameters_are_refused():
    async with FakeTwilio(account_sid=ACCOUNT, auth_token=TOKEN) as carrier:
        carrier.register_call(CALL, from_="+1", to="+2")
        resp = await _post(carrier, {"Foo": "bar"})
        bad_status = await _post(carrier, {"Status": "ringing"})
    assert resp.status_code == 400 and bad_status.status_code == 400
