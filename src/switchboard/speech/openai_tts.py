"""TTS through an OpenAI-compatible ``/v1/audio/speech`` server (Kokoro-FastAPI, vLLM, ...).

Pipecat's ``OpenAITTSService`` only accepts OpenAI's own voice names and does not resample its
24 kHz PCM to the pipeline rate; local servers have other voices and the phone pipeline runs at
8 kHz, so this service streams ``response_format="pcm"`` and resamples as it goes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import numpy as np
from openai import APIError, AsyncOpenAI
from pipecat.frames.frames import ErrorFrame, Frame, TTSAudioRawFrame
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.utils.errors import ErrorCategory

#: OpenAI's ``pcm`` response format: 24 kHz, 16-bit, mono, little-endian.
OPENAI_PCM_RATE = 24000


class OpenAICompatibleTTSService(TTSService):
    """Speech from an OpenAI-compatible server, resampled to the output rate, in chunks.

    Args:
        api_key: key sent to the server (local servers usually ignore it).
        base_url: the server's ``/v1`` URL.
        model: model name the server knows.
        voice: voice name the server knows.
        source_rate: sample rate of the server's ``pcm`` output.
        chunk_ms: size of each audio frame pushed.
        **kwargs: passed to :class:`~pipecat.services.tts_service.TTSService`.
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        model: str,
        voice: str,
        source_rate: int = OPENAI_PCM_RATE,
        chunk_ms: int = 200,
        **kwargs,
    ) -> None:
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=TTSSettings(model=model, voice=voice, language=None),
            **kwargs,
        )
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0)
        self._model = model
        self._voice = voice
        self._source_rate = source_rate
        self._chunk_ms = chunk_ms

    def can_generate_metrics(self) -> bool:
        """This service reports TTFB and usage metrics."""
        return True

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Stream speech for ``text`` from the server."""
        import soxr

        resampler = None
        if self._source_rate != self.sample_rate:
            resampler = soxr.ResampleStream(self._source_rate, self.sample_rate, 1, dtype="int16")
        step = max(2, int(self.sample_rate * self._chunk_ms / 1000) * 2)
        pending = bytearray()  # raw bytes not yet aligned to whole samples
        out = bytearray()
        await self.start_tts_usage_metrics(text)
        try:
            async with self._client.audio.speech.with_streaming_response.create(
                input=text, model=self._model, voice=self._voice, response_format="pcm"
            ) as response:
                async for chunk in response.iter_bytes(4096):
                    await self.stop_ttfb_metrics()
                    pending.extend(chunk)
                    usable = len(pending) & ~1
                    if not usable:
                        continue
                    samples = np.frombuffer(bytes(pending[:usable]), dtype=np.int16)
                    del pending[:usable]
                    if resampler is not None:
                        samples = resampler.resample_chunk(samples)
                    out.extend(samples.astype(np.int16, copy=False).tobytes())
                    while len(out) >= step:
                        yield TTSAudioRawFrame(
                            bytes(out[:step]), self.sample_rate, 1, context_id=context_id
                        )
                        del out[:step]
            if resampler is not None:
                tail = resampler.resample_chunk(np.zeros(0, dtype=np.int16), last=True)
                out.extend(tail.astype(np.int16, copy=False).tobytes())
            if out:
                yield TTSAudioRawFrame(bytes(out), self.sample_rate, 1, context_id=context_id)
        except APIError as exc:
            yield ErrorFrame(
                error=f"{self}: TTS server failed: {exc}",
                exception=exc,
                category=ErrorCategory.SERVER,
            )
        finally:
            await self.stop_ttfb_metrics()
