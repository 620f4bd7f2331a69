"""The JSON report follows the README; the transcript reads well."""

from __future__ import annotations

import datetime as dt
import json

from switchboard.simulator.report import CallReport, StepLog, Turn, latency_summary

README_KEYS = ["scenario", "mode", "passed", "failures", "call_sid", "ended_by", "outcome",
               "duration_s", "turns", "request", "latencies_ms", "metrics", "recording_path"]


def _report():
    return CallReport(
        scenario="books an eye exam",
        mode="audio",
        call_sid="CA" + "0" * 32,
        ended_by="agent",
        outcome="request_captured",
        duration_s=42.123456,
        turns=[Turn("agent", "Hello!", 0.2, 1.5), Turn("caller", "Hi.", 2.0, 2.6)],
        request={"patient_name": "Maria", "resolved_date": dt.date(2026, 11, 24),
                 "office": None},
        latencies_ms=[640.04, 910.0, 700.0],
        metrics={"cpu_s": 1.5},
        recording_path="/tmp/rec.wav",
        steps=[StepLog("say", "Hi.", 2.0, 2.6, True, 640.0)],
    )


def test_json_has_the_readme_fields_in_order_and_steps():
    report = _report()
    report.set_result(["outcome: expected x, got y"])
    data = json.loads(report.to_json())
    assert list(data)[: len(README_KEYS)] == README_KEYS
    assert data["passed"] is False
    assert data["failures"] == ["outcome: expected x, got y"]
    assert data["turns"][0] == {"speaker": "agent", "text": "Hello!", "start_s": 0.2,
                                "end_s": 1.5}
    assert data["request"]["resolved_date"] == "2026-11-24"
    assert data["duration_s"] == 42.123
    assert data["steps"] == [{"kind": "say", "text": "Hi.", "sent_at_s": 2.0,
                              "speech_end_s": 2.6, "agent_replied": True,
                              "reply_latency_ms": 640.0}]


def test_passed_and_failures_are_left_out_without_expectations():
    data = json.loads(_report().to_json())
    assert "passed" not in data and "failures" not in data


def test_transcript_lists_turns_then_summary():
    report = _report()
    report.set_result([])
    text = report.format_transcript()
    assert "[00:00.20-00:01.50] AGENT   Hello!" in text
    assert "[00:02.00-00:02.60] CALLER  Hi." in text
    assert "Ended by: agent   Outcome: request_captured   Duration: 42.1 s" in text
    assert "patient_name   Maria" in text
    assert "office" not in text.split("Request:")[1].split("Latency")[0]
    assert "Latency: median 700 ms, worst 910 ms over 3 turns" in text
    assert text.rstrip().endswith("PASS")


def test_failed_transcript_lists_reasons():
    report = _report()
    report.set_result(["outcome: expected a, got b"])
    assert report.format_transcript().endswith("FAIL (1)\n  - outcome: expected a, got b")


def test_latency_summary_without_data():
    assert latency_summary([]) == "n/a"
