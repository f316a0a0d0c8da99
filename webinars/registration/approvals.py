"""Telling focal points that registrations of their country wait for their approval.

Only series whose approval is left to the focal points (`ApprovalMode.FOCAL_POINT`) and that
they can see (published, closed or archived) count; a registration waits while it is pending.

- At once: when a registration starts to wait and it is the only one of its series and
  country waiting, each active focal point of that country gets an e-mail (`notify_waiting`,
  in the transaction that made it wait, like the registrant's own e-mail).
- Digest: a worker pass (`flask outbox work`, or `flask approvals digest`) sends each focal
  point, per series, the list of what waits, when something started to wait after the last
  e-mail they got about that series and that e-mail is a day old (`send_due_digests`).

Both record an `ApprovalNotice` per (focal point, series, UTC day), inserted with
`INSERT ... ON CONFLICT DO NOTHING ... RETURNING` before the e-mail is written, as the session
reminders do: only the rows this call inserted get an e-mail, so at most one such e-mail a day
goes to each focal point for each series, however often and by whomever it is run.

Language: `User.mail_language` (a staff account has no language setting: the focal point's
country decides, as for the quota reminders).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from webinars.accounts.models import StaffRole, User
from webinars.extensions import db
from webinars.mail.outbox import enqueue_template
from webinars.registration.models import ApprovalNotice, Registration, RegistrationStatus
from webinars.series.models import PUBLIC_STATUSES, ApprovalMode, Series
from webinars.types import utcnow
from webinars.web import external_url

FIRST = "first"
DIGEST = "digest"
KINDS = {FIRST: "approval.first", DIGEST: "approval.digest"}
#: The least time between two e-mails to a focal point about one series.
DIGEST_INTERVAL = timedelta(days=1)


def _waiting_in_scope() -> Any:
    """Registrations that wait for a focal point: pending, of a country, in a visible series
    that leaves approval to the focal points."""
    return (
        db.select(Registration)
        .join(Registration.series)
        .where(
            Registration.status == RegistrationStatus.PENDING,
            Registration.country_code.is_not(None),
            Series.approval_mode == ApprovalMode.FOCAL_POINT,
            Series.status.in_(PUBLIC_STATUSES),
        )
    )


def _focal_points(country_codes: Iterable[str]) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .where(
                User.role == StaffRole.FOCAL_POINT,
                User.active.is_(True),
                User.country_code.in_(set(country_codes)),
            )
            .order_by(User.email)
        )
    )


def _insert_ignoring_duplicates() -> Insert:
    dialect = db.session.get_bind().dialect.name
    module: Any = {"postgresql": postgresql, "sqlite": sqlite}[dialect]
    table = ApprovalNotice.__table__
    return (
        module.insert(table).on_conflict_do_nothing().returning(table.c.user_id, table.c.series_id)
    )


def _claim(pairs: Sequence[tuple[int, int]], kind: str, now: datetime) -> set[tuple[int, int]]:
    """Record a notice for each (user id, series id) today; the pairs this call recorded."""
    if not pairs:
        return set()
    rows = [
        {"user_id": u, "series_id": s, "day": now.date(), "kind": kind, "sent_at": now}
        for u, s in pairs
    ]
    result = db.session.execute(_insert_ignoring_duplicates(), rows)
    return {(r.user_id, r.series_id) for r in result}


def _enqueue(
    user: User, series: Series, waiting: Sequence[Registration], kind: str, new: int
) -> None:
    enqueue_template(
        "approvals_waiting",
        kind=KINDS[kind],
        to_address=user.email,
        to_name=user.name,
        language=user.mail_language,
        series_id=series.id,
        user=user,
        series=series,
        country=user.country,
        waiting=waiting,
        new=new,
        first=kind == FIRST,
        list_url=external_url("staff.registrations", slug=series.slug, status="pending"),
    )


def notify_waiting(registration: Registration) -> int:
    """Tell the focal points of the registration's country at once if it is the first one of
    its series and country to wait; the number of e-mails written. Flushes, never commits.

    The focal point who registered it (with a delegation) knows already and is left out. The
    notice is dated now, after the registration was written, so the next digest counts only
    what starts to wait later.
    """
    series = registration.series
    if (
        registration.status != RegistrationStatus.PENDING
        or registration.country_code is None
        or series.approval_mode != ApprovalMode.FOCAL_POINT
        or not series.is_public
    ):
        return 0
    waiting = db.session.scalar(
        db.select(func.count(Registration.id)).where(
            Registration.series_id == series.id,
            Registration.country_code == registration.country_code,
            Registration.status == RegistrationStatus.PENDING,
        )
    )
    if waiting != 1:
        return 0
    users = [
        u
        for u in _focal_points([registration.country_code])
        if u.id != registration.registered_by_id
    ]
    claimed = _claim([(u.id, series.id) for u in users], FIRST, utcnow())
    sent = 0
    for user in users:
        if (user.id, series.id) in claimed:
            _enqueue(user, series, [registration], FIRST, new=1)
            sent += 1
    return sent


def send_due_digests(now: datetime | None = None) -> int:
    """Write every digest due at `now`; the number written. Flushes, never commits.

    A focal point gets a digest for a series when registrations of their country wait in it,
    one of them started to wait (its last change) after the last e-mail to them about that
    series, and that e-mail is at least `DIGEST_INTERVAL` old. A fixed number of queries,
    whatever the number of registrations.
    """
    now = now or utcnow()
    latest = _last_changes()
    if not latest:
        return 0
    users = _focal_points(code for _s, code in latest)
    last_notice = _last_notices(users)
    due = [
        (user, series_id)
        for user in users
        for (series_id, code), last_change in latest.items()
        if code == user.country_code
        and _digest_due(last_notice.get((user.id, series_id)), last_change, now)
    ]
    claimed = _claim([(u.id, s) for u, s in due], DIGEST, now)
    if not claimed:
        return 0
    by_key = _waiting_by_series_and_country({s for _u, s in claimed})
    sent = 0
    for user, series_id in due:
        if (user.id, series_id) not in claimed:
            continue
        waiting = by_key[(series_id, user.country_code)]
        previous = last_notice.get((user.id, series_id))
        new = sum(1 for r in waiting if previous is None or r.updated_at > previous)
        _enqueue(user, waiting[0].series, waiting, DIGEST, new=new)
        sent += 1
    return sent


def _last_changes() -> dict[tuple[int, str], datetime]:
    """Per series and country with registrations waiting, when the last one changed."""
    waiting_rows = (
        _waiting_in_scope()
        .with_only_columns(
            Registration.series_id, Registration.country_code, func.max(Registration.updated_at)
        )
        .group_by(Registration.series_id, Registration.country_code)
    )
    return {(series_id, code): last for series_id, code, last in db.session.execute(waiting_rows)}


def _last_notices(users: Sequence[User]) -> dict[tuple[int, int], datetime]:
    """Per focal point and series, when the last e-mail about waiting registrations went."""
    return {
        (user_id, series_id): sent_at
        for user_id, series_id, sent_at in db.session.execute(
            db.select(
                ApprovalNotice.user_id, ApprovalNotice.series_id, func.max(ApprovalNotice.sent_at)
            )
            .where(ApprovalNotice.user_id.in_([u.id for u in users]))
            .group_by(ApprovalNotice.user_id, ApprovalNotice.series_id)
        )
    }


def _digest_due(previous: datetime | None, last_change: datetime, now: datetime) -> bool:
    """Never told, or told long enough ago and something started to wait since."""
    return previous is None or (previous <= now - DIGEST_INTERVAL and last_change > previous)


def _waiting_by_series_and_country(
    series_ids: set[int],
) -> defaultdict[tuple[int, str | None], list[Registration]]:
    """The registrations waiting in these series, oldest first, by series and country."""
    registrations = db.session.scalars(
        _waiting_in_scope()
        .where(Registration.series_id.in_(series_ids))
        .options(selectinload(Registration.profile), selectinload(Registration.series))
        .order_by(Registration.created_at, Registration.id)
    )
    by_key: defaultdict[tuple[int, str | None], list[Registration]] = defaultdict(list)
    for registration in registrations:
        by_key[(registration.series_id, registration.country_code)].append(registration)
    return by_key


@dataclass(frozen=True)
class Waiting:
    """How many registrations wait for a focal point's approval in one series."""

    series: Series
    count: int


def waiting_for(user: User) -> list[Waiting]:
    """Per series, the registrations of `user`'s country that wait for their approval (none
    for anyone but a focal point); the series with most waiting first. One query."""
    if user.role != StaffRole.FOCAL_POINT:
        return []
    rows = db.session.execute(
        db.select(Series, func.count(Registration.id))
        .join(Registration, Registration.series_id == Series.id)
        .where(
            Registration.status == RegistrationStatus.PENDING,
            Registration.country_code == user.country_code,
            Series.approval_mode == ApprovalMode.FOCAL_POINT,
            Series.status.in_(PUBLIC_STATUSES),
        )
        .group_by(Series.id)
    ).all()
    return sorted(
        (Waiting(series, count) for series, count in rows),
        key=lambda w: (-w.count, w.series.slug),
    )
