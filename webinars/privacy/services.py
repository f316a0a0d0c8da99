"""Anonymising the registrations of series that ended long ago; deleting one's own registration.

The purge keeps every figure of a series' report (`reports.report`): status, country, observer
organization, profile, chosen sessions and minutes present stay as they were. What names or
reaches a person goes: names, e-mail, institution, position, a rejection reason, the consent,
the manage link (a new secret, so old links die), the names, e-mails and report keys of the
attendance rows, the addresses of the calendar invitations, and the series' outbox messages
(they hold bodies and addresses). An unregistered attendee's report key becomes a number that
still tells one person from another, so "unique participants" does not change. A registration
keeps its `participant_id` (`webinars.participation`): a number without personal data, so the
yearly report still counts the person once; the person's page no longer lists it.

Services flush and never commit. A purge reads each kind of row once, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Select, func, or_

from webinars.attendance.models import Attendance, AttendanceState
from webinars.audit import services as audit
from webinars.extensions import db
from webinars.invitations.models import Invitation
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.rendering import freeze_all
from webinars.registration import services as registration_services
from webinars.registration.anonymised import (
    ANONYMISED_KEY_PREFIX,
    ANONYMISED_NAME,
    ANONYMISED_TEXT,
    anonymised_email,
    is_anonymised_email,
)
from webinars.registration.models import Registration
from webinars.registration.tokens import new_secret
from webinars.series.models import Series
from webinars.sessions.models import EventSession
from webinars.types import utcnow

#: The audit log's action for a purge.
PURGE = "purge"


@dataclass(frozen=True)
class Purge:
    """What purging one series changed (or, in a dry run, would change)."""

    series: Series
    ended_at: datetime
    registrations: int
    attendances: int
    invitations: int
    messages: int

    @property
    def empty(self) -> bool:
        return not (self.registrations or self.attendances or self.invitations or self.messages)

    def summary(self) -> str:
        return (
            f"{self.registrations} registration(s), {self.attendances} attendance row(s), "
            f"{self.invitations} invitation(s) anonymised; "
            f"{self.messages} outbox message(s) deleted"
        )


def cutoff(months: int, now: datetime | None = None) -> datetime:
    """The moment `months` calendar months before `now`."""
    return (now or utcnow()) - relativedelta(months=months)


def ended_series(before: datetime) -> list[tuple[Series, datetime]]:
    """The series whose last session ended before `before`, with that end, oldest first.
    A series without sessions has not ended."""
    last_end = func.max(EventSession.end_at)
    rows = db.session.execute(
        db.select(Series, last_end)
        .join(EventSession, EventSession.series_id == Series.id)
        .group_by(Series.id)
        .having(last_end < before)
        .order_by(last_end, Series.id)
    )
    return [(series, ended_at) for series, ended_at in rows]


def _registration_ids(series: Series) -> Select[tuple[int]]:
    return db.select(Registration.id).where(Registration.series_id == series.id)


def _session_ids(series: Series) -> Select[tuple[int]]:
    return db.select(EventSession.id).where(EventSession.series_id == series.id)


def _series_messages(series: Series) -> ColumnElement[bool]:
    """The outbox messages about the series: by series, by one of its registrations or by
    one of its sessions (a calendar message)."""
    return or_(
        OutboxMessage.series_id == series.id,
        OutboxMessage.registration_id.in_(_registration_ids(series)),
        OutboxMessage.session_id.in_(_session_ids(series)),
    )


def _anonymise_registration(registration: Registration) -> None:
    registration.first_name = ANONYMISED_NAME
    registration.last_name = ""
    registration.email = anonymised_email(registration.id)
    registration.institution = ANONYMISED_TEXT
    registration.position = ANONYMISED_TEXT
    registration.rejection_reason = ""
    registration.consent_to_list = False
    registration.manage_token = new_secret()


def _attendance_done(row: Attendance) -> bool:
    """Whether the row is anonymised: no name, no e-mail, and a registrant's row no key (the
    registration tells the person), anyone else's an anonymised key or none."""
    if row.name != ANONYMISED_NAME or row.email:
        return False
    if row.state == AttendanceState.REGISTERED:
        return row.report_key is None
    return row.report_key is None or row.report_key.startswith(ANONYMISED_KEY_PREFIX)


