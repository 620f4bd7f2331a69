"""High-accuracy post-call transcription (C5.3) of the recording's caller channel.

The stereo recording has the caller on the LEFT channel. It is re-transcribed by a better
engine than the live one — faster-whisper (``POSTCALL_STT=whisper``, model from
``POSTCALL_WHISPER_MODEL`` or ``WHISPER_MODEL_PATH``) or an OpenAI-compatible server
(``POSTCALL_STT=openai``, ``POST <base>/v1/audio/transcriptions``) — and stored beside the live
turns (table ``postcall_transcripts``); the CRM note then uses it for the caller's lines.

It runs as the outbox target ``transcribe`` (durable, retried; the CRM rows of the call wait for
it, and a transcript that cannot be made never blocks them) and in batch from the CLI.
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard.crm.base import (
    Delivery,
    DeliveryError,
    PermanentDeliveryError,
    http_failure,
    setting,
    setting_float,
    transport_failure,
)
from switchboard.storage import outbox_repo
from switchboard.storage.db import transaction
from switchboard.storage.models import Call


def read_caller_channel(path: Path) -> tuple[np.ndarray, int]:
    """The caller (left) channel of a PCM16 WAV as int16 samples, and its sample rate.

    Reads the data chunk as far as it goes, so a recording cut short by a crash (header sizes
    not updated) still yields what was written.
    """
    with path.open("rb") as fh:
        try:
            wav = wave.open(fh)
        except (wave.Error, EOFError) as exc:
            raise PermanentDeliveryError(f"{path} is not a readable WAV file: {exc}") from exc
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        if width != 2:
            raise PermanentDeliveryError(f"{path}: expected 16-bit PCM, got {8 * width}-bit")
        raw = wav.readframes(wav.getnframes())
        # Past what the header claims (a crash left the sizes stale): take the rest too.
        raw += fh.read()
    usable = len(raw) - len(raw) % (2 * channels)
    samples = np.frombuffer(raw[:usable], dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels)[:, 0]
    return samples.astype(np.int16), rate


def mono_wav(samples: np.ndarray, rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return buf.getvalue()


def _segments(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "start_s": round(float(s.get("start", s.get("start_s", 0.0))), 2),
            "end_s": round(float(s.get("end", s.get("end_s", 0.0))), 2),
            "text": str(s.get("text", "")).strip(),
        }
        for s in items
        if str(s.get("text", "")).strip()
    ]


async def transcribe_openai(
    samples: np.ndarray, rate: int, *, settings: Any, http: httpx.AsyncClient
) -> tuple[str, list[dict[str, Any]], str]:
    """(text, segments, model) from an OpenAI-compatible transcription endpoint."""
    base = str(
        setting(settings, "postcall_stt_url", None) or setting(settings, "openai_stt_base_url", "")
    ).rstrip("/")
    if not base:
        raise PermanentDeliveryError("POSTCALL_STT=openai needs POSTCALL_STT_URL")
    url = (
        f"{base}/audio/transcriptions"
        if base.endswith("/v1")
        else (f"{base}/v1/audio/transcriptions")
    )
    model = str(
        setting(settings, "postcall_stt_model", None)
        or setting(settings, "openai_stt_model", "whisper-1")
    )
    headers = {}
    key = setting(settings, "openai_api_key", "")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = {"model": model, "response_format": "verbose_json", "temperature": "0"}
    language = setting(settings, "postcall_stt_language", "en")
    if language:
        data["language"] = str(language)
    files = {"file": ("caller.wav", mono_wav(samples, rate), "audio/wav")}
    timeout = setting_float(settings, "postcall_stt_timeout_secs", 300.0)
    try:
        response = await http.post(url, data=data, files=files, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise transport_failure(f"the transcription server {url}", exc) from exc
    if response.status_code != 200:
        raise http_failure(f"the transcription server {url}", response)
    try:
        body = response.json()
    except ValueError as exc:
        raise DeliveryError(f"the transcription server {url} sent no JSON") from exc
    segments = _segments(body.get("segments") or [])
    text = str(body.get("text") or " ".join(s["text"] for s in segments)).strip()
    if not segments and text:
        segments = [{"start_s": 0.0, "end_s": round(len(samples) / rate, 2), "text": text}]
    return text, segments, model


_WHISPER_MODELS: dict[tuple[str, str, str], Any] = {}


def _transcribe_whisper_sync(
    samples: np.ndarray, rate: int, settings: Any
) -> tuple[str, list[dict[str, Any]], str]:
    try:
        from faster_whisper import WhisperModel  # optional extra: switchboard[whisper]
    except ImportError as exc:
        raise PermanentDeliveryError(
            "POSTCALL_STT=whisper needs faster-whisper: pip install 'switchboard[whisper]'"
        ) from exc
    model_name = str(
        setting(settings, "postcall_whisper_model", None)
        or setting(settings, "whisper_model_path", "large-v3")
    )
    device = str(setting(settings, "whisper_device", "auto"))
    compute = str(setting(settings, "whisper_compute_type", "default"))
    cache_key = (model_name, device, compute)
    if cache_key not in _WHISPER_MODELS:
        _WHISPER_MODELS[cache_key] = WhisperModel(model_name, device=device, compute_type=compute)
    model = _WHISPER_MODELS[cache_key]
    audio = samples.astype(np.float32) / 32768.0
    if rate != 16000:  # whisper wants 16 kHz; linear interpolation is enough for 8 kHz speech
        n = int(len(audio) * 16000 / rate)
        audio = np.interp(np.linspace(0, len(audio) - 1, n), np.arange(len(audio)), audio).astype(
            np.float32
        )
    language = setting(settings, "postcall_stt_language", "en") or None
    segs, _info = model.transcribe(audio, language=language, beam_size=5, vad_filter=True)
    segments = _segments([{"start": s.start, "end": s.end, "text": s.text} for s in segs])
    return " ".join(s["text"] for s in segments), segments, model_name


async def transcribe_samples(
    samples: np.ndarray, rate: int, *, settings: Any, http: httpx.AsyncClient
) -> tuple[str, list[dict[str, Any]], str, str]:
    """(text, segments, engine, model) with the configured post-call engine."""
    engine = str(setting(settings, "postcall_stt", "none")).lower()
    if engine == "openai":
        text, segs, model = await transcribe_openai(samples, rate, settings=settings, http=http)
    elif engine == "whisper":
        text, segs, model = await asyncio.to_thread(
            _transcribe_whisper_sync, samples, rate, settings
        )
    else:
        raise PermanentDeliveryError(f"POSTCALL_STT={engine!r}: no post-call engine configured")
    return text, segs, engine, model


async def transcribe_call(
    db: async_sessionmaker[AsyncSession],
    *,
    call_sid: str,
    recording_path: str | Path,
    settings: Any,
    http: httpx.AsyncClient,
) -> dict[str, Any]:
    """Transcribe one call's caller channel and store it; returns a short summary."""
    path = Path(recording_path)
    if not await asyncio.to_thread(path.exists):
        raise PermanentDeliveryError(f"the recording {path} is gone")
    samples, rate = await asyncio.to_thread(read_caller_channel, path)
    text, segments, engine, model = await transcribe_samples(
        samples, rate, settings=settings, http=http
    )
    async with transaction(db) as session:
        await outbox_repo.save_transcript(
            session, call_sid=call_sid, engine=engine, model=model, text=text, segments=segments
        )
    return {"engine": engine, "model": model, "segments": len(segments), "chars": len(text)}


