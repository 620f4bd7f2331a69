"""The benchmark: latency, own overhead and capacity, Switchboard beside plain Pipecat.

Each target server runs in its own process (``switchboard serve`` or
:mod:`switchboard.bench.plain_pipecat`), so its CPU and memory can be read from ``/proc``
(speech worker processes included); this process is the phone network: a local fake Twilio
and N simulated callers (:func:`switchboard.simulator.audio_caller.place_call`) streaming
synthesized speech in real time over the Media Streams protocol on loopback.

For each target and each N in ``calls`` (stopping at the first N that breaks) it places N
calls at once (starts ``stagger_s`` apart) and records:

- voice-to-voice latency per replied line, as the caller hears it (caller's last voiced frame
  sent -> first agent frame received), P50/P95;
- Switchboard only: the server's own breakdown per turn (``call.metrics``, see
  :mod:`switchboard.pipeline.call_metrics`): engine times and the overhead left after them;
- CPU per call (core-seconds of the server's process tree per second of call), memory per call
  (peak resident memory of the tree above its idle level, divided by N);
- late agent frames (gaps of more than 60 ms mid-turn, as the caller received them), bursts,
  and the load generator's own lag (if that grows, this machine, not the server, is the limit).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from switchboard.bench.procstats import tree_usage
from switchboard.pipeline.call_metrics import percentile

BUSINESS = "+13055550100"
CALLER = "+13055550123"
ACCOUNT_SID = "ACbench000000000000000000000000000"
DEFAULT_LINES = (
    "Hi, I'd like to make an appointment for an eye exam.",
    "Kendall.",
    "Maria Gonzalez.",
    "I have Blue Cross Blue Shield.",
)


@dataclass
class BenchConfig:
    calls: list[int] = field(default_factory=lambda: [1, 10, 25, 50])
    targets: list[str] = field(default_factory=lambda: ["switchboard", "plain"])
    engines: str = "embedded"  # embedded | external (instant stand-in STT/TTS servers)
    lines: list[str] = field(default_factory=lambda: list(DEFAULT_LINES))
    latency_calls: int = 3  # N=1 runs this many calls one after another (more turns)
    stagger_s: float = 0.2
    break_p95_ms: float = 3000.0
    break_late_ratio: float = 0.01
    max_seconds: float = 150.0
    stt_workers: int = 0
    log: Callable[[str], None] = print


# --- servers -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def server_process(
    module: str, args: list[str], env: dict[str, str], *, ready_url: str, log_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Start ``python -m module args`` and wait until ``ready_url`` answers 200."""
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                for _ in range(600):
                    if proc.returncode is not None:
                        raise RuntimeError(f"{module} exited; see {log_path}")
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(ready_url)).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError(f"{module} never became ready; see {log_path}")
            yield proc
        finally:
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 15)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


def line_lengths(lines: list[str]) -> list[tuple[float, str]]:
    from switchboard.simulator.voice import synthesize_caller_sync

    return [(len(synthesize_caller_sync(text).pcm16) / 16000, text) for text in lines]


# --- one step: N concurrent calls ----------------------------------------------------------
@dataclass
class Target:
    name: str
    url: str
    pid: int
    token: str
    carrier: Any
    read_metrics: Callable[[list[str]], Any] | None = None  # call sids -> server metrics


def bench_scenario(lines: list[str]) -> Any:
    from switchboard.simulator.scenario import scenario_from_dict

    steps: list[dict[str, Any]] = [{"say": line} for line in lines]
    steps.append({"hang_up": True})
    return scenario_from_dict(
        {"name": "bench", "business": BUSINESS, "caller_id": CALLER, "caller": steps}
    )


