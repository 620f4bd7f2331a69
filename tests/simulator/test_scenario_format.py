"""The scenario format is read exactly as the shared README specifies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from switchboard.simulator.scenario import (
    HangUpStep,
    SayStep,
    ScenarioError,
    SilenceStep,
    load_scenario,
    load_scenarios,
    scenario_from_dict,
)

SHARED = Path(__file__).resolve().parents[1] / "scenarios" / "shared"
SHARED_FILES = sorted(SHARED.glob("*.yaml"))

README_EXAMPLE = """
name: books an eye exam at the Kendall office        # required, one line
business: "+13055550100"
caller_id: "+13055550123"
language: en
caller:
  - say: "Hi, I'd like to book an eye exam."
  - say: "Kendall"
  - say: "Maria Gonzalez"
  - silence: 9
  - say: "um"
  - say: "yes"
    barge_in: 0.8
  - hang_up: true
expect:
  ended_by: agent
  outcome: request_captured
  request:
    patient_name: Maria Gonzalez
    callback_number: "+13055550123"
    phone_confirmed: true
    office: Kendall
    reason_contains: [eye exam]
    insurance: Blue Cross Blue Shield
    preferred_time_contains: [tuesday]
    resolved_date: "2026-11-24"
  agent_says: [automated]
  agent_never_says: [booked, "we accept", confirmed]
  max_agent_turns: 12
  max_silent_turns: 0
  replies_to_fillers: 0
now: "2026-11-21T10:15:00-05:00"
"""


def _base(**over):
    data = {"name": "n", "business": "+13055550100", "caller": [{"say": "hi"}]}
    data.update(over)
    return data


def test_shared_scenarios_are_present():
    assert len(SHARED_FILES) >= 8


@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.name)
def test_every_shared_scenario_loads(path):
    scenario = load_scenario(path)
    assert scenario.name
    assert scenario.caller
    assert scenario.source == str(path)
    assert scenario.business and scenario.business.startswith("+")


def test_load_scenarios_reads_a_directory_sorted():
    scenarios = load_scenarios([SHARED])
    assert [s.source for s in scenarios] == [str(p) for p in SHARED_FILES]


def test_readme_example_reads_every_key(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(README_EXAMPLE)
    s = load_scenario(path)
    assert s.language == "en"
    assert [type(step) for step in s.caller] == [
        SayStep, SayStep, SayStep, SilenceStep, SayStep, SayStep, HangUpStep,
    ]
    assert s.caller[5] == SayStep(say="yes", barge_in=0.8)
    assert s.caller[3].silence == 9
    assert s.expect.request.resolved_date == dt.date(2026, 11, 24)
    assert s.expect.request.phone_confirmed is True
    assert s.expect.replies_to_fillers == 0
    assert s.now == dt.datetime(2026, 11, 21, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert [step.kind for step in s.caller][-1] == "hang_up"


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"caller": [{"sya": "hi"}]}, "caller", "unknown step kind"),
        ({"caller": [{"say": "hi", "silence": 2}]}, "caller", "exactly one of"),
        ({"caller": ["hi"]}, "caller", "expected a mapping"),
        ({"caller": []}, "caller", "at least 1"),
        ({"caller": "hi"}, "caller", "valid list"),
        ({"caller": [{"say": "hi", "bargein": 1}]}, "caller[1].bargein", "unknown key"),
        ({"caller": [{"say": "hi"}, {"say": "x", "barge_in": "soon"}]}, "caller[2].barge_in",
         "valid number"),
        ({"caller": [{"silence": -1}]}, "caller[1].silence", "greater than 0"),
        ({"caller": [{"hang_up": False}]}, "caller[1].hang_up", "must be true"),
        ({"expect": {"outcome": "booked"}}, "expect.outcome", "'booked' is not one of"),
        ({"expect": {"ended_by": "nobody"}}, "expect.ended_by", "is not one of"),
        ({"expect": {"agentsays": ["x"]}}, "expect.agentsays", "unknown key"),
        ({"expect": {"request": {"patient_nam": "x"}}}, "expect.request.patient_nam",
         "unknown key"),
        ({"expect": {"max_agent_turns": "many"}}, "expect.max_agent_turns", "valid integer"),
        ({"expect": {"max_silent_turns": -1}}, "expect.max_silent_turns", "greater than"),
        ({"expect": {"request": {"callback_number": "call me"}}},
         "expect.request.callback_number", "not a phone number"),
        ({"expect": {"request": {"phone_confirmed": "perhaps"}}},
         "expect.request.phone_confirmed", "valid boolean"),
        ({"expect": {"request": {"resolved_date": "2026-11-24"}}}, None, "needs `now`"),
        ({"expect": {"request": {"resolved_date": "next tuesday"}}, "now": "2026-11-21T10:00"},
         "expect.request.resolved_date", "date"),
        ({"name": None}, "name", "valid string"),
        ({"name": "two\nlines"}, "name", "one non-empty line"),
        ({"nmae": "typo"}, "nmae", "unknown key"),
        ({"business": "not a number"}, "business", "not a phone number"),
        ({"now": "yesterday"}, "now", "datetime"),
    ],
)
def test_bad_scenarios_are_refused_naming_file_and_field(over, field, message):
    data = _base(**over)
    if "name" in over and over["name"] is None:
        data["name"] = None
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source="bad.yaml")
    err = info.value
    assert err.path == "bad.yaml"
    assert err.field == field
    assert message in str(err)
    assert str(err).startswith("bad.yaml: ")


def test_missing_required_key_is_named():
    with pytest.raises(ScenarioError, match=r"bad.yaml: caller: required key is missing"):
        scenario_from_dict({"name": "x"}, source="bad.yaml")


def test_bad_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ncaller:\n  - say: [unclosed\n")
    with pytest.raises(ScenarioError, match=r"broken.yaml: bad YAML at line \d+"):
        load_scenario(path)


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- say: hi\n")
    with pytest.raises(ScenarioError, match="list.yaml: expected a mapping"):
        load_scenario(path)


def test_missing_file_and_empty_directory_are_clear(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenarios([tmp_path / "nope.yaml"])
    with pytest.raises(ScenarioError, match="no .yaml scenario files"):
        load_scenarios(tmp_path)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [(13055550100, "+13055550100"), ("+1 (305) 555-0100", "+13055550100"),
     ("305-555-0100", "+13055550100")],
)
def test_unquoted_or_formatted_phone_numbers_become_e164(raw, normalized):
    scenario = scenario_from_dict(_base(business=raw, caller_id=raw))
    assert scenario.business == normalized
    assert scenario.caller_id == normalized


def test_optional_keys_default():
    s = scenario_from_dict({"name": "x", "caller": [{"silence": 1.5}]})
    assert s.business is None and s.caller_id is None and s.expect is None and s.now is None
    assert s.language == "en"


def test_a_lone_phrase_is_a_list_of_one():
    s = scenario_from_dict(_base(expect={"agent_says": "automated",
                                         "request": {"reason_contains": "eye exam"}}))
    assert s.expect.agent_says == ["automated"]
    assert s.expect.request.reason_contains == ["eye exam"]


@pytest.mark.parametrize(
    ("name", "talks_over"),
    [("own/barge-in-real-words.yaml", True), ("shared/booking-basic.yaml", False)],
)
def test_scenarios_that_talk_over_the_agent_are_run_in_barge_in_mode(name, talks_over):
    from support import SCENARIOS
    from switchboard.simulator.runner import _talks_over

    assert _talks_over(load_scenario(SCENARIOS / name)) is talks_over
