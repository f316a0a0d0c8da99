"""Finding a session: by its database id (staff URLs, the API) or by its number in the series
(1 = the first in time order: `?session=N`, `--session N`).

Lookups return None when nothing matches; the callers say what that means (a 404, a CLI error).
"""

from __future__ import annotations

from sqlalchemy.orm import contains_eager, selectinload

from webinars.catalog.models import Person
from webinars.extensions import db
from webinars.series.models import Series
from webinars.sessions.models import AgendaItem, EventSession, Role


def session_by_id(
    slug: str, session_id: int, *, lock: bool = False, with_agenda: bool = False
) -> EventSession | None:
    """The session `session_id` if it belongs to the series `slug`, with the series and its
    sessions loaded (for the session's number).

    `with_agenda` also loads its agenda items and roles with their people and organizations:
    everything the session page shows, in a fixed number of queries.

    `lock` (until the commit, PostgreSQL): every change that sends invitations takes it first,
    so that concurrent changes of one session (staff pages, API) raise the SEQUENCE in turn.
    """
    query = (
        db.select(EventSession)
        .join(EventSession.series)
        .where(Series.slug == slug, EventSession.id == session_id)
        .options(contains_eager(EventSession.series).selectinload(Series.sessions))
    )
    if with_agenda:
        person_loads = selectinload(Role.person).selectinload(Person.organization)
        query = query.options(
            selectinload(EventSession.roles).options(person_loads, selectinload(Role.organization)),
            selectinload(EventSession.agenda_items)
            .selectinload(AgendaItem.roles)
            .options(person_loads, selectinload(Role.organization)),
        )
    if lock:
        query = query.with_for_update(of=EventSession)
    return db.session.execute(query).scalar_one_or_none()


def session_by_ordinal(series: Series, number: int) -> EventSession | None:
    """The `number`-th session of `series` in time order (1 = the first), cancelled ones
    included; None past the last."""
    if not 1 <= number <= len(series.sessions):
        return None
    return series.sessions[number - 1]
