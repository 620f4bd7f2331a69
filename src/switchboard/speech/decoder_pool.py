"""A pool of worker processes that own pocketsphinx decoders, shared by all calls.

pocketsphinx holds the GIL inside ``process_raw``, so decoding in threads would freeze every
call's event loop; decoding runs in worker *processes* instead. Each call's utterance is a
stream: opened when the caller starts speaking, fed audio as it arrives (the first pass runs
while the caller talks), finished when the VAD says the turn ended, so only ~10 ms of work is
left after the turn. A worker interleaves several streams, one decoder per active stream from a
per-worker cache (a general decoder is ~90 MB and takes ~0.4 s to build, so they are kept).

The event loop never blocks: messages to a worker go through a sender thread, replies are read
with ``loop.add_reader`` on the pipe. A worker that dies fails its open streams with
:class:`~switchboard.errors.EngineError` and is restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import multiprocessing as mp
import os
import queue
import signal
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from switchboard.errors import EngineError
from switchboard.speech.recognizer import DEFAULT_DOMAIN_MARGIN, DEFAULT_HINT_MARGIN, Recognition

logger = logging.getLogger(__name__)

_READY_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 5.0


# --------------------------------------------------------------------------------------------
# Worker process side
# --------------------------------------------------------------------------------------------


def _worker_main(conn: Connection, config: dict[str, Any]) -> None:
    """Worker process: owns decoders, serves open/feed/finish/cancel messages in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    from switchboard.speech.recognizer import DecoderFactory, DomainModels, HintCache, Utterance

    workdir = Path(tempfile.mkdtemp(prefix="sb-stt-"))
    factory = DecoderFactory(workdir, config.get("options"), config.get("sounds_like"))
    hints = HintCache(factory)
    domains = DomainModels(factory, config.get("domains") or {})
    free = [factory.general() for _ in range(max(1, config["preload"]))]
    total = len(free)
    for key in config.get("domains") or {}:
        # Build each domain LM now, not in the first caller's utterance (~65 ms each).
        domains.release(key, domains.get(key))
    utterances: dict[int, tuple[Utterance, object, object, str | None, object]] = {}
    margin = config["margin"]
    conn.send(("ready", os.getpid()))
    try:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return  # parent went away: exit, never linger as an orphan
            op = msg[0]
            if op == "feed":
                item = utterances.get(msg[1])
                if item is not None:
                    try:
                        item[0].feed(msg[2])
                    except Exception as exc:  # decoder state is unknown: drop the stream
                        _drop(utterances, free, hints, domains, msg[1])
                        conn.send(("error", msg[1], f"decode failed: {exc}"))
            elif op == "open":
                _, sid, kind, phrases, cmn, domain_key = msg
                try:
                    if free:
                        general = free.pop()
                    elif total < config["max_decoders"]:
                        general = factory.general()
                        total += 1
                    else:
                        conn.send(("error", sid, "all decoders of this worker are busy"))
                        continue
                    hint, stats = (None, None)
                    if phrases:
                        hint, stats = hints.get(kind, tuple(phrases))
                        if stats is not None and (stats.skipped_words or stats.compound_words):
                            conn.send(("stats", sid, stats))
                    domain = domains.get(domain_key)
                    utterances[sid] = (
                        Utterance(
                            general,
                            hint,
                            hint_margin=margin,
                            phrases=phrases,
                            cmn=cmn,
                            domain=domain,
                            domain_margin=config.get("domain_margin", DEFAULT_DOMAIN_MARGIN),
                            kind=kind,
                        ),
                        general,
                        hint,
                        domain_key,
                        domain,
                    )
                except Exception as exc:
                    conn.send(("error", sid, f"open failed: {exc}"))
            elif op == "finish":
                sid = msg[1]
                item = utterances.pop(sid, None)
                if item is None:
                    conn.send(("error", sid, "unknown stream"))
                    continue
                utt, general, hint, domain_key, domain = item
                try:
                    result = utt.finish()
                    conn.send(("result", sid, result, utt.cpu_s))
                except Exception as exc:
                    conn.send(("error", sid, f"finish failed: {exc}"))
                finally:
                    free.append(general)
                    hints.release(hint)
                    domains.release(domain_key, domain)
            elif op == "cancel":
                _drop(utterances, free, hints, domains, msg[1])
            elif op == "ping":
                conn.send(("pong", msg[1]))
            elif op == "stop":
                return
    finally:
        with contextlib.suppress(OSError):
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()


