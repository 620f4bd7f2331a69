"""Spoken-text normalization before TTS (C2.4): a pure function, no Pipecat.

Engines read raw digits as cardinals and speak symbols ("983-4969" -> "nine hundred
eighty-three dash forty-nine sixty-nine"); a model once emitted "197-three five seven three".
So, before any engine sees the text:

- US phone numbers are read digit by digit in groups ("three zero five, five five five,
  zero one two three"): country code dropped, no "dash" or parentheses. Digits become words,
  not "3 0 5", because words read one at a time on every engine (espeak, Kokoro, servers).
- Runs of 4-5 digits (street numbers "12500", ZIP codes "33186") and longer bare digit runs
  are read digit by digit; a 4-digit year after a month or "in"/"year" stays natural.
- Times ("3:30 PM", "8 AM"), dates ("Monday the 5th", "November 24"), money and numbers of
  1-3 digits ("Suite 210") stay natural: engines read those well.
- The agent's name, usually written in capitals ("AVA"), is replaced by its spoken spelling
  ("Eva"), or else capitalized as a word so it is not spelled out letter by letter.
"""

from __future__ import annotations

import re

from switchboard.number_words import DIGIT_NAMES as DIGIT_WORDS
from switchboard.number_words import ZERO_WORDS

_WORD_DIGITS = "|".join((*DIGIT_WORDS, *ZERO_WORDS))

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

# +1 (305) 555-0123 / 305-555-0123 / 305.555.0123 / 3055550123 / +13055550123 / 1-305-555-0123
_PHONE = re.compile(
    r"(?<![\w])(?:\+?1[\s.-]?)?(?:\(\s*(\d{3})\s*\)|(\d{3}))[\s.-]?(\d{3})[\s.-]?(\d{4})(?![\w])"
)
# 555-0123 (a local number: needs the separator so "5550123" stays a plain digit run)
_LOCAL_PHONE = re.compile(r"(?<![\w.:,-])(\d{3})[-.](\d{4})(?![\w]|[.,:-]\d)")
# "197-three five seven three": digits glued to spelled digits by a hyphen
_MIXED = re.compile(rf"(?<![\w.:,-])(\d+)\s*-\s*(?=(?:{_WORD_DIGITS})\b)", re.IGNORECASE)
# A bare run of 4+ digits (not part of 3:30, 1,200, $1200, 4.5, A1C)
_DIGIT_RUN = re.compile(r"(?<![\w$.,:])(\d{4,})(?![\w]|[.,:]\d)")
_YEAR_CONTEXT = re.compile(
    rf"(?:\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*|\b(?:in|year|since|of)\s+)$",
    re.IGNORECASE,
)


def spell_digits(digits: str) -> str:
    """ "305" -> "three zero five"."""
    return " ".join(DIGIT_WORDS[int(d)] for d in digits if d.isdigit())


def _phone(match: re.Match[str]) -> str:
    area = match.group(1) or match.group(2)
    groups = (area, match.group(3), match.group(4))
    return ", ".join(spell_digits(g) for g in groups)


def _local_phone(match: re.Match[str]) -> str:
    return f"{spell_digits(match.group(1))}, {spell_digits(match.group(2))}"


def _mixed(match: re.Match[str]) -> str:
    return f"{spell_digits(match.group(1))}, "


def _digit_run(match: re.Match[str]) -> str:
    digits = match.group(1)
    if len(digits) == 4 and 1900 <= int(digits) <= 2099:
        before = match.string[: match.start()]
        if _YEAR_CONTEXT.search(before):
            return digits
    return spell_digits(digits)


def _respell_name(text: str, agent_name: str, spoken_name: str | None) -> str:
    replacement = spoken_name or agent_name.capitalize()
    pattern = re.compile(rf"\b{re.escape(agent_name)}\b", re.IGNORECASE)
    return pattern.sub(replacement, text)


def normalize_for_speech(
    text: str, *, agent_name: str | None = None, spoken_name: str | None = None
) -> str:
    """Rewrite ``text`` so a TTS engine says numbers and the agent's name as a person would.

    Args:
        text: what the agent is about to say.
        agent_name: the agent's written name ("AVA"); replaced wherever it appears.
        spoken_name: how to say it ("Eva"); default: the name capitalized as a word.
    """
    if not text:
        return text
    out = _PHONE.sub(_phone, text)
    out = _LOCAL_PHONE.sub(_local_phone, out)
    out = _MIXED.sub(_mixed, out)
    out = _DIGIT_RUN.sub(_digit_run, out)
    if agent_name and agent_name.strip():
        out = _respell_name(out, agent_name.strip(), spoken_name)
    return out
