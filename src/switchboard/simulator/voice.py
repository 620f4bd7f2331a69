"""The simulated caller's voice, and the 8 kHz µ-law audio helpers it needs.

flite's ``rms`` voice when flite is installed (pocketsphinx recognizes it far better than
espeak-ng over the phone path), else the embedded espeak-ng with a voice unlike the agent's.
Audio helpers are numpy only: ``audioop`` is gone from new Pythons.
"""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from switchboard.errors import EngineUnavailable

SAMPLE_RATE = 8000
FRAME_BYTES = 160  # 20 ms of 8 kHz µ-law
FLITE_VOICE = "rms"
# The agent speaks espeak-ng's default English voice; the caller must not sound like it.
ESPEAK_CALLER_VOICES = {"en": "en-gb-x-rp+m3", "es": "es-419+f2"}
ESPEAK_CALLER_RATE = 165
# A 20 ms frame with RMS above this (PCM16 scale) counts as voiced.
VOICED_RMS = 200.0

_BIAS = 0x84
_CLIP14 = 8159
_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])


@dataclass(frozen=True, slots=True)
class CallerSpeech:
    """One synthesized caller line: 8 kHz µ-law (what goes on the wire) and PCM16."""

    ulaw: bytes
    pcm16: bytes
    engine: str

    @property
    def duration_s(self) -> float:
        return len(self.ulaw) / SAMPLE_RATE


# --- µ-law (G.711) ---------------------------------------------------------------------------


def pcm16_to_ulaw(pcm16: bytes) -> bytes:
    """G.711 µ-law encode little-endian PCM16, bit-exact with the old ``audioop.lin2ulaw``."""
    v = np.frombuffer(pcm16, dtype="<i2").astype(np.int32) >> 2  # 14-bit, as G.711 specifies
    negative = v < 0
    v = np.minimum(np.where(negative, -v, v), _CLIP14) + (_BIAS >> 2)
    seg = np.searchsorted(_SEG_END, v, side="left")
    uval = (np.minimum(seg, 7) << 4) | ((v >> (np.minimum(seg, 7) + 1)) & 0x0F)
    uval = np.where(seg >= 8, 0x7F, uval)
    mask = np.where(negative, 0x7F, 0xFF)
    return (uval ^ mask).astype(np.uint8).tobytes()