def _drop(utterances: dict, free: list, hints: Any, domains: Any, sid: int) -> None:
    item = utterances.pop(sid, None)
    if item is None:
        return
    utt, general, hint, domain_key, domain = item
    utt.abort()
    free.append(general)
    hints.release(hint)
    domains.release(domain_key, domain)


# --------------------------------------------------------------------------------------------
# Event-loop side
# --------------------------------------------------------------------------------------------


@dataclass
class PoolStats:
    """Counters for metrics and tests."""

    streams_opened: int = 0
    streams_failed: int = 0
    worker_restarts: int = 0
    hint_words_compound: int = 0
    hint_words_skipped: int = 0
    missing_words: set[str] = field(default_factory=set)
    cpu_s: float = 0.0
    audio_s: float = 0.0


class DecoderStream:
    """One utterance on one worker. Feed audio while the caller speaks, then finish."""

    def __init__(self, pool: DecoderPool, worker: _Worker, sid: int) -> None:
        self._pool = pool
        self._worker = worker
        self.sid = sid
        self._done: asyncio.Future[Recognition] = pool.loop.create_future()
        self._finished = False
        self.fed_bytes = 0

    @property
    def closed(self) -> bool:
        """True once finished, cancelled or failed."""
        return self._finished or self._done.done()

    def feed(self, pcm: bytes) -> None:
        """Queue 8 kHz PCM16 audio for decoding; never blocks."""
        if self.closed or not pcm:
            return
        self.fed_bytes += len(pcm)
        self._worker.send(("feed", self.sid, bytes(pcm)))

    async def finish(self, *, limit_s: float = 10.0) -> Recognition:
        """End the utterance and wait for its result.

        Raises:
            EngineError: the worker died, failed or did not answer in time.
        """
        if not self._finished and not self._done.done():
            self._finished = True
            started = time.perf_counter()
            self._worker.send(("finish", self.sid))
        else:
            started = time.perf_counter()
        try:
            result = await asyncio.wait_for(asyncio.shield(self._done), limit_s)
        except TimeoutError as exc:
            self._pool._forget(self._worker, self.sid)
            raise EngineError(f"speech recognition timed out after {limit_s:.1f}s") from exc
        return replace(result, latency_ms=(time.perf_counter() - started) * 1000.0)

    def cancel(self) -> None:
        """Drop the utterance (barge-in, hang-up); its result is never delivered."""
        if self.closed:
            return
        self._finished = True
        self._worker.send(("cancel", self.sid))
        self._pool._forget(self._worker, self.sid)
        if not self._done.done():
            self._done.cancel()

    def _resolve(self, result: Recognition | None, error: str | None) -> None:
        if self._done.done():
            return
        if error is not None:
            self._done.set_exception(EngineError(error))
            # Mark the exception retrieved: a stream nobody finishes must not warn at GC.
            self._done.exception()
        else:
            self._done.set_result(result)  # type: ignore[arg-type]