async def place_calls(target: Target, scenario: Any, n: int, cfg: BenchConfig) -> list[Any]:
    from switchboard.simulator.audio_caller import place_call

    async def one(i: int) -> Any:
        await asyncio.sleep(i * cfg.stagger_s)
        return await place_call(
            scenario,
            server_url=target.url,
            auth_token=target.token,
            account_sid=ACCOUNT_SID,
            carrier=target.carrier,
            max_seconds=cfg.max_seconds,
            default_business=BUSINESS,
        )

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def run_step(target: Target, scenario: Any, n: int, cfg: BenchConfig) -> dict[str, Any]:
    idle = tree_usage(target.pid)
    peak = idle.rss_mb
    stop = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_usage(target.pid).rss_mb)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    sampler = asyncio.create_task(sample(), name="bench-rss")
    wall = time.monotonic()
    try:
        rounds = cfg.latency_calls if n == 1 else 1
        results = []
        for _ in range(rounds):
            results += await place_calls(target, scenario, n, cfg)
    finally:
        stop.set()
        await sampler
    wall = time.monotonic() - wall
    used = tree_usage(target.pid)
    server = target.read_metrics([r.call_sid for r in results]) if target.read_metrics else None
    if asyncio.iscoroutine(server):
        server = await server
    return summarize_step(
        n=n,
        results=results,
        cpu_s=used.cpu_s - idle.cpu_s,
        wall_s=wall,
        idle_rss_mb=idle.rss_mb,
        peak_rss_mb=peak,
        server=server,
        cfg=cfg,
    )


def _pcts(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": round(statistics.median(values), 1) if values else None,
        "p95": round(float(percentile(values, 0.95)), 1) if values else None,
        "max": round(max(values), 1) if values else None,
    }


def summarize_step(
    *,
    n: int,
    results: list[Any],
    cpu_s: float,
    wall_s: float,
    idle_rss_mb: float,
    peak_rss_mb: float,
    server: list[dict[str, Any]] | None,
    cfg: BenchConfig,
) -> dict[str, Any]:
    """One row of the benchmark from the callers' results and the server's usage."""
    connected = [r for r in results if r.attempt == "connected"]
    says = [s for r in connected for s in r.steps if s.kind == "say"]
    latencies = [s.reply_latency_ms for s in says if s.reply_latency_ms is not None]
    call_s = sum(r.duration_s for r in connected) or 1.0
    frames = sum(r.media.frames_received for r in connected) or 1
    late = sum(r.media.late_frames for r in connected)
    row: dict[str, Any] = {
        "calls": n,
        "placed": len(results),
        "connected": len(connected),
        "lines": len(says),
        "replied": sum(1 for s in says if s.agent_replied),
        "latency_ms": _pcts(latencies),
        "cpu_cores_per_call": round(cpu_s / call_s, 4),
        "cpu_cores_total": round(cpu_s / max(wall_s, 1e-6), 3),
        "mem_mb_per_call": round(max(0.0, peak_rss_mb - idle_rss_mb) / n, 1),
        "rss_mb_idle": round(idle_rss_mb, 1),
        "rss_mb_peak": round(peak_rss_mb, 1),
        "frames_received": frames,
        "late_frames": late,
        "burst_frames": sum(r.media.burst_frames for r in connected),
        "max_gap_ms": max((r.media.max_gap_ms for r in connected), default=0.0),
        "generator_max_lag_ms": round(
            max((r.media.max_send_lag_ms for r in results), default=0), 1
        ),
        "wall_s": round(wall_s, 1),
        "errors": sorted({e for r in results for e in r.errors})[:5],
    }
    if server is not None:
        row["server"] = server_breakdown(server)
    row["broken"] = broken_reasons(row, cfg)
    return row


def server_breakdown(metrics: list[dict[str, Any]]) -> dict[str, Any]:
    """Pool the per-turn server timings of a step's calls (see call_metrics.summary)."""
    turns = [t for m in metrics for t in m.get("turns", [])]

    def col(key: str) -> list[float]:
        return [float(t[key]) for t in turns if t.get(key) is not None]

    return {
        "turns": len(turns),
        "latency_ms": _pcts(col("latency_ms")),
        "endpoint_ms": _pcts(col("endpoint_ms")),
        "stt_ms": _pcts(col("stt_ms")),
        "turn_wait_ms": _pcts(col("turn_wait_ms")),
        "flow_ms": _pcts(col("flow_ms")),
        "tts_ms": _pcts(col("tts_ms")),
        "overhead_ms": _pcts(col("overhead_ms")),
        "out_late_frames": sum(int(m.get("out_late_frames", 0)) for m in metrics),
        "frames_dropped": sum(int(m.get("frames_dropped", 0)) for m in metrics),
        "calls_with_metrics": sum(1 for m in metrics if m),
    }


