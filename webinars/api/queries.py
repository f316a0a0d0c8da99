"""The list read of the API: a fixed number of queries whatever the number of rows.

One series with everything it shows is the public page's read (`load_api_series` with
`webinars.public.queries.SERIES_PAGE`), shared rather than repeated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from webinars.extensions import db
from webinars.series.models import PUBLIC_STATUSES, Series
from webinars.sessions.models import EventSession
from webinars.types import utcnow


def list_public_series(when: str | None = None, now: datetime | None = None) -> list[Series]:
    """Public series by their first session, undated ones last.

    `when="upcoming"` keeps those with a session still to end or no session yet;
    `when="past"` those whose every session has ended.
    """
    now = now or utcnow()
    first_start = (
        db.select(func.min(EventSession.start_at))
        .where(EventSession.series_id == Series.id)
        .scalar_subquery()
    )
    last_end = (
        db.select(func.max(EventSession.end_at))
        .where(EventSession.series_id == Series.id)
        .scalar_subquery()
    )
    query = (
        db.select(Series)
        .where(Series.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Series.sessions))
        .order_by(first_start.is_(None), first_start, Series.slug)
    )
    if when == "upcoming":
        query = query.where(or_(last_end.is_(None), last_end > now))
    elif when == "past":
        query = query.where(last_end <= now)
    return list(db.session.execute(query).scalars())
