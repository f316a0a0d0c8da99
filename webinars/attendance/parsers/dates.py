"""Dates, times and durations as platforms write them, in several languages (pure functions).

Naive times are in the zone the caller gives (the series' zone, or the one the facilitator
chose) and are returned in UTC. Numeric dates such as 08/09/2020 are ambiguous; the whole file
decides: if any date starts with a number above 12 the file is day-first, else if any has one
in second place it is month-first. When no date settles it, a file whose times use AM/PM (the
en-US locale, Zoom's and Teams' default) is read month-first and any other day-first (the
Spanish, British and most other locales of the organizers). A person may also say which.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from webinars.folding import fold_name

#: Month names of English, Spanish, French and Portuguese, folded; an abbreviation is any
#: prefix of three letters or more that belongs to one month only.
_MONTHS: tuple[tuple[str, ...], ...] = (
    ("january", "enero", "janvier", "janeiro"),
    ("february", "febrero", "fevrier", "fevereiro"),
    ("march", "marzo", "mars", "marco"),
    ("april", "abril", "avril"),
    ("may", "mayo", "mai", "maio"),
    ("june", "junio", "juin", "junho"),
    ("july", "julio", "juillet", "julho"),
    ("august", "agosto", "aout"),
    ("september", "septiembre", "setiembre", "septembre", "setembro"),
    ("october", "octubre", "octobre", "outubro"),
    ("november", "noviembre", "novembre", "novembro"),
    ("december", "diciembre", "decembre", "dezembro"),
)

# "a. m." and "p. m." are how Spanish locales write AM and PM.
_CLOCK = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?"
)
_OFFSET = r"\s*(?P<offset>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
#: 2020-09-08 09:02:11, 2020-09-08T09:02:11Z, 2020/09/08 9:02 AM
_YMD = re.compile(
    rf"(?P<year>\d{{4}})[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}})(?:T|,?\s+){_CLOCK}{_OFFSET}",
    re.IGNORECASE,
)
#: Sep 8, 2020 09:02:11 · ene 8, 2027 10:02:11 a. m.
_MONTH_DAY = re.compile(
    rf"(?P<month_name>[^\W\d_]{{3,10}})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}),?\s+{_CLOCK}{_OFFSET}",
    re.IGNORECASE,
)
#: 8 Sep 2020 09:02 · 8 de enero de 2027, 10:02 · 8 janv. 2027 10:02
_DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month_name>[^\W\d_]{{3,10}})\.?\s+(?:de\s+)?"
    rf"(?P<year>\d{{4}}),?\s+(?:a\s+las\s+|às\s+|à\s+)?{_CLOCK}{_OFFSET}",
    re.IGNORECASE,
)
#: 09/08/2020 09:02:11 AM, 9/8/20, 9:02:11 AM, 08.09.2020 09:02 (day or month first)
_NUMERIC = re.compile(
    rf"(?P<lead>\d{{1,2}})[-/.](?P<follow>\d{{1,2}})[-/.](?P<year>\d{{4}}|\d{{2}}),?\s+{_CLOCK}{_OFFSET}",
    re.IGNORECASE,
)
#: A time alone (Meet's sheet): 10:02 AM, 10:02:11
_TIME_ONLY = re.compile(rf"{_CLOCK}{_OFFSET}", re.IGNORECASE)


def day_first(values: Iterable[str]) -> bool:
    """Whether the file's numeric dates put the day first (see the module docstring)."""
    month_first = english_clock = False
    for value in values:
        match = _NUMERIC.fullmatch(value.strip())
        if match is None:
            continue
        if int(match["lead"]) > 12:
            return True
        month_first = month_first or int(match["follow"]) > 12
        english_clock = english_clock or bool(match["ampm"] and match["ampm"].isalpha())
    return not (month_first or english_clock)


def _month(name: str) -> int | None:
    folded = fold_name(name)
    if len(folded) < 3:
        return None
    found = {
        number
        for number, names in enumerate(_MONTHS, start=1)
        for month in names
        if month.startswith(folded)
    }
    return found.pop() if len(found) == 1 else None


def read_datetime(
    value: str, is_day_first: bool, zone: ZoneInfo, on_date: date | None = None
) -> datetime | None:
    """`value` in UTC, or None when it is no date and time of a shape reports use (or no real
    moment, such as 31/02 or the year 9999 in a zone ahead of UTC).

    `on_date` is the day of a value that gives a time alone (Meet's attendance sheet).
    """
    value = value.strip()
    if match := _YMD.fullmatch(value):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    elif match := _MONTH_DAY.fullmatch(value) or _DAY_MONTH.fullmatch(value):
        year, day = int(match["year"]), int(match["day"])
        month = _month(match["month_name"]) or 0
    elif match := _NUMERIC.fullmatch(value):
        lead, follow = int(match["lead"]), int(match["follow"])
        day, month = (lead, follow) if is_day_first else (follow, lead)
        year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
    elif on_date is not None and (match := _TIME_ONLY.fullmatch(value)):
        year, month, day = on_date.year, on_date.month, on_date.day
    else:
        return None
    hour = int(match["hour"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"][0] in "pP" else 0)
    try:
        moment = datetime(year, month, day, hour, int(match["minute"]), int(match["sec"] or 0))
        offset = (match["offset"] or "").upper()
        if offset in ("Z", "UTC", "GMT"):
            return moment.replace(tzinfo=UTC)
        if offset:
            return datetime.fromisoformat(moment.isoformat() + offset).astimezone(UTC)
        return moment.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


US_PER_MINUTE = 60_000_000
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HMS = re.compile(r"(?P<h>\d+):(?P<m>\d{2})(?::(?P<s>\d{2}))?")
_HOURS = r"h|hr|hrs|hour|hours|hora|horas|heure|heures"
_MINUTES = r"m|min|mins|minute|minutes|minuto|minutos"
_SECONDS = r"s|sec|secs|second|seconds|seg|segundo|segundos|seconde|secondes"
#: Teams "1h 2m 10s", Meet "42m", "1h 46m", Meet's sheet "1 hr 46 min", "1 hora 5 minutos".
_UNITS = re.compile(
    rf"(?:(?P<h>\d+)\s*(?:{_HOURS})\.?)?\s*,?\s*(?:(?P<m>\d+)\s*(?:{_MINUTES})\.?)?"
    rf"\s*,?\s*(?:(?P<s>\d+)\s*(?:{_SECONDS})\.?)?",
    re.IGNORECASE,
)
#: Minutes larger than this are no attendance of a session (and would overflow later sums).
_MAX_STATED_MINUTES = 100_000


def stated_microseconds(value: str) -> int | None:
    """A minutes or duration cell in microseconds: "45", "45.5", "45,5", "1h 2m 10s", "42m",
    "1 hr 46 min", "1:02:10"; None when it is no duration."""
    value = value.strip()
    if _NUMBER.fullmatch(value):
        try:
            stated = Decimal(value.replace(",", "."))
        except InvalidOperation:
            return None
        if stated > _MAX_STATED_MINUTES:
            return None
        return int(stated * US_PER_MINUTE)
    if match := _HMS.fullmatch(value):
        # "1:02:10" is hours, minutes and seconds; "1:02" is hours and minutes.
        hours, minutes, seconds = (int(match[part] or 0) for part in ("h", "m", "s"))
    elif (match := _UNITS.fullmatch(value)) and any(match.groups()):
        hours, minutes, seconds = (int(match[part] or 0) for part in ("h", "m", "s"))
    else:
        return None
    total = (hours * 60 + minutes) * 60 + seconds
    if total > _MAX_STATED_MINUTES * 60:
        return None
    return total * 1_000_000
