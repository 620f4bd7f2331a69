"""Helpers to measure recognition the way a caller is heard: phone path, WER, flite voices.

Used by tests and ``bench/stt_bench.py``; nothing here runs in a live call.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from switchboard.speech.recognizer import words_of

# G.711 µ-law, as on a Twilio media stream (pure numpy; audioop is gone in Python 3.13).
_BIAS = 0x84
_CLIP = 32635


def ulaw_encode(pcm: np.ndarray) -> np.ndarray:
    """Encode int16 samples to G.711 µ-law bytes."""
    x = pcm.astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    mag = np.minimum(np.abs(x), _CLIP) + _BIAS
    exponent = np.floor(np.log2(mag)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (mag >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


def ulaw_decode(data: np.ndarray) -> np.ndarray:
    """Decode G.711 µ-law bytes to int16 samples."""
    u = ~data.astype(np.int32) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    mag = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -mag, mag).astype(np.int16)


def resample(pcm: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Resample int16 mono audio with soxr (high quality, anti-aliased)."""
    if src == dst:
        return pcm.astype(np.int16, copy=False)
    import soxr

    return soxr.resample(pcm.astype(np.int16, copy=False), src, dst)


def phone_path(pcm: np.ndarray, rate: int) -> bytes:
    """Return ``pcm`` as the pipeline hears it from a phone line: 8 kHz, through µ-law."""
    at8k = resample(pcm, rate, 8000)
    return ulaw_decode(ulaw_encode(at8k)).tobytes()


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """Read a mono 16-bit WAV, or a headerless 16 kHz ``.raw`` file."""
    if path.suffix == ".raw":
        return np.frombuffer(path.read_bytes(), dtype=np.int16), 16000
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        data = np.frombuffer(frames, dtype=np.int16)
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels())[:, 0].copy()
        return data, w.getframerate()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Return (edit distance in words, reference length)."""
    ref, hyp = words_of(reference), words_of(hypothesis)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        new = [i] + [0] * len(hyp)
        for j in range(1, len(hyp) + 1):
            new[j] = min(row[j] + 1, new[j - 1] + 1, row[j - 1] + (ref[i - 1] != hyp[j - 1]))
        row = new
    return row[-1], len(ref)


def flite_available() -> bool:
    """Whether the flite command is installed."""
    return shutil.which("flite") is not None


def flite_say(text: str, *, voice: str = "rms") -> tuple[np.ndarray, int]:
    """Synthesize ``text`` with flite; returns (int16 samples, sample rate)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "say.wav"
        subprocess.run(
            ["flite", "-voice", voice, "-t", text, "-o", str(out)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return read_audio(out)


REAL_SPEECH_DIR = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "real-speech"

_CARDS = {
    "cards-001.wav": "ten of clubs",
    "cards-002.wav": "four queen of clubs",
    "cards-003.wav": "seven of clubs",
    "cards-004.wav": "five five",
    "cards-005.wav": "eight of spades four of clubs seven of hearts",
    "goforward.raw": "go forward ten meters",
}


def real_speech_set(directory: Path = REAL_SPEECH_DIR) -> list[tuple[Path, str]]:
    """The real recorded utterances with their reference transcripts."""
    items = [(directory / name, text) for name, text in _CARDS.items()]
    for wav in sorted(directory.glob("librivox-*.wav")):
        items.append((wav, wav.with_suffix(".txt").read_text().strip()))
    return [(path, text) for path, text in items if path.exists()]


# Hint vocabulary for recognition measurements (the test and bench/stt_bench.py use the same
# lists, so their numbers are comparable): demo offices and plans plus a few not in the profile.
HINT_OFFICES = [
    "Coral Gables",
    "Round Rock",
    "Hialeah",
    "Kendall",
    "Doral",
    "Homestead",
    "Pflugerville",
    "Miami Beach",
    "Austin",
]
HINT_PLANS = [
    "Blue Cross Blue Shield",
    "Aetna",
    "Humana",
    "Cigna",
    "Medicare",
    "Medicaid",
    "United Healthcare",
    "WellCare",
    "Tricare",
    "Oscar",
    "Ambetter",
]
