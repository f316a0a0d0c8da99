"""The few reads the public pages need, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import joinedload, selectinload

from webinars.catalog.models import Country, Person
from webinars.extensions import db
from webinars.series.models import PUBLIC_STATUSES, Series
from webinars.sessions.models import AgendaItem, EventSession, Role

#: A role shows its person with their organization, or an organization alone.
_ROLE_PEOPLE = (
    joinedload(Role.person).joinedload(Person.organization),
    joinedload(Role.organization),
)


@dataclass(frozen=True)
class HomePageSeries:
    """The series of the public home page."""

    upcoming: list[Series]
    past: list[Series]


def home_page_series(now: datetime) -> HomePageSeries:
    """Every public series, split into upcoming and past.

    Upcoming: a session still to end, or no session yet (dates to be defined), soonest first
    and undated ones last. Past: every session over, the most recent first.
    """
    rows = db.session.scalars(
        db.select(Series)
        .where(Series.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Series.sessions),
            selectinload(Series.partners),
            selectinload(Series.working_group),
        )
        .order_by(Series.id)
    ).all()
    upcoming = [s for s in rows if s.ends_at is None or s.ends_at > now]
    past = [s for s in rows if s.ends_at is not None and s.ends_at <= now]
    upcoming.sort(key=lambda s: (s.starts_at is None, s.starts_at or now))
    past.sort(key=lambda s: s.ends_at or now, reverse=True)
    return HomePageSeries(upcoming=upcoming, past=past)


#: Everything a public series' page shows, for `load_series(slug, public=True, options=...)`.
SERIES_PAGE = (
    selectinload(Series.working_group),
    selectinload(Series.partners),
    selectinload(Series.profiles),
    selectinload(Series.sessions).options(
        selectinload(EventSession.roles).options(*_ROLE_PEOPLE),
        selectinload(EventSession.agenda_items)
        .selectinload(AgendaItem.roles)
        .options(*_ROLE_PEOPLE),
    ),
)


def member_countries() -> list[Country]:
    return list(db.session.scalars(db.select(Country).order_by(Country.code)))
