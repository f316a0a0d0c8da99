"""Reading registrations for the staff lists: the filtered list and the counts beside it.

Each is a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func
from sqlalchemy.orm import selectinload

from webinars.accounts.models import User
from webinars.extensions import db
from webinars.registration.labels import STATUS as STATUS_LABELS
from webinars.registration.models import (
    Registration,
    RegistrationStatus,
    in_reading_order,
    registration_sessions,
)
from webinars.registration.services import OTHER_PROFILE
from webinars.series.models import Series

#: The country filter's value for registrations of observer organizations.
OBSERVERS = "observers"


@dataclass(frozen=True)
class RegistrationFilters:
    """The valid filters of a request; an empty string means "any"."""

    status: RegistrationStatus | None = None
    country: str = ""
    profile: str = ""

    def as_args(self, **changes: str) -> dict[str, str]:
        """Query-string arguments that reproduce these filters, with `changes` applied."""
        args = {
            "status": self.status.value if self.status else "",
            "country": self.country,
            "profile": self.profile,
        }
        args.update(changes)
        return {key: value for key, value in args.items() if value}


def _filtered(
    series: Series, scope: str | None, filters: RegistrationFilters
) -> Select[tuple[Registration]]:
    query = db.select(Registration).where(Registration.series_id == series.id)
    if scope is not None:
        query = query.where(Registration.country_code == scope)
    if filters.status is not None:
        query = query.where(Registration.status == filters.status)
    if filters.country == OBSERVERS:
        query = query.where(Registration.country_code.is_(None))
    elif filters.country:
        query = query.where(Registration.country_code == filters.country)
    if filters.profile == OTHER_PROFILE:
        query = query.where(Registration.profile_id.is_(None))
    elif filters.profile:
        [profile_id] = [p.id for p in series.profiles if p.code == filters.profile]
        query = query.where(Registration.profile_id == profile_id)
    return query


def filtered_registrations(
    series: Series, scope: str | None, filters: RegistrationFilters
) -> list[Registration]:
    """The series' registrations that pass `filters`, of country `scope` only unless None,
    in reading order, with their country and profile."""
    return in_reading_order(
        db.session.scalars(
            _filtered(series, scope, filters)
            .options(selectinload(Registration.country), selectinload(Registration.profile))
            .order_by(Registration.created_at, Registration.id)
        )
    )


def registrations_by_ids(series: Series, ids: Iterable[int]) -> list[Registration]:
    """Those of `ids` that are the series' registrations, in the order they came in, with
    their country and profile."""
    return list(
        db.session.scalars(
            db.select(Registration)
            .where(Registration.series_id == series.id, Registration.id.in_(list(ids)))
            .options(selectinload(Registration.country), selectinload(Registration.profile))
            .order_by(Registration.created_at, Registration.id)
        )
    )


def status_counts(series: Series, scope: str | None) -> dict[RegistrationStatus, int]:
    """How many registrations the series has in each status (of country `scope` only)."""
    query = (
        db.select(Registration.status, func.count(Registration.id))
        .where(Registration.series_id == series.id)
        .group_by(Registration.status)
    )
    if scope is not None:
        query = query.where(Registration.country_code == scope)
    counts = dict(db.session.execute(query).all())
    return {status: counts.get(status, 0) for status in STATUS_LABELS}


def session_counts(registration_ids: Iterable[int]) -> dict[int, int]:
    """How many sessions each of these registrations chose, by registration id."""
    ids = list(registration_ids)
    if not ids:
        return {}
    column = registration_sessions.c.registration_id
    query = db.select(column, func.count()).where(column.in_(ids)).group_by(column)
    return dict(db.session.execute(query).all())


def delegating_users(registrations: Iterable[Registration]) -> dict[int, User]:
    """The members of staff who registered these registrations for their officials, by id."""
    ids = {r.registered_by_id for r in registrations if r.registered_by_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}
