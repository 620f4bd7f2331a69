"""The agent's own voice fed back at phone level (C3.1), over the real carrier protocol (slow).

With the echo gate on (the default for phone lines) the echo never becomes a transcript and
never interrupts the agent; the control call with the gate off shows the same echo does."""

from __future__ import annotations

import pytest

from switchboard.simulator.runner import run_audio, serve_in_process
from switchboard.simulator.scenario import scenario_from_dict

pytestmark = pytest.mark.slow

ECHO_GAIN = 0.5  # -6 dB: a loud line echo
SILENT_CALLER = {
    "name": "a silent caller on a line with echo",
    "business": "+13055550100",
    "caller_id": "+13055550123",
    "caller": [{"silence": 30}],
}
# The greeting alone lasts about 10-12 s of audio (more on a loaded machine, where the paced
# output runs late); the watchdog is shortened so the re-prompt comes well inside the call
# whatever the greeting's length, instead of racing the end of the call.
SILENCE_REPROMPT_SECS = 3.0
MAX_SECONDS = 26


async def _call_with_echo(settings, *, echo_gate: bool):
    settings = settings.model_copy(
        update={
            "hangup_delay_secs": 0.5,
            "stt_workers": 1,
            "echo_gate": echo_gate,
            "silence_reprompt_secs": SILENCE_REPROMPT_SECS,
        }
    )
    async with serve_in_process(settings) as (url, res, carrier):
        return await run_audio(
            res,
            scenario_from_dict(SILENT_CALLER),
            server_url=url,
            carrier=carrier,
            max_seconds=MAX_SECONDS,
            echo_gain=ECHO_GAIN,
        )


async def test_echo_of_the_agent_never_becomes_a_transcript_nor_interrupts_it(settings):
    report = await _call_with_echo(settings, echo_gate=True)
    transcript = report.format_transcript()
    assert [t for t in report.turns if t.speaker == "caller"] == [], transcript
    agent = [t.text.lower() for t in report.turns if t.speaker == "agent"]
    assert "automated" in agent[0]  # the greeting played
    assert any("still there" in text for text in agent), transcript  # silence, not echo
    assert report.metrics["caller_side"]["media"]["clears_received"] == 0


async def test_control_without_the_gate_the_same_echo_is_taken_for_the_caller(settings):
    report = await _call_with_echo(settings, echo_gate=False)
    assert [t for t in report.turns if t.speaker == "caller"], report.format_transcript()
