"""Deterministic resolution of a caller's preferred day into a calendar date.

The agent never computes or states a date during the call (callers were misled by wrong dates
when a model did it); this resolver runs on the words the caller used and gives staff a
best-effort date to start from. It is pure: the same text, clock and time zone always give the
same answer, and anything vague or ambiguous gives ``None`` rather than a guess.

Rules, with "today" being ``now`` seen in the business time zone (a naive ``now`` is taken to be
business-local already):

- "today", "tonight" → today; "tomorrow" → today + 1; "the day after tomorrow" → today + 2.
- A bare weekday ("Tuesday", "on Tuesday", "Tuesday afternoon") → the next such day strictly
  after today: a caller who wants today says "today".
- "this Tuesday" → the soonest Tuesday on or after today (so "this Friday" said on a Friday is
  that same day; said on a Saturday, the coming Friday).
- "next Tuesday" → the Tuesday of the next calendar week, weeks starting on Monday. Said on a
  Saturday or Sunday, that is the coming Tuesday (in three or two days); said on a Monday, it is
  eight days later, not tomorrow (tomorrow is "this Tuesday" or just "Tuesday").
- "Tuesday next week" / "next week on Tuesday" → the same as "next Tuesday".
- "the fifth", "the 5th", "on the twenty-first" → that day of this month if it is today or
  later, else of the next month that has such a day.
- "November 24th", "24th of November", "Nov 24", "11/24" → that day in this year if it is today
  or later, else next year. An explicit year is used as given.
- "in two weeks", "in 3 days", "a week from today", "in a month" → counted from today.
- "a week from Monday", "two weeks from tomorrow" → counted from that day (Monday as a bare
  weekday resolves).
- Time-of-day words ("morning", "at ten", "afternoon") are ignored: only the day is resolved.
- A day ruled out ("any day except Monday", "not Friday", "I can't do Tuesday") → ``None``.
- A day that bounds a range ("sometime before Friday", "after the 15th", "until January
  tenth") → ``None``; a bounded clock time ("Tuesday after 3") keeps its day.
- A day beside a holiday, break or season ("the Monday after Thanksgiving", "a Tuesday during
  winter break") → ``None``.
- Vague or recurring expressions ("any weekday morning", "Mondays", "next week", "whenever",
  "as soon as possible") and expressions naming two different days ("Tuesday or Wednesday")
  → ``None``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["resolve_date"]

WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
ORDINAL_WORDS = dict(_UNITS)
for _tens, _value in (("twenty", 20), ("thirty", 30)):
    for _unit, _n in list(_UNITS.items())[:9]:
        if _value + _n <= 31:
            ORDINAL_WORDS[f"{_tens} {_unit}"] = _value + _n
            ORDINAL_WORDS[f"{_tens}-{_unit}"] = _value + _n

COUNT_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple of": 2,
    "a couple of": 2,
    "few": 3,
    "a few": 3,
}

_VAGUE = re.compile(
    r"\b(any|every|anytime|whenever|weekdays?|weekends?|mondays|tuesdays|wednesdays|thursdays|"
    r"fridays|saturdays|sundays|asap|soon|possible|flexible|later)\b"
)
_ORD_RE = "|".join(sorted((re.escape(k) for k in ORDINAL_WORDS), key=len, reverse=True))
_DAY_NUM = rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?|({_ORD_RE}))"
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))


def _today(now: datetime, timezone: str) -> date:
    if now.tzinfo is None:
        return now.date()
    return now.astimezone(ZoneInfo(timezone)).date()


def _day_value(digits: str | None, words: str | None) -> int | None:
    if digits:
        return int(digits)
    if words:
        return ORDINAL_WORDS.get(words.replace("  ", " "))
    return None


def _month_day(today: date, month: int, day: int, year: int | None) -> date | None:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year, today.year + 1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _day_of_month(today: date, day: int) -> date | None:
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return None


def _weekday(today: date, weekday: int, modifier: str | None) -> date:
    if modifier == "next":
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7
    if modifier == "this":
        return today + timedelta(days=ahead)
    return today + timedelta(days=ahead or 7)


def _normalize(text: str) -> str:
    low = text.lower().replace("’", "'")
    low = re.sub(r"[^a-z0-9/' -]+", " ", low)
    return re.sub(r"\s+", " ", low).strip()


def _candidates(low: str, today: date) -> list[date]:
    found: list[date] = []
    consumed = low

    def take(match: re.Match[str]) -> None:
        nonlocal consumed
        start, end = match.span()
        consumed = consumed[:start] + " " * (end - start) + consumed[end:]

    # Month name + day ("november 24th", "nov 24 2026") and day + month ("24th of november").
    for pattern, month_group, day_groups in (
        (rf"\b({_MONTH_RE})\.? (?:the )?{_DAY_NUM}\b(?:,? (\d{{4}}))?", 1, (2, 3)),
        (rf"\b(?:the )?{_DAY_NUM} (?:of )?({_MONTH_RE})\b(?:,? (\d{{4}}))?", 3, (1, 2)),
    ):
        for match in re.finditer(pattern, consumed):
            month = MONTHS[match.group(month_group)]
            day = _day_value(match.group(day_groups[0]), match.group(day_groups[1]))
            year = match.group(4)
            if day is not None:
                resolved = _month_day(today, month, day, int(year) if year else None)
                if resolved:
                    found.append(resolved)
            take(match)
    # Numeric month/day ("11/24", "11/24/2026").
    for match in re.finditer(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", consumed):
        year = match.group(3)
        if year and len(year) == 2:
            year = "20" + year
        resolved = _month_day(
            today, int(match.group(1)), int(match.group(2)), int(year) if year else None
        )
        if resolved and 1 <= int(match.group(1)) <= 12:
            found.append(resolved)
        take(match)
    count_re = "|".join(sorted((re.escape(k) for k in COUNT_WORDS), key=len, reverse=True))
    for match in re.finditer(
        rf"\b(\d+|{count_re}) weeks? from (tomorrow|{_WEEKDAY_RE})\b", consumed
    ):
        amount_text = match.group(1)
        amount = int(amount_text) if amount_text.isdigit() else COUNT_WORDS[amount_text]
        base = match.group(2)
        start = (
            today + timedelta(days=1)
            if base == "tomorrow"
            else _weekday(today, WEEKDAYS[base], None)
        )
        found.append(start + timedelta(weeks=amount))
        take(match)
    for match in re.finditer(
        rf"\b(?:(in|within) )?(\d+|{count_re}) (days?|weeks?|months?)( from (?:now|today)| out)?\b",
        consumed,
    ):
        if not (match.group(1) or match.group(4)):
            continue
        amount_text = match.group(2)
        amount = int(amount_text) if amount_text.isdigit() else COUNT_WORDS[amount_text]
        unit = match.group(3).rstrip("s")
        if unit == "day":
            found.append(today + timedelta(days=amount))
        elif unit == "week":
            found.append(today + timedelta(weeks=amount))
        else:
            month = today.month - 1 + amount
            year = today.year + month // 12
            month = month % 12 + 1
            day = min(today.day, calendar.monthrange(year, month)[1])
            found.append(date(year, month, day))
        take(match)
    # Relative words.
    for match in re.finditer(r"\b(the )?day after tomorrow\b", consumed):
        found.append(today + timedelta(days=2))
        take(match)
    for match in re.finditer(r"\btomorrow\b", consumed):
        found.append(today + timedelta(days=1))
        take(match)
    for match in re.finditer(r"\b(today|tonight|this (morning|afternoon|evening))\b", consumed):
        found.append(today)
        take(match)
    # A bare day of the month ("the fifth", "on the 21st").
    for match in re.finditer(rf"\b(?:the|on) {_DAY_NUM}\b", consumed):
        day = _day_value(match.group(1), match.group(2))
        if day is not None:
            resolved = _day_of_month(today, day)
            if resolved:
                found.append(resolved)
        take(match)
    # Weekdays, with "this"/"next" before them or "next week" around them. A plain weekday
    # said with the date it falls on ("Thursday, December third", "December second, I think
    # that's a Wednesday") names that date, not another day.
    dated = set(found)
    next_week = re.search(r"\bnext week\b", consumed) is not None
    for match in re.finditer(rf"\b(?:(this|next|coming|the coming) )?({_WEEKDAY_RE})\b", consumed):
        modifier = match.group(1)
        weekday = WEEKDAYS[match.group(2)]
        take(match)
        if modifier is None and dated and all(d.weekday() == weekday for d in dated):
            continue
        if modifier in ("coming", "the coming"):
            modifier = "this"
        if modifier is None and next_week:
            modifier = "next"
        found.append(_weekday(today, weekday, modifier))
    return found


def resolve_date(text: str, *, now: datetime, timezone: str) -> date | None:
    """Resolve the caller's words to one calendar date, or None when vague or ambiguous.

    Args:
        text: The preferred day/time exactly as the caller said it.
        now: The moment of the call (aware, or naive in business-local time).
        timezone: The business's IANA time zone; "today" is the date there.

    Returns:
        The date, or None for vague ("any weekday morning"), recurring ("Mondays"), ranges
        ("next week") or expressions naming different days.
    """
    if not text or not text.strip():
        return None
    today = _today(now, timezone)
    low = _normalize(text)
    if _EXCLUDES.search(low):
        return None  # "any day except Monday": the day named is the one that will not do
    if _BOUNDED_DAY.search(low):
        return None  # "sometime before Friday", "until January tenth": a range, not a day
    if _SEASONAL.search(low):
        return None  # "the Monday after Thanksgiving", "a Tuesday during winter break"
    found = _candidates(low, today)
    if not found:
        if _VAGUE.search(low):
            return None
        return _dateparser_fallback(text, now=now, timezone=timezone)
    if len(set(found)) != 1:
        return None
    # "Tuesday, any time", "December 3rd, anytime after 2": a vague word beside a named day
    # is about the time of day.
    named_day = rf"\b(?:{_WEEKDAY_RE}|tomorrow|today|{_MONTH_RE})\b|\b\d{{1,2}}(?:st|nd|rd|th)\b"
    if _VAGUE.search(low) and not re.search(named_day, low):
        return None
    return found[0]


#: A day that bounds a range rather than names the day: "before Friday", "after the 15th",
#: "by next Tuesday", "until January tenth" (not "the day after tomorrow", nor a clock time:
#: "Tuesday after 3" is Tuesday).
_BOUNDED_DAY = re.compile(
    r"(?<!\bday )\b(?:before|after|until|till|til|by)\s+(?:(?:the|this|next|coming)\s+)*"
    rf"(?:{_WEEKDAY_RE}|tomorrow|today|{_MONTH_RE}|\d{{1,2}}(?:st|nd|rd|th)|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"(?:twenty|thirty)[- ]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"thirtieth)\b"
)

#: Holidays, breaks and seasons: the day they fall on is for staff to work out.
_SEASONAL = re.compile(
    r"\b(?:christmas|thanksgiving|easter|new year'?s?|hanukkah|passover|ramadan|kwanzaa|"
    r"holidays?|break|vacation|spring|summer|winter)\b"
)

#: Words that rule a day out rather than ask for it.
_EXCLUDES = re.compile(
    r"\b(?:except|excluding|besides|other than|but not|not on|not a|not the|not monday|"
    r"not tuesday|not wednesday|not thursday|not friday|not saturday|not sunday|no mondays?|"
    r"no tuesdays?|no wednesdays?|no thursdays?|no fridays?|no saturdays?|no sundays?|"
    r"can't do|cannot do|can't make|can't come|won't work|doesn't work|don't work|busy on)\b"
)


def _dateparser_fallback(text: str, *, now: datetime, timezone: str) -> date | None:
    """Let dateparser try forms the explicit rules above do not cover (e.g. "12 December")."""
    import dateparser  # slow import; only reached for unusual wording

    base = now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None) if now.tzinfo else now
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["day"],
            "STRICT_PARSING": False,
        },
    )
    if parsed is None:
        return None
    # dateparser also "parses" bare times ("at ten") as today; only keep explicit days.
    if not re.search(r"\d|" + _MONTH_RE, text.lower()):
        return None
    return parsed.date()
