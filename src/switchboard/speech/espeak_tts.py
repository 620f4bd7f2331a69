"""Embedded TTS: espeak-ng through ctypes (library and data from ``espeakng_loader``).

espeak-ng keeps global state (voice, rate, one synth callback), so every synthesis holds one
process-wide lock. ctypes releases the GIL during ``espeak_Synth``, so running it in a thread
keeps the event loop free.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections import OrderedDict
from collections.abc import AsyncGenerator

import numpy as np
from pipecat.frames.frames import ErrorFrame, Frame, TTSAudioRawFrame
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.utils.errors import ErrorCategory

from switchboard.errors import EngineError, EngineUnavailable

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_POS_CHARACTER = 1

_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

_lock = threading.Lock()
_state: dict[str, object] = {}
_chunks: list[bytes] = []


def _on_samples(wav, count, _events):  # type: ignore[no-untyped-def]
    if wav and count > 0:
        _chunks.append(ctypes.string_at(wav, count * 2))
    return 0


_callback = _CALLBACK(_on_samples)  # kept referenced for the life of the process


def _library() -> tuple[ctypes.CDLL, int]:
    """Load and initialize espeak-ng once; returns (library, native sample rate)."""
    if "lib" in _state:
        return _state["lib"], _state["rate"]  # type: ignore[return-value]
    try:
        import espeakng_loader
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise EngineUnavailable("espeak TTS needs the espeakng-loader package") from exc
    lib_path = espeakng_loader.get_library_path()
    data_path = espeakng_loader.get_data_path()
    try:
        lib = ctypes.CDLL(lib_path)
    except OSError as exc:
        raise EngineUnavailable(f"cannot load espeak-ng library {lib_path}: {exc}") from exc
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 200, data_path.encode(), 0)
    if rate <= 0:
        raise EngineUnavailable(f"espeak-ng failed to initialize with data at {data_path}")
    lib.espeak_SetSynthCallback(_callback)
    _state.update(lib=lib, rate=rate)
    return lib, rate


def synthesize(text: str, *, voice: str = "en-us", rate: int = 165) -> tuple[bytes, int]:
    """Speak ``text``; returns (PCM16 mono bytes, native sample rate, ~22050 Hz).

    Raises:
        EngineError: espeak rejected the voice or the text.
    """
    with _lock:
        lib, sample_rate = _library()
        if _state.get("voice") != voice:
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(f"espeak-ng has no voice {voice!r}", retryable=False)
            _state["voice"] = voice
        if _state.get("speed") != rate:
            lib.espeak_SetParameter(_ESPEAK_RATE, int(rate), 0)
            _state["speed"] = rate
        _chunks.clear()
        data = text.encode("utf-8") + b"\0"
        status = lib.espeak_Synth(
            data, len(data), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
        )
        if status != 0:
            raise EngineError(f"espeak-ng synthesis failed (status {status})")
        pcm = b"".join(_chunks)
        _chunks.clear()
        return pcm, sample_rate


def resample_pcm16(pcm: bytes, src: int, dst: int) -> bytes:
    """Resample a whole PCM16 mono buffer (soxr, anti-aliased polyphase)."""
    if src == dst or not pcm:
        return pcm
    import soxr

    samples = np.frombuffer(pcm, dtype=np.int16)
    return soxr.resample(samples, src, dst).astype(np.int16, copy=False).tobytes()


class EspeakTTSService(TTSService):
    """espeak-ng as a Pipecat TTS service, audio at the pipeline's output rate, in chunks.

    Args:
        voice: espeak voice name ("en-us").
        rate: words per minute.
        chunk_ms: size of each audio frame pushed (the output transport paces them).
        cache_size: number of synthesized utterances kept (fixed prompts repeat).
        **kwargs: passed to :class:`~pipecat.services.tts_service.TTSService`.
    """

    def __init__(
        self,
        *,
        voice: str = "en-us",
        rate: int = 165,
        chunk_ms: int = 200,
        cache_size: int = 64,
        **kwargs,
    ) -> None:
        settings = kwargs.pop("settings", None) or TTSSettings(
            model="espeak-ng", voice=voice, language=None
        )
        super().__init__(push_start_frame=True, push_stop_frames=True, settings=settings, **kwargs)
        self._voice = voice
        self._rate = rate
        self._chunk_ms = chunk_ms
        self._cache_size = cache_size
        self._cache: OrderedDict[tuple[str, str, int, int], bytes] = OrderedDict()
        self.cache_hits = 0

    def can_generate_metrics(self) -> bool:
        """This service reports TTFB and usage metrics."""
        return True

    async def audio_for(self, text: str) -> bytes:
        """PCM16 at the output sample rate for ``text``, from the cache or espeak."""
        out_rate = self.sample_rate
        key = (text, self._voice, self._rate, out_rate)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.cache_hits += 1
            return cached
        pcm = await asyncio.to_thread(self._render, text, out_rate)
        self._cache[key] = pcm
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return pcm

    def _render(self, text: str, out_rate: int) -> bytes:
        pcm, native = synthesize(text, voice=self._voice, rate=self._rate)
        return resample_pcm16(pcm, native, out_rate)

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Synthesize ``text`` and yield it as ``chunk_ms`` audio frames."""
        await self.start_tts_usage_metrics(text)
        try:
            pcm = await self.audio_for(text)
        except EngineError as exc:
            yield ErrorFrame(
                error=f"{self}: espeak failed: {exc}", exception=exc, category=ErrorCategory.SERVER
            )
            return
        finally:
            await self.stop_ttfb_metrics()
        step = max(2, int(self.sample_rate * self._chunk_ms / 1000) * 2)
        for i in range(0, len(pcm), step):
            yield TTSAudioRawFrame(
                audio=pcm[i : i + step],
                sample_rate=self.sample_rate,
                num_channels=1,
                context_id=context_id,
            )
