import subprocess
import sys
import wave

import numpy as np

from switchboard.pipeline.recorder import StereoWavWriter


def _tone(n: int, value: int) -> bytes:
    return np.full(n, value, dtype=np.int16).tobytes()


def test_caller_left_agent_right_aligned_on_the_caller_clock(tmp_path):
    path = tmp_path / "call.wav"
    w = StereoWavWriter(path)
    for _ in range(10):  # 200 ms of caller audio
        w.add_caller(_tone(160, 100))
    w.add_agent(_tone(320, -200))  # agent speaks at t=200 ms for 40 ms
    for _ in range(5):
        w.add_caller(_tone(160, 100))
    w.close()
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 2 and wav.getframerate() == 8000
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    left, right = data[0::2], data[1::2]
    assert len(left) == 15 * 160
    assert (left == 100).all()
    assert (right[:1600] == 0).all()
    assert (right[1600:1920] == -200).all()
    assert (right[1920:] == 0).all()


def test_agent_audio_sent_back_to_back_never_overlaps(tmp_path):
    path = tmp_path / "call.wav"
    w = StereoWavWriter(path)
    w.add_caller(_tone(160, 0))
    w.add_agent(_tone(160, 1))
    w.add_agent(_tone(160, 2))  # sent faster than real time: queued after the first
    w.close()
    with wave.open(str(path)) as wav:
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    right = data[1::2]
    assert list(right[160:320]) == [1] * 160 and list(right[320:480]) == [2] * 160


KILL_SCRIPT = """
import os, sys, numpy as np
from pathlib import Path
from switchboard.pipeline.recorder import StereoWavWriter
w = StereoWavWriter(Path(sys.argv[1]), flush_secs=0.5)
for i in range(150):  # 3 s of caller audio
    w.add_caller(np.full(160, 500, dtype=np.int16).tobytes())
os._exit(9)  # killed: no close(), no header fix-up at exit
"""


def test_recording_of_a_killed_process_is_playable_up_to_that_moment(tmp_path):
    path = tmp_path / "killed.wav"
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(path)])
    assert proc.returncode == 9
    with wave.open(str(path)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    assert 2.5 <= seconds <= 3.0
    assert len(frames) == wav.getnframes() * 4
