"""Which member of staff may see which series, registration or directory entry, in one place.

Organizers and admins see and edit everything; a facilitator works on the series assigned to
them; a focal point follows the public series for their country (`accounts.access.country_scope`,
which depends on the account alone). The rules read the domain's models, so they live above
the domain, beside the web loaders that apply them: only the delivery packages (`staff`,
`public`, `api`) and `web_loaders` import this module, and no domain package does.
"""

from __future__ import annotations

from sqlalchemy import Select

from webinars.accounts.models import StaffRole, User, facilitator_assignments
from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.series.models import PUBLIC_STATUSES, ApprovalMode, Series


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


def may_see_registrations(user: User, series: Series) -> bool:
    """Lists of registrations hold personal data: organizers, admins, the series' facilitators,
    and focal points (for their own country only: see `accounts.access.country_scope`)."""
    return (
        user.can_manage_series
        or is_assigned(user, series)
        or (user.role == StaffRole.FOCAL_POINT and series.is_public)
    )


def may_see_submissions(user: User, series: Series) -> bool:
    """What the countries sent for a series: organizers and admins, and focal points (their
    own country's) in a public series; never facilitators."""
    return user.can_manage_series or (user.role == StaffRole.FOCAL_POINT and series.is_public)


def may_approve(user: User, registration: Registration) -> bool:
    """Organizers and admins always; a focal point for their own country when the series
    leaves approval to the focal points."""
    if user.can_manage_series:
        return True
    return (
        user.role == StaffRole.FOCAL_POINT
        and registration.series.approval_mode == ApprovalMode.FOCAL_POINT
        and registration.country_code == user.country_code
    )


def may_register_delegation(user: User, series: Series) -> bool:
    """Focal points register officials of their own country; organizers and admins anyone."""
    return series.is_public and (user.can_manage_series or user.role == StaffRole.FOCAL_POINT)


def may_follow_participants(user: User) -> bool:
    """A person's participation across series, and the suggested links between registrations:
    organizers and admins for everyone, focal points for their own country's registrations
    (`accounts.access.country_scope`)."""
    return user.can_manage_series or user.role == StaffRole.FOCAL_POINT


def may_read_directory(user: User, *, member: bool) -> bool:
    """The directory of national authorities: organizers, admins, focal points, and any member
    of staff who is in it (`member`). Never public."""
    return user.can_manage_series or user.role == StaffRole.FOCAL_POINT or member


def directory_scope(user: User) -> str | None:
    """The only country whose directory entries `user` keeps, or None for every country.
    Call it only for those who may keep some (`may_keep_directory`)."""
    return None if user.can_manage_series else user.country_code


def may_keep_directory(user: User, country_code: str | None = None) -> bool:
    """Organizers and admins keep every country's entries; a focal point their own country's."""
    if user.can_manage_series:
        return True
    return user.role == StaffRole.FOCAL_POINT and (
        country_code is None or country_code == user.country_code
    )
