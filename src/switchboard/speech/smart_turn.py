"""Pipecat's bundled smart-turn v3 model, shared by every call in the process.

One ONNX session per process (loaded on first use, inside the executor thread, so loading never
blocks the event loop) and one small executor that every call's end-of-turn processor submits
to. Phone audio is 8 kHz; the model wants 16 kHz, so it is resampled here (soxr, as Pipecat's
own analyzer does). The features come from Pipecat's vendored Whisper front end, so the input
matches what the model was trained on.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

MODEL_RATE = 16000
WINDOW_SECS = 8  # the model sees the last 8 s of the turn, zero-padded in front
_PACKAGE = "pipecat.audio.turn.smart_turn.data"
_MODEL_FILE = "smart-turn-v3.2-cpu.onnx"


@dataclass(frozen=True, slots=True)
class TurnPrediction:
    """The model's answer for one pause: probability that the turn is complete."""

    probability: float
    inference_ms: float


class SmartTurnModel:
    """The ONNX session; ``predict`` is thread-safe (onnxruntime sessions are)."""

    def __init__(self, model_path: str | None = None) -> None:
        self._path = model_path or str(resources.files(_PACKAGE).joinpath(_MODEL_FILE))
        self._session: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the session (idempotent; call from a worker thread)."""
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort

            so = ort.SessionOptions()
            so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            so.inter_op_num_threads = 1
            so.intra_op_num_threads = 1
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._session = ort.InferenceSession(self._path, sess_options=so)

    def predict(self, pcm16: bytes, sample_rate: int) -> TurnPrediction:
        """Probability that the speech in ``pcm16`` (little-endian int16) is a finished turn."""
        import soxr
        from pipecat.audio.turn.smart_turn._whisper_features import (
            compute_whisper_log_mel_features,
        )

        self.load()
        started = time.perf_counter()
        audio = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
        if sample_rate != MODEL_RATE:
            audio = soxr.resample(audio, sample_rate, MODEL_RATE, quality="HQ")
        window = WINDOW_SECS * MODEL_RATE
        if len(audio) > window:
            audio = audio[-window:]
        elif len(audio) < window:
            audio = np.pad(audio, (window - len(audio), 0))
        features = compute_whisper_log_mel_features(audio, do_normalize=True)
        outputs = self._session.run(None, {"input_features": np.expand_dims(features, 0)})
        probability = float(np.asarray(outputs[0]).reshape(-1)[0])
        return TurnPrediction(probability, (time.perf_counter() - started) * 1000.0)


_shared: SmartTurnModel | None = None
_executor: ThreadPoolExecutor | None = None
_shared_lock = threading.Lock()


def shared_model() -> SmartTurnModel:
    """The process's one model (not loaded yet: the first prediction loads it)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SmartTurnModel()
        return _shared


def shared_executor() -> ThreadPoolExecutor:
    """The process's inference threads (onnxruntime releases the GIL while it runs)."""
    global _executor
    with _shared_lock:
        if _executor is None:
            workers = max(1, min(2, os.cpu_count() or 1))
            _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smart-turn")
        return _executor


def preload() -> None:
    """Start loading the shared model in the background (returns at once)."""
    shared_executor().submit(shared_model().load)


async def predict(pcm16: bytes, sample_rate: int) -> TurnPrediction:
    """Run the shared model off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(shared_executor(), shared_model().predict, pcm16, sample_rate)
