"""Participant lists of a series or of one session, for facilitators, organizers and focal points.

One query reads the registrations with, aggregated in the database, the sessions each chose and
their minutes present in each, so a list of any length takes the same few queries. The rows are
sorted in the reader's collation (`catalog.collation`): by country or organization name as the
reader reads it, then by surname and first name; the database cannot sort that way, so the
small rows of the query are held in memory while the CSV download streams what is built from
them. The e-mail is shown only where the registrant consented to the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Row, Select, String, cast, func, or_

from webinars.attendance.models import Attendance, AttendanceState
from webinars.catalog.collation import SortKey, sort_key
from webinars.catalog.models import Country
from webinars.exports import Table
from webinars.extensions import db
from webinars.i18n import current_language
from webinars.registration.labels import STATUS
from webinars.registration.models import (
    ACTIVE_STATUSES,
    Registration,
    registration_sessions,
)
from webinars.series.models import Series
from webinars.sessions.models import EventSession


@dataclass(frozen=True)
class ListScope:
    """Which list: a series, or one of its sessions; every country, or one (focal points)."""

    series: Series
    session: EventSession | None = None
    country_code: str | None = None

    @property
    def session_number(self) -> int | None:
        return self.session.number if self.session is not None else None


@dataclass
class Participant:
    last_name: str
    first_name: str
    origin: str
    institution: str
    position: str
    profile: str
    status: str
    #: Only when the registrant consented to the list.
    email: str
    #: Session numbers chosen at registration, and attended (present past the threshold).
    sessions: list[int] = field(default_factory=list)
    attended: list[int] = field(default_factory=list)
    #: Minutes present per session number.
    minutes: dict[int, int] = field(default_factory=dict)


def _conditions(scope: ListScope) -> list[ColumnElement[bool]]:
    came = db.select(Attendance.registration_id).where(
        Attendance.state == AttendanceState.REGISTERED,
        Attendance.session_id.in_([s.id for s in scope.series.sessions]),
    )
    # Active registrations are listed whatever their attendance; closed ones only if they came.
    conditions: list[ColumnElement[bool]] = [
        Registration.series_id == scope.series.id,
        or_(Registration.status.in_(ACTIVE_STATUSES), Registration.id.in_(came)),
    ]
    if scope.session is not None:
        chose = db.select(registration_sessions.c.registration_id).where(
            registration_sessions.c.session_id == scope.session.id
        )
        attended = db.select(Attendance.registration_id).where(
            Attendance.session_id == scope.session.id,
            Attendance.state == AttendanceState.REGISTERED,
        )
        conditions.append(or_(Registration.id.in_(chose), Registration.id.in_(attended)))
    if scope.country_code is not None:
        conditions.append(Registration.country_code == scope.country_code)
    return conditions


def _per_registration(table: Any, session_ids: list[int], value: Any, *where: Any) -> Any:
    """A subquery of `table`: registration id -> its `value`s joined by commas, for those
    sessions."""
    return (
        db.select(
            table.c.registration_id.label("registration_id"),
            func.aggregate_strings(value, ",").label("joined"),
        )
        .where(table.c.session_id.in_(session_ids), *where)
        .group_by(table.c.registration_id)
        .subquery()
    )


def _order(origin: str, observer: bool, last: str, first: str, language: str) -> tuple[object, ...]:
    """Countries first, then observer organizations, each by name; then surname, first name."""
    keys: tuple[SortKey, ...] = (
        sort_key(origin, language),
        sort_key(last, language),
        sort_key(first, language),
    )
    return (observer, *keys)


@dataclass(frozen=True)
class _Lookups:
    """What a list's rows are read with, in the current language."""

    language: str
    #: Session id -> its number in the series, and the minutes present that count as attended.
    numbers: dict[int, int]
    minimum: dict[int, int]
    countries: dict[str, str]
    profiles: dict[int, str]
    other: str
    statuses: dict[Any, str]


def _lookups(series: Series) -> _Lookups:
    return _Lookups(
        language=current_language(),
        numbers={s.id: n for n, s in enumerate(series.sessions, start=1)},
        minimum={s.id: s.minutes_to_attend for s in series.sessions},
        countries={c.code: c.name for c in db.session.scalars(db.select(Country))},
        profiles={p.id: p.label for p in series.profiles},
        other=_("Other"),
        statuses={status: str(label) for status, label in STATUS.items()},
    )


def _registrations_query(scope: ListScope, session_ids: list[int]) -> Select[Any]:
    """The one query of the registrations, each with its chosen sessions ("3,5") and its
    minutes present ("3:50,5:12") aggregated in the database."""
    chosen = _per_registration(
        registration_sessions, session_ids, cast(registration_sessions.c.session_id, String)
    )
    present = _per_registration(
        Attendance.__table__,
        session_ids,
        cast(Attendance.session_id, String) + ":" + cast(Attendance.minutes, String),
        Attendance.state == AttendanceState.REGISTERED,
    )
    return (
        db.select(
            Registration.first_name,
            Registration.last_name,
            Registration.email,
            Registration.consent_to_list,
            Registration.country_code,
            Registration.observer_organization,
            Registration.institution,
            Registration.position,
            Registration.profile_id,
            Registration.status,
            chosen.c.joined.label("chosen"),
            present.c.joined.label("present"),
        )
        .outerjoin(chosen, chosen.c.registration_id == Registration.id)
        .outerjoin(present, present.c.registration_id == Registration.id)
        .where(*_conditions(scope))
        .order_by(Registration.id)
    )


