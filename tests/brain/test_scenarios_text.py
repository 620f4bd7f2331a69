"""Every scenario (shared and our own) played through the pure flow, checking its expectations.

This is the brain-level check: no pipeline, no audio. `silence` lines call ``on_silence`` once
per started 7 seconds, `hang_up` calls ``on_hangup``. The simulator/eval checks the same
scenarios through the real pipeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from switchboard.brain import flow
from switchboard.profiles import ProfileRegistry, default_profiles_dir, normalize_phone
from switchboard.simulator.expectations import contains_phrase

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FILES = sorted(SCENARIOS.glob("shared/*.yaml")) + sorted(SCENARIOS.glob("own/*.yaml"))
SILENCE_STEP_S = 7
REGISTRY = ProfileRegistry.load_dir(default_profiles_dir())


@dataclass
class Played:
    agent: list[str] = field(default_factory=list)
    replies_to_fillers: int = 0
    silent_turns: int = 0
    ended_by: str | None = None
    state: flow.FlowState | None = None
    replies: list[flow.Reply] = field(default_factory=list)


def _filler(profile, text: str) -> bool:
    allowed = {re.sub(r"(.)\1+", r"\1", f) for f in profile.fillers_for("en")}
    words = re.sub(r"[^a-z' ]", " ", text.lower()).split()
    return all(re.sub(r"(.)\1+", r"\1", w) in allowed for w in words)


def play(scenario: dict) -> Played:
    profile = REGISTRY.for_called_number(scenario.get("business", ""))
    now = datetime.fromisoformat(scenario["now"]) if scenario.get("now") else datetime(2026, 1, 5)
    state, reply = flow.start(profile, caller_id=scenario.get("caller_id", ""), now=now)
    out = Played(agent=[reply.text], replies=[reply])
    for line in scenario["caller"]:
        if state.ended:
            break
        if "say" in line:
            text = str(line["say"])
            state, reply = flow.step(profile, state, text)
            if reply is None:
                if not _filler(profile, text):
                    out.silent_turns += 1
                continue
            if _filler(profile, text):
                out.replies_to_fillers += 1
            out.agent.append(reply.text)
            out.replies.append(reply)
            if reply.end_call or reply.transfer:
                out.ended_by = "agent"
        elif "silence" in line:
            for _ in range(math.floor(float(line["silence"]) / SILENCE_STEP_S)):
                if state.ended:
                    break
                state, reply = flow.on_silence(profile, state)
                out.agent.append(reply.text)
                out.replies.append(reply)
                if reply.end_call or reply.transfer:
                    out.ended_by = "agent"
        elif line.get("hang_up"):
            state = flow.on_hangup(profile, state)
            out.ended_by = "caller"
            break
    # Out of lines with the call still up: the caller stays silent.
    while not state.ended:
        state, reply = flow.on_silence(profile, state)
        out.agent.append(reply.text)
        out.replies.append(reply)
        if reply.end_call or reply.transfer:
            out.ended_by = "agent"
    out.state = state
    return out


def fold(text: object) -> str:
    return re.sub(r"[^a-z0-9+ ]", "", str(text).lower().replace("-", " ")).strip()


def says(agent_text: str, phrase: str) -> bool:
    return (
        re.search(rf"(?<![a-z0-9]){re.escape(phrase.lower())}(?![a-z0-9])", agent_text) is not None
    )


def check(scenario: dict, played: Played) -> list[str]:
    expect = scenario.get("expect") or {}
    failures: list[str] = []
    state = played.state
    assert state is not None
    if "ended_by" in expect and played.ended_by != expect["ended_by"]:
        failures.append(f"ended_by {played.ended_by} != {expect['ended_by']}")
    if "outcome" in expect and state.outcome != expect["outcome"]:
        failures.append(f"outcome {state.outcome} != {expect['outcome']}")
    req = state.request
    for key, want in (expect.get("request") or {}).items():
        # the caller's words, matched as the eval matches them (plurals, number digits)
        if key == "reason_contains":
            for phrase in want:
                if not contains_phrase(req.reason, str(phrase), plural_ok=True):
                    failures.append(f"reason {req.reason!r} lacks {phrase!r}")
        elif key == "preferred_time_contains":
            for phrase in want:
                if not contains_phrase(req.preferred_time, str(phrase), plural_ok=True):
                    failures.append(f"preferred_time {req.preferred_time!r} lacks {phrase!r}")
        elif key == "callback_number":
            if req.callback_number != normalize_phone(str(want)):
                failures.append(f"callback_number {req.callback_number} != {want}")
        elif key == "phone_confirmed":
            if req.phone_confirmed != want:
                failures.append(f"phone_confirmed {req.phone_confirmed} != {want}")
        elif key == "resolved_date":
            if req.resolved_date != str(want):
                failures.append(f"resolved_date {req.resolved_date} != {want}")
        else:
            got = getattr(req, key)
            if fold(got) != fold(want):
                failures.append(f"{key} {got!r} != {want!r}")
    agent_text = " \n ".join(played.agent).lower()
    for phrase in expect.get("agent_says") or []:
        if not says(agent_text, str(phrase)):
            failures.append(f"agent never said {phrase!r}")
    for phrase in expect.get("agent_never_says") or []:
        if says(agent_text, str(phrase)):
            failures.append(f"agent said {phrase!r}")
    if "max_agent_turns" in expect and len(played.agent) > expect["max_agent_turns"]:
        failures.append(f"{len(played.agent)} agent turns > {expect['max_agent_turns']}")
    if "max_silent_turns" in expect and played.silent_turns > expect["max_silent_turns"]:
        failures.append(f"{played.silent_turns} silent turns")
    if "replies_to_fillers" in expect and played.replies_to_fillers > expect["replies_to_fillers"]:
        failures.append(f"{played.replies_to_fillers} replies to fillers")
    return failures


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_scenario_plays_through_the_flow(path: Path):
    scenario = yaml.safe_load(path.read_text())
    played = play(scenario)
    failures = check(scenario, played)
    transcript = "\n".join(f"  agent: {t}" for t in played.agent)
    assert not failures, f"{path.name}: {failures}\n{transcript}"


def test_there_are_at_least_twenty_own_scenarios():
    assert len(list(SCENARIOS.glob("own/*.yaml"))) >= 20


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_every_scenario_reply_keeps_the_promises(path: Path):
    from switchboard.profiles import FORBIDDEN_CLAIMS

    played = play(yaml.safe_load(path.read_text()))
    for reply in played.replies:
        low = reply.text.lower()
        for claim in FORBIDDEN_CLAIMS:
            assert not re.search(rf"\b{re.escape(claim)}\b", low), reply.text
        if not (reply.end_call or reply.transfer):
            assert reply.text.rstrip().endswith("?"), reply.text
        if played.state.request.resolved_date:
            assert played.state.request.resolved_date not in reply.text
