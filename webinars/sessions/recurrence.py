"""Sittings from a recurrence rule ("4 sessions of 2 hours, one per day"; "quarterly meetings").

A pure function over python-dateutil's rrule. The rule runs on the wall clock of the series'
zone, so a 09:00 meeting stays at 09:00 local across a daylight-saving change; each sitting is
then converted to UTC and becomes its own row.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule

#: Never create more sittings than this from one rule.
MAX_OCCURRENCES = 100


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


_RULES = {
    Frequency.DAILY: (DAILY, 1),
    Frequency.WEEKLY: (WEEKLY, 1),
    Frequency.MONTHLY: (MONTHLY, 1),
    Frequency.QUARTERLY: (MONTHLY, 3),
}


class RecurrenceError(ValueError):
    """The rule is incomplete or would create too many sittings."""


def occurrences(
    first_day: date,
    start_time: time,
    duration: timedelta,
    zone: str,
    frequency: Frequency,
    *,
    count: int | None = None,
    until: date | None = None,
) -> list[tuple[datetime, datetime]]:
    """(start, end) pairs in UTC for each sitting; exactly one of `count` and `until`."""
    if (count is None) == (until is None):
        raise RecurrenceError("give either a count or an end date")
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise RecurrenceError(f"the count must be between 1 and {MAX_OCCURRENCES}")
    if until is not None and until < first_day:
        raise RecurrenceError("the end date is before the first day")
    if duration <= timedelta(0):
        raise RecurrenceError("the duration must be positive")
    freq, interval = _RULES[frequency]
    rule = rrule(
        freq,
        interval=interval,
        dtstart=datetime.combine(first_day, start_time),
        count=count,
        until=datetime.combine(until, time.max) if until is not None else None,
    )
    tz = ZoneInfo(zone)
    result: list[tuple[datetime, datetime]] = []
    for wall_clock in rule:
        if len(result) == MAX_OCCURRENCES:
            raise RecurrenceError(f"the rule gives more than {MAX_OCCURRENCES} sittings")
        start = wall_clock.replace(tzinfo=tz).astimezone(UTC)
        end = (wall_clock + duration).replace(tzinfo=tz).astimezone(UTC)
        result.append((start, end))
    return result