def _in_reading_order(query: Select[Any], lookups: _Lookups) -> list[tuple[str, Row[Any]]]:
    """(origin, row) of each registration, sorted in the reader's collation."""
    rows = []
    for reg in db.session.execute(query):
        origin = (
            lookups.countries.get(reg.country_code, "")
            if reg.country_code
            else reg.observer_organization
        )
        order = _order(
            origin, not reg.country_code, reg.last_name, reg.first_name, lookups.language
        )
        rows.append((order, origin, reg))
    rows.sort(key=lambda row: row[0])  # stable: twins stay in the order of their ids
    return [(origin, reg) for _order_key, origin, reg in rows]


def _participant(origin: str, reg: Row[Any], lookups: _Lookups) -> Participant:
    numbers, minimum, other = lookups.numbers, lookups.minimum, lookups.other
    participant = Participant(
        last_name=reg.last_name,
        first_name=reg.first_name,
        origin=origin,
        institution=reg.institution,
        position=reg.position,
        profile=lookups.profiles.get(reg.profile_id, other) if reg.profile_id else other,
        status=lookups.statuses[reg.status],
        email=reg.email if reg.consent_to_list else "",
    )
    if reg.chosen:
        participant.sessions = sorted(numbers[int(sid)] for sid in reg.chosen.split(","))
    if reg.present:
        for pair in sorted(reg.present.split(","), key=lambda p: numbers[int(p.split(":")[0])]):
            sid, minutes = (int(part) for part in pair.split(":"))
            participant.minutes[numbers[sid]] = minutes
            if minutes >= minimum[sid]:
                participant.attended.append(numbers[sid])
    return participant


def iter_participants(scope: ListScope) -> Iterator[Participant]:
    """The list's rows in the current language and its collation: registrants by country (or
    organization) and name, then the unregistered attendees by country and name."""
    lookups = _lookups(scope.series)
    query = _registrations_query(scope, list(lookups.numbers))
    for origin, reg in _in_reading_order(query, lookups):
        yield _participant(origin, reg, lookups)
    yield from _guests(scope, lookups.numbers, lookups.minimum, lookups.countries, lookups.language)


def _guests(
    scope: ListScope,
    numbers: dict[int, int],
    minimum: dict[int, int],
    countries: dict[str, str],
    language: str,
) -> Iterator[Participant]:
    """Unregistered attendees, one row per person (their report key) across the sessions."""
    session_ids = [scope.session.id] if scope.session else list(numbers)
    query = (
        db.select(Attendance)
        .where(Attendance.state == AttendanceState.GUEST, Attendance.session_id.in_(session_ids))
        .order_by(Attendance.session_id, Attendance.id)
    )
    if scope.country_code is not None:
        query = query.where(Attendance.country_code == scope.country_code)
    people: dict[str, Participant] = {}
    for row in db.session.scalars(query):
        key = row.report_key or f"id:{row.id}"
        if key not in people:
            people[key] = Participant(
                last_name=row.name,
                first_name="",
                origin=countries.get(row.country_code or "", ""),
                institution="",
                position="",
                profile="",
                status=_("Unregistered attendee"),
                email="",
            )
        number = numbers[row.session_id]
        people[key].minutes[number] = row.minutes
        if row.minutes >= minimum[row.session_id]:
            people[key].attended.append(number)
    yield from sorted(
        people.values(),
        key=lambda p: _order(p.origin, not p.origin, p.last_name, "", language),
    )


def _numbers(values: list[int]) -> str:
    return ", ".join(str(n) for n in values)


def participant_header(scope: ListScope) -> list[str]:
    header = [
        _("Last name"),
        _("First name"),
        _("Country or organization"),
        _("Institution"),
        _("Position"),
        _("Profile"),
        _("Status"),
    ]
    if scope.session is None:
        header += [_("Sessions registered"), _("Sessions attended")]
    else:
        header += [_("Minutes present"), _("Attended")]
    return [*header, _("E-mail (with consent)")]


def participant_cells(scope: ListScope, participant: Participant) -> list[object]:
    cells: list[object] = [
        participant.last_name,
        participant.first_name,
        participant.origin,
        participant.institution,
        participant.position,
        participant.profile,
        participant.status,
    ]
    number = scope.session_number
    if number is None:
        cells += [_numbers(participant.sessions), _numbers(participant.attended)]
    else:
        present = participant.minutes.get(number)
        cells += [
            present if present is not None else "",
            _("yes") if number in participant.attended else _("no"),
        ]
    return [*cells, participant.email]


def participant_table(scope: ListScope) -> Table:
    """The list as a table for the export builders (rows are generated as they are read)."""
    return Table(
        title=_("Participants"),
        header=participant_header(scope),
        # No set widths: each column gets the room its content needs (an e-mail address, a
        # long profile), in the XLSX as in the PDF.
        rows=(participant_cells(scope, p) for p in iter_participants(scope)),
    )


def list_title(scope: ListScope) -> str:
    if scope.session is None:
        return _("Participants · %(title)s", title=scope.series.title)
    return _(
        "Participants · %(title)s · session %(number)d",
        title=scope.series.title,
        number=scope.session.number,
    )


def list_filename(scope: ListScope, extension: str) -> str:
    parts = ["participants", scope.series.slug]
    if scope.session is not None:
        parts.append(f"session-{scope.session.number}")
    if scope.country_code:
        parts.append(scope.country_code.lower())
    return "-".join(parts) + f".{extension}"
