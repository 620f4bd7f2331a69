"""High-accuracy post-call transcription against a local OpenAI-compatible server."""

from __future__ import annotations

import io
import json
import struct
import threading
import wave
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from crm.fake_odoo import FakeOdoo
from crm.helpers import Cfg, all_rows, finished_call, odoo_cfg, open_db
from switchboard.crm.outbox import OutboxWorker
from switchboard.postcall.transcribe import read_caller_channel, transcribe_since
from switchboard.storage import outbox_repo
from switchboard.storage.db import transaction

CALLER_TEXT = "my name is Maria Lopez and my eye is red"


@pytest.fixture
async def db(settings):
    async with open_db(settings) as factory:
        yield factory


@pytest.fixture
def odoo():
    with FakeOdoo() as server:
        yield server


@pytest.fixture
async def http():
    import httpx

    async with httpx.AsyncClient() as client:
        yield client


class TranscriptionServer:
    """Speaks ``POST /v1/audio/transcriptions`` (multipart) like OpenAI / faster-whisper-server."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.uploads: list[dict[str, Any]] = []

    def __enter__(self) -> TranscriptionServer:
        me = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
                msg = BytesParser(policy=HTTP).parsebytes(head + body)
                form = {
                    part.get_param("name", header="content-disposition"): part.get_payload(
                        decode=True
                    )
                    for part in msg.iter_parts()
                }
                me.uploads.append({"path": self.path, "form": form})
                if me.status != 200:
                    out = json.dumps({"error": {"message": "model not loaded"}}).encode()
                else:
                    with wave.open(io.BytesIO(form["file"])) as w:
                        seconds = w.getnframes() / w.getframerate()
                    out = json.dumps(
                        {
                            "text": CALLER_TEXT,
                            "segments": [
                                {"start": 2.5, "end": min(seconds, 4.0), "text": f" {CALLER_TEXT}"}
                            ],
                        }
                    ).encode()
                self.send_response(me.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def stereo_wav(path, *, left: int, right: int, seconds: float = 1.0, rate: int = 8000):
    n = int(seconds * rate)
    frames = np.column_stack([np.full(n, left, np.int16), np.full(n, right, np.int16)])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames.reshape(-1).tobytes())
    return path


def test_the_caller_is_the_left_channel(tmp_path):
    samples, rate = read_caller_channel(stereo_wav(tmp_path / "a.wav", left=1000, right=-2000))
    assert rate == 8000 and len(samples) == 8000 and set(samples.tolist()) == {1000}


def test_a_recording_cut_short_by_a_crash_is_still_read(tmp_path):
    path = stereo_wav(tmp_path / "a.wav", left=7, right=9)
    data = bytearray(path.read_bytes())
    data[40:44] = struct.pack("<I", 0)  # header never updated: data size 0
    path.write_bytes(bytes(data))
    samples, _ = read_caller_channel(path)
    assert len(samples) == 8000 and set(samples.tolist()) == {7}


async def test_the_crm_note_uses_the_high_accuracy_caller_transcript(
    db, settings, odoo, http, tmp_path
):
    with TranscriptionServer() as stt:
        cfg = odoo_cfg(settings, odoo, postcall_stt="openai", postcall_stt_url=stt.url)
        wav = stereo_wav(tmp_path / "r.wav", left=1000, right=-2000, seconds=5)
        sid = await finished_call(db, cfg, recording=wav)
        assert await OutboxWorker(db, cfg, http=http).run_once() == 2  # transcript, then lead
    [upload] = stt.uploads
    assert upload["path"] == "/v1/audio/transcriptions"
    assert upload["form"]["model"] == b"whisper-1"
    with wave.open(io.BytesIO(upload["form"]["file"])) as w:
        assert w.getnchannels() == 1
        sent = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert set(sent.tolist()) == {1000}  # the caller's channel only
    async with transaction(db) as s:
        stored = await outbox_repo.get_transcript(s, call_sid=sid)
    assert stored.text == CALLER_TEXT and stored.segments[0]["start_s"] == 2.5
    [lead_id] = odoo.records["crm.lead"]
    [note] = odoo.messages(lead_id)
    assert "high-accuracy caller transcript" in note["body"]
    assert CALLER_TEXT in note["body"] and "Bayside Vision, hi." in note["body"]
    assert "I need an eye exam" not in note["body"]  # the live caller line was replaced


async def test_a_transcription_server_that_fails_never_blocks_the_lead(
    db, settings, odoo, http, tmp_path
):
    with TranscriptionServer(status=400) as stt:
        cfg = odoo_cfg(settings, odoo, postcall_stt="openai", postcall_stt_url=stt.url)
        await finished_call(db, cfg, recording=stereo_wav(tmp_path / "r.wav", left=1, right=2))
        assert await OutboxWorker(db, cfg, http=http).run_once() == 1
    rows = {r.target: r for r in await all_rows(db)}
    assert rows["transcribe"].state == "dead" and "HTTP 400" in rows["transcribe"].last_error
    assert rows["odoo"].state == "done"
    [note] = odoo.messages(next(iter(odoo.records["crm.lead"])))
    assert "I need an eye exam" in note["body"]  # the live transcript


async def test_batch_transcription_since_a_date(db, settings, http, tmp_path):
    with TranscriptionServer() as stt:
        cfg = Cfg(settings, postcall_stt="openai", postcall_stt_url=stt.url)
        for i in range(3):
            wav = stereo_wav(tmp_path / f"{i}.wav", left=5, right=6)
            await finished_call(db, settings, sid=f"CA{i:032d}", recording=wav)
        seen: list[tuple[int, int]] = []
        since = datetime.now(UTC) - timedelta(days=1)
        done, failed = await transcribe_since(
            db,
            since=since,
            settings=cfg,
            http=http,
            progress=lambda i, n, _sid, _st: seen.append((i, n)),
        )
        assert (done, failed) == (3, 0) and seen == [(1, 3), (2, 3), (3, 3)]
        again = await transcribe_since(db, since=since, settings=cfg, http=http)
        assert again == (0, 0)  # already transcribed
