"""Text for the public pages: date spans, concept-note paragraphs, the registration state."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, parse_pattern
from flask_babel import gettext as _

from webinars.formatting import local
from webinars.i18n import current_language
from webinars.series.models import Series, SeriesStatus

_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _long_interval_patterns(locale: Locale) -> Mapping[str, list[str]]:
    """CLDR interval patterns for 'day to day' with the month spelled out.

    Spanish has them ('8–11 de septiembre de 2020'); English only has the abbreviated month
    ('Sep 8 – 11, 2020'), so its patterns are widened to the full month name.
    """
    formats = locale.interval_formats
    if "yMMMMd" in formats:
        return formats["yMMMMd"]
    return {
        field: [_ABBREVIATED_MONTH.sub("MMMM", pattern) for pattern in parts]
        for field, parts in formats["yMMMd"].items()
    }


def date_span(first: date, last: date) -> str:
    """'September 8 – 11, 2020' / '8–11 de septiembre de 2020'; one date when they are equal."""
    locale = Locale.parse(current_language())
    if first == last:
        return format_date(first, "long", locale=locale)
    if first.year != last.year:
        field = "y"
    elif first.month != last.month:
        field = "M"
    else:
        field = "d"
    patterns = _long_interval_patterns(locale)[field]
    return "".join(
        parse_pattern(pattern).apply(day, locale)
        for pattern, day in zip(patterns, (first, last), strict=True)
    )


def series_dates(series: Series) -> str:
    """The days of a series in its own zone, or its tentative dates while none is set."""
    if not series.sessions:
        return series.tentative_dates or _("Dates to be defined")
    first = local(series.sessions[0].start_at, series.zone).date()
    last = local(series.sessions[-1].start_at, series.zone).date()
    return date_span(first, last)


def paragraphs(text: str) -> list[str]:
    """Concept-note text split on blank lines; single line breaks stay inside a paragraph."""
    return [part.strip() for part in _BLANK_LINE.split(text.strip()) if part.strip()]


class RegistrationState(enum.StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"


def registration_state(series: Series, now: datetime) -> RegistrationState:
    if series.registration_is_open(now):
        return RegistrationState.OPEN
    opens = series.registration_opens_at
    if series.status == SeriesStatus.PUBLISHED and opens is not None and now < opens:
        return RegistrationState.NOT_YET_OPEN
    return RegistrationState.CLOSED
