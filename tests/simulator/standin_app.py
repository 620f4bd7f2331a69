"""A tiny stand-in for the agent's server, speaking Twilio's protocol, for simulator tests.

It checks signatures with the official SDK, greets with a tone, answers each caller utterance
(energy VAD) with a tone and a mark, and after the caller's last expected line ends the call
through the fake carrier's REST API (hang-up, or a <Dial> transfer), or closes the stream.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import httpx
import numpy as np
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from starlette.websockets import WebSocketDisconnect
from twilio.request_validator import RequestValidator

from switchboard.simulator.voice import pcm16_to_ulaw, ulaw_is_voiced

FRAME = 160


def tone_ulaw(seconds: float, freq: float = 440.0, amp: int = 9000) -> bytes:
    t = np.arange(int(seconds * 8000)) / 8000
    pcm = (amp * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()
    return pcm16_to_ulaw(pcm)


@dataclass
class StandInConfig:
    greeting_s: float = 0.4
    reply_s: float = 0.4
    end_after: int = 1  # end the call after replying to this many caller utterances
    end_with: str = "hangup"  # hangup | transfer | close | never
    transfer_to: str = "+13055550111"
    silent_for: set[int] = field(default_factory=set)  # utterance numbers not to answer
    send_marks: bool = True
    burst_greeting: bool = False  # send the greeting all at once (not paced)
    clear_on_speech: bool = False  # barge-in: `clear` when the caller starts talking
    voice_status: int | None = None  # answer /twilio/voice with this status instead
    busy_twiml: str | None = None  # answer /twilio/voice with this TwiML instead
    vad_end_s: float = 0.3
    stall_after_frames: int | None = None  # hold the outbound audio once, after this many
    stall_s: float = 0.2


class StandIn:
    """The app: /twilio/voice, /twilio/stream, /twilio/status."""

    def __init__(self, *, auth_token: str, account_sid: str, carrier_url: str,
                 config: StandInConfig | None = None) -> None:
        self.auth_token = auth_token
        self.account_sid = account_sid
        self.carrier_url = carrier_url
        self.config = config or StandInConfig()
        self.base_url = ""
        self.validator = RequestValidator(auth_token)
        self.voice_requests: list[dict] = []
        self.stream_signature_ok: bool | None = None
        self.messages: list[dict] = []
        self.media_arrivals: list[float] = []
        self.status_callbacks: list[tuple[dict, bool]] = []
        self.rest_results: list[int] = []
        self.utterances = 0
        self.app = self._build()

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/twilio/voice")
        async def voice(request: Request) -> Response:
            form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
            sig = request.headers.get("x-twilio-signature", "")
            ok = self.validator.validate(f"{self.base_url}/twilio/voice", form, sig)
            self.voice_requests.append(form)
            if not ok:
                return Response("bad signature", status_code=403)
            if self.config.voice_status:
                return Response("no", status_code=self.config.voice_status)
            if self.config.busy_twiml:
                return Response(self.config.busy_twiml, media_type="application/xml")
            ws_url = self.base_url.replace("http://", "ws://") + "/twilio/stream"
            twiml = (
                '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>'
                f'<Stream url="{ws_url}"><Parameter name="token" value="tok-{form["CallSid"]}"/>'
                '<Parameter name="lang" value="en"/></Stream></Connect>'
                "<Dial>+13055550100</Dial></Response>"
            )
            return Response(twiml, media_type="application/xml")

        @app.post("/twilio/status")
        async def status(request: Request) -> Response:
            form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
            sig = request.headers.get("x-twilio-signature", "")
            ok = self.validator.validate(f"{self.base_url}/twilio/status", form, sig)
            self.status_callbacks.append((form, ok))
            return JSONResponse({}, status_code=200 if ok else 403)

        @app.websocket("/twilio/stream")
        async def stream(ws: WebSocket) -> None:
            url = self.base_url.replace("http://", "ws://") + "/twilio/stream"
            sig = ws.headers.get("x-twilio-signature", "")
            self.stream_signature_ok = self.validator.validate(url, {}, sig)
            if not self.stream_signature_ok:
                await ws.close(code=1008)
                return
            await ws.accept()
            await self._serve_stream(ws)

        return app

    async def _serve_stream(self, ws: WebSocket) -> None:
        cfg = self.config
        connected = json.loads(await ws.receive_text())
        start = json.loads(await ws.receive_text())
        self.messages += [connected, start]
        stream_sid = start["start"]["streamSid"]
        call_sid = start["start"]["callSid"]
        speaking: asyncio.Task | None = asyncio.create_task(
            self._speak(ws, stream_sid, tone_ulaw(cfg.greeting_s, 523), "greeting",
                        burst=cfg.burst_greeting)
        )
        in_speech, quiet_since = False, 0.0
        try:
            while True:
                message = json.loads(await ws.receive_text())
                self.messages.append(message)
                if message["event"] == "stop":
                    break
                if message["event"] != "media":
                    continue
                now = time.monotonic()
                self.media_arrivals.append(now)
                voiced = ulaw_is_voiced(base64.b64decode(message["media"]["payload"]))
                if voiced:
                    if not in_speech and cfg.clear_on_speech:
                        if speaking and not speaking.done():
                            speaking.cancel()
                        await ws.send_text(json.dumps({"event": "clear",
                                                       "streamSid": stream_sid}))
                    in_speech, quiet_since = True, now
                elif in_speech and now - quiet_since >= cfg.vad_end_s:
                    in_speech = False
                    self.utterances += 1
                    n = self.utterances
                    if n in cfg.silent_for:
                        continue
                    if speaking and not speaking.done():
                        await speaking
                    speaking = asyncio.create_task(
                        self._reply_then_maybe_end(ws, stream_sid, call_sid, n)
                    )
        except WebSocketDisconnect:
            pass
        finally:
            if speaking:
                speaking.cancel()
                await asyncio.gather(speaking, return_exceptions=True)

    async def _reply_then_maybe_end(self, ws, stream_sid, call_sid, n) -> None:
        cfg = self.config
        await self._speak(ws, stream_sid, tone_ulaw(cfg.reply_s, 659), f"reply-{n}")
        if n < cfg.end_after or cfg.end_with == "never":
            return
        await asyncio.sleep(0.2)
        if cfg.end_with == "close":
            await ws.close()
            return
        data = {"Status": "completed"} if cfg.end_with == "hangup" else {
            "Twiml": f"<Response><Dial><Number>{cfg.transfer_to}</Number></Dial></Response>"}
        async with httpx.AsyncClient() as client:
            resp = await client.post(
                f"{self.carrier_url}/2010-04-01/Accounts/{self.account_sid}/Calls/"
                f"{call_sid}.json",
                data=data, auth=(self.account_sid, self.auth_token))
        self.rest_results.append(resp.status_code)

    async def _speak(self, ws, stream_sid, audio: bytes, mark: str, *, burst=False) -> None:
        start = time.monotonic()
        for i in range(0, len(audio), FRAME):
            if i // FRAME == self.config.stall_after_frames:  # a late frame: the caller hears a gap
                await asyncio.sleep(self.config.stall_s)
                start += self.config.stall_s
            payload = base64.b64encode(audio[i:i + FRAME]).decode()
            await ws.send_text(json.dumps({"event": "media", "streamSid": stream_sid,
                                           "media": {"payload": payload}}))
            if not burst:
                await asyncio.sleep(max(0.0, start + (i // FRAME + 1) * 0.02 - time.monotonic()))
        if self.config.send_marks:
            await ws.send_text(json.dumps({"event": "mark", "streamSid": stream_sid,
                                           "mark": {"name": mark}}))
