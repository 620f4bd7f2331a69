"""Checks a call report against a scenario's ``expect`` block.

Pure functions; each failure is one human-readable line such as
``outcome: expected request_captured, got abandoned``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import phonenumbers

from switchboard.number_words import DIGIT_NAMES
from switchboard.postcall.dates import ORDINAL_WORDS
from switchboard.simulator.report import CallReport, StepLog
from switchboard.simulator.scenario import Scenario

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[0-9a-z]+(?:'[0-9a-z]+)*")


def words(text: str) -> list[str]:
    """Lower-case words with accents and punctuation folded away ("González," -> "gonzalez")."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _WORD.findall(text)


def fold(text: str) -> str:
    """Case/punctuation/accent-folded text for equality checks."""
    return " ".join(words(text))


#: Number words a caller's time or phone words hold, and their digits ("three" → "3",
#: "twelfth" → "12th"), from the tables the product reads numbers and dates with.
_NUMBER_WORDS = (
    {w: str(n) for n, w in enumerate(DIGIT_NAMES)}
    | {"ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20"}
    | {"thirty": "30", "forty": "40", "fifty": "50"}
    | {
        w: f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n, 'th') }"
        for w, n in ORDINAL_WORDS.items()
        if " " not in w and "-" not in w  # single words: "first" … "twentieth", "thirtieth"
    }
)


def contains_phrase(text: str, phrase: str, *, plural_ok: bool = False) -> bool:
    """Whole-word, case-insensitive phrase match ("we accept" in "We accept Aetna.").

    ``plural_ok``: a word also matches its plural ("morning" in "Mornings are best"), and a
    number word its digits ("after three" in "after 3"), and a word its contraction ("eye" in
    "my eye's been red"), for the caller's own words kept in a
    request, which say "Fridays" as often as "Friday" and are typed or spoken."""
    needle = words(phrase)
    if not needle:
        return False
    hay = words(text)
    n = len(needle)

    def same(said: str, wanted: str) -> bool:
        if plural_ok:
            said, wanted = _NUMBER_WORDS.get(said, said), _NUMBER_WORDS.get(wanted, wanted)
        # "My eye's been red" holds "eye" (the caller's contraction, "eye has")
        return said == wanted or (
            plural_ok and said in (wanted + "s", wanted + "es", wanted + "'s")
        )

    return any(
        all(same(h, w) for h, w in zip(hay[i : i + n], needle, strict=True))
        for i in range(len(hay) - n + 1)
    )


def is_filler_only(text: str, filler_words: Iterable[str]) -> bool:
    """True when every word of the line is a filler ("Uh, hmm." with fillers uh/hmm)."""
    line = words(text)
    fillers = {w for f in filler_words for w in words(f)}
    return bool(line) and all(w in fillers for w in line)


def to_e164(value: Any, region: str = "US") -> str | None:
    """A phone number in E.164, or None when it is not one."""
    if value is None:
        return None
    try:
        number = phonenumbers.parse(str(value), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check(scenario: Scenario, report: CallReport, *, filler_words: list[str]) -> list[str]:
    """Every failed expectation as a one-line reason; an empty list means the call passed."""
    expect = scenario.expect
    if expect is None:
        return []
    failures: list[str] = []
    if expect.ended_by is not None and report.ended_by != expect.ended_by:
        failures.append(f"ended_by: expected {expect.ended_by}, got {report.ended_by or 'nothing'}")
    if expect.outcome is not None and report.outcome != expect.outcome:
        failures.append(f"outcome: expected {expect.outcome}, got {report.outcome or 'nothing'}")
    if expect.request is not None:
        failures.extend(_check_request(expect.request.fields_set(), report.request or {}))

    agent_texts = [t.text for t in report.turns if t.speaker == "agent"]
    for phrase in expect.agent_says or []:
        if not any(contains_phrase(text, phrase) for text in agent_texts):
            failures.append(f"agent_says: the agent never said {phrase!r}")
    for phrase in expect.agent_never_says or []:
        said = [text for text in agent_texts if contains_phrase(text, phrase)]
        if said:
            failures.append(f"agent_never_says: the agent said {phrase!r}: {_quote(said[0])}")
    if expect.max_agent_turns is not None and len(agent_texts) > expect.max_agent_turns:
        failures.append(
            f"max_agent_turns: expected at most {expect.max_agent_turns}, got {len(agent_texts)}"
        )
    if expect.max_silent_turns is not None:
        silent = [
            s
            for s in _say_steps(report.steps)
            if not is_filler_only(s.text, filler_words) and not s.agent_replied
        ]
        if len(silent) > expect.max_silent_turns:
            lines = ", ".join(repr(s.text) for s in silent[:3])
            failures.append(
                f"max_silent_turns: expected at most {expect.max_silent_turns} unanswered caller "
                f"line(s), got {len(silent)}: {lines}"
            )
    if expect.replies_to_fillers is not None:
        replied = [
            s
            for s in _say_steps(report.steps)
            if is_filler_only(s.text, filler_words) and s.agent_replied
        ]
        if len(replied) > expect.replies_to_fillers:
            lines = ", ".join(repr(s.text) for s in replied[:3])
            failures.append(
                f"replies_to_fillers: expected at most {expect.replies_to_fillers}, "
                f"got {len(replied)}: {lines}"
            )
    return failures


def _say_steps(steps: list[StepLog]) -> list[StepLog]:
    return [s for s in steps if s.kind == "say"]


def _check_request(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    for key, want in expected.items():
        if key == "reason_contains":
            failures.extend(_check_contains("reason", key, want, got.get("reason")))
        elif key == "preferred_time_contains":
            failures.extend(_check_contains("preferred_time", key, want, got.get("preferred_time")))
        elif key == "callback_number":
            actual = got.get(key)
            if to_e164(actual) != want:
                failures.append(f"request.{key}: expected {want}, got {_show(actual)}")
        elif key == "phone_confirmed":
            actual = got.get(key)
            if actual is not want:
                failures.append(f"request.{key}: expected {want}, got {_show(actual)}")
        elif key == "resolved_date":
            actual = got.get(key)
            if _iso_date(actual) != want.isoformat():
                failures.append(f"request.{key}: expected {want.isoformat()}, got {_show(actual)}")
        else:
            actual = got.get(key)
            if not isinstance(actual, str) or fold(actual) != fold(want):
                failures.append(f"request.{key}: expected {want!r}, got {_show(actual)}")
    return failures


def _check_contains(field: str, key: str, phrases: list[str], actual: Any) -> list[str]:
    if not isinstance(actual, str) or not actual.strip():
        return [f"request.{key}: expected {field} with {phrases!r}, got nothing"]
    missing = [p for p in phrases if not contains_phrase(actual, p, plural_ok=True)]
    if missing:
        return [f"request.{key}: {field} {actual!r} lacks {', '.join(map(repr, missing))}"]
    return []


def _iso_date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()[:10]
    return None


def _show(value: Any) -> str:
    return "nothing" if value in (None, "") else repr(value)


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