def broken_reasons(row: dict[str, Any], cfg: BenchConfig) -> list[str]:
    reasons = []
    if row["connected"] < row["placed"]:
        reasons.append(f"{row['placed'] - row['connected']} calls not connected")
    if row["lines"] and row["replied"] < 0.9 * row["lines"]:
        reasons.append(f"only {row['replied']}/{row['lines']} lines replied")
    p95 = row["latency_ms"]["p95"]
    if p95 is None or p95 > cfg.break_p95_ms:
        reasons.append(f"P95 latency {p95} ms > {cfg.break_p95_ms:.0f} ms")
    if row["late_frames"] > cfg.break_late_ratio * row["frames_received"]:
        reasons.append(f"{row['late_frames']} late agent frames")
    return reasons


# --- targets -------------------------------------------------------------------------------
def engine_env(cfg: BenchConfig, standin_url: str | None) -> dict[str, str]:
    env = {"STT_WORKERS": str(cfg.stt_workers)}
    if cfg.engines == "external":
        assert standin_url is not None
        env |= {
            "STT_ENGINE": "openai",
            "OPENAI_STT_BASE_URL": standin_url,
            "TTS_ENGINE": "openai",
            "OPENAI_TTS_BASE_URL": standin_url,
        }
    return env


@contextlib.asynccontextmanager
async def start_target(
    name: str, cfg: BenchConfig, workdir: Path, standin_url: str | None
) -> AsyncIterator[Target]:
    from switchboard.simulator.carrier import FakeTwilio

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = secrets.token_hex(16)
    data = workdir / name
    data.mkdir(parents=True, exist_ok=True)
    async with FakeTwilio(
        auth_token=token, account_sid=ACCOUNT_SID, status_callback_url=f"{url}/twilio/status"
    ) as carrier:
        env = engine_env(cfg, standin_url) | {
            "DATA_DIR": str(data),
            "DATABASE_URL": f"sqlite+aiosqlite:///{data / 'bench.db'}",
            "PUBLIC_URL": url,
            "PORT": str(port),
            "TWILIO_AUTH_TOKEN": token,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_API_BASE_URL": carrier.base_url,
            "MAX_CONCURRENT_CALLS": str(max(cfg.calls) + 2),
            "LOG_LEVEL": "WARNING",
        }
        if name == "switchboard":
            module, args = "switchboard.cli", ["serve", "--port", str(port)]
        else:
            module, args = "switchboard.bench.plain_pipecat", ["--port", str(port)]
        async with server_process(
            module, args, env, ready_url=f"{url}/readyz", log_path=data / "server.log"
        ) as proc:
            target = Target(name, url, proc.pid, token, carrier)
            if name == "switchboard":
                target.read_metrics = lambda sids: read_call_metrics(env, sids)
            yield target


async def read_call_metrics(env: dict[str, str], call_sids: list[str]) -> list[dict[str, Any]]:
    """The server's stored ``metrics`` of these calls (waiting briefly for late records)."""
    from switchboard.settings import Settings
    from switchboard.storage import repo
    from switchboard.storage.db import create_engine, session_factory, transaction

    engine = create_engine(Settings(database_url=env["DATABASE_URL"]).resolved_database_url)
    db = session_factory(engine)
    out: list[dict[str, Any]] = []
    try:
        for sid in call_sids:
            metrics: dict[str, Any] = {}
            for _ in range(50):
                async with transaction(db) as session:
                    call = await repo.get_call(session, call_sid=sid)
                if call is not None and call.ended_at is not None:
                    metrics = dict(call.metrics or {})
                    break
                await asyncio.sleep(0.1)
            out.append(metrics)
    finally:
        await engine.dispose()
    return out


async def run_bench(cfg: BenchConfig) -> dict[str, Any]:
    """Run every target over ``cfg.calls``; returns the JSON-ready report."""
    scenario = bench_scenario(cfg.lines)
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_avg_at_start": list(os.getloadavg())},
        "config": {k: v for k, v in asdict(cfg).items() if k != "log"},
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="sb-bench-") as tmp:
        workdir = Path(tmp)
        async with contextlib.AsyncExitStack() as stack:
            standin_url = None
            if cfg.engines == "external":
                lines_file = workdir / "lines.json"
                lines = await asyncio.to_thread(line_lengths, cfg.lines)
                lines_file.write_text(json.dumps(lines))
                port = free_port()
                await stack.enter_async_context(
                    server_process(
                        "switchboard.bench.standin_engines",
                        ["--port", str(port), "--lines", str(lines_file)],
                        {},
                        ready_url=f"http://127.0.0.1:{port}/v1/models",
                        log_path=workdir / "standin.log",
                    )
                )
                standin_url = f"http://127.0.0.1:{port}/v1"
            for name in cfg.targets:
                rows: list[dict[str, Any]] = []
                report["runs"][name] = rows
                async with start_target(name, cfg, workdir, standin_url) as target:
                    cfg.log(f"[{name}] warming up")
                    warm = BenchConfig(**{**asdict(cfg), "latency_calls": 1, "log": cfg.log})
                    await place_calls(target, bench_scenario(cfg.lines[:1]), 1, warm)
                    for n in cfg.calls:
                        cfg.log(f"[{name}] {n} concurrent call(s)...")
                        row = await run_step(target, scenario, n, cfg)
                        rows.append(row)
                        cfg.log(format_row(name, row))
                        if row["broken"]:
                            cfg.log(f"[{name}] breaks at {n} calls: {'; '.join(row['broken'])}")
                            break
    report["ratios"] = ratios(report["runs"])
    return report


