"""A scripted caller over the real Twilio Media Streams protocol.

``place_call`` does what Twilio does for an inbound call: a signed ``POST /twilio/voice``, the
TwiML's ``<Connect><Stream>`` WebSocket (signed upgrade, ``connected``, ``start``), then 20 ms
µ-law ``media`` frames in real time for the whole call (silence between lines), ``mark`` echoes
once the audio before them has played, ``clear`` handling, and ``stop`` when the call ends. The
scenario's lines are spoken when the agent has finished its turn. It returns the caller-side
facts (steps, agent turns, latencies, who ended the call, media timing) for the report.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import numpy as np
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from switchboard.simulator import voice
from switchboard.simulator.carrier import CarrierCall, FakeTwilio, dial_target, new_sid, sign
from switchboard.simulator.report import (
    AgentTurnLog,
    CallerSideResult,
    MediaStats,
    StepLog,
)
from switchboard.simulator.scenario import HangUpStep, SayStep, Scenario, SilenceStep

__all__ = [
    "AgentTurnLog",
    "CallerSideResult",
    "MediaStats",
    "place_call",
    "read_twiml",
]

FRAME_S = 0.02
FRAME_BYTES = voice.FRAME_BYTES
SILENCE_FRAME = b"\xff" * FRAME_BYTES
TURN_END_GAP_S = 0.7  # no voiced agent audio this long: the agent's turn is over
TURN_END_AFTER_MARK_S = 0.3  # ...sooner once a mark after the audio has played
REPLY_WAIT_S = 4.0  # the agent should start a turn this soon after a caller line
GREETING_WAIT_S = 10.0  # the greeting may take longer (engines warming up)
BURST_ALLOWANCE_MS = 200.0  # agent audio buffered beyond this counts as a burst
LATE_GAP_MS = 60.0  # agent frames this far apart mid-turn left a gap the caller heard

EventHook = Callable[[str, dict[str, Any]], None]
Synthesizer = Callable[[str], Awaitable[voice.CallerSpeech]]


async def place_call(
    scenario: Scenario,
    *,
    server_url: str,
    auth_token: str,
    account_sid: str,
    carrier: FakeTwilio,
    max_seconds: float = 180,
    on_event: EventHook | None = None,
    public_url: str | None = None,
    synthesize: Synthesizer | None = None,
    save_audio: str | Path | None = None,
    http_client: httpx.AsyncClient | None = None,
    default_business: str = "+15555550100",
    default_caller_id: str = "+15555550199",
    echo_gain: float = 0.0,
) -> CallerSideResult:
    """Play ``scenario`` against the app at ``server_url`` as Twilio would.

    Args:
        scenario: The scripted caller.
        server_url: Where the app listens (``http://127.0.0.1:PORT``).
        auth_token: The Twilio auth token the app validates signatures with.
        account_sid: The account the call belongs to (sent as ``AccountSid``).
        carrier: The running fake Twilio; the app's REST client must point at its base URL.
        max_seconds: End a call that never ends, as a caller hang-up (``hit_max_seconds``).
        on_event: Called as ``on_event(name, data)`` for progress (turns, lines, the end).
        public_url: The origin the app believes it has (signatures are computed over it);
            defaults to ``server_url``.
        synthesize: Text -> caller speech; defaults to flite/espeak-ng (``voice.py``).
        save_audio: Write a stereo WAV (left: caller sent, right: agent as heard).
        http_client: For the webhook POST; one is made when not given.
        default_business: ``To`` when the scenario has no ``business``.
        default_caller_id: ``From`` when the scenario has no ``caller_id``.
        echo_gain: feed the agent's audio back into the caller's channel 20 ms later at this
            amplitude (0.5 is a loud line echo, -6 dB), as a phone line does; 0 is no echo.
    """
    public = (public_url or server_url).rstrip("/")
    server = server_url.rstrip("/")
    emit = on_event or (lambda name, data: None)
    synth = synthesize or (lambda text: voice.synthesize_caller(text, language=scenario.language))
    speech = {s.say: await synth(s.say) for s in scenario.says}
    engine = next(iter(speech.values())).engine if speech else voice.caller_voice_name()
    call_sid = new_sid("CA")
    from_ = scenario.caller_id or default_caller_id
    to = scenario.business or default_business
    result = CallerSideResult(
        scenario=scenario.name,
        call_sid=call_sid,
        account_sid=account_sid,
        from_=from_,
        to=to,
        voice=engine,
    )
    carrier_call = carrier.register_call(
        call_sid, from_=from_, to=to, status_callback_url=f"{public}/twilio/status"
    )
    t0 = time.monotonic()
    try:
        await _answer(
            result, public=public, server=server, auth_token=auth_token, http_client=http_client
        )
        emit("twiml", {"twiml": result.twiml, "attempt": result.attempt})
        if result.attempt != "connected":
            result.ended_by = "agent" if result.attempt in ("busy", "overflow") else None
            result.end_reason = result.attempt
            result.duration_s = time.monotonic() - t0
            await carrier.finish(
                call_sid,
                ended_by="agent",
                reason=result.attempt,
                transfer_target=result.transfer_target,
            )
            return result
        session = _Session(
            result, scenario, speech, carrier_call, t0=t0, emit=emit, max_seconds=max_seconds
        )
        session.echo_gain = echo_gain
        await session.run(
            _connect_url(result.stream_url or "", public=public, server=server),
            headers={"X-Twilio-Signature": sign(auth_token, result.stream_url or "", {})},
        )
        if save_audio is not None:
            session.write_audio(save_audio)
            result.audio_path = str(save_audio)
        result.duration_s = time.monotonic() - t0
    finally:
        result.duration_s = result.duration_s or time.monotonic() - t0
        carrier_call.stream_closed.set()
    if result.ended_by == "caller":
        await carrier.finish(call_sid, ended_by="caller", reason=result.end_reason or "hang_up")
    elif result.attempt != "connected":
        await carrier.finish(call_sid, ended_by="agent", reason=result.end_reason or "failed")
    elif not carrier_call.ended.is_set():
        # The app closed the stream without the REST API: Twilio moves on to the next verb.
        await carrier.finish(
            call_sid, ended_by="agent", reason="stream_closed", transfer_target=result.fallback_dial
        )
    emit(
        "ended",
        {"ended_by": result.ended_by, "reason": result.end_reason, "duration_s": result.duration_s},
    )
    return result


async def _answer(
    result: CallerSideResult,
    *,
    public: str,
    server: str,
    auth_token: str,
    http_client: httpx.AsyncClient | None,
) -> None:
    """POST the voice webhook as Twilio does and read the TwiML it answers with."""
    params = {
        "AccountSid": result.account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": result.call_sid,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": result.from_,
        "To": result.to,
        "Caller": result.from_,
        "Called": result.to,
    }
    headers = {"X-Twilio-Signature": sign(auth_token, f"{public}/twilio/voice", params)}
    async with contextlib.AsyncExitStack() as stack:
        client = http_client
        if client is None:
            client = await stack.enter_async_context(httpx.AsyncClient(timeout=15))
        try:
            resp = await client.post(f"{server}/twilio/voice", data=params, headers=headers)
        except httpx.HTTPError as exc:
            result.attempt = "failed"
            result.errors.append(f"voice webhook: {type(exc).__name__}: {exc}")
            return
    result.voice_status = resp.status_code
    result.twiml = resp.text
    if resp.status_code != 200:
        result.attempt = "rejected"
        result.errors.append(f"voice webhook answered {resp.status_code}: {resp.text[:200]}")
        return
    read_twiml(result, resp.text)


def read_twiml(result: CallerSideResult, twiml: str) -> None:
    """Fill the stream URL/parameters, fallback dial or busy outcome from the app's TwiML."""
    try:
        root = ET.fromstring(twiml)
    except ET.ParseError as exc:
        result.attempt = "failed"
        result.errors.append(f"TwiML is not XML: {exc}")
        return
    connect_el = root.find("Connect")
    stream = connect_el.find("Stream") if connect_el is not None else None
    if stream is None or connect_el is None:
        target = dial_target(twiml)
        if target is not None:
            result.attempt = "overflow"
            result.transfer_target = target
        elif root.find("Hangup") is not None or root.find("Reject") is not None:
            result.attempt = "busy"
        else:
            result.attempt = "failed"
            result.errors.append("TwiML has neither <Connect><Stream> nor <Dial>/<Hangup>")
        return
    result.attempt = "connected"
    result.stream_url = stream.get("url", "")
    result.stream_parameters = {
        p.get("name", ""): p.get("value", "") for p in stream.findall("Parameter")
    }
    after = list(root)[list(root).index(connect_el) + 1 :]
    for verb in after:
        if verb.tag == "Dial":
            result.fallback_dial = dial_target(ET.tostring(verb, encoding="unicode")) or ""
            break


def _connect_url(stream_url: str, *, public: str, server: str) -> str:
    """The stream URL on the loopback server when it names the public origin."""
    parts, pub, srv = urlsplit(stream_url), urlsplit(public), urlsplit(server)
    if parts.netloc != pub.netloc:
        return stream_url
    scheme = {"https": "wss", "http": "ws"}.get(srv.scheme, srv.scheme)
    path = parts.path
    if pub.path and pub.path != "/" and path.startswith(pub.path.rstrip("/")):
        path = path[len(pub.path.rstrip("/")) :]
    return urlunsplit((scheme, srv.netloc, srv.path.rstrip("/") + path, parts.query, ""))


def _mix_echo(caller: bytes, agent: bytes, gain: float) -> bytes:
    """The caller's frame with the agent's audio added at ``gain`` (both µ-law)."""
    c = np.frombuffer(voice.ulaw_to_pcm16(caller), dtype="<i2").astype(np.int32)
    a = np.frombuffer(voice.ulaw_to_pcm16(agent), dtype="<i2").astype(np.int32)
    mixed = np.clip(c + (a * gain).astype(np.int32), -32768, 32767).astype("<i2")
    return voice.pcm16_to_ulaw(mixed.tobytes())


class _Line:
    """A caller line being sent, frame by frame."""

    def __init__(self, ulaw: bytes) -> None:
        padded = ulaw + SILENCE_FRAME[: (-len(ulaw)) % FRAME_BYTES]
        self.frames = [padded[i : i + FRAME_BYTES] for i in range(0, len(padded), FRAME_BYTES)]
        self.voiced = [voice.ulaw_is_voiced(f) for f in self.frames]
        self.index = 0
        self.first_sent_s: float | None = None
        self.last_voiced_s: float | None = None
        self.done = asyncio.Event()


class _Session:
    """One connected media stream: the 20 ms clock, the receiver and the script."""

    def __init__(
        self,
        result: CallerSideResult,
        scenario: Scenario,
        speech: dict[str, voice.CallerSpeech],
        carrier_call: CarrierCall,
        *,
        t0: float,
        emit: EventHook,
        max_seconds: float,
    ) -> None:
        self.r = result
        self.scenario = scenario
        self.speech = speech
        self.carrier_call = carrier_call
        self.t0 = t0
        self.emit = emit
        self.max_seconds = max_seconds
        self.ws: ClientConnection | None = None
        self.stream_sid = new_sid("MZ")
        self.seq = 0
        self.line: _Line | None = None
        # Agent audio waiting to "play": [bytes, arrival_s] or ("mark", name).
        self.play: deque[Any] = deque()
        self.play_bytes = 0
        self.turn: AgentTurnLog | None = None
        self.mark_played_since_voice = False
        self.echo_gain = 0.0
        self._last_heard = SILENCE_FRAME
        self.closed = asyncio.Event()
        self._ticked = asyncio.Event()
        self.close_reason = ""
        self.last_media_s: float | None = None
        self.sent_track = bytearray()
        self.heard_track = bytearray()

    async def _next_tick(self) -> None:
        await self._ticked.wait()

    def now(self) -> float:
        return time.monotonic() - self.t0

    # --- wire ------------------------------------------------------------------------------

    async def _send(self, event: dict[str, Any]) -> None:
        if self.ws is None:
            return
        self.seq += 1
        await self.ws.send(
            json.dumps({"event": event.pop("event"), "sequenceNumber": str(self.seq), **event})
        )

    async def run(self, url: str, *, headers: dict[str, str]) -> None:
        r = self.r
        r.stream_sid = self.stream_sid
        try:
            self.ws = await connect(
                url, additional_headers=headers, open_timeout=10, ping_interval=None, max_size=2**22
            )
        except InvalidStatus as exc:
            r.attempt, r.end_reason = "rejected", "rejected"
            r.errors.append(f"stream WebSocket refused: HTTP {exc.response.status_code}")
            return
        except (OSError, WebSocketException, TimeoutError) as exc:
            r.attempt, r.end_reason = "failed", "failed"
            r.errors.append(f"stream WebSocket failed: {type(exc).__name__}: {exc}")
            return
        try:
            await self.ws.send(
                json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})
            )
            await self._send(
                {
                    "event": "start",
                    "start": {
                        "accountSid": r.account_sid,
                        "streamSid": self.stream_sid,
                        "callSid": r.call_sid,
                        "tracks": ["inbound"],
                        "customParameters": dict(r.stream_parameters),
                        "mediaFormat": {
                            "encoding": "audio/x-mulaw",
                            "sampleRate": 8000,
                            "channels": 1,
                        },
                    },
                    "streamSid": self.stream_sid,
                }
            )
            self.emit("connected", {"stream_sid": self.stream_sid})
            await self._play_call()
        finally:
            await self.ws.close()
            self.finish_turn()

    async def _play_call(self) -> None:
        tasks = {
            asyncio.create_task(self._clock(), name="clock"),
            asyncio.create_task(self._receive(), name="receive"),
        }
        script = asyncio.create_task(self._script(), name="script")
        agent_end = asyncio.create_task(self.carrier_call.ended.wait(), name="agent_end")
        closed = asyncio.create_task(self.closed.wait(), name="closed")
        waiters = {script, agent_end, closed, *tasks}
        try:
            done, _ = await asyncio.wait(
                waiters, timeout=self.max_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            r = self.r
            for task in done:
                exc = task.exception() if task in (*tasks, script) else None
                if exc is not None and not isinstance(exc, ConnectionClosed):
                    r.errors.append(f"{task.get_name()}: {type(exc).__name__}: {exc}")
            if not done:
                r.ended_by, r.end_reason, r.hit_max_seconds = "caller", "max_seconds", True
            elif agent_end in done:
                self._ended_by_agent()
            elif script in done and script.exception() is None:
                r.ended_by, r.end_reason = "caller", "hang_up"
            else:
                # The app closed the stream (or a task failed): did it hang up through REST?
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.carrier_call.ended.wait(), 1.0)
                if self.carrier_call.ended_by == "agent":
                    self._ended_by_agent()
                else:
                    r.ended_by, r.end_reason = "agent", "stream_closed"
                    r.transfer_target = r.fallback_dial
                    if self.close_reason:
                        r.errors.append(f"stream closed by the app: {self.close_reason}")
        finally:
            for task in waiters:
                task.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
        if not self.closed.is_set():
            with contextlib.suppress(ConnectionClosed):
                await self._send(
                    {
                        "event": "stop",
                        "streamSid": self.stream_sid,
                        "stop": {"accountSid": self.r.account_sid, "callSid": self.r.call_sid},
                    }
                )
        self._finish_steps()

    def _ended_by_agent(self) -> None:
        r, call = self.r, self.carrier_call
        r.ended_by = "agent"
        r.end_reason = call.end_reason or "hangup"
        if call.transfer_target is not None:
            r.transfer_target = call.transfer_target

    # --- the 20 ms clock: send one caller frame, play one agent frame ----------------------

    async def _clock(self) -> None:
        start = time.monotonic()
        n = 0
        stats = self.r.media
        while True:
            lag = (time.monotonic() - (start + n * FRAME_S)) * 1000
            stats.max_send_lag_ms = max(stats.max_send_lag_ms, lag)
            now = self.now()
            payload = self._next_caller_frame(now)
            if self.echo_gain > 0:
                payload = _mix_echo(payload, self._last_heard, self.echo_gain)
            await self._send(
                {
                    "event": "media",
                    "streamSid": self.stream_sid,
                    "media": {
                        "track": "inbound",
                        "chunk": str(n + 1),
                        "timestamp": str(n * 20),
                        "payload": base64.b64encode(payload).decode(),
                    },
                }
            )
            stats.frames_sent += 1
            self.sent_track += payload
            await self._play_one(now)
            self._ticked.set()
            self._ticked = asyncio.Event()
            n += 1
            await asyncio.sleep(max(0.0, start + n * FRAME_S - time.monotonic()))

    def _next_caller_frame(self, now: float) -> bytes:
        line = self.line
        if line is None:
            return SILENCE_FRAME
        frame = line.frames[line.index]
        if line.first_sent_s is None:
            line.first_sent_s = now
        if line.voiced[line.index]:
            line.last_voiced_s = now
        line.index += 1
        if line.index >= len(line.frames):
            self.line = None
            line.done.set()
        return frame

    async def _play_one(self, now: float) -> None:
        await self._echo_marks_at_head()
        frame, arrival = bytearray(), None
        while len(frame) < FRAME_BYTES and self.play and not isinstance(self.play[0], tuple):
            item = self.play[0]
            take = item[0][: FRAME_BYTES - len(frame)]
            if arrival is None:
                arrival = item[1]
            frame += take
            item[0] = item[0][len(take) :]
            self.play_bytes -= len(take)
            if not item[0]:
                self.play.popleft()
        await self._echo_marks_at_head()
        heard = bytes(frame) + SILENCE_FRAME[len(frame) :]
        self.heard_track += heard
        self._last_heard = heard
        if frame and voice.ulaw_is_voiced(bytes(frame)):
            self.mark_played_since_voice = False
            if self.turn is None:
                self.turn = AgentTurnLog(now, now + FRAME_S, arrival if arrival else now)
                self.emit("agent_turn_start", {"at_s": now})
            self.turn.end_s = now + FRAME_S
            self.turn.voiced_frames += 1
        elif self.turn is not None:
            gap = (
                TURN_END_AFTER_MARK_S
                if (self.mark_played_since_voice and not self.play_bytes)
                else TURN_END_GAP_S
            )
            if now + FRAME_S - self.turn.end_s >= gap:
                self.finish_turn()

    def finish_turn(self) -> None:
        if self.turn is not None:
            self.r.agent_turns.append(self.turn)
            self.emit("agent_turn_end", {"start_s": self.turn.start_s, "end_s": self.turn.end_s})
            self.turn = None

    async def _echo_marks_at_head(self) -> None:
        while self.play and isinstance(self.play[0], tuple):
            _, name = self.play.popleft()
            await self._echo_mark(name)

    async def _echo_mark(self, name: str) -> None:
        self.mark_played_since_voice = True
        self.r.media.marks_echoed += 1
        await self._send({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}})

    # --- what the app sends ----------------------------------------------------------------

    async def _receive(self) -> None:
        stats = self.r.media
        if self.ws is None:
            return
        try:
            async for raw in self.ws:
                try:
                    message = json.loads(raw)
                    event = message.get("event")
                except (ValueError, AttributeError):
                    stats.unknown_messages += 1
                    continue
                if event == "media":
                    self._on_media(message)
                elif event == "mark":
                    stats.marks_received += 1
                    name = str((message.get("mark") or {}).get("name", ""))
                    if self.play:
                        self.play.append(("mark", name))
                    else:
                        await self._echo_mark(name)
                elif event == "clear":
                    stats.clears_received += 1
                    marks = [item for item in self.play if isinstance(item, tuple)]
                    self.play.clear()
                    self.play_bytes = 0
                    for _, name in marks:  # Twilio echoes pending marks when cleared
                        await self._echo_mark(name)
                    self.finish_turn()  # what was playing stopped: that turn is over
                else:
                    stats.unknown_messages += 1
        except ConnectionClosed as exc:
            self.close_reason = f"code {exc.rcvd.code if exc.rcvd else 'none'}"
        else:
            self.close_reason = "closed"
        self.closed.set()

    def _on_media(self, message: dict[str, Any]) -> None:
        stats = self.r.media
        try:
            payload = base64.b64decode((message.get("media") or {}).get("payload", ""))
        except (ValueError, TypeError):
            stats.unknown_messages += 1
            return
        now = self.now()
        stats.media_messages_received += 1
        stats.bytes_received += len(payload)
        frames = len(payload) / FRAME_BYTES
        stats.frames_received = stats.bytes_received // FRAME_BYTES
        if stats.first_agent_frame_s is None:
            stats.first_agent_frame_s = now
        if self.last_media_s is not None:
            gap_ms = (now - self.last_media_s) * 1000
            if gap_ms < TURN_END_GAP_S * 1000:  # longer: a new turn, not a late frame
                stats.max_gap_ms = max(stats.max_gap_ms, round(gap_ms, 1))
                if gap_ms > LATE_GAP_MS:
                    stats.late_frames += 1
        self.last_media_s = now
        # Chunks carry their arrival time so the turn they start knows when it was received.
        self.play.append([payload, now])
        self.play_bytes += len(payload)
        buffered_ms = self.play_bytes / 8
        stats.max_buffer_ms = max(stats.max_buffer_ms, buffered_ms)
        if buffered_ms > BURST_ALLOWANCE_MS:
            stats.burst_frames += int(frames)

    # --- the script ------------------------------------------------------------------------

    async def _script(self) -> None:
        prev: StepLog | None = None
        for step in self.scenario.caller:
            if isinstance(step, SayStep):
                log = StepLog("say", step.say)
                self.r.steps.append(log)
                if step.barge_in is None:
                    await self._wait_agent_done(prev)
                else:
                    await self._wait_barge_in(prev, step.barge_in)
                self.emit("caller_say", {"text": step.say, "at_s": self.now()})
                line = _Line(self.speech[step.say].ulaw)
                self.line = line
                await line.done.wait()
                log.sent_at_s = line.first_sent_s
                log.speech_end_s = line.last_voiced_s or line.first_sent_s
            elif isinstance(step, SilenceStep):
                log = StepLog("silence", "")
                self.r.steps.append(log)
                await self._wait_agent_done(prev)
                log.sent_at_s = self.now()
                self.emit("caller_silence", {"seconds": step.silence, "at_s": log.sent_at_s})
                await asyncio.sleep(step.silence)
            elif isinstance(step, HangUpStep):
                log = StepLog("hang_up", "")
                self.r.steps.append(log)
                await self._wait_agent_done(prev)
                log.sent_at_s = self.now()
                self.emit("caller_hang_up", {"at_s": log.sent_at_s})
                return
            prev = log
        self.emit("caller_done", {"at_s": self.now()})
        await asyncio.Event().wait()  # out of lines: stay silent until the call ends

    def _turn_started_since(self, since: float) -> bool:
        if self.turn is not None and self.turn.start_s >= since:
            return True
        return any(t.start_s >= since for t in self.r.agent_turns)

    async def _wait_for_turn_start(self, prev: StepLog | None) -> None:
        """After a caller line (or at the start), give the agent a while to begin a turn."""
        if prev is not None and prev.kind != "say":
            return
        since = prev.sent_at_s if prev is not None and prev.sent_at_s is not None else 0.0
        if prev is None:
            deadline = GREETING_WAIT_S
        else:
            deadline = (prev.speech_end_s or since) + REPLY_WAIT_S
        while not self._turn_started_since(since) and self.now() < deadline:
            await self._next_tick()

    async def _wait_agent_done(self, prev: StepLog | None) -> None:
        await self._wait_for_turn_start(prev)
        while self.turn is not None:
            await self._next_tick()

    async def _wait_barge_in(self, prev: StepLog | None, after_s: float) -> None:
        await self._wait_for_turn_start(prev)
        turn = self.turn
        if turn is None:
            return
        while self.turn is turn and self.now() < turn.start_s + after_s:
            await self._next_tick()

    # --- results ---------------------------------------------------------------------------

    def _finish_steps(self) -> None:
        self.finish_turn()
        steps = self.r.steps
        end = self.now()
        for i, step in enumerate(steps):
            if step.kind != "say" or step.sent_at_s is None:
                continue
            nxt = next((s.sent_at_s for s in steps[i + 1 :] if s.sent_at_s is not None), end)
            replies = [t for t in self.r.agent_turns if step.sent_at_s <= t.start_s < nxt]
            step.agent_replied = bool(replies)
            if replies and step.speech_end_s is not None:
                first = replies[0].first_received_s
                if first >= step.speech_end_s:
                    step.reply_latency_ms = round((first - step.speech_end_s) * 1000, 1)

    def write_audio(self, path: str | Path) -> None:
        caller = np.frombuffer(voice.ulaw_to_pcm16(bytes(self.sent_track)), dtype="<i2")
        agent = np.frombuffer(voice.ulaw_to_pcm16(bytes(self.heard_track)), dtype="<i2")
        n = max(len(caller), len(agent))
        stereo = np.zeros((n, 2), dtype="<i2")
        stereo[: len(caller), 0] = caller
        stereo[: len(agent), 1] = agent
        voice.write_wav(path, stereo.tobytes(), voice.SAMPLE_RATE, channels=2)
