"""Sittings from recurrence rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from webinars.sessions.recurrence import MAX_OCCURRENCES, Frequency, RecurrenceError, occurrences


def test_four_daily_sessions_of_two_hours_in_costa_rica() -> None:
    result = occurrences(
        date(2020, 9, 8),
        time(9, 0),
        timedelta(hours=2),
        "America/Costa_Rica",
        Frequency.DAILY,
        count=4,
    )
    assert result == [
        (datetime(2020, 9, d, 15, 0, tzinfo=UTC), datetime(2020, 9, d, 17, 0, tzinfo=UTC))
        for d in (8, 9, 10, 11)
    ]


def test_quarterly_until_an_end_date() -> None:
    result = occurrences(
        date(2020, 9, 28),
        time(10, 0),
        timedelta(hours=2),
        "America/Costa_Rica",
        Frequency.QUARTERLY,
        until=date(2021, 6, 28),
    )
    assert [start.date() for start, _ in result] == [
        date(2020, 9, 28),
        date(2020, 12, 28),
        date(2021, 3, 28),
        date(2021, 6, 28),
    ]


def test_weekly_rule_keeps_the_wall_clock_across_daylight_saving() -> None:
    # Toronto leaves daylight saving on 1 November 2020: 09:00 local is 13:00Z then 14:00Z.
    result = occurrences(
        date(2020, 10, 25),
        time(9, 0),
        timedelta(hours=1),
        "America/Toronto",
        Frequency.WEEKLY,
        count=2,
    )
    assert [start.hour for start, _ in result] == [13, 14]


def test_monthly_rule() -> None:
    result = occurrences(
        date(2021, 1, 15),
        time(8, 30),
        timedelta(minutes=90),
        "America/Mexico_City",
        Frequency.MONTHLY,
        count=3,
    )
    assert [start.month for start, _ in result] == [1, 2, 3]
    assert all(end - start == timedelta(minutes=90) for start, end in result)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 2, "until": date(2021, 1, 1)}, "either a count or an end date"),
        ({}, "either a count or an end date"),
        ({"count": 0}, "between 1 and"),
        ({"count": MAX_OCCURRENCES + 1}, "between 1 and"),
        ({"until": date(2019, 1, 1)}, "before the first day"),
        ({"until": date(2040, 1, 1)}, "more than"),
    ],
)
def test_bad_rules_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        occurrences(
            date(2020, 9, 8),
            time(9),
            timedelta(hours=1),
            "America/Costa_Rica",
            Frequency.DAILY,
            **kwargs,
        )