def ratios(runs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Switchboard / plain Pipecat per N, where both ran it."""
    plain = {r["calls"]: r for r in runs.get("plain", [])}
    out = []
    for row in runs.get("switchboard", []):
        other = plain.get(row["calls"])
        if other is None:
            continue

        def div(a: float | None, b: float | None) -> float | None:
            return round(a / b, 2) if a is not None and b else None

        out.append(
            {
                "calls": row["calls"],
                "cpu_per_call": div(row["cpu_cores_per_call"], other["cpu_cores_per_call"]),
                "mem_per_call": div(row["mem_mb_per_call"], other["mem_mb_per_call"]),
                "latency_p50": div(row["latency_ms"]["p50"], other["latency_ms"]["p50"]),
                "latency_p95": div(row["latency_ms"]["p95"], other["latency_ms"]["p95"]),
            }
        )
    return out


# --- output --------------------------------------------------------------------------------
HEADER = (
    f"{'target':<12}{'N':>4}{'conn':>6}{'replied':>9}{'P50 ms':>8}{'P95 ms':>8}"
    f"{'ovh P95':>9}{'cpu/call':>10}{'cpu tot':>9}{'MB/call':>9}{'late':>6}{'gen lag':>9}  broken"
)


def format_row(name: str, row: dict[str, Any]) -> str:
    lat = row["latency_ms"]
    overhead = (row.get("server") or {}).get("overhead_ms", {}).get("p95")

    def num(value: float | None, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    replied = f"{row['replied']}/{row['lines']}"
    return (
        f"{name:<12}{row['calls']:>4}{row['connected']:>6}"
        f"{replied:>9}{num(lat['p50'], '.0f'):>8}"
        f"{num(lat['p95'], '.0f'):>8}{num(overhead, '.1f'):>9}"
        f"{row['cpu_cores_per_call']:>10.3f}{row['cpu_cores_total']:>9.2f}"
        f"{row['mem_mb_per_call']:>9.1f}{row['late_frames']:>6}"
        f"{row['generator_max_lag_ms']:>9.0f}  {'yes' if row['broken'] else 'no'}"
    )


def format_table(report: dict[str, Any]) -> str:
    lines = [
        f"engines: {report['config']['engines']}   cpus: {report['machine']['cpus']}   "
        f"load at start: {', '.join(f'{x:.2f}' for x in report['machine']['load_avg_at_start'])}",
        HEADER,
    ]
    for name, rows in report["runs"].items():
        lines.extend(format_row(name, row) for row in rows)
    sb = report["runs"].get("switchboard") or []
    if sb and sb[0].get("server"):
        s = sb[0]["server"]
        lines.append("")
        lines.append(
            f"switchboard, 1 call, {s['turns']} turns (server side, ms P50/P95): "
            + ", ".join(
                f"{k.removesuffix('_ms')} {s[k]['p50']}/{s[k]['p95']}"
                for k in (
                    "latency_ms",
                    "endpoint_ms",
                    "stt_ms",
                    "turn_wait_ms",
                    "flow_ms",
                    "tts_ms",
                    "overhead_ms",
                )
            )
        )
    for r in report.get("ratios", []):
        lines.append(
            f"switchboard/plain at N={r['calls']}: cpu/call x{r['cpu_per_call']}, "
            f"mem/call x{r['mem_per_call']}, P50 x{r['latency_p50']}, P95 x{r['latency_p95']}"
        )
    return "\n".join(lines)
