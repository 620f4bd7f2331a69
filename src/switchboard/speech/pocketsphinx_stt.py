"""Pipecat STT service backed by the shared pocketsphinx :class:`DecoderPool`.

Streaming per VAD segment: on ``VADUserStartedSpeakingFrame`` it opens a pool stream seeded
with ~300 ms of pre-roll (the VAD fires after speech has begun), feeds caller audio while
they speak, and on ``VADUserStoppedSpeakingFrame`` finishes the stream and pushes exactly one
``TranscriptionFrame`` (nothing when the text is empty). Audio passes downstream unchanged.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, Iterable

from loguru import logger
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    Frame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.settings import STTSettings
from pipecat.services.stt_service import STTService
from pipecat.utils.errors import ErrorCategory
from pipecat.utils.time import time_now_iso8601

from switchboard.errors import EngineError
from switchboard.speech.decoder_pool import DecoderPool, DecoderStream
from switchboard.speech.recognizer import Recognition


class PocketsphinxSTTService(STTService):
    """Embedded speech recognition: one final transcript per VAD speech segment.

    Args:
        pool: the app's started :class:`DecoderPool` (shared by all calls).
        preroll_secs: audio kept from before the VAD start to open each utterance with.
        finish_limit_s: how long to wait for a result before reporting an engine error.
        domain: the call's business (profile id): its domain LM decodes beside the general one.
        **kwargs: passed to :class:`~pipecat.services.stt_service.STTService`.
    """

    def __init__(
        self,
        *,
        pool: DecoderPool,
        preroll_secs: float = 0.3,
        finish_limit_s: float = 5.0,
        domain: str | None = None,
        **kwargs,
    ) -> None:
        kwargs.setdefault("ttfs_p99_latency", 0.15)
        kwargs.setdefault("settings", STTSettings(model="pocketsphinx-en-us", language=None))
        super().__init__(**kwargs)
        self._pool = pool
        self._domain = domain
        self._preroll_secs = preroll_secs
        self._finish_limit_s = finish_limit_s
        self._preroll: deque[bytes] = deque()
        self._preroll_bytes = 0
        self._stream: DecoderStream | None = None
        self._expect_kind: str | None = None
        self._expect_phrases: tuple[str, ...] = ()
        self._cmn: str | None = None
        self.last_decode_ms: float | None = None
        self.last_latency_ms: float | None = None
        self.last_result: Recognition | None = None
        self.decode_ms_history: list[float] = []

    def can_generate_metrics(self) -> bool:
        """This service reports TTFB (speech end to final transcript)."""
        return True

    def set_expectation(self, kind: str | None, phrases: Iterable[str] = ()) -> None:
        """Bias the next utterances towards what the agent just asked for.

        Args:
            kind: "office", "insurance", "datetime", "phone", "yes_no"... or None to clear.
            phrases: expected answers (office names and aliases, plan names, number words).
        """
        self._expect_kind = kind
        self._expect_phrases = tuple(phrases) if kind is not None else ()

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame | None, None]:
        """Feed audio to the open stream, or keep it as pre-roll while nobody speaks."""
        if self._stream is not None:
            self._stream.feed(audio)
        else:
            self._keep_preroll(audio)
        if False:  # an async generator that yields nothing: the transcript comes at VAD stop
            yield None

    def _keep_preroll(self, audio: bytes) -> None:
        self._preroll.append(audio)
        self._preroll_bytes += len(audio)
        limit = int(self._preroll_secs * max(self.sample_rate, 1) * 2)
        while self._preroll and self._preroll_bytes - len(self._preroll[0]) >= limit:
            self._preroll_bytes -= len(self._preroll.popleft())

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Open a stream at speech start; finish it (and push the transcript) at speech end."""
        if isinstance(frame, VADUserStartedSpeakingFrame):
            await self._open_stream()
        await super().process_frame(frame, direction)
        if isinstance(frame, VADUserStoppedSpeakingFrame):
            await self._finish_stream()

    async def _open_stream(self) -> None:
        if self._stream is not None:
            self._stream.cancel()
            self._stream = None
        try:
            stream = self._pool.open_stream(
                kind=self._expect_kind,
                phrases=self._expect_phrases,
                cmn=self._cmn,
                domain=self._domain,
            )
        except EngineError as exc:
            await self.push_error(
                f"{self}: speech recognition unavailable: {exc}",
                exception=exc,
                category=ErrorCategory.SERVER,
            )
            return
        for chunk in self._preroll:
            stream.feed(chunk)
        self._preroll.clear()
        self._preroll_bytes = 0
        self._stream = stream

    async def _finish_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            result = await stream.finish(limit_s=self._finish_limit_s)
        except EngineError as exc:
            logger.warning(f"{self}: utterance lost: {exc}")
            await self.push_error(
                f"{self}: speech recognition failed: {exc}",
                exception=exc,
                category=ErrorCategory.SERVER,
            )
            return
        self.last_result = result
        self.last_decode_ms = result.decode_ms
        self.last_latency_ms = result.latency_ms
        self.decode_ms_history.append(result.decode_ms)
        if result.cmn:
            self._cmn = result.cmn
        # The words are the caller's (personal data): only their shape is logged.
        logger.debug(
            f"{self}: {len(result.text.split())} words from {result.source}, "
            f"confidence {result.confidence:.2f}, {result.audio_ms:.0f} ms audio, "
            f"{len(result.alternatives)} alternatives"
        )
        if not result.text:
            return
        await self.push_frame(
            TranscriptionFrame(
                text=result.text,
                user_id=self._user_id,
                timestamp=time_now_iso8601(),
                result=result,
                finalized=True,
            )
        )

    async def stop(self, frame: EndFrame) -> None:
        """Drop any utterance in progress."""
        self._drop_stream()
        await super().stop(frame)

    async def cancel(self, frame: CancelFrame) -> None:
        """Drop any utterance in progress."""
        self._drop_stream()
        await super().cancel(frame)

    def _drop_stream(self) -> None:
        if self._stream is not None:
            self._stream.cancel()
            self._stream = None
