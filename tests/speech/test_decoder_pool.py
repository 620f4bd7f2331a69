"""DecoderPool: accuracy on real speech through the phone path, lifecycle, failures, loop lag."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import time

import pytest

from switchboard.errors import EngineError
from switchboard.settings import Settings
from switchboard.speech.decoder_pool import DecoderPool
from switchboard.speech.evaluation import phone_path, read_audio, real_speech_set, word_errors

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: Measured 0.43 (11 utterances, 96 words: cards digits + LibriVox read speech) with the
#: bundled en-us model; the issue expects ~0.35 on real speech. The bound leaves room for
#: run-to-run CMN differences, not for a regression to the 8 kHz-feature path (~1.0).
WER_BOUND = 0.55


def _children() -> set[int]:
    """Live child processes of this test process (Linux /proc)."""
    kids: set[int] = set()
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            kids.add(int(entry))
    return kids


async def _realtime_feed(stream, pcm: bytes, *, frame_ms: int = 20, speed: float = 1.0) -> None:
    step = 8000 * frame_ms // 1000 * 2
    for i in range(0, len(pcm), step):
        stream.feed(pcm[i : i + step])
        await asyncio.sleep(frame_ms / 1000 / speed)


@pytest.mark.slow
async def test_real_speech_through_the_phone_path_is_recognized_within_the_measured_wer(pool):
    errors = words = 0
    lines = []
    for path, reference in real_speech_set():
        samples, rate = read_audio(path)
        result = await pool.recognize(phone_path(samples, rate))
        e, n = word_errors(reference, result.text)
        errors += e
        words += n
        lines.append(f"{e / n:5.2f}  {path.name:18} {result.text!r}")
    wer = errors / words
    print("\n".join(lines))
    print(f"pocketsphinx WER on real speech via phone path: {wer:.3f} ({words} words)")
    assert wer <= WER_BOUND


async def test_stream_fed_while_speaking_leaves_little_work_after_the_turn(pool):
    samples, rate = read_audio(real_speech_set()[-1][0])
    pcm = phone_path(samples, rate)
    stream = pool.open_stream()
    await _realtime_feed(stream, pcm, speed=4.0)  # 4x real time keeps the test short
    await asyncio.sleep(0.2)  # the VAD's stop delay: the worker catches up meanwhile
    result = await stream.finish()
    print(f"decode_ms={result.decode_ms:.1f} latency_ms={result.latency_ms:.1f}")
    assert result.text
    assert result.decode_ms < 400
    assert result.latency_ms < 1000


async def test_event_loop_keeps_ticking_while_several_streams_decode(pool):
    samples, rate = read_audio(real_speech_set()[-2][0])
    pcm = phone_path(samples, rate)
    lags: list[float] = []
    stop = asyncio.Event()

    async def probe() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append((time.perf_counter() - t - 0.005) * 1000)

    async def one_call() -> str:
        stream = pool.open_stream()
        await _realtime_feed(stream, pcm, speed=4.0)
        return (await stream.finish()).text

    prober = asyncio.create_task(probe())
    texts = await asyncio.gather(*(one_call() for _ in range(4)))
    stop.set()
    await prober
    worst = max(lags)
    print(
        f"loop lag over {len(lags)} ticks: p50={statistics.median(lags):.2f} ms max={worst:.1f} ms"
    )
    assert all(texts)
    # Decoding on the loop would stall it for a whole utterance's decode (hundreds of ms) on
    # every stream; scheduler noise on a busy 2-core machine stays well under these bounds.
    p95 = sorted(lags)[int(0.95 * (len(lags) - 1))]
    assert p95 < 40
    assert worst < 600


async def test_expected_words_missing_from_the_dictionary_do_not_fail_the_stream(pool):
    samples, rate = read_audio(real_speech_set()[0][0])
    result = await pool.recognize(
        phone_path(samples, rate),
        kind="office",
        phrases=["Pflugerville", "Xqzzv Plaza", "WellCare", "Coral Gables"],
    )
    print(
        f"hint words spelled from pieces: {pool.stats.hint_words_compound}, "
        f"skipped: {pool.stats.hint_words_skipped} {sorted(pool.stats.missing_words)}"
    )
    assert isinstance(result.text, str)
    assert "xqzzv" in pool.stats.missing_words


async def test_pool_start_and_close_leave_no_child_processes():
    before = _children()
    pool = DecoderPool(Settings(environment="test"), workers=2)
    await pool.start()
    assert len(pool.pids) == 2
    assert set(pool.pids) <= _children()
    await pool.close()
    await asyncio.sleep(0.1)
    assert _children() - before == set()


async def test_killed_worker_fails_its_stream_and_is_replaced():
    pool = DecoderPool(Settings(environment="test"), workers=1)
    await pool.start()
    try:
        old_pid = pool.pids[0]
        stream = pool.open_stream()
        stream.feed(b"\0\0" * 1600)
        os.kill(old_pid, signal.SIGKILL)
        with pytest.raises(EngineError):
            await stream.finish(limit_s=5.0)
        for _ in range(200):
            if pool.pids and pool.pids[0] != old_pid:
                break
            await asyncio.sleep(0.05)
        assert pool.pids and pool.pids[0] != old_pid
        assert pool.stats.worker_restarts == 1
        samples, rate = read_audio(real_speech_set()[-1][0])
        result = await pool.recognize(phone_path(samples, rate))
        assert result.text
    finally:
        await pool.close()
    assert old_pid not in _children()


async def test_closed_pool_refuses_new_streams_with_an_engine_error():
    pool = DecoderPool(Settings(environment="test"), workers=1)
    with pytest.raises(EngineError):
        pool.open_stream()
