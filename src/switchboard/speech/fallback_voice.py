"""Cached audio for the lines the agent says when an engine fails (C3.4).

The fallback line ("Sorry, I missed that...") and the failure transfer line are rendered once,
at call start, with the embedded espeak-ng, independently of the configured TTS engine: when
that engine raises or stalls, the dialogue still has audio to play. Renders are kept per
process (keyed by text, voice, rate and sample rate), so only a process's first call pays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from loguru import logger

Renderer = Callable[[str], bytes]

_cache: dict[tuple[str, str, int, int], bytes] = {}


def espeak_renderer(*, voice: str, rate: int, sample_rate: int) -> Renderer:
    """Text -> PCM16 mono at ``sample_rate`` with the embedded espeak-ng (blocking)."""

    def render(text: str) -> bytes:
        from switchboard.speech.espeak_tts import resample_pcm16, synthesize

        pcm, native = synthesize(text, voice=voice, rate=rate)
        return resample_pcm16(pcm, native, sample_rate)

    return render


class FallbackVoice:
    """Pre-rendered audio for a few fixed lines.

    Args:
        sample_rate: the pipeline's output rate.
        voice: espeak voice name.
        rate: espeak words per minute.
        render: text -> PCM16 (blocking; run in a thread). Defaults to espeak-ng.
    """

    def __init__(
        self,
        *,
        sample_rate: int,
        voice: str = "en-us",
        rate: int = 165,
        render: Renderer | None = None,
    ) -> None:
        self.sample_rate = sample_rate
        self._key = (voice, rate, sample_rate)
        self._render = render or espeak_renderer(voice=voice, rate=rate, sample_rate=sample_rate)
        self._custom = render is not None
        self._audio: dict[str, bytes] = {}

    def _cache_key(self, text: str) -> tuple[str, str, int, int]:
        voice, rate, sample_rate = self._key
        return (text, voice, rate, sample_rate)

    async def prepare(self, texts: Iterable[str]) -> None:
        """Render every line not rendered yet; a failing renderer is logged, never raised."""
        for text in texts:
            if text in self._audio:
                continue
            cached = None if self._custom else _cache.get(self._cache_key(text))
            if cached is None:
                try:
                    cached = await asyncio.to_thread(self._render, text)
                except Exception as exc:  # the fallback must never take the call down
                    logger.warning(f"fallback line could not be rendered: {exc!r}")
                    continue
                if not self._custom:
                    _cache[self._cache_key(text)] = cached
            self._audio[text] = cached

    def audio(self, text: str) -> bytes | None:
        """The rendered audio for ``text``, or None when it was not (or could not be) rendered."""
        return self._audio.get(text) or None
