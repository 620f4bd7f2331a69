"""The deterministic date resolver: table of phrasings against fixed clocks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from switchboard.postcall.dates import resolve_date

NY = "America/New_York"
# Saturday 21 November 2026, 10:15 in Miami.
SAT = datetime(2026, 11, 21, 10, 15, tzinfo=ZoneInfo(NY))
# Monday 16 November 2026.
MON = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo(NY))
# Friday 20 November 2026.
FRI = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo(NY))


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        # next <weekday>: the weekday of the next Monday-based week
        ("next Tuesday", SAT, date(2026, 11, 24)),
        ("Next Tuesday afternoon if possible.", SAT, date(2026, 11, 24)),
        ("next Monday", SAT, date(2026, 11, 23)),
        ("next Tuesday", MON, date(2026, 11, 24)),
        ("next Monday", MON, date(2026, 11, 23)),
        ("Tuesday next week", MON, date(2026, 11, 24)),
        ("next week on Friday", MON, date(2026, 11, 27)),
        # bare weekday: the next one after today
        ("Tuesday", SAT, date(2026, 11, 24)),
        ("Tuesday", MON, date(2026, 11, 17)),
        ("Monday", MON, date(2026, 11, 23)),
        ("Monday at ten in the morning.", SAT, date(2026, 11, 23)),
        ("Thursday.", SAT, date(2026, 11, 26)),
        ("Friday morning.", SAT, date(2026, 11, 27)),
        ("Saturday morning", FRI, date(2026, 11, 21)),
        # this <weekday>: on or after today
        ("this Friday", SAT, date(2026, 11, 27)),
        ("this Friday", FRI, date(2026, 11, 20)),
        ("this Wednesday", MON, date(2026, 11, 18)),
        ("this coming Thursday", MON, date(2026, 11, 19)),
        # relative days
        ("tomorrow afternoon", SAT, date(2026, 11, 22)),
        ("today if you can", SAT, date(2026, 11, 21)),
        ("the day after tomorrow", SAT, date(2026, 11, 23)),
        ("in two weeks", SAT, date(2026, 12, 5)),
        ("in 3 days", SAT, date(2026, 11, 24)),
        ("a week from today", SAT, date(2026, 11, 28)),
        # counted from a named day: the coming Monday (23rd), then a week on
        ("a week from Monday would be good, in the morning", SAT, date(2026, 11, 30)),
        ("two weeks from tomorrow", SAT, date(2026, 12, 6)),
        ("a week from Monday", MON, date(2026, 11, 30)),  # said on a Monday: the next one
        ("in a month", SAT, date(2026, 12, 21)),
        # a weekday said with the date it falls on names that date
        ("Thursday, December third", SAT, date(2026, 12, 3)),
        ("December second, Wednesday", SAT, date(2026, 12, 2)),
        ("Thursday the third", SAT, date(2026, 12, 3)),
        # …and one that does not fall on it leaves staff to ask
        ("Friday, December third", SAT, None),
        # days of the month
        ("the fifth", SAT, date(2026, 12, 5)),
        ("on the 21st", SAT, date(2026, 11, 21)),
        ("the twenty-fourth", SAT, date(2026, 11, 24)),
        ("on the twenty eighth in the morning", SAT, date(2026, 11, 28)),
        ("the 31st", SAT, date(2026, 12, 31)),
        # month and day
        ("November 24th", SAT, date(2026, 11, 24)),
        ("Nov 24", SAT, date(2026, 11, 24)),
        ("the 3rd of December", SAT, date(2026, 12, 3)),
        ("January 5th", SAT, date(2027, 1, 5)),
        ("November 2nd", SAT, date(2027, 11, 2)),
        ("December first", SAT, date(2026, 12, 1)),
        ("11/30", SAT, date(2026, 11, 30)),
        ("March 3, 2027", SAT, date(2027, 3, 3)),
        # vague, recurring, ranges, two days: no date
        ("any weekday morning", SAT, None),
        ("Any weekday morning works.", SAT, None),
        ("Mondays are best", SAT, None),
        ("next week", SAT, None),
        ("whenever is convenient", SAT, None),
        ("as soon as possible", SAT, None),
        ("in the morning", SAT, None),
        ("at ten", SAT, None),
        ("Tuesday or Wednesday", SAT, None),
        ("", SAT, None),
        ("afternoons", SAT, None),
        # a vague word beside a named date is about the time of day
        ("December 3rd, anytime after 2", SAT, date(2026, 12, 3)),
        ("the 12th, anytime", SAT, date(2026, 12, 12)),
        ("any weekday in December", SAT, None),
        ("next week sometime", SAT, None),
    ],
)
def test_resolve_date(text, now, expected):
    assert resolve_date(text, now=now, timezone=NY) == expected


def test_today_is_taken_in_the_business_time_zone():
    # 02:00 UTC on Sunday is still Saturday evening in New York.
    utc = datetime(2026, 11, 22, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert resolve_date("tomorrow", now=utc, timezone=NY) == date(2026, 11, 22)
    assert resolve_date("tomorrow", now=utc, timezone="UTC") == date(2026, 11, 23)


def test_naive_now_is_business_local():
    naive = datetime(2026, 11, 21, 23, 30)
    assert resolve_date("tomorrow", now=naive, timezone=NY) == date(2026, 11, 22)


def test_resolver_is_deterministic():
    results = {resolve_date("next Tuesday", now=SAT, timezone=NY) for _ in range(5)}
    assert results == {date(2026, 11, 24)}


@pytest.mark.parametrize(
    "text",
    [
        "Any day except Monday",
        "not Friday",
        "I can't do Tuesday",
        "no Mondays",
        "anything but not Wednesday",
    ],
)
def test_a_day_ruled_out_resolves_to_no_date(text):
    now = datetime(2026, 11, 21, 10, 15, tzinfo=ZoneInfo("America/New_York"))
    assert resolve_date(text, now=now, timezone="America/New_York") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a day that bounds a range is no day to come
        ("Sometime before Friday", None),
        ("After Tuesday", None),
        ("By Thursday", None),
        ("until January tenth", None),
        ("anytime before the 15th", None),
        ("before next Wednesday", None),
        ("until after the fifth", None),
        # a bounded clock time keeps its day; "the day after tomorrow" is a day
        ("Tuesday after 3", date(2026, 11, 24)),
        ("next Monday after 2", date(2026, 11, 23)),
        ("Friday by noon", date(2026, 11, 27)),
        ("the day after tomorrow", date(2026, 11, 23)),
        ("by the way, Tuesday", date(2026, 11, 24)),
        # a holiday, break or season: staff work out the day
        ("the Monday after Thanksgiving", None),
        ("after spring break on a Tuesday", None),
        ("a Tuesday over winter break", None),
    ],
)
def test_a_day_that_bounds_a_range_or_sits_by_a_holiday_resolves_to_no_date(text, expected):
    assert resolve_date(text, now=SAT, timezone=NY) == expected
