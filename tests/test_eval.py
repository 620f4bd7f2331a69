"""`switchboard simulate` and `switchboard eval` through the real per-call dialogue pipeline."""

from __future__ import annotations

import asyncio
import json

import pytest

from support import SCENARIOS
from switchboard.cli import main

ALL_SCENARIOS = sorted(SCENARIOS.rglob("*.yaml"))


@pytest.fixture
def env(settings, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.chdir(settings.data_dir.parent)
    return settings


def test_every_scenario_passes_in_text_mode(env, tmp_path, capsys):
    out = tmp_path / "eval.json"
    code = main(["eval", str(SCENARIOS), "--mode", "text", "--json", str(out)])
    printed = capsys.readouterr().out
    reports = json.loads(out.read_text())
    assert len(reports) == len(ALL_SCENARIOS) >= 28
    failing = {r["scenario"]: r["failures"] for r in reports if not r.get("passed", True)}
    assert failing == {}, printed
    assert code == 0
    assert f"{len(reports)} passed, 0 failed" in printed


def test_eval_exits_nonzero_and_says_why_when_an_expectation_fails(env, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: expects the wrong office\n"
        'business: "+13055550100"\ncaller_id: "+13055550123"\n'
        "caller:\n  - say: I'd like an eye exam.\n  - say: Kendall.\n"
        "expect:\n  request:\n    office: Hialeah\n"
    )
    assert main(["eval", str(bad), "--mode", "text"]) == 1
    printed = capsys.readouterr().out
    assert "FAIL" in printed and "office" in printed and "Hialeah" in printed


def test_simulate_writes_the_json_report_in_the_contract_shape(env, tmp_path, capsys):
    out = tmp_path / "r.json"
    scenario = SCENARIOS / "shared" / "booking-basic.yaml"
    assert main(["simulate", str(scenario), "--mode", "text", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    for key in ("scenario", "mode", "passed", "failures", "call_sid", "ended_by", "outcome",
                "duration_s", "turns", "request", "latencies_ms", "metrics", "recording_path"):
        assert key in report
    assert report["mode"] == "text" and report["turns"][0]["speaker"] == "agent"
    assert "CALLER" in capsys.readouterr().out


def test_unreadable_scenario_is_a_clear_error_naming_the_file(env, tmp_path, capsys):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\ncaller:\n  - shout: hello\n")
    assert main(["simulate", str(bad), "--mode", "text"]) == 2
    assert "broken.yaml" in capsys.readouterr().err


def test_text_mode_waits_for_a_slow_reply_instead_of_counting_it_as_none(
    env, tmp_path, monkeypatch
):
    # A loaded CI machine once took 0.5 s+ to answer a line, and the text-mode caller (then a
    # fixed 0.5 s wait) recorded the line as unanswered. Each reply here takes 0.8 s.
    from switchboard.simulator import text_mode

    class SlowSink(text_mode.TextAgentSink):
        async def process_frame(self, frame, direction):
            if isinstance(frame, text_mode.TTSSpeakFrame):
                await asyncio.sleep(0.8)
            await super().process_frame(frame, direction)

    monkeypatch.setattr(text_mode, "TextAgentSink", SlowSink)
    scenario = tmp_path / "slow.yaml"
    scenario.write_text(
        "name: slow replies\n"
        'business: "+13055550100"\ncaller_id: "+13055550123"\n'
        "caller:\n  - say: I'd like an eye exam.\n  - say: Kendall.\n"
        "expect:\n  max_silent_turns: 0\n  request:\n    office: Kendall\n"
    )
    out = tmp_path / "slow.json"
    assert main(["eval", str(scenario), "--mode", "text", "--json", str(out)]) == 0
    turns = json.loads(out.read_text())[0]["turns"]
    assert sum(1 for t in turns if t["speaker"] == "agent") >= 3  # greeting + two replies
