"""Stand-in external engines: an OpenAI-compatible STT and TTS server that answers at once.

Used by ``switchboard bench --engines external`` to measure what Switchboard itself costs per
call when recognition and synthesis happen elsewhere. Transcription cannot know what was said,
so it answers with the scripted line whose length is closest to the audio it got (the bench
passes the lines and their durations); speech is a voiced tone about as long as the text would
take to say, streamed as 24 kHz PCM like a real server.

Run: ``python -m switchboard.bench.standin_engines --port P --lines lines.json``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

PCM_RATE = 24000
SECS_PER_CHAR = 0.06  # about 165 words per minute


def closest_line(lines: list[tuple[float, str]], seconds: float) -> str:
    """The scripted line whose spoken length is nearest ``seconds``."""
    if not lines:
        return "hello"
    return min(lines, key=lambda item: abs(item[0] - seconds))[1]


def speech_for(text: str) -> bytes:
    """A voiced 24 kHz PCM16 tone about as long as ``text`` takes to say."""
    n = int(max(0.4, len(text) * SECS_PER_CHAR) * PCM_RATE)
    t = np.arange(n) / PCM_RATE
    return (6000 * np.sin(2 * np.pi * 220 * t)).astype("<i2").tobytes()


def create_app(lines: list[tuple[float, str]], *, stt_rate: int = 8000) -> FastAPI:
    app = FastAPI()
    cache: dict[str, bytes] = {}

    @app.get("/v1/models")
    async def models() -> JSONResponse:
        return JSONResponse({"object": "list", "data": []})

    @app.post("/v1/audio/transcriptions")
    async def transcribe(request: Request) -> JSONResponse:
        body = await request.body()  # multipart with one WAV: its size is its length
        seconds = max(0.0, (len(body) - 600) / (stt_rate * 2))
        return JSONResponse({"text": closest_line(lines, seconds)})

    @app.post("/v1/audio/speech")
    async def speech(request: Request) -> Response:
        text = str((await request.json()).get("input", ""))
        audio = cache.get(text)
        if audio is None:
            audio = cache[text] = speech_for(text)
        return Response(audio, media_type="audio/pcm")

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lines", help="JSON list of [seconds, text]")
    args = parser.parse_args()
    lines = [tuple(x) for x in json.loads(Path(args.lines).read_text())] if args.lines else []
    uvicorn.run(create_app(lines), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
