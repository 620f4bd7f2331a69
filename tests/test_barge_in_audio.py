"""Barge-in mode over the real carrier protocol (slow): with the echo gate off, real words over
the agent stop it at once (Twilio gets `clear`) and are answered; a filler does neither.

The scenario file cannot say "echo gate off" (the format has no settings), so this test runs
it with ECHO_GATE=false; in text mode it runs with the other scenarios."""

from __future__ import annotations

import shutil

import pytest

from support import SCENARIOS
from switchboard.simulator.runner import run_audio, serve_in_process
from switchboard.simulator.scenario import load_scenario

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("flite") is None,
        reason="flite is not installed: the embedded recognizer cannot follow the fallback voice",
    ),
]


async def test_real_words_over_the_agent_interrupt_it_and_a_filler_does_not(settings):
    settings = settings.model_copy(
        update={"hangup_delay_secs": 0.5, "stt_workers": 1, "echo_gate": False}
    )
    scenario = load_scenario(SCENARIOS / "own" / "barge-in-real-words.yaml")
    async with serve_in_process(settings) as (url, res, carrier):
        report = await run_audio(res, scenario, server_url=url, carrier=carrier, max_seconds=60)
    transcript = report.format_transcript()
    assert report.passed, (report.failures, transcript)
    assert report.metrics["caller_side"]["media"]["clears_received"] >= 1, transcript