def ulaw_to_pcm16(ulaw: bytes) -> bytes:
    """G.711 µ-law decode to little-endian PCM16."""
    u = ~np.frombuffer(ulaw, dtype=np.uint8).astype(np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    mag = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(u & 0x80, -mag, mag).astype("<i2").tobytes()


def frame_rms(pcm16: bytes) -> float:
    """Root-mean-square level of PCM16 audio."""
    x = np.frombuffer(pcm16, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


def ulaw_is_voiced(ulaw: bytes, threshold: float = VOICED_RMS) -> bool:
    """True when a µ-law chunk carries sound rather than silence."""
    return frame_rms(ulaw_to_pcm16(ulaw)) > threshold


# --- resampling ------------------------------------------------------------------------------


def resample_pcm16(pcm16: bytes, src_rate: int, dst_rate: int, *, half_taps: int = 16) -> bytes:
    """Band-limited resampling (Blackman-windowed sinc), any rate ratio.

    Downsampling low-passes below the new Nyquist first, so 16/22.05 kHz speech does not alias
    into the 8 kHz telephone band.
    """
    if src_rate == dst_rate or not pcm16:
        return pcm16
    x = np.frombuffer(pcm16, dtype="<i2").astype(np.float64)
    ratio = dst_rate / src_rate
    cutoff = min(1.0, ratio) * 0.94  # fraction of the input Nyquist kept
    half = int(np.ceil(half_taps / min(1.0, ratio)))  # filter half-width, input samples
    n_out = int(len(x) * ratio)
    padded = np.concatenate([np.zeros(half), x, np.zeros(half + 1)])
    offsets = np.arange(-half + 1, half + 1)
    out = np.empty(n_out)
    block = 4096
    for start in range(0, n_out, block):
        t = np.arange(start, min(start + block, n_out)) / ratio  # positions in input samples
        base = np.floor(t).astype(np.int64)
        idx = base[:, None] + offsets[None, :]
        d = t[:, None] - idx
        window = 0.42 + 0.5 * np.cos(np.pi * d / half) + 0.08 * np.cos(2 * np.pi * d / half)
        window[np.abs(d) >= half] = 0.0
        kernel = cutoff * np.sinc(cutoff * d) * window
        out[start : start + len(t)] = np.sum(padded[idx + half] * kernel, axis=1)
    return np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes()


def trim_silence(pcm16: bytes, rate: int, *, threshold: float = VOICED_RMS / 2) -> bytes:
    """Drop leading and trailing near-silence (keeps 20 ms either side)."""
    x = np.frombuffer(pcm16, dtype="<i2")
    frame = rate // 50
    n = len(x) // frame
    if n == 0:
        return pcm16
    frames = x[: n * frame].astype(np.float64).reshape(n, frame)
    voiced = np.nonzero(np.sqrt(np.mean(frames * frames, axis=1)) > threshold)[0]
    if voiced.size == 0:
        return pcm16
    first = max(voiced[0] - 1, 0) * frame
    last = min(voiced[-1] + 2, n) * frame
    return x[first:last].tobytes()


def wav_bytes_to_pcm16(data: bytes) -> tuple[bytes, int]:
    """Mono PCM16 samples and rate from a WAV file's bytes."""
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getsampwidth() != 2:
            raise ValueError("expected 16-bit WAV")
        pcm = wav.readframes(wav.getnframes())
        channels = wav.getnchannels()
        rate = wav.getframerate()
    if channels > 1:
        pcm = np.frombuffer(pcm, dtype="<i2")[::channels].tobytes()
    return pcm, rate


def write_wav(path: str | Path, pcm16: bytes, rate: int = SAMPLE_RATE, channels: int = 1) -> None:
    """Write PCM16 audio as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm16)


# --- the caller's voice ----------------------------------------------------------------------


def caller_voice_name() -> str:
    """``flite:rms`` when flite is installed, else ``espeak-ng:<voice>``."""
    if shutil.which("flite"):
        return f"flite:{FLITE_VOICE}"
    return f"espeak-ng:{ESPEAK_CALLER_VOICES['en']}"


def has_flite() -> bool:
    """Whether the recognizable caller voice (flite) is available."""
    return shutil.which("flite") is not None


_cache: dict[tuple[str, str, str], CallerSpeech] = {}
_cache_lock = threading.Lock()


def synthesize_caller_sync(text: str, *, language: str = "en") -> CallerSpeech:
    """Synthesize a caller line as 8 kHz µ-law and PCM16 (blocking; cached)."""
    engine = caller_voice_name() if language == "en" else f"espeak-ng:{_espeak_voice(language)}"
    key = (engine, language, text)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    if engine.startswith("flite:"):
        pcm, rate = _flite(text)
    else:
        pcm, rate = _espeak(text, language)
    pcm = trim_silence(resample_pcm16(pcm, rate, SAMPLE_RATE), SAMPLE_RATE)
    speech = CallerSpeech(ulaw=pcm16_to_ulaw(pcm), pcm16=pcm, engine=engine)
    with _cache_lock:
        _cache[key] = speech
    return speech


async def synthesize_caller(text: str, *, language: str = "en") -> CallerSpeech:
    """Synthesize a caller line off the event loop (see ``synthesize_caller_sync``)."""
    return await asyncio.to_thread(synthesize_caller_sync, text, language=language)


def _espeak_voice(language: str) -> str:
    return ESPEAK_CALLER_VOICES.get(language, language)


# flite reads a written hum ("Hmm", "Mm") letter by letter ("H M M"); a caller hums it.
_HUMS = re.compile(r"(?<![-\w])(?:h?m{2,}|hm)(?![-\w])", re.IGNORECASE)


def speakable(text: str) -> str:
    """The script line as flite should say it: hums written so that it hums them."""
    return _HUMS.sub("hum", text)


def _flite(text: str) -> tuple[bytes, int]:
    text = speakable(text)
    flite = shutil.which("flite")
    if flite is None:
        raise EngineUnavailable("flite is not installed (apt-get install flite)")
    with tempfile.TemporaryDirectory(prefix="sb-flite-") as tmp:
        out = Path(tmp) / "line.wav"
        # -t takes the text as one argument: no shell, no quoting issues.
        proc = subprocess.run(
            [flite, "-voice", FLITE_VOICE, "-t", text, "-o", str(out)],
            capture_output=True,
            timeout=30,
            check=False,
        )
        if proc.returncode != 0 or not out.exists():
            err = proc.stderr.decode(errors="replace").strip()
            raise EngineUnavailable(f"flite failed ({proc.returncode}): {err}")
        return wav_bytes_to_pcm16(out.read_bytes())


def _espeak(text: str, language: str) -> tuple[bytes, int]:
    try:
        from switchboard.speech import espeak_tts  # the embedded engine; imported on demand
    except ImportError as exc:
        raise EngineUnavailable(
            "no caller voice: flite is not installed and switchboard.speech.espeak_tts "
            f"cannot be imported ({exc})"
        ) from exc
    pcm, rate = espeak_tts.synthesize(text, voice=_espeak_voice(language), rate=ESPEAK_CALLER_RATE)
    return pcm, int(rate)
