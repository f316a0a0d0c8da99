"""The rules of attendance: matching report rows to registrations, importing, resolving, check-in.

An import is planned first (`plan_import`: nothing written, what the preview shows), then
applied (`apply_import`). A person of a report is found again by their report key (e-mail,
else folded name), so importing the same file twice changes nothing, and a row a person has
resolved stays resolved when the report is imported again. Services flush, never commit.
"""

from __future__ import annotations

import enum
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from webinars.accounts.models import User
from webinars.attendance.models import (
    PARTICIPANT_STATES,
    Attendance,
    AttendanceColumnMapping,
    AttendanceImport,
    AttendanceSource,
    AttendanceState,
    AttendeeRole,
)
from webinars.attendance.names import name_keys, report_names, short_name_keys
from webinars.attendance.parsers import (
    ColumnMapping,
    ParsedReport,
    ReportFormat,
    ReportRole,
    ReportRow,
    UnknownLayout,
    mapping_fits,
    parse_report,
)
from webinars.catalog.models import Country
from webinars.errors import FieldError
from webinars.extensions import db
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import Series
from webinars.sessions.models import EventSession


class AttendanceError(FieldError):
    """Refused input; `field` names the form field."""


class Match(enum.StrEnum):
    """How a report row found its registration."""

    EMAIL = "email"
    NAME = "name"
    #: An earlier import of a report with this person (resolved by hand, or matched then).
    EARLIER = "earlier"
    #: The name fits several registrants: a person chooses.
    AMBIGUOUS = "ambiguous"
    NONE = "none"