class _Worker:
    """Parent-side handle of one worker process."""

    def __init__(self, pool: DecoderPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.process: mp.process.BaseProcess | None = None
        self.conn: Connection | None = None
        self.streams: dict[int, DecoderStream] = {}
        self._outbox: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._ready: asyncio.Future[int] | None = None
        self.alive = False
        self.pid: int | None = None

    async def start(self) -> None:
        ctx = self.pool.mp_context
        parent, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, self.pool.worker_config),
            name=f"switchboard-stt-{self.index}",
            daemon=True,
        )
        self.process.start()
        child.close()  # so the parent sees EOF when the worker dies
        self.conn = parent
        self._outbox = queue.SimpleQueue()
        self._sender = threading.Thread(
            target=self._send_loop,
            args=(parent, self._outbox),
            name=f"stt-sender-{self.index}",
            daemon=True,
        )
        self._sender.start()
        self._ready = self.pool.loop.create_future()
        self.pool.loop.add_reader(parent.fileno(), self._on_readable, parent)
        try:
            self.pid = await asyncio.wait_for(asyncio.shield(self._ready), _READY_TIMEOUT_S)
        except BaseException:
            await self.stop()
            raise
        self.alive = True

    @staticmethod
    def _send_loop(conn: Connection, outbox: queue.SimpleQueue) -> None:
        while True:
            msg = outbox.get()
            if msg is None:
                return
            try:
                conn.send(msg)
            except (OSError, ValueError):
                return  # the reader side notices the dead worker

    def send(self, msg: tuple) -> None:
        if not self.alive:
            sid = msg[1] if len(msg) > 1 else None
            stream = self.streams.get(sid) if sid is not None else None
            if stream is not None:
                stream._resolve(None, "speech worker is not running")
            return
        self._outbox.put(msg)

    def _on_readable(self, conn: Connection) -> None:
        try:
            while conn.poll():
                self._dispatch(conn.recv())
        except (EOFError, OSError):
            self._on_death()

    def _dispatch(self, msg: tuple) -> None:
        op = msg[0]
        if op == "ready":
            if self._ready is not None and not self._ready.done():
                self._ready.set_result(msg[1])
        elif op == "result":
            stream = self.streams.pop(msg[1], None)
            self.pool.stats.cpu_s += msg[3]
            self.pool.stats.audio_s += msg[2].audio_ms / 1000.0
            if stream is not None:
                stream._resolve(msg[2], None)
        elif op == "error":
            stream = self.streams.pop(msg[1], None)
            self.pool.stats.streams_failed += 1
            if stream is not None:
                stream._resolve(None, f"speech worker {self.index}: {msg[2]}")
        elif op == "stats":
            stats = msg[2]
            self.pool.stats.hint_words_compound += stats.compound_words
            self.pool.stats.hint_words_skipped += stats.skipped_words
            self.pool.stats.missing_words.update(stats.missing)

    def _detach(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.pool.loop.remove_reader(self.conn.fileno())
        self._outbox.put(None)

    def _on_death(self) -> None:
        was_alive = self.alive
        self.alive = False
        self._detach()
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(EngineError(f"speech worker {self.index} failed to start"))
        streams, self.streams = self.streams, {}
        for stream in streams.values():
            self.pool.stats.streams_failed += 1
            stream._resolve(None, f"speech worker {self.index} died")
        if was_alive:
            self.pool._schedule_restart(self)

    async def stop(self) -> None:
        self.alive = False
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.pool.loop.remove_reader(self.conn.fileno())
        self._outbox.put(("stop",))
        self._outbox.put(None)
        proc = self.process
        if proc is not None:
            await asyncio.to_thread(proc.join, _STOP_TIMEOUT_S)
            if proc.is_alive():
                proc.kill()
                await asyncio.to_thread(proc.join, 2.0)
            proc.join(0)
            with contextlib.suppress(ValueError):
                proc.close()
        if self._sender is not None:
            await asyncio.to_thread(self._sender.join, 2.0)
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        self.process = None
        for stream in list(self.streams.values()):
            stream._resolve(None, "speech pool closed")
        self.streams.clear()


class DecoderPool:
    """Worker processes that own pocketsphinx decoders; owned and started by the app.

    Args:
        settings: application settings (``stt_workers``, ``max_concurrent_calls``).
        workers: number of worker processes (default: ``settings.resolved_stt_workers``).
        preload: general decoders each worker builds at start.
        max_decoders: cap of simultaneous utterances per worker (default: enough for
            ``max_concurrent_calls`` spread over the workers, plus one).
        hint_margin: see :data:`switchboard.speech.recognizer.DEFAULT_HINT_MARGIN`.
        decoder_options: extra pocketsphinx options (benchmarks).
        domains: per-domain sentence corpora (a profile's key → what its callers say, from
            :func:`switchboard.speech.domain_corpus.domain_sentences`). A stream opened with
            ``domain=key`` decodes with that domain's LM beside the general one.
        domain_margin: see :data:`switchboard.speech.recognizer.DEFAULT_DOMAIN_MARGIN`.
        sounds_like: how callers say words the dictionary pronounces otherwise (the profiles'
            ``sounds_like``, merged): extra pronunciations in the grammars and domain LMs.
    """

    def __init__(
        self,
        settings: Any,
        *,
        workers: int | None = None,
        preload: int = 1,
        max_decoders: int | None = None,
        hint_margin: float = DEFAULT_HINT_MARGIN,
        decoder_options: dict[str, object] | None = None,
        domains: dict[str, list[str]] | None = None,
        domain_margin: float = DEFAULT_DOMAIN_MARGIN,
        sounds_like: dict[str, list[str]] | None = None,
    ) -> None:
        self._n = workers or int(getattr(settings, "resolved_stt_workers", 0) or 1)
        calls = int(getattr(settings, "max_concurrent_calls", 2))
        cap = max_decoders or (math.ceil(calls / self._n) + 1)
        self.worker_config: dict[str, Any] = {
            "preload": min(preload, cap),
            "max_decoders": cap,
            "margin": hint_margin,
            "options": decoder_options or {},
            "domains": dict(domains or {}),
            "domain_margin": domain_margin,
            "sounds_like": dict(sounds_like or {}),
        }
        self.mp_context = mp.get_context("spawn")
        self.stats = PoolStats()
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)
        self._restarts: set[asyncio.Task] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise EngineError("decoder pool is not started")
        return self._loop

    @property
    def running(self) -> bool:
        """True between start() and close()."""
        return self._running

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [w.pid for w in self._workers if w.alive and w.pid is not None]

    async def start(self) -> None:
        """Start the worker processes and wait until each has its decoders loaded."""
        if self._running:
            return
        self._loop = asyncio.get_running_loop()
        self._workers = [_Worker(self, i) for i in range(self._n)]
        try:
            await asyncio.gather(*(w.start() for w in self._workers))
        except BaseException:
            await asyncio.gather(*(w.stop() for w in self._workers), return_exceptions=True)
            self._workers = []
            raise
        self._running = True
        logger.info("speech pool started: %d workers, pids %s", self._n, self.pids)

    async def close(self) -> None:
        """Stop every worker (waiting briefly, then killing); open streams fail."""
        self._running = False
        for task in list(self._restarts):
            task.cancel()
        if self._restarts:
            await asyncio.gather(*self._restarts, return_exceptions=True)
        self._restarts.clear()
        await asyncio.gather(*(w.stop() for w in self._workers), return_exceptions=True)
        self._workers = []

    async def __aenter__(self) -> DecoderPool:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def open_stream(
        self,
        *,
        kind: str | None = None,
        phrases: Iterable[str] = (),
        cmn: str | None = None,
        domain: str | None = None,
    ) -> DecoderStream:
        """Open an utterance on the least busy live worker.

        Args:
            kind: what the agent just asked for ("office", "insurance", "phone", ...).
            phrases: expected answers; when given, a grammar search biased to them runs
                beside the general language model and wins only when it scores clearly better.
            cmn: the cepstral mean this caller's previous utterance ended with
                (``Recognition.cmn``), so recognition stays adapted to the line.
            domain: key of a domain corpus given at construction (the call's business);
                unknown keys decode with the general model only.

        Raises:
            EngineError: the pool is not running or no worker is alive.
        """
        if not self._running:
            raise EngineError("speech pool is not running")
        live = [w for w in self._workers if w.alive]
        if not live:
            raise EngineError("no speech worker is running")
        worker = min(live, key=lambda w: (len(w.streams), w.index))
        sid = next(self._ids)
        stream = DecoderStream(self, worker, sid)
        worker.streams[sid] = stream
        self.stats.streams_opened += 1
        worker.send(("open", sid, kind, tuple(p for p in phrases if p and p.strip()), cmn, domain))
        return stream

    async def recognize(
        self,
        pcm: bytes,
        *,
        kind: str | None = None,
        phrases: Iterable[str] = (),
        chunk: int = 640,
        domain: str | None = None,
    ) -> Recognition:
        """Decode a whole utterance (tests, benchmarks, post-call): feed in chunks, finish."""
        stream = self.open_stream(kind=kind, phrases=phrases, domain=domain)
        for i in range(0, len(pcm), chunk):
            stream.feed(pcm[i : i + chunk])
        return await stream.finish(limit_s=max(10.0, len(pcm) / 16000.0 * 2))

    def _forget(self, worker: _Worker, sid: int) -> None:
        worker.streams.pop(sid, None)

    def _schedule_restart(self, worker: _Worker) -> None:
        if not self._running:
            return
        self.stats.worker_restarts += 1
        task = self.loop.create_task(self._restart(worker), name=f"stt-restart-{worker.index}")
        self._restarts.add(task)
        task.add_done_callback(self._restarts.discard)

    async def _restart(self, worker: _Worker) -> None:
        logger.warning("speech worker %d (pid %s) died; restarting", worker.index, worker.pid)
        await worker.stop()
        delay = 0.1
        while self._running:
            try:
                await worker.start()
                logger.info("speech worker %d restarted as pid %s", worker.index, worker.pid)
                return
            except EngineError:
                logger.exception("speech worker %d failed to restart", worker.index)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
