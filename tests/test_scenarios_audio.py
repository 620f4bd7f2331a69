"""The shared scenarios over the real carrier protocol with the embedded engines (slow).

Every call must reach an end with a complete record, keep the agent's guarantees and send its
audio paced. Whether the captured outcome and office match text mode depends on the embedded
recognizer (word error ~0.23 on the scenario lines with the domain LM, ~0.45 without); that
rate is measured and printed, and guarded against regressions below what was measured (8 of 8
on 2026-11-21 with the domain LM, 4 of 8 before; see issue 3's notes).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import pytest_asyncio
from pydantic import SecretStr

from support import ACCOUNT_SID, AUTH_TOKEN, SCENARIOS
from switchboard.settings import Settings
from switchboard.simulator.expectations import contains_phrase
from switchboard.simulator.report import CallReport
from switchboard.simulator.runner import run_audio, serve_in_process
from switchboard.simulator.scenario import load_scenario

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("flite") is None,
        reason="flite is not installed: the embedded recognizer cannot follow the fallback "
        "caller voice, so audio scenarios cannot be judged",
    ),
]

SHARED = sorted((SCENARIOS / "shared").glob("*.yaml"))
MIN_MATCHING = 6  # measured 8/8; two calls of slack for recognition and timing under CI load


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CallReport]:
    data = tmp_path_factory.mktemp("audio") / "data"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=data,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        hangup_delay_secs=0.5,
    )
    out: dict[str, CallReport] = {}
    async with serve_in_process(settings) as (url, res, carrier):
        for path in SHARED:
            scenario = load_scenario(path)
            out[path.stem] = await run_audio(
                res, scenario, server_url=url, carrier=carrier, max_seconds=150
            )
    return out


def matches(path: Path, report: CallReport) -> bool:
    expect = load_scenario(path).expect
    if expect.outcome and report.outcome != expect.outcome:
        return False
    if expect.request and expect.request.office:
        return report.request.get("office") == expect.request.office
    return True


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("path", SHARED, ids=[p.stem for p in SHARED])
async def test_call_ends_with_a_complete_record_and_keeps_the_guarantees(reports, path):
    report = reports[path.stem]
    expect = load_scenario(path).expect
    transcript = report.format_transcript()
    assert report.ended_by in ("agent", "caller") and report.outcome, transcript
    assert report.turns and report.turns[0].speaker == "agent", transcript
    assert report.recording_path and os.path.exists(report.recording_path)  # noqa: ASYNC240
    agent_text = [t.text for t in report.turns if t.speaker == "agent"]
    for phrase in expect.agent_never_says or []:
        assert not any(contains_phrase(text, phrase) for text in agent_text), (phrase, transcript)
    assert report.metrics["caller_side"]["media"]["burst_frames"] == 0


@pytest.mark.asyncio(loop_scope="module")
async def test_outcome_and_office_match_text_mode_on_most_calls(reports):
    table = {name: matches(SCENARIOS / "shared" / f"{name}.yaml", r) for name, r in reports.items()}
    print("\naudio-mode outcome+office match:")
    for name, ok in table.items():
        r = reports[name]
        print(
            f"  {'ok  ' if ok else 'MISS'} {name}: outcome={r.outcome} "
            f"office={r.request.get('office')} latency={r.latencies_ms}"
        )
    assert sum(table.values()) >= MIN_MATCHING, table
