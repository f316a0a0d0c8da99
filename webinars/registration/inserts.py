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

A registration confirmed at once through the API is written otherwise (`insert_confirmed`):
its e-mails and invitations are built before it is written, from the registration as it
will be (`provisional`), and one statement sent outside a transaction writes everything,
takes the lock, counts under it and checks the registration stands (`seat_confirmed()`,
migration 0019), which PostgreSQL then commits: one round trip where the other paths take
four (BEGIN, the row, the lock, COMMIT), and the lock never held across a round trip.
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
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from webinars import direct_statements
from webinars.extensions import db
from webinars.held_inserts import Filled, Held
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
    written = _written(predicting)
    registration, person, sessions = written.registration, written.person, written.sessions
    return select(
        written.current,
        written.released,
        select(registration.c.id).scalar_subquery(),
        select(registration.c.participant_id).scalar_subquery(),
        select(registration.c.status).scalar_subquery(),
        select(person.c.id).scalar_subquery(),
        _lock_last(registration, sessions) if predicting is None else null(),
    ).add_cte(sessions)


class _Written(NamedTuple):
    """The parts of a statement that writes a registration (`_written`)."""

    #: The series' version and `seats_released`, as the statement reads them.
    current: ScalarSelect[int]
    released: ScalarSelect[int]
    #: The CTEs that write the person, the registration and its sessions.
    person: CTE
    registration: CTE
    sessions: CTE


@lru_cache(maxsize=64)
def _written(predicting: tuple[bool, bool, int] | None) -> _Written:
    """The person, the registration and its sessions, written unless the series' version is
    another than the one read or the address is registered in the series already (built
    once per `predicting`: a statement keeps its cache key). Their parameters:
    `_one_statement`'s."""
    given = _given(predicting)
    email, link = given["email"], bindparam("link", type_=Boolean())
    series_id = bindparam("series_id", type_=_TABLE.c.series_id.type)
    rows, series = _TABLE.c, Series.__table__.c
    current = select(series.version).where(series.id == series_id).scalar_subquery()
    released = select(series.seats_released).where(series.id == series_id).scalar_subquery()
    unchanged = current == bindparam("version", type_=BigInteger())
    # The address's registrations in every series, read once through the index on the
    # address alone. Asked as `series_id = ? AND email = ?`, a generic plan made while the
    # table was small could take the index on (series, status), which then cost the same as
    # the unique key, and filter the whole series by address at every registration (8,000
    # rows, 1.3 ms, twice, until the next ANALYZE).
    address = select(rows.series_id, rows.participant_id).where(rows.email == email).cte("address")
    here = exists().where(address.c.series_id == series_id)
    # The person of the address's other registrations, the first one if several.
    known = select(func.min(address.c.participant_id)).where(link).scalar_subquery()
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
    return _Written(current, released, person, registration, _chosen(registration))


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
    chosen = _in_order(sessions)
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


def _in_order(sessions: Sequence[EventSession]) -> list[EventSession]:
    """The chosen sessions as a registration holds them: by start, then id."""
    return sorted(sessions, key=lambda s: (s.start_at, s.id))


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


# --- a confirmed registration in one statement ---------------------------------------------

#: The id a registration written by `insert_confirmed` has until its statement writes it:
#: its e-mails' and invitations' rows are built with it, and the statement gives them the
#: id it writes. Never a registration's (ids start at 1).
PROVISIONAL_ID = -1


class LimitReached(Exception):
    """`insert_confirmed`: a hard limit was reached once the lock was granted; nothing was
    written."""


class RowLeftOut(Exception):
    """`insert_confirmed`: a held row was left out (an address invited to a session
    meanwhile); nothing was written."""


#: `seat_confirmed()`'s SQLSTATEs (migration 0019), and what each means here.
_REFUSALS: dict[str, type[Exception]] = {
    "WB001": SeriesChanged,
    "WB002": LimitReached,
    "WB003": RowLeftOut,
}


def confirms_at_once(series: Series) -> bool:
    """Whether `insert_confirmed` can write a registration of `series`: on PostgreSQL, in a
    series that confirms at once (automatic approval) where this process saw no limit
    reached (`reached`): its status is then the seat's unless the count under the lock says
    otherwise, and its e-mails can be built before it is written. And before anything
    else: the request has not begun a transaction (reading the series, the first time the
    process meets it)."""
    return (
        predicts()
        and seats.seated_status(series) == RegistrationStatus.CONFIRMED
        and not reached.may_be_reached(series)
        and direct_statements.outside_transaction()
    )