class Change(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    SAME = "same"


_SOURCES = {
    ReportFormat.ZOOM: AttendanceSource.ZOOM,
    ReportFormat.TEAMS: AttendanceSource.TEAMS,
    ReportFormat.MEET: AttendanceSource.MEET,
    ReportFormat.CSV: AttendanceSource.CSV,
}


@dataclass
class PlannedRow:
    """One person of the report and what importing would do with them."""

    row: ReportRow
    registration: Registration | None
    existing: Attendance | None
    state: AttendanceState
    match: Match
    change: Change

    @property
    def needs_a_person(self) -> bool:
        return self.state == AttendanceState.UNMATCHED


@dataclass
class ImportPlan:
    session: EventSession
    report: ParsedReport
    rows: list[PlannedRow]

    def count(self, *, state: AttendanceState | None = None, change: Change | None = None) -> int:
        return sum(
            1
            for r in self.rows
            if (state is None or r.state == state) and (change is None or r.change == change)
        )

    @property
    def matched(self) -> int:
        return self.count(state=AttendanceState.REGISTERED)

    @property
    def unmatched(self) -> int:
        return self.count(state=AttendanceState.UNMATCHED)

    @property
    def changes(self) -> int:
        return sum(1 for r in self.rows if r.change != Change.SAME)


class RegistrationIndex:
    """The series' registrations by e-mail and by folded name.

    A report row is matched as a person would: its e-mail (the registration e-mail first, where
    the report has one), then its name in full (either order, accents and case folded, a
    bracketed "(Guest)" or "(Original Name)" left out or tried as a name), then its name with a
    second given name or surname left out. A name that fits two registrants matches nobody: a
    person chooses.
    """

    def __init__(self, registrations: Iterable[Registration]) -> None:
        self.by_email: dict[str, Registration] = {}
        self.full: dict[str, set[int]] = defaultdict(set)
        self.short: dict[str, set[int]] = defaultdict(set)
        self.by_id: dict[int, Registration] = {}
        for registration in registrations:
            self.by_id[registration.id] = registration
            self.by_email[registration.email.lower()] = registration
            for key in name_keys(registration.first_name, registration.last_name):
                self.full[key].add(registration.id)
            for key in short_name_keys(registration.first_name, registration.last_name):
                self.short[key].add(registration.id)

    def find(self, row: ReportRow) -> tuple[Registration | None, Match]:
        for email in (row.registration_email, row.email):
            if email and email in self.by_email:
                return self.by_email[email], Match.EMAIL
        names = report_names(row.name)
        for keys in (self.full, self.short):
            candidates = set().union(*(keys.get(name, set()) for name in names))
            if len(candidates) == 1:
                return self.by_id[candidates.pop()], Match.NAME
            if candidates:
                return None, Match.AMBIGUOUS
        return None, Match.NONE


def series_registrations(event_session: EventSession) -> list[Registration]:
    """Every registration of the session's series, rejected ones last (they rarely attend)."""
    return list(
        db.session.scalars(
            db.select(Registration)
            .where(Registration.series_id == event_session.series_id)
            .order_by(Registration.last_name, Registration.first_name, Registration.id)
        )
    )


def session_attendance(event_session: EventSession) -> list[Attendance]:
    return list(
        db.session.scalars(
            db.select(Attendance)
            .where(Attendance.session_id == event_session.id)
            .order_by(Attendance.name, Attendance.id)
        )
    )


def _role(role: ReportRole) -> AttendeeRole:
    return AttendeeRole(role.value)


def _same(attendance: Attendance, row: ReportRow) -> bool:
    return (
        attendance.minutes == row.minutes
        and attendance.first_join == row.first_join
        and attendance.last_leave == row.last_leave
        and attendance.role == _role(row.role)
    )


def saved_mapping(series: Series) -> ColumnMapping | None:
    """The columns chosen for this series' last report of a layout nobody foresaw."""
    record = db.session.get(AttendanceColumnMapping, series.id)
    return ColumnMapping.from_dict(record.mapping) if record else None


def remember_mapping(series: Series, mapping: ColumnMapping, user: User | None) -> None:
    """Keep `mapping` for the series' next session."""
    record = db.session.get(AttendanceColumnMapping, series.id)
    if record is None:
        record = AttendanceColumnMapping(series_id=series.id, mapping={})
        db.session.add(record)
    record.mapping = mapping.as_dict()
    record.updated_by_id = user.id if user else None
    db.session.flush()


def read_report(
    event_session: EventSession,
    data: bytes,
    *,
    report_format: ReportFormat | None = None,
    mapping: ColumnMapping | None = None,
    zone: str = "",
) -> tuple[ParsedReport, ColumnMapping | None]:
    """Read a report for the session: naive times in `zone` (default: the series' zone),
    rows far from the session refused. A layout nobody foresaw is read with the columns the
    facilitator chose for this series before, when the file has them all; otherwise
    `UnknownLayout` asks for a mapping. Returns the report and the mapping used, if any."""
    series = event_session.series
    window = (event_session.start_at, event_session.end_at)
    read_zone = ZoneInfo(zone) if zone else series.zone
    try:
        return parse_report(data, read_zone, report_format, window=window, mapping=mapping), mapping
    except UnknownLayout:
        saved = saved_mapping(series)
        if mapping is not None or saved is None or not mapping_fits(data, saved):
            raise
        return parse_report(data, read_zone, window=window, mapping=saved), saved


def _staff_emails() -> set[str]:
    return {email.lower() for email in db.session.scalars(db.select(User.email))}


def plan_import(event_session: EventSession, report: ParsedReport) -> ImportPlan:
    """What importing `report` into the session would do. Writes nothing."""
    index = RegistrationIndex(
        r for r in series_registrations(event_session) if r.status != RegistrationStatus.REJECTED
    )
    existing = session_attendance(event_session)
    #: Organizers and facilitators in a report that marks no host (Meet, a Teams list).
    staff = _staff_emails()
    by_key = {a.report_key: a for a in existing if a.report_key}
    by_registration = {a.registration_id: a for a in existing if a.registration_id}
    claimed: set[int] = set()
    planned = []
    for row in report.rows:
        target = by_key.get(row.key)
        if target is not None:
            registration, match = target.registration, Match.EARLIER
            state = target.state
        else:
            registration, match = index.find(row)
            if registration is not None and registration.id in claimed:
                # Another person of this report already took that registration.
                registration, match = None, Match.AMBIGUOUS
            target = by_registration.get(registration.id) if registration is not None else None
            if registration is not None:
                state = AttendanceState.REGISTERED
            elif row.role != ReportRole.ATTENDEE or row.email in staff:
                state = AttendanceState.SPEAKER
            else:
                state = AttendanceState.UNMATCHED
        if registration is not None:
            claimed.add(registration.id)
        if target is None:
            change = Change.NEW
        else:
            change = Change.SAME if _same(target, row) else Change.CHANGED
        planned.append(PlannedRow(row, registration, target, state, match, change))
    return ImportPlan(event_session, report, planned)


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def apply_import(
    plan: ImportPlan, *, filename: str, digest: str, user: User | None
) -> AttendanceImport | None:
    """Write the plan. Returns the import's record, or None when nothing would change (the
    same report imported again)."""
    if plan.changes == 0:
        return None
    record = AttendanceImport(
        event_session=plan.session,
        source=_SOURCES[plan.report.format],
        filename=filename[:255],
        checksum=digest,
        imported_by_id=user.id if user else None,
        rows_read=plan.report.source_rows,
        people=len(plan.rows),
        matched=plan.matched,
        unmatched=plan.unmatched,
        created=plan.count(change=Change.NEW),
        changed=plan.count(change=Change.CHANGED),
        skipped=len(plan.report.skipped),
    )
    db.session.add(record)
    db.session.flush()
    for planned in plan.rows:
        if planned.change == Change.SAME:
            continue
        row = planned.row
        attendance = planned.existing
        if attendance is None:
            attendance = Attendance(
                session_id=plan.session.id,
                registration=planned.registration,
                state=planned.state,
                name=(row.name or row.email)[:200],
                email=row.email[:254],
            )
            db.session.add(attendance)
        if attendance.report_key is None:
            attendance.report_key = row.key[:300]
        attendance.role = _role(row.role)
        attendance.minutes = row.minutes
        attendance.first_join = row.first_join
        attendance.last_leave = row.last_leave
        attendance.source = record.source
        attendance.import_id = record.id
    db.session.flush()
    return record


def _unresolved(attendance: Attendance) -> None:
    if attendance.state not in (
        AttendanceState.UNMATCHED,
        AttendanceState.SPEAKER,
        AttendanceState.DISMISSED,
    ):
        raise AttendanceError("attendance", _l("This row has already been resolved."))


def link(attendance: Attendance, registration: Registration, user: User | None) -> Attendance:
    """The report's person is this registrant. When the registrant already has a row for the
    session (two devices under two names), the rows become one: the longer presence wins."""
    _unresolved(attendance)
    if registration.series_id != attendance.event_session.series_id:
        raise AttendanceError("registration", _l("Choose a registration of this series."))
    other = db.session.scalar(
        db.select(Attendance).where(
            Attendance.session_id == attendance.session_id,
            Attendance.registration_id == registration.id,
        )
    )
    if other is None:
        attendance.registration = registration
        attendance.state = AttendanceState.REGISTERED
        attendance.recorded_by_id = user.id if user else None
        db.session.flush()
        return attendance
    key = attendance.report_key
    db.session.delete(attendance)
    db.session.flush()
    other.minutes = max(other.minutes, attendance.minutes)
    other.first_join = _earliest(other.first_join, attendance.first_join)
    other.last_leave = _latest(other.last_leave, attendance.last_leave)
    if other.report_key is None:
        other.report_key = key
    other.recorded_by_id = user.id if user else None
    db.session.flush()
    return other


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((t for t in (a, b) if t is not None), default=None)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((t for t in (a, b) if t is not None), default=None)


def record_guest(attendance: Attendance, country_code: str, user: User | None) -> None:
    """An attendee who did not register, counted for their country."""
    _unresolved(attendance)
    if db.session.get(Country, country_code) is None:
        raise AttendanceError("country", _l("Choose a member country."))
    attendance.state = AttendanceState.GUEST
    attendance.country_code = country_code
    attendance.recorded_by_id = user.id if user else None
    db.session.flush()


def dismiss(attendance: Attendance, user: User | None) -> None:
    """Not a participant (a test connection, a device with no name): kept, but not counted."""
    _unresolved(attendance)
    attendance.state = AttendanceState.DISMISSED
    attendance.recorded_by_id = user.id if user else None
    db.session.flush()


def reopen(attendance: Attendance, user: User | None) -> None:
    """Undo a resolution of an imported row: it waits for a person again."""
    if (
        attendance.source == AttendanceSource.MANUAL
        or attendance.state == AttendanceState.UNMATCHED
    ):
        raise AttendanceError("attendance", _l("Only a resolved report row can be reopened."))
    attendance.registration = None
    attendance.country_code = None
    attendance.state = (
        AttendanceState.SPEAKER
        if attendance.role != AttendeeRole.ATTENDEE
        else AttendanceState.UNMATCHED
    )
    attendance.recorded_by_id = user.id if user else None
    db.session.flush()


def check_in(event_session: EventSession, registration: Registration, user: User | None) -> None:
    """Tick a registrant present in the room: present for the whole session. A row an imported
    report already holds is left as it is. Only a registration holding a seat: a cancelled,
    rejected, waiting or unverified one is refused."""
    if registration.series_id != event_session.series_id:
        raise AttendanceError("registration", _l("Choose a registration of this series."))
    if not registration.holds_seat:
        raise AttendanceError(
            "registration",
            _l("Only a confirmed or pending registration can be checked in; this one is not."),
        )
    exists = db.session.scalar(
        db.select(Attendance.id).where(
            Attendance.session_id == event_session.id,
            Attendance.registration_id == registration.id,
        )
    )
    if exists is not None:
        return
    db.session.add(
        Attendance(
            session_id=event_session.id,
            registration=registration,
            state=AttendanceState.REGISTERED,
            name=registration.full_name[:200],
            email=registration.email,
            minutes=event_session.duration_minutes,
            first_join=event_session.start_at,
            last_leave=event_session.end_at,
            source=AttendanceSource.MANUAL,
            recorded_by_id=user.id if user else None,
        )
    )
    db.session.flush()


def undo_check_in(event_session: EventSession, registration: Registration) -> None:
    """Untick: removes a manual check-in (an imported report's row stays)."""
    db.session.execute(
        db.delete(Attendance).where(
            Attendance.session_id == event_session.id,
            Attendance.registration_id == registration.id,
            Attendance.source == AttendanceSource.MANUAL,
        )
    )
    db.session.flush()


def attended(attendance: Attendance, event_session: EventSession) -> bool:
    """Present at least the series' threshold share of the session, as a participant."""
    return (
        attendance.state in PARTICIPANT_STATES
        and attendance.minutes >= event_session.minutes_to_attend
    )
