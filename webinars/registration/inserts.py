"""Writing a new registration: its row, its sessions and its person, without the unit of work.

The write checks that the series is the one the registration was checked against: its
`version` is the one read (the series may be a copy kept between requests, `snapshots`).
Then it takes the series lock (`seats.lock_series`) and checks the version again under it,
unless the caller predicts (below). When the version is another, `SeriesChanged` says so and
nothing is left written; after the lock, the series read again then cannot change before the
commit. The row is written before the lock, never after it: a transaction waiting for an
address that another has just written (the unique key) never holds the lock that one waits
for.

On PostgreSQL this is one statement (data-modifying CTEs: the person, the registration, its
sessions) and the lock, a quarter of the time of the statements it replaces (the address's
other registrations, the new person, the registration, its sessions), measured with
`bench/profile_registration.py`. Other databases (SQLite, for development) take one each.
Either way the object returned is as if just loaded, with every column set, so nothing reads
it back: persistent, or detached when its status was predicted (`insert_registration`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    CTE,
    BigInteger,
    Boolean,
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from webinars import direct_statements
from webinars.extensions import db
from webinars.participation import services as participation
from webinars.participation.models import Participant
from webinars.registration import reached, seats
from webinars.registration.anonymised import is_anonymised_email
from webinars.registration.models import Registration, RegistrationStatus, registration_sessions
from webinars.series.models import ParticipantProfile, Series
from webinars.sessions.models import EventSession

#: Tables, not mapped classes, in the statement: the session runs it straight on its
#: connection, without the ORM's set-up (as `seats`' statements under the lock).
_TABLE = Registration.__table__
_PEOPLE = Participant.__table__
#: The columns a caller gives (`values`); the id, the series and the person are set here.
COLUMNS = tuple(
    c.name for c in _TABLE.columns if c.name not in {"id", "series_id", "participant_id"}
)


class SeriesChanged(Exception):
    """The series changed since it was read (its version is another): nothing was written."""


@lru_cache(maxsize=64)
def _one_statement(
    predicting: tuple[bool, bool, int] | None,
) -> Select[int, int, int | None, int | None, RegistrationStatus | None, int | None, int | None]:
    """The PostgreSQL statement. Its parameters: every name of COLUMNS, `series_id`,
    `version` (the series' as read), `link` (whether the registration gets its person now),
    `session_ids`, and `_given`'s when `predicting`. It returns one row: the series' version
    and `seats_released` as it reads them, the new registration's id, person and status, the
    person if it created it, and the version under the series lock, which it takes last
    unless `predicting` (else null). It writes nothing, and takes no lock, when the version
    it reads is another, or when the address is registered in the series already (then the
    id is null)."""
    given = _given(predicting)
    email, link = given["email"], bindparam("link", type_=Boolean())
    series_id = bindparam("series_id", type_=_TABLE.c.series_id.type)
    rows, series = _TABLE.c, Series.__table__.c
    current = select(series.version).where(series.id == series_id).scalar_subquery()
    released = select(series.seats_released).where(series.id == series_id).scalar_subquery()
    unchanged = current == bindparam("version", type_=BigInteger())
    here = exists().where(rows.series_id == series_id, rows.email == email)
    # The person of the address's other registrations, the first one if several.
    known = select(func.min(rows.participant_id)).where(rows.email == email, link).scalar_subquery()
    person = (
        insert(_PEOPLE)
        .from_select(
            ["created_at"],
            select(given["created_at"]).where(unchanged, link, known.is_(None), ~here),
        )
        .returning(_PEOPLE.c.id)
        .cte("person")
    )
    registration = (
        insert(_TABLE)
        .from_select(
            ["series_id", *COLUMNS, "participant_id"],
            select(
                series_id,
                *given.values(),
                func.coalesce(known, select(person.c.id).scalar_subquery()),
            ).where(unchanged, ~here),
        )
        .returning(rows.id, rows.participant_id, rows.status)
        .cte("registration")
    )
    sessions = _chosen(registration)
    return select(
        current,
        released,
        select(registration.c.id).scalar_subquery(),
        select(registration.c.participant_id).scalar_subquery(),
        select(registration.c.status).scalar_subquery(),
        select(person.c.id).scalar_subquery(),
        _lock_last(registration, sessions) if predicting is None else null(),
    ).add_cte(sessions)


def _chosen(registration: CTE) -> CTE:
    """The registration's sessions (parameter `session_ids`), written."""
    return (
        insert(registration_sessions)
        .from_select(
            ["registration_id", "session_id"],
            select(registration.c.id, func.unnest(bindparam("session_ids", type_=ARRAY(Integer)))),
        )
        .returning(registration_sessions.c.session_id)
        .cte("chosen")
    )


def _lock_last(registration: CTE, sessions: CTE) -> ScalarSelect[int]:
    """The series lock, taken once the rows are written: its conditions, evaluated first,
    read them (a unique key may wait for another transaction, which must never wait for
    this one's lock); only when the registration was written."""
    return seats.lock_after(
        exists(select(registration.c.id)),
        select(func.count()).select_from(sessions).scalar_subquery() >= 0,
    ).scalar_subquery()


def _given(predicting: tuple[bool, bool, int] | None) -> dict[str, ColumnElement[Any]]:
    """The values of COLUMNS in `_one_statement`: its parameters, but, with `predicting`
    (the limits the registration reads: `seats.reaches_a_maximum`'s arguments), the status
    is `waitlisted` (at `now`) when one of them is reached in what the statement reads.
    Then the parameters of `seats.reaches_a_maximum` and `waitlisted` are needed too."""
    given: dict[str, ColumnElement[Any]] = {
        name: bindparam(name, type_=_TABLE.c[name].type) for name in COLUMNS
    }
    condition = seats.reaches_a_maximum(*predicting) if predicting is not None else None
    if condition is not None:
        # Counted once, for the two columns that read it.
        predicted = select(condition.label("reached")).cte("predicted")
        reached = select(predicted.c.reached).scalar_subquery()
        status = bindparam("waitlisted", type_=_TABLE.c.status.type)
        now = bindparam("now", type_=_TABLE.c.waitlisted_at.type)
        given["status"] = case((reached, status), else_=given["status"])
        given["waitlisted_at"] = case((reached, now), else_=given["waitlisted_at"])
    return given


def predicts() -> bool:
    """Whether `insert_registration` can write without the lock, predicting the status:
    on PostgreSQL. (SQLite's first write locks the whole database anyway.)"""
    return db.session.get_bind().dialect.name == "postgresql"


class Inserted(NamedTuple):
    """What `insert_registration` wrote, and what the count it predicted with read."""

    registration: Registration
    #: The series' `seats_released` as the statement read it (PostgreSQL; else 0).
    seats_released: int


def insert_registration(
    values: dict[str, Any],
    series: Series,
    profile: ParticipantProfile | None,
    sessions: Sequence[EventSession],
    *,
    link: bool,
    predicting: datetime | None = None,
) -> Inserted | None:
    """Write a registration of `series` with `values` (every name of COLUMNS but the
    series), its `sessions`, and, with `link`, its person: that of the address's other
    registrations, else a new one (an anonymised address gets none); then take the series
    lock (on PostgreSQL in the same statement). None when the address is registered in the
    series already: nothing is written, and the transaction goes on. SeriesChanged when the
    series' version is not `series.version`, before or under the lock: nothing is left
    written.

    With `predicting` (ignored where not `predicts()`), take no lock: the status is
    `values`' unless a hard limit the registration reads is reached in what the statement
    reads; then it is waitlisted at `predicting`. That count is made only in a series where
    this process saw a limit reached (`reached`); elsewhere the status is `values`'. The
    caller confirms it under the lock (`seats.confirm_prediction`), with the
    `seats_released` the statement read. The registration is then not added to the session
    (its series may be the process's shared copy, which the session must not reach through
    it, `snapshots.kept_series`): the caller changes nothing of it, and the commit has
    nothing of it to expire.

    Two registrations of one address sent at the same moment: the unique key refuses the
    second with an IntegrityError, which spoils the transaction; the caller rolls back."""
    chosen = sorted(sessions, key=lambda s: (s.start_at, s.id))
    link = link and not is_anonymised_email(values["email"])
    # The version compared is the one after this session's own changes to the series.
    db.session.flush()
    version = series.version
    one_statement = predicts()
    predicted = one_statement and predicting is not None
    if one_statement:
        limits = (
            _predicting_limits(series, profile, values["country_code"], chosen)
            if predicted
            else None
        )
        written = _in_one_statement(values, series.id, version, chosen, link, limits, predicting)
    else:
        written = _in_four_statements(values, series.id, version, chosen, link)
    if written is None:
        return None
    registration_id, participant_id, status, released = written
    if status != values["status"]:
        values = {**values, "status": status, "waitlisted_at": predicting}
    columns = {**values, "id": registration_id, "participant_id": participant_id}
    registration = _as_loaded(columns, series, profile, chosen)
    if not predicted:
        db.session.add(registration)
    return Inserted(registration, released)


def _predicting_limits(
    series: Series,
    profile: ParticipantProfile | None,
    country: str | None,
    chosen: list[EventSession],
) -> seats.Limits:
    """The limits a prediction counts before the lock: only where a limit may be reached
    (`reached`); else none, the registration predicted seated and counted once, under the
    lock."""
    if reached.may_be_reached(series):
        return seats.Limits.of(series, profile, country, chosen)
    return seats.Limits.none()


def _as_loaded(
    columns: dict[str, Any],
    series: Series,
    profile: ParticipantProfile | None,
    chosen: list[EventSession],
) -> Registration:
    """A registration of `series` with `columns` (every column but the series), as if just
    loaded and then detached: built as the ORM builds a row it loads, its values put in place
    without the constructor's events and history (a fifth of the instructions of writing
    it), its series, profile and sessions those given."""
    registration: Registration = _REGISTRATIONS.new_instance()
    registration.__dict__.update(columns, series_id=series.id)
    make_transient_to_detached(registration)
    set_committed_value(registration, "series", series)
    set_committed_value(registration, "profile", profile)
    set_committed_value(registration, "sessions", chosen)
    return registration


_REGISTRATIONS = Registration.__mapper__.class_manager


#: The new registration's id, person and status, and the series' `seats_released` as read,
#: or None when the address is registered already.
Written = tuple[int, int | None, RegistrationStatus, int] | None


def _in_one_statement(
    values: dict[str, Any],
    series_id: int,
    version: int,
    chosen: list[EventSession],
    link: bool,
    limits: seats.Limits | None,
    predicting: datetime | None,
) -> Written:
    seats.require_transaction()
    parameters = {
        **values,
        "series_id": series_id,
        "version": version,
        "link": link,
        "session_ids": [s.id for s in chosen],
    }
    shape = None
    if limits is not None and predicting is not None:
        shape = limits.shape()
        parameters.update(limits.parameters(series_id, None))
        parameters.update(limits.maximum_parameters())
        parameters.update(waitlisted=RegistrationStatus.WAITLISTED, now=predicting)
    row = direct_statements.first_row(_one_statement(shape), parameters)
    assert row is not None  # a SELECT without FROM: one row, written or not
    current, released, registration_id, participant_id, status, created, locked = row
    if current != version:
        raise SeriesChanged()
    if registration_id is None or status is None:
        return None
    if predicting is None and locked != version:
        # Changed between the statement's snapshot and its lock: what was checked against
        # the old series is taken back (nothing else was written yet), under the lock.
        _take_back(registration_id, created)
        raise SeriesChanged()
    return registration_id, participant_id, status, released


def _take_back(registration_id: int, created_person: int | None) -> None:
    """Delete the registration just written, its sessions (the foreign key cascades) and
    its person if the statement created it."""
    db.session.execute(delete(_TABLE).where(_TABLE.c.id == registration_id))
    if created_person is not None:
        db.session.execute(delete(_PEOPLE).where(_PEOPLE.c.id == created_person))


def _in_four_statements(
    values: dict[str, Any], series_id: int, version: int, chosen: list[EventSession], link: bool
) -> Written:
    if seats.lock_series(series_id) != version:
        raise SeriesChanged()
    email = values["email"]
    known = db.session.execute(
        select(Registration.series_id, Registration.participant_id).where(
            Registration.email == email
        )
    ).all()
    if any(other == series_id for other, _person in known):
        return None
    participant_id = (
        participation.person_for(email, (person for _series, person in known)) if link else None
    )
    registration_id = db.session.execute(
        insert(Registration)
        .values(series_id=series_id, participant_id=participant_id, **values)
        .returning(Registration.id)
    ).scalar_one()
    if chosen:
        db.session.execute(
            insert(registration_sessions),
            [{"registration_id": registration_id, "session_id": s.id} for s in chosen],
        )
    return registration_id, participant_id, values["status"], 0