def provisional(
    values: dict[str, Any],
    series: Series,
    profile: ParticipantProfile | None,
    sessions: Sequence[EventSession],
) -> Registration:
    """The registration `insert_confirmed` writes, before it is written (detached, its id
    PROVISIONAL_ID and no person yet), to build its e-mails and invitations from."""
    columns = {**values, "id": PROVISIONAL_ID, "participant_id": None}
    return _as_loaded(columns, series, profile, _in_order(sessions))


def insert_confirmed(registration: Registration, held: Held, *, link: bool) -> bool:
    """Write `provisional`'s `registration`, confirmed, with its sessions, its person (with
    `link`), and the rows `held` for it, then take the series lock and count under it, in
    one statement sent outside any transaction: PostgreSQL commits it as it ends, and takes
    it back whole when it fails. One round trip, and the lock held by the database alone,
    never across a round trip to the application. What the statement cannot take back once
    committed it checks before (`seat_confirmed()`, migration 0019): the series' version
    under the lock, no hard limit reached, every held row written. SeriesChanged,
    LimitReached or RowLeftOut when one does not hold; an IntegrityError when the address
    was registered at the same moment: nothing is written. False when the address is
    registered in the series already (nothing is written either). Then `registration` has
    its id and person."""
    series, sessions = registration.series, list(registration.sessions)
    link = link and not is_anonymised_email(registration.email)
    filled = _filled()
    limits = seats.Limits.of(series, registration.profile, registration.country_code, sessions)
    parameters = {
        **{name: registration.__dict__[name] for name in COLUMNS},
        "series_id": series.id,
        "version": series.version,
        "link": link,
        "session_ids": [s.id for s in sessions],
        **held.parameters(filled),
        **limits.function_parameters(PROVISIONAL_ID),
    }
    del parameters["limit_excluding"]  # the id the statement writes
    locked = held.attach(_lock_with_held_rows(), filled)
    statement = _confirmed_statement(locked, held.row_counts())
    try:
        row = direct_statements.first_row_on_its_own(statement, parameters)
    except DatabaseError as error:
        refusal = _REFUSALS.get(getattr(error.orig, "sqlstate", None) or "")
        if refusal is None:
            raise
        raise refusal() from error
    assert row is not None  # a SELECT without FROM: one row, written or not
    current, registration_id, participant_id, _confirmed = row
    if current != series.version:
        raise SeriesChanged()
    if registration_id is None:
        return False
    _identified(registration, registration_id, participant_id)
    return True


@lru_cache(maxsize=1)
def _filled() -> Filled:
    """The held rows' `registration_id`, given by the registration the statement writes."""
    registration = _written(None).registration
    return Filled(registration, ("registration_id",), ("id",), PROVISIONAL_ID)


@lru_cache(maxsize=1)
def _lock_with_held_rows() -> Select[int]:
    """The series lock, taken once the registration and its sessions are written (and the
    held rows, which `Held.attach` adds), only when the registration was."""
    written = _written(None)
    registration, sessions = written.registration, written.sessions
    return seats.lock_after(
        exists(select(registration.c.id)),
        select(func.count()).select_from(sessions).scalar_subquery() >= 0,
    )


@lru_cache(maxsize=64)
def _confirmed_statement(locked: Select[Any], rows: tuple[int, ...]) -> Select[Any]:
    """`insert_confirmed`'s statement for one shape of held rows (`locked`, from
    `Held.attach`, cached itself; `rows`, how many rows each held insert writes, whose
    counts are its last columns). It returns the series' version as read, the
    registration's id and person, and `seat_confirmed()` of the locked row, which raises
    unless the registration stands."""
    written = _written(None)
    registration = written.registration
    inner = locked.subquery("locked")
    version, *counts = list(inner.c)
    confirmed = func.seat_confirmed(
        version == bindparam("version", type_=BigInteger()),
        seats.limit_reached_now(select(registration.c.id).scalar_subquery()),
        and_(*(count == literal(n) for count, n in zip(counts, rows, strict=True))),
        type_=Boolean(),
    )
    return select(
        written.current,
        select(registration.c.id).scalar_subquery(),
        select(registration.c.participant_id).scalar_subquery(),
        select(confirmed).select_from(inner).scalar_subquery(),
    ).add_cte(written.sessions)


def _identified(
    registration: Registration, registration_id: int, participant_id: int | None
) -> None:
    """`registration`, built with PROVISIONAL_ID, with the id and person written."""
    registration.__dict__.update(id=registration_id, participant_id=participant_id)
    inspect(registration).key = _MAPPER.identity_key_from_primary_key((registration_id,))


_MAPPER = Registration.__mapper__
