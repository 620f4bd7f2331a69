import os
import shutil
from types import SimpleNamespace

import pytest

from switchboard.bench.load import (
    BenchConfig,
    format_table,
    ratios,
    run_bench,
    summarize_step,
)
from switchboard.bench.procstats import parse_rss_kb, parse_stat, tree_usage
from switchboard.bench.standin_engines import closest_line, speech_for
from switchboard.simulator.report import MediaStats, StepLog


def _call(latencies, *, late=0, attempt="connected", duration=20.0):
    steps = [
        StepLog("say", "x", agent_replied=ms is not None, reply_latency_ms=ms) for ms in latencies
    ]
    media = MediaStats(frames_received=500, late_frames=late, max_send_lag_ms=5.0)
    return SimpleNamespace(
        attempt=attempt, steps=steps, duration_s=duration, media=media, errors=[], call_sid="CA1"
    )


def _row(results, **kw):
    args = dict(
        n=len(results),
        results=results,
        cpu_s=4.0,
        wall_s=20.0,
        idle_rss_mb=100.0,
        peak_rss_mb=140.0,
        server=None,
        cfg=BenchConfig(),
    )
    return summarize_step(**(args | kw))


def test_a_step_reports_latency_cpu_and_memory_per_call():
    row = _row([_call([300.0, 400.0]), _call([500.0, None])])
    assert row["connected"] == 2 and (row["replied"], row["lines"]) == (3, 4)
    assert row["latency_ms"] == {"p50": 400.0, "p95": 500.0, "max": 500.0}
    assert row["cpu_cores_per_call"] == pytest.approx(4.0 / 40.0)  # 40 call-seconds
    assert row["mem_mb_per_call"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("results", "reason"),
    [
        ([_call([300.0]), _call([300.0], attempt="busy")], "not connected"),
        ([_call([300.0, None, None])], "lines replied"),
        ([_call([5000.0])], "P95 latency"),
        ([_call([300.0], late=50)], "late agent frames"),
    ],
)
def test_a_step_breaks_for_each_reason(results, reason):
    row = _row(results)
    assert any(reason in r for r in row["broken"]), row["broken"]
    assert _row([_call([300.0, 350.0])])["broken"] == []


def test_server_turns_are_pooled_into_percentiles():
    turns = [{"latency_ms": 300.0, "overhead_ms": 5.0}, {"latency_ms": 500.0, "overhead_ms": 9.0}]
    row = _row([_call([300.0])], server=[{"turns": turns, "out_late_frames": 1}])
    assert row["server"]["turns"] == 2 and row["server"]["overhead_ms"]["p95"] == 9.0
    assert row["server"]["out_late_frames"] == 1


def test_ratios_and_table_put_the_targets_side_by_side():
    sb, plain = _row([_call([400.0])]), _row([_call([200.0])], cpu_s=2.0)
    report = {
        "machine": {"cpus": 2, "load_avg_at_start": [0.1, 0.2, 0.3]},
        "config": {"engines": "embedded"},
        "runs": {"switchboard": [sb], "plain": [plain]},
    }
    [r] = report["ratios"] = ratios(report["runs"])
    assert r["cpu_per_call"] == 2.0 and r["latency_p50"] == 2.0
    table = format_table(report)
    assert "switchboard" in table and "plain" in table and "x2.0" in table


def test_proc_stat_parsing_survives_spaces_in_the_command():
    line = "42 (python -m x) S 7 42 42 0 -1 4194304 1 2 3 4 250 50 30 20 20 0 1 0 1 2 3"
    ppid, own, children = parse_stat(line)
    assert ppid == 7
    tick = os.sysconf("SC_CLK_TCK")
    assert own == pytest.approx(300 / tick) and children == pytest.approx(50 / tick)
    assert parse_rss_kb("Name:\tx\nVmRSS:\t  2048 kB\n") == 2048


def test_tree_usage_counts_this_process():
    usage = tree_usage(os.getpid())
    assert usage.processes >= 1 and usage.rss_mb > 10 and usage.cpu_s > 0


def test_standin_engines_answer_with_the_nearest_line_and_a_voiced_reply():
    lines = [(0.8, "Kendall."), (2.5, "I have Blue Cross Blue Shield.")]
    assert closest_line(lines, 2.2) == "I have Blue Cross Blue Shield."
    assert closest_line(lines, 0.5) == "Kendall."
    audio = speech_for("Which office?")
    assert len(audio) == int(len("Which office?") * 0.06 * 24000) * 2  # ~165 wpm, PCM16


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("flite") is None, reason="the caller's speech needs flite")
async def test_bench_smoke_one_call_each_side_by_side():
    cfg = BenchConfig(calls=[1], latency_calls=1, lines=["Kendall."], log=lambda _: None)
    report = await run_bench(cfg)
    for name in ("switchboard", "plain"):
        [row] = report["runs"][name]
        assert row["connected"] == 1 and row["replied"] == 1, row
        assert 100 < row["latency_ms"]["p50"] < 3000
        assert 0 < row["cpu_cores_per_call"] < 2
    server = report["runs"]["switchboard"][0]["server"]
    assert server["turns"] == 1 and server["overhead_ms"]["p50"] is not None
    assert report["ratios"][0]["calls"] == 1
