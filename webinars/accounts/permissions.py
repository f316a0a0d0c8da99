"""Which member of staff may see which series, in one place.

Organizers and admins see and edit everything; a facilitator works on the series assigned to
them; a focal point follows the public series for their country.
"""

from __future__ import annotations

from sqlalchemy import Select

from webinars.accounts.models import StaffRole, User, facilitator_assignments
from webinars.extensions import db
from webinars.series.models import PUBLIC_STATUSES, Series


def visible_series(user: User) -> Select[tuple[Series]]:
    """The series `user` may see in the staff area (drafts only for organizers and admins)."""
    query = db.select(Series)
    if user.can_manage_series:
        return query
    if user.role == StaffRole.FACILITATOR:
        assigned = db.select(facilitator_assignments.c.series_id).where(
            facilitator_assignments.c.user_id == user.id
        )
        return query.where(Series.id.in_(assigned))
    return query.where(Series.status.in_(PUBLIC_STATUSES))


def is_assigned(user: User, series: Series) -> bool:
    """A facilitator assigned to this series."""
    return user.role == StaffRole.FACILITATOR and any(s.id == series.id for s in user.series)


def may_view_series(user: User, series: Series) -> bool:
    """The series' staff page, read-only for everyone but organizers and admins."""
    return (
        user.can_manage_series
        or is_assigned(user, series)
        or (user.role == StaffRole.FOCAL_POINT and series.is_public)
    )


def may_work_on_sessions(user: User, series: Series) -> bool:
    """The sessions' working pages: organizers, admins and the series' facilitators."""
    return user.can_manage_series or is_assigned(user, series)
