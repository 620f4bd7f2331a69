"""Every expect key is checked, with one readable reason per failure."""

from __future__ import annotations

import pytest

from switchboard.simulator.expectations import (
    check,
    contains_phrase,
    fold,
    is_filler_only,
)
from switchboard.simulator.report import CallReport, StepLog, Turn
from switchboard.simulator.scenario import scenario_from_dict

FILLERS = ["um", "uh", "hmm", "mm", "er"]


def _scenario(expect, now=None):
    data = {"name": "t", "business": "+13055550100", "caller": [{"say": "hi"}], "expect": expect}
    if now:
        data["now"] = now
    return scenario_from_dict(data)


def _report(**over):
    report = CallReport(
        scenario="t",
        mode="text",
        ended_by="agent",
        outcome="request_captured",
        turns=[
            Turn("agent", "Hi, this is the automated assistant for Bay Eye Care.", 0, 2),
            Turn("caller", "I'd like an eye exam.", 3, 4),
            Turn("agent", "Sure. Which office, Kendall or Hialeah?", 5, 7),
            Turn("caller", "Kendall", 8, 9),
            Turn("agent", "Thanks, Maria. We'll call you back. Goodbye!", 10, 12),
        ],
        request={
            "patient_name": "maria gonzález",
            "callback_number": "(305) 555-0123",
            "phone_confirmed": True,
            "office": "Kendall",
            "reason": "an Eye Exam, for blurry vision",
            "insurance": "Blue Cross Blue-Shield",
            "preferred_time": "Next Tuesday, afternoon",
            "resolved_date": "2026-11-24",
        },
        steps=[
            StepLog("say", "I'd like an eye exam.", 3, 4, True, 800),
            StepLog("say", "Um.", 5, 5.3, False, None),
            StepLog("say", "Kendall", 8, 9, True, 700),
            StepLog("silence", "", 12, None, False, None),
        ],
    )
    for key, value in over.items():
        setattr(report, key, value)
    return report


PASSING = {
    "ended_by": "agent",
    "outcome": "request_captured",
    "request": {
        "patient_name": "Maria Gonzalez",
        "callback_number": "+13055550123",
        "phone_confirmed": True,
        "office": "kendall",
        "reason_contains": ["eye exam", "blurry"],
        "insurance": "Blue Cross Blue Shield",
        "preferred_time_contains": ["tuesday", "afternoon"],
        "resolved_date": "2026-11-24",
    },
    "agent_says": ["automated", "MARIA", "which office"],
    "agent_never_says": ["booked", "we accept", "confirmed", "care for"],
    "max_agent_turns": 3,
    "max_silent_turns": 0,
    "replies_to_fillers": 0,
}


def test_everything_matching_passes():
    assert check(_scenario(PASSING, now="2026-11-21T10:15:00-05:00"), _report(),
                 filler_words=FILLERS) == []


def test_no_expect_means_no_failures():
    scenario = scenario_from_dict({"name": "t", "caller": [{"say": "hi"}]})
    assert check(scenario, _report(outcome="abandoned"), filler_words=FILLERS) == []