class TranscribeTarget:
    """The outbox step that makes the high-accuracy transcript before the CRM rows go."""

    name = "transcribe"

    def __init__(
        self, settings: Any, *, http: httpx.AsyncClient, db: async_sessionmaker[AsyncSession]
    ) -> None:
        self._settings = settings
        self._http = http
        self._db = db

    async def deliver(self, delivery: Delivery) -> dict[str, Any]:
        recording = delivery.payload.get("recording_path")
        if not recording:
            return {"skipped": "no recording"}
        return await transcribe_call(
            self._db,
            call_sid=delivery.call_sid,
            recording_path=recording,
            settings=self._settings,
            http=self._http,
        )


async def calls_to_transcribe(
    db: async_sessionmaker[AsyncSession], *, since: datetime, force: bool = False
) -> list[tuple[str, str]]:
    """(CallSid, recording path) of ended calls since ``since`` that have a recording."""
    async with transaction(db) as session:
        stmt = (
            select(Call.call_sid, Call.recording_path)
            .where(Call.ended_at.is_not(None), Call.created_at >= since)
            .where(Call.recording_path.is_not(None))
            .order_by(Call.id)
        )
        rows = [(sid, path) for sid, path in (await session.execute(stmt)).all() if path]
        if force:
            return rows
        out = []
        for sid, path in rows:
            if await outbox_repo.get_transcript(session, call_sid=sid) is None:
                out.append((sid, path))
        return out


async def transcribe_since(
    db: async_sessionmaker[AsyncSession],
    *,
    since: datetime,
    settings: Any,
    http: httpx.AsyncClient,
    force: bool = False,
    progress: Callable[[int, int, str, str], None] | None = None,
) -> tuple[int, int]:
    """Batch: transcribe every recorded call since ``since``; returns (done, failed)."""
    todo = await calls_to_transcribe(db, since=since, force=force)
    done = failed = 0
    for i, (sid, path) in enumerate(todo, start=1):
        try:
            await transcribe_call(
                db, call_sid=sid, recording_path=path, settings=settings, http=http
            )
            done += 1
            status = "ok"
        except DeliveryError as exc:
            failed += 1
            status = f"failed: {exc}"
        if progress is not None:
            progress(i, len(todo), sid, status)
    return done, failed
