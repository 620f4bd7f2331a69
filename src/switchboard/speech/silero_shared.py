"""Silero VAD with one ONNX session per process instead of one per call.

Pipecat's ``SileroVADAnalyzer`` builds a new onnxruntime ``InferenceSession`` for every
analyzer: about 10 MB of private memory per call (measured with /proc/self/smaps_rollup, 10
calls in one process: 10.8 MB per running call, 1.1 MB with a shared session) and 40-80 ms of
work on the event loop when a call starts. The model's recurrent state is not kept in the
session: ``SileroOnnxModel`` passes it in and reads it back on every window, and keeps it on
the Python object. So each call keeps its own model object (its own state and context) around
the one shared session; onnxruntime allows concurrent ``run`` calls on a session, and each
analyzer already runs its model on its own executor thread.

This leans on Pipecat's attribute names (``_model``, ``_windows_since_reset``,
``_low_confidence_windows``); pyproject pins Pipecat below 1.15, and
tests/speech/test_silero_shared.py checks the results against a stock analyzer.
"""

from __future__ import annotations

import threading
from importlib import resources

import onnxruntime
from pipecat.audio.vad.silero import SileroOnnxModel, SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADAnalyzer, VADParams

_lock = threading.Lock()
_session: onnxruntime.InferenceSession | None = None


def shared_session() -> onnxruntime.InferenceSession:
    """The process's Silero session, built on first use (the same options as Pipecat's)."""
    global _session
    with _lock:
        if _session is None:
            path = str(resources.files("pipecat.audio.vad.data").joinpath("silero_vad.onnx"))
            opts = onnxruntime.SessionOptions()
            opts.inter_op_num_threads = 1
            opts.intra_op_num_threads = 1
            _session = onnxruntime.InferenceSession(
                path, providers=["CPUExecutionProvider"], sess_options=opts
            )
        return _session


class _SharedSessionModel(SileroOnnxModel):
    """A Silero model object (its own recurrent state) over the shared session."""

    def __init__(self, session: onnxruntime.InferenceSession) -> None:  # no new session
        self.session = session
        self.reset_states()
        self.sample_rates = [8000, 16000]


class SharedSileroVADAnalyzer(SileroVADAnalyzer):
    """``SileroVADAnalyzer`` whose model runs on the process's shared session."""

    def __init__(self, *, sample_rate: int | None = None, params: VADParams | None = None):
        VADAnalyzer.__init__(self, sample_rate=sample_rate, params=params)
        self._model = _SharedSessionModel(shared_session())
        self._windows_since_reset = 0
        self._low_confidence_windows = 0
