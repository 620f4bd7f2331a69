"""Real calls over the Twilio Media Streams protocol on loopback, embedded STT and TTS (slow)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import wave

import numpy as np
import pytest
import websockets

from switchboard.simulator.runner import run_audio, serve_in_process
from switchboard.simulator.scenario import scenario_from_dict
from switchboard.storage import repo
from switchboard.storage.db import transaction
from switchboard.telephony.signature import sign

pytestmark = pytest.mark.slow

needs_flite = pytest.mark.skipif(
    shutil.which("flite") is None,
    reason="flite is not installed: the embedded recognizer cannot follow the fallback caller "
    "voice (espeak-ng), so recognition is not checked",
)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


@pytest.fixture
async def live(settings):
    settings = settings.model_copy(update={"hangup_delay_secs": 0.5, "stt_workers": 1})
    async with serve_in_process(settings) as (url, res, carrier):
        yield url, res, carrier


@needs_flite
async def test_call_is_answered_heard_replied_to_and_hung_up_by_the_agent(live):
    url, res, carrier = live
    scenario = scenario_from_dict(
        {
            "name": "end to end",
            "business": "+13055550100",
            "caller_id": "+13055550123",
            "caller": [{"say": "I would like to book an eye exam."}, {"say": "Goodbye."}],
        }
    )
    report = await run_audio(res, scenario, server_url=url, carrier=carrier, max_seconds=60)

    agent = [t for t in report.turns if t.speaker == "agent"]
    caller = [t for t in report.turns if t.speaker == "caller"]
    assert "automated" in agent[0].text and "recorded" in agent[0].text  # the greeting
    heard = words(caller[0].text)
    assert len(heard & words("I would like to book an eye exam")) >= 3, caller[0].text
    reply = next(t for t in agent if t.start_s >= caller[0].end_s)
    # Understood as a booking with its reason: the reply asks for the next fact, the office.
    assert "office" in reply.text.lower(), (caller[0].text, reply.text)

    # The agent hung up itself through the (local) REST API, after its goodbye played.
    assert report.ended_by == "agent"
    hangups = [r for r in carrier.requests if r.form.get("Status") == "completed"]
    assert [r.call_sid for r in hangups] == [report.call_sid]
    async with transaction(res.db) as s:
        call = await repo.get_call(s, call_sid=report.call_sid, with_turns=True)
    assert call.ended_by == "agent" and call.hangup_result.startswith("ok")
    assert call.ended_at is not None and call.from_number == "+13055550123"
    assert [t.speaker for t in call.turns][:3] == ["agent", "caller", "agent"]
    assert res.capacity.in_use == 0

    # The stereo recording: caller left, agent right, aligned in time.
    with wave.open(call.recording_path) as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (2, 8000)
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).reshape(-1, 2)
    assert abs(len(pcm) / 8000 - report.duration_s) < 3
    rms = lambda x: float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))  # noqa: E731
    greet = pcm[int(agent[0].start_s * 8000) : int(agent[0].end_s * 8000)]
    said = pcm[int(caller[0].start_s * 8000) : int(caller[0].end_s * 8000)]
    assert rms(greet[:, 1]) > 5 * max(rms(greet[:, 0]), 1)
    assert rms(said[:, 0]) > 5 * max(rms(said[:, 1]), 1)


def _media(payload: bytes, sid: str) -> str:
    return json.dumps(
        {
            "event": "media",
            "streamSid": sid,
            "media": {"track": "inbound", "payload": base64.b64encode(payload).decode()},
        }
    )


async def _connect(url: str, res, *, call_sid: str):
    """Webhook + stream handshake by hand; returns the open socket."""
    from xml.etree import ElementTree as ET

    import httpx

    form = {
        "CallSid": call_sid,
        "AccountSid": res.settings.twilio_account_sid,
        "From": "+13055550123",
        "To": "+13055550100",
        "CallStatus": "ringing",
    }
    token = res.settings.auth_token
    async with httpx.AsyncClient() as c:
        r = await c.post(
            url + "/twilio/voice",
            data=form,
            headers={"X-Twilio-Signature": sign(token, url + "/twilio/voice", form)},
        )
    param = ET.fromstring(r.text).find("Connect/Stream/Parameter").get("value")
    ws_url = url.replace("http", "ws") + "/twilio/stream"
    ws = await websockets.connect(
        ws_url, additional_headers={"X-Twilio-Signature": sign(token, ws_url, {})}
    )
    sid = "MZ" + call_sid[2:]
    await ws.send(json.dumps({"event": "connected", "protocol": "Call"}))
    await ws.send(
        json.dumps(
            {
                "event": "start",
                "streamSid": sid,
                "start": {
                    "streamSid": sid,
                    "callSid": call_sid,
                    "accountSid": res.settings.twilio_account_sid,
                    "customParameters": {"token": param},
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                },
            }
        )
    )
    return ws, sid


async def _wait_closed(res, call_sid: str, secs: float = 15):
    for _ in range(int(secs * 10)):
        async with transaction(res.db) as s:
            call = await repo.get_call(s, call_sid=call_sid)
        if call is not None and call.ended_at is not None and call_sid not in res.sessions:
            return call
        await asyncio.sleep(0.1)
    raise AssertionError("call record never completed")


async def test_garbage_on_the_stream_neither_crashes_nor_ends_the_call_and_a_drop_is_clean(live):
    url, res, carrier = live
    call_sid = "CA" + "e" * 32
    ws, sid = await _connect(url, res, call_sid=call_sid)
    silence = b"\xff" * 160
    bad = [
        "not json",
        "[1,2]",
        json.dumps({"event": "media", "media": {"payload": "@@@"}}),
        _media(b"\xff" * 20000, sid),
        json.dumps({"event": "whatever"}),
        b"\x00\x01binary",
    ]
    for i in range(100):  # 2 s of audio with garbage mixed in
        await ws.send(bad[i % len(bad)] if i % 10 == 5 else _media(silence, sid))
        await asyncio.sleep(0.02)
    got_audio = False
    for _ in range(200):
        msg = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if msg.get("event") == "media":
            got_audio = True
            break
    assert got_audio, "the call died after bad input"
    assert call_sid in res.sessions
    await ws.close()  # the socket drops mid-call without a stop message
    call = await _wait_closed(res, call_sid)
    assert (call.ended_by, call.end_reason) == ("caller", "stream_closed")
    assert call.metrics["malformed_messages"] >= 4 and call.metrics["oversized_messages"] >= 1
    assert res.capacity.in_use == 0
    leftover = [t for t in asyncio.all_tasks() if call_sid in t.get_name()]
    assert leftover == []


async def test_failed_hang_up_is_recorded_not_swallowed(live):
    url, res, carrier = live
    carrier.fail_next(status=500)
    call_sid = "CA" + "f" * 32
    ws, sid = await _connect(url, res, call_sid=call_sid)
    for _ in range(100):
        if call_sid in res.sessions:
            break
        await asyncio.sleep(0.05)
    session = res.sessions[call_sid]
    await session._agent_ends_call("goodbye")  # noqa: SLF001 - drive the hang-up directly
    await ws.close()
    call = await _wait_closed(res, call_sid)
    assert call.ended_by == "agent"
    assert call.hangup_result and call.hangup_result.startswith("failed"), call.hangup_result
