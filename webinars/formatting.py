"""Dates and times for people: in a given IANA zone and the current language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from webinars.i18n import current_language


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def local(dt: datetime, tz: str | ZoneInfo) -> datetime:
    """The same instant as a wall-clock time in `tz`."""
    return dt.astimezone(_zone(tz))


def date_in(dt: datetime, tz: str | ZoneInfo, style: str = "full") -> str:
    """'Tuesday, September 8, 2020' or 'martes, 8 de septiembre de 2020'."""
    return format_date(local(dt, tz).date(), format=style, locale=current_language())


def time_in(dt: datetime, tz: str | ZoneInfo) -> str:
    """24-hour wall-clock time, the way the seeds write agenda times: '09:00'."""
    return format_time(local(dt, tz), "HH:mm", locale=current_language())


def offset_label(dt: datetime, tz: str | ZoneInfo) -> str:
    """'UTC-06:00' for that instant in `tz` (daylight saving included)."""
    offset = local(dt, tz).utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def same_clock(start: datetime, end: datetime, zone: str | ZoneInfo, other: str | ZoneInfo) -> bool:
    """Whether two zones read the same wall-clock times from `start` to `end` (America/Mexico_City
    and America/Costa_Rica most of the year): then a page gives the time once."""
    return all(local(dt, zone).utcoffset() == local(dt, other).utcoffset() for dt in (start, end))


def iso_utc(dt: datetime) -> str:
    """ISO 8601 in UTC ending in Z: '2020-09-08T15:00:00Z'."""
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
