"""The titles of PDF reports, and the line under the title of a PDF list or report: when, and
when it was generated."""

from __future__ import annotations

from flask_babel import gettext as _

from webinars.formatting import date_in
from webinars.series.models import Series
from webinars.sessions.models import EventSession
from webinars.types import utcnow


def series_dates(series: Series) -> str:
    """ "8 September 2020", or "8 September 2020 – 11 September 2020", in the reader's language."""
    if not series.sessions:
        return series.tentative_dates
    first = date_in(series.sessions[0].start_at, series.timezone, "long")
    last = date_in(series.sessions[-1].start_at, series.timezone, "long")
    return first if first == last else f"{first} – {last}"


def document_subtitle(series: Series, event_session: EventSession | None) -> str:
    when = (
        date_in(event_session.start_at, series.timezone, "long")
        if event_session is not None
        else series_dates(series)
    )
    generated = _("Generated on %(date)s", date=date_in(utcnow(), series.timezone, "long"))
    return f"{when} · {generated}"


def report_title(series: Series, event_session: EventSession | None) -> str:
    """ "Attendance report · <series>", and " · Session N" for one session's report."""
    title = _("Attendance report · %(title)s", title=series.title)
    if event_session is not None:
        title += " · " + _("Session %(number)d", number=event_session.number)
    return title