@pytest.mark.parametrize(
    ("expect", "report_over", "reason"),
    [
        ({"ended_by": "agent"}, {"ended_by": "caller"}, "ended_by: expected agent, got caller"),
        ({"ended_by": "caller"}, {"ended_by": None}, "ended_by: expected caller, got nothing"),
        ({"outcome": "request_captured"}, {"outcome": "abandoned"},
         "outcome: expected request_captured, got abandoned"),
        ({"request": {"patient_name": "Maria Gomez"}}, {},
         "request.patient_name: expected 'Maria Gomez', got 'maria gonzález'"),
        ({"request": {"office": "Hialeah"}}, {}, "request.office: expected 'Hialeah'"),
        ({"request": {"insurance": "Aetna"}}, {"request": {}},
         "request.insurance: expected 'Aetna', got nothing"),
        ({"request": {"callback_number": "+13055550199"}}, {},
         "request.callback_number: expected +13055550199, got '(305) 555-0123'"),
        ({"request": {"callback_number": "+13055550199"}}, {"request": {"callback_number": "n/a"}},
         "request.callback_number: expected +13055550199"),
        ({"request": {"phone_confirmed": True}}, {"request": {"phone_confirmed": False}},
         "request.phone_confirmed: expected True, got False"),
        ({"request": {"phone_confirmed": False}}, {"request": {}},
         "request.phone_confirmed: expected False, got nothing"),
        ({"request": {"reason_contains": ["eye exam", "glaucoma"]}}, {},
         "request.reason_contains: reason 'an Eye Exam, for blurry vision' lacks 'glaucoma'"),
        ({"request": {"reason_contains": ["eye"]}}, {"request": {"reason": ""}},
         "request.reason_contains: expected reason with ['eye'], got nothing"),
        ({"request": {"preferred_time_contains": ["morning"]}}, {},
         "request.preferred_time_contains: preferred_time 'Next Tuesday, afternoon' lacks"),
        ({"request": {"resolved_date": "2026-11-25"}}, {},
         "request.resolved_date: expected 2026-11-25, got '2026-11-24'"),
        ({"agent_says": ["parking"]}, {}, "agent_says: the agent never said 'parking'"),
        ({"agent_says": ["auto"]}, {}, "agent_says: the agent never said 'auto'"),
        ({"agent_never_says": ["call you back"]}, {},
         'agent_never_says: the agent said \'call you back\': "Thanks, Maria.'),
        ({"max_agent_turns": 2}, {}, "max_agent_turns: expected at most 2, got 3"),
        ({"max_silent_turns": 0},
         {"steps": [StepLog("say", "Kendall", 1, 2, False, None)]},
         "max_silent_turns: expected at most 0 unanswered caller line(s), got 1: 'Kendall'"),
        ({"replies_to_fillers": 0},
         {"steps": [StepLog("say", "Uh, hmm.", 1, 2, True, 500)]},
         "replies_to_fillers: expected at most 0, got 1: 'Uh, hmm.'"),
    ],
)
def test_each_expectation_fails_with_a_readable_reason(expect, report_over, reason):
    failures = check(_scenario(expect, now="2026-11-21T10:15:00-05:00"), _report(**report_over),
                     filler_words=FILLERS)
    assert len(failures) == 1, failures
    assert failures[0].startswith(reason), failures[0]
    assert "\n" not in failures[0]


def test_unanswered_filler_is_not_a_silent_turn_and_answered_line_is_not_a_filler_reply():
    steps = [
        StepLog("say", "Um.", 1, 1.3, False),
        StepLog("say", "Um, Kendall.", 2, 3, True, 600),
        StepLog("silence", "", 4),
    ]
    expect = {"max_silent_turns": 0, "replies_to_fillers": 0}
    assert check(_scenario(expect), _report(steps=steps), filler_words=FILLERS) == []


def test_several_failures_are_all_reported():
    failures = check(_scenario({"outcome": "emergency", "agent_says": ["911"]}), _report(),
                     filler_words=FILLERS)
    assert [f.split(":")[0] for f in failures] == ["outcome", "agent_says"]


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("We accept Aetna.", "we accept", True),
        ("We're accepting new patients", "we accept", False),
        ("Call 911 now.", "911", True),
        ("It's booked!", "booked", True),
        ("I'll note it; it's not booked-in", "booked", True),
        ("Unbooked", "booked", False),
        ("What’s your last name?", "last name", True),
        ("What's your last  NAME", "Last name", True),
        ("Are you still there?", "still there", True),
        ("nothing", "", False),
    ],
)
def test_phrase_matching_is_whole_word_and_case_insensitive(text, phrase, found):
    assert contains_phrase(text, phrase) is found


@pytest.mark.parametrize(
    ("text", "filler"),
    [("Um.", True), ("Uh, hmm.", True), ("MM", True), ("um yes", False), ("", False),
     ("...", False)],
)
def test_filler_only_lines(text, filler):
    assert is_filler_only(text, FILLERS) is filler


def test_fold_drops_case_accents_and_punctuation():
    assert fold("  González,  MARIA! ") == "gonzalez maria"


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("Mornings, any day", "morning", True),
        ("this Friday morning", "friday", True),
        ("Fridays", "friday", True),
        ("any weekday", "weekday morning", False),
        ("mornings", "mornin", False),
        ("from 2 o'clock on", "two o'clock", True),
        ("Tuesdays, after three", "after 3", True),
        ("at 10:30", "ten thirty", True),
        ("after 3", "after four", False),
        ("the twelfth in the morning", "12th", True),
        ("My eye's been red for a week", "eye", True),
        ("My eye's been red for a week", "eyes", False),
    ],
)
def test_request_words_match_their_plural_and_number_digits(text, phrase, found):
    assert contains_phrase(text, phrase, plural_ok=True) is found


def test_agent_phrases_stay_whole_words():
    assert not contains_phrase("Mornings, any day", "morning")
    assert not contains_phrase("after 3", "after three")