def _anonymise_attendances(rows: list[Attendance]) -> None:
    """Every report key of someone unregistered becomes the same number wherever it occurs in
    the series (the smallest id of its rows): the report still counts that person once."""
    numbers: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: r.id):
        key = row.report_key
        if key and not key.startswith(ANONYMISED_KEY_PREFIX):
            numbers.setdefault(key, row.id)
    for row in rows:
        row.name = ANONYMISED_NAME
        row.email = ""
        if row.state == AttendanceState.REGISTERED:
            row.report_key = None
        elif row.report_key in numbers:
            row.report_key = f"{ANONYMISED_KEY_PREFIX}{numbers[row.report_key]}"


def purge_series(
    series: Series, ended_at: datetime, *, dry_run: bool = False, actor: str = ""
) -> Purge:
    """Anonymise what is left of the series' personal data; with `dry_run`, only count it.

    Idempotent: rows already anonymised are left alone, and a second purge finds nothing.
    A purge that changed something is written to the audit log (as `actor`).
    """
    registrations = [
        r
        for r in db.session.scalars(
            db.select(Registration).where(Registration.series_id == series.id)
        )
        if not is_anonymised_email(r.email)
    ]
    attendances = [
        row
        for row in db.session.scalars(
            db.select(Attendance).where(Attendance.session_id.in_(_session_ids(series)))
        )
        if not _attendance_done(row)
    ]
    invitations = [
        row
        for row in db.session.scalars(
            db.select(Invitation).where(Invitation.registration_id.in_(_registration_ids(series)))
        )
        if row.registration_id is not None and row.email != anonymised_email(row.registration_id)
    ]
    messages = db.session.execute(
        db.select(func.count(OutboxMessage.id)).where(_series_messages(series))
    ).scalar_one()
    result = Purge(
        series, ended_at, len(registrations), len(attendances), len(invitations), messages
    )
    if dry_run or result.empty:
        return result

    for registration in registrations:
        _anonymise_registration(registration)
    _anonymise_attendances(attendances)
    for invitation in invitations:
        assert invitation.registration_id is not None
        invitation.email = anonymised_email(invitation.registration_id)
        invitation.name = ANONYMISED_NAME
    db.session.execute(db.delete(OutboxMessage).where(_series_messages(series)))
    db.session.flush()
    audit.record(None, PURGE, series, result.summary(), channel="cli", actor=actor)
    return result


# --- a registrant deletes their own registration -------------------------------------------------


def delete_registration(registration: Registration) -> None:
    """Delete the registration and everything about its registrant.

    An open registration is cancelled first (`registration.services.cancel`): its seat goes to
    the waiting list, and the registrant gets the cancellation e-mail and the calendar
    cancellations, so that the sessions leave their calendar. Those are the only messages
    kept; every earlier message to them is deleted. Attendance rows, invitations and
    reminders go with the registration (ON DELETE CASCADE).
    """
    earlier = list(
        db.session.scalars(
            db.select(OutboxMessage.id).where(OutboxMessage.registration_id == registration.id)
        )
    )
    if not registration.is_closed:
        registration_services.cancel(registration)
    if earlier:
        db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id.in_(earlier)))
    # The cancellations are deferred (rendered when sent) and about rows deleted below:
    # written now, while the registration and its invitations still exist.
    freeze_all(
        db.session.scalars(
            db.select(OutboxMessage).where(
                OutboxMessage.registration_id == registration.id,
                OutboxMessage.renderer != "",
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
    )
    db.session.delete(registration)
    db.session.flush()
