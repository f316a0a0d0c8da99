"""Reading series: the one lookup of a series by its address (slug)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm.interfaces import ORMOption

from webinars.extensions import db
from webinars.series.models import PUBLIC_STATUSES, Series


def series_by_slug(
    slug: str, *, public: bool = False, options: Sequence[ORMOption] = ()
) -> Series | None:
    """The series at this address, or None; with `public`, only a published, closed or
    archived one (a draft is not found). `options` eager-load what the caller shows
    (joined or select-in)."""
    query = db.select(Series).where(Series.slug == slug)
    if public:
        query = query.where(Series.status.in_(PUBLIC_STATUSES))
    # unique(): joined eager loads of collections repeat the series row.
    return db.session.scalars(query.options(*options)).unique().one_or_none()


def all_series() -> list[Series]:
    """Every series, drafts too, by address: for staff filters."""
    return list(db.session.scalars(db.select(Series).order_by(Series.slug)))
