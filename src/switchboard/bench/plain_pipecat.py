"""The baseline: a plain Pipecat phone pipeline with the same engines and none of Switchboard.

FastAPI + Pipecat's own ``TwilioFrameSerializer`` + Silero VAD (same parameters) + the same STT
and TTS services Switchboard is configured with + a processor that answers each transcript with
"You said ...". No echo gate, end-of-turn stage, dialogue or flow, recorder, call record,
capacity gate, signature checks or metrics: what Pipecat costs by itself, so the benchmark can
put Switchboard's numbers beside it from one run.

Run: ``python -m switchboard.bench.plain_pipecat --port P`` (engine settings from the
environment, as for ``switchboard serve``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import Response
from pipecat.frames.frames import Frame, TranscriptionFrame, TTSSpeakFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from pipecat.workers.runner import WorkerRunner

from switchboard.settings import Settings, get_settings

SAMPLE_RATE = 8000
GREETING = "Hello, this is the plain pipeline. Say something and I will repeat it."


class EchoReply(FrameProcessor):
    """Answers each transcript with "You said ..." (and the greeting at start)."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame):
            await self.push_frame(TTSSpeakFrame(f"You said: {frame.text}."))
        else:
            await self.push_frame(frame, direction)


def create_app(settings: Settings) -> FastAPI:
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        if settings.stt_engine == "pocketsphinx":
            from switchboard.speech.decoder_pool import DecoderPool

            state["pool"] = DecoderPool(settings)
            await state["pool"].start()
        try:
            yield
        finally:
            if "pool" in state:
                await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/readyz")
    async def ready() -> dict[str, bool]:
        return {"ready": True}

    @app.post("/twilio/voice")
    async def voice(request: Request) -> Response:
        url = f"ws://{request.url.netloc}/ws"
        twiml = f'<Response><Connect><Stream url="{url}"/></Connect></Response>'
        return Response(twiml, media_type="application/xml")

    @app.post("/twilio/status")
    async def status() -> Response:
        return Response(status_code=204)

    @app.websocket("/ws")
    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        start: dict[str, Any] = {}
        while not start:  # "connected", then "start"
            message = json.loads(await websocket.receive_text())
            if message.get("event") == "start":
                start = message["start"]
        await run_call(websocket, start, settings, pool=state.get("pool"))

    return app


async def run_call(
    websocket: WebSocket, start: dict[str, Any], settings: Settings, *, pool: Any
) -> None:
    from switchboard.pipeline.call import phone_vad
    from switchboard.speech import engines

    serializer = TwilioFrameSerializer(
        stream_sid=start["streamSid"],
        call_sid=start.get("callSid"),
        params=TwilioFrameSerializer.InputParams(auto_hang_up=False),
    )
    transport = FastAPIWebsocketTransport(
        websocket=websocket,
        params=FastAPIWebsocketParams(
            audio_in_enabled=True,
            audio_out_enabled=True,
            audio_in_sample_rate=SAMPLE_RATE,
            audio_out_sample_rate=SAMPLE_RATE,
            audio_out_10ms_chunks=2,
            add_wav_header=False,
            serializer=serializer,
        ),
    )
    # the same VAD settings as a Switchboard call, on Pipecat's stock analyzer (own session)
    vad = phone_vad(settings, shared_session=False)
    stt = engines.build_stt(settings, pool=pool)
    tts = engines.build_tts(settings)
    worker = PipelineWorker(
        Pipeline([transport.input(), vad, stt, EchoReply(), tts, transport.output()]),
        params=PipelineParams(audio_in_sample_rate=SAMPLE_RATE, audio_out_sample_rate=SAMPLE_RATE),
        idle_timeout_secs=None,
        enable_rtvi=False,
        enable_turn_tracking=False,
    )

    @transport.event_handler("on_client_connected")
    async def _greet(_transport: Any, _ws: Any) -> None:
        await worker.queue_frame(TTSSpeakFrame(GREETING))

    @transport.event_handler("on_client_disconnected")
    async def _gone(_transport: Any, _ws: Any) -> None:
        await worker.cancel()

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    await asyncio.wait_for(runner.run(), timeout=settings.max_call_secs)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = get_settings()
    uvicorn.run(
        create_app(settings),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        ws="websockets-sansio",
        loop="asyncio",  # as `switchboard serve`
    )


if __name__ == "__main__":
    main()
