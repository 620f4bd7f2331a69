"""Pipecat processor applying :func:`normalize_for_speech` to text on its way to TTS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pipecat.frames.frames import (
    Frame,
    InterimTranscriptionFrame,
    TextFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from switchboard.pipeline.tts_normalizer import normalize_for_speech


class SpokenTextNormalizer(FrameProcessor):
    """Rewrites ``TTSSpeakFrame`` and ``TextFrame`` text so numbers and names are spoken well.

    Whole replies (``TTSSpeakFrame``) are normalized exactly. Streamed LLM tokens can split a
    number across frames; for those, also pass :func:`text_transform` to the TTS service's
    ``text_transforms`` so the sentence it aggregates is normalized too.

    Args:
        agent_name: the agent's written name ("AVA").
        spoken_name: how to say it ("Eva").
    """

    def __init__(
        self, *, agent_name: str | None = None, spoken_name: str | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self._agent_name = agent_name
        self._spoken_name = spoken_name

    def normalize(self, text: str) -> str:
        """The rewrite applied to every text frame."""
        return normalize_for_speech(
            text, agent_name=self._agent_name, spoken_name=self._spoken_name
        )

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Rewrite text bound for TTS; pass every frame on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, TTSSpeakFrame):
            frame.text = self.normalize(frame.text)
        elif isinstance(frame, TextFrame) and not isinstance(
            frame, TranscriptionFrame | InterimTranscriptionFrame
        ):
            frame.text = self.normalize(frame.text)
        await self.push_frame(frame, direction)


def text_transform(
    *, agent_name: str | None = None, spoken_name: str | None = None
) -> Callable[[str, str], Awaitable[str]]:
    """A TTS ``text_transforms`` entry doing the same rewrite on aggregated sentences."""

    async def transform(text: str, text_type: str) -> str:
        return normalize_for_speech(text, agent_name=agent_name, spoken_name=spoken_name)

    return transform
