"""Twilio Media Streams wire format: the handshake we read ourselves and a hardened serializer.

Pipecat's ``TwilioFrameSerializer`` needs the ``streamSid`` before the pipeline starts, so the
route reads ``connected`` and ``start`` first (:func:`read_start`). After that the transport
reads the socket through :class:`SafeTwilioSerializer`, which never lets a malformed message
kill the receive loop (the parent raises on non-base64 payloads or non-object JSON), drops
oversized payloads, counts what it saw, and notices the carrier's ``stop``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import WebSocket
from loguru import logger
from pipecat.frames.frames import Frame
from pipecat.serializers.twilio import TwilioFrameSerializer

# 20 ms of 8 kHz µ-law is 160 bytes; Twilio never sends more than a few hundred ms at once.
MAX_PAYLOAD_BYTES = 8000
MAX_MESSAGE_CHARS = 64_000


class HandshakeError(Exception):
    """The stream did not open with a well-formed ``connected``/``start``."""


@dataclass(frozen=True)
class StreamStart:
    stream_sid: str
    call_sid: str
    account_sid: str
    custom_parameters: dict[str, str]
    media_format: dict[str, Any]


def parse_start(message: dict[str, Any]) -> StreamStart:
    start = message.get("start")
    if not isinstance(start, dict):
        raise HandshakeError("start message without a start object")
    stream_sid = message.get("streamSid") or start.get("streamSid")
    call_sid = start.get("callSid")
    if not isinstance(stream_sid, str) or not stream_sid:
        raise HandshakeError("start message without streamSid")
    if not isinstance(call_sid, str) or not call_sid:
        raise HandshakeError("start message without callSid")
    params = start.get("customParameters") or {}
    if not isinstance(params, dict):
        raise HandshakeError("customParameters is not an object")
    fmt = start.get("mediaFormat") or {}
    if isinstance(fmt, dict) and fmt.get("encoding", "audio/x-mulaw") != "audio/x-mulaw":
        raise HandshakeError(f"unsupported media encoding {fmt.get('encoding')!r}")
    return StreamStart(
        stream_sid=stream_sid,
        call_sid=call_sid,
        account_sid=str(start.get("accountSid", "")),
        custom_parameters={str(k): str(v) for k, v in params.items()},
        media_format=fmt if isinstance(fmt, dict) else {},
    )


async def read_start(websocket: WebSocket, *, within_secs: float = 10.0) -> StreamStart:
    """Read messages until ``start`` (skipping ``connected``); raise HandshakeError otherwise."""
    try:
        async with asyncio.timeout(within_secs):
            for _ in range(5):
                raw = await websocket.receive_text()
                if len(raw) > MAX_MESSAGE_CHARS:
                    raise HandshakeError("handshake message too large")
                try:
                    message = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise HandshakeError("handshake message is not JSON") from exc
                if not isinstance(message, dict):
                    raise HandshakeError("handshake message is not an object")
                event = message.get("event")
                if event == "connected":
                    continue
                if event == "start":
                    return parse_start(message)
                raise HandshakeError(f"expected start, got {event!r}")
    except TimeoutError as exc:
        raise HandshakeError("no start message in time") from exc
    raise HandshakeError("no start message")


@dataclass
class StreamCounters:
    media: int = 0
    malformed: int = 0
    oversized: int = 0
    unknown: int = 0
    marks: int = 0
    dtmf: int = 0
    stopped: bool = False
    events: dict[str, int] = field(default_factory=dict)


class SafeTwilioSerializer(TwilioFrameSerializer):
    """Twilio serializer that survives bad input and never hangs up by itself."""

    def __init__(self, *, stream_sid: str, call_sid: str, account_sid: str) -> None:
        super().__init__(
            stream_sid=stream_sid,
            call_sid=call_sid,
            account_sid=account_sid,
            params=TwilioFrameSerializer.InputParams(auto_hang_up=False),
        )
        self.counters = StreamCounters()

    async def deserialize(self, data: str | bytes) -> Frame | None:
        c = self.counters
        if isinstance(data, bytes) or len(data) > MAX_MESSAGE_CHARS:
            c.malformed += 1
            return None
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            c.malformed += 1
            return None
        if not isinstance(message, dict):
            c.malformed += 1
            return None
        event = message.get("event")
        c.events[str(event)] = c.events.get(str(event), 0) + 1
        if event == "media":
            media = message.get("media")
            payload = media.get("payload") if isinstance(media, dict) else None
            if not isinstance(payload, str) or not payload:
                c.malformed += 1
                return None
            if len(payload) > MAX_PAYLOAD_BYTES * 4 // 3 + 4:
                c.oversized += 1
                return None
            try:
                base64.b64decode(payload, validate=True)
            except (binascii.Error, ValueError):
                c.malformed += 1
                return None
            c.media += 1
        elif event == "stop":
            c.stopped = True
            return None
        elif event == "mark":
            c.marks += 1
            return None
        elif event == "dtmf":
            c.dtmf += 1
        elif event in ("connected", "start"):
            return None
        else:
            c.unknown += 1
            return None
        try:
            return await super().deserialize(data)
        except Exception as exc:  # one bad message must not end the call
            c.malformed += 1
            logger.warning(f"dropped an undecodable media message: {type(exc).__name__}")
            return None
