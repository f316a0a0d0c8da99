"""Seats: the series lock, the count of seats held, the hard limits, the waiting list.

Hard limits (a profile's `max_per_country`, the series' capacity, a session's capacity) are
checked against the registrations that hold a seat (pending and confirmed), counted from the
rows after taking a lock on the series row, inside the caller's transaction. So concurrent
registrations can never exceed a limit: a second transaction waits for the first to commit,
then counts again. Minimums are targets only and never refuse anyone (`registration.targets`).

The count is grouped in the database (one row per profile and country, one per session), so
it costs the same for the first registration of a series and for the two-thousandth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from webinars import direct_statements
from webinars.extensions import db
from webinars.held_inserts import Held
from webinars.registration import approvals, notifications, reached
from webinars.registration.models import (
    HOLDING_CONDITION,
    Registration,
    RegistrationStatus,
    registration_sessions,
)
from webinars.series.models import ApprovalMode, ParticipantProfile, Series
from webinars.sessions.models import EventSession

#: The statements under the lock are built on the tables, not the mapped classes: the
#: session runs a statement without a mapped class in it straight on its connection, with
#: no ORM state to set up (a count: 209 against 259 µs of CPU, measured interleaved).
_SERIES = Series.__table__
_REGISTRATIONS = Registration.__table__
#: A registration that holds a seat, in the counts' SQL (`_counts`).
_HOLDING = text(HOLDING_CONDITION)


class NotInTransaction(RuntimeError):
    """The series lock was asked for where it would be released at once."""


def lock_after(*conditions: ColumnElement[bool]) -> Select[int]:
    """The series lock (`lock_series`, on PostgreSQL), in a statement of its own or as part
    of another (parameter `series_id`): the series' version, which tells whether the series
    is the one read before the lock. `conditions` are evaluated before the row is locked
    (they are uncorrelated): what they read, e.g. the rows another part of the statement
    writes, is written before the lock is taken."""
    series = _SERIES.c
    return (
        select(series.version)
        .where(series.id == bindparam("series_id"), *conditions)
        .with_for_update(key_share=True)
    )


#: Built once: a statement keeps its cache key, which costs a third of this one to compute.
_LOCK = lock_after()
#: `confirm_prediction`'s: the version and the seats given back, as the lock leaves them.
_PREDICTION_LOCK = _LOCK.add_columns(_SERIES.c.seats_released)


def lock_series(series_id: int) -> int | None:
    """Serialize every seat-changing transaction of one series, until the caller commits.

    PostgreSQL: `SELECT ... FOR NO KEY UPDATE` on the series row. It excludes the same lock
    in every other transaction, not the key-share lock that inserting a registration (its
    foreign key) takes: `register` writes the row before it asks for the lock (on
    PostgreSQL at the end of the row's statement, `lock_after`), and two such transactions
    asking `FOR UPDATE` would deadlock on each other's key-share lock. SQLite
    has no row locks; a no-op write takes its database write lock at once, which serializes
    writers the same way.
    Returns the series' version under the lock (None if the series is gone).
    Refuses a connection in autocommit mode: there the lock would end with the statement and
    two registrations could take the last seat.
    """
    connection = require_transaction()
    if connection.dialect.name != "postgresql":
        # It matches no row: a write all the same, it takes SQLite's write lock, and no
        # trigger (`Series.version`) sees it.
        db.session.execute(_SQLITE_LOCK)
    return db.session.execute(_LOCK, {"series_id": series_id}).scalar()


_SQLITE_LOCK = text("UPDATE series SET id = id WHERE 0")


def require_transaction() -> Connection:
    """The session's connection; NotInTransaction when it commits each statement."""
    connection = db.session.connection()
    if _autocommits(connection):
        raise NotInTransaction("the series lock needs a transaction")
    return connection


def _autocommits(connection: Connection) -> bool:
    """Whether each statement commits on its own: asked of SQLAlchemy (an `isolation_level`
    execution option) and of the driver (psycopg's `autocommit`)."""
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return True
    return getattr(connection.connection.dbapi_connection, "autocommit", False) is True


@dataclass
class Occupancy:
    """Seats held in a series, counted from the rows (never from a stored counter)."""

    total: int = 0
    by_profile_country: Counter[tuple[int | None, str | None]] = field(default_factory=Counter)
    by_session: Counter[int] = field(default_factory=Counter)

    def take(
        self, profile_id: int | None, country_code: str | None, session_ids: Iterable[int]
    ) -> None:
        self.total += 1
        self.by_profile_country[(profile_id, country_code)] += 1
        self.by_session.update(session_ids)


def occupancy(
    series_id: int, *, excluding: int | None = None, per_session: bool = True
) -> Occupancy:
    """At most two grouped queries, whatever the number of registrations; the seats per
    session only when asked (`per_session`), i.e. when some session has a capacity."""
    holders = db.select(Registration.id).where(Registration.series_id == series_id, _HOLDING)
    if excluding is not None:
        holders = holders.where(Registration.id != excluding)
    groups = holders.with_only_columns(
        Registration.profile_id, Registration.country_code, func.count()
    ).group_by(Registration.profile_id, Registration.country_code)
    result = Occupancy()
    for profile_id, country_code, count in db.session.execute(groups):
        result.total += count
        result.by_profile_country[(profile_id, country_code)] = count
    if per_session and result.total:
        chosen = (
            db.select(registration_sessions.c.session_id, func.count())
            .where(registration_sessions.c.registration_id.in_(holders))
            .group_by(registration_sessions.c.session_id)
        )
        result.by_session.update(
            {session_id: count for session_id, count in db.session.execute(chosen)}
        )
    return result


def fits(
    occ: Occupancy,
    series: Series,
    profile: ParticipantProfile | None,
    country_code: str | None,
    sessions: Iterable[EventSession],
) -> bool:
    """Whether one more seat fits under every hard limit."""
    if series.capacity is not None and occ.total >= series.capacity:
        return False
    if (
        profile is not None
        and profile.max_per_country is not None
        and country_code is not None
        and occ.by_profile_country[(profile.id, country_code)] >= profile.max_per_country
    ):
        return False
    return all(s.capacity is None or occ.by_session[s.id] < s.capacity for s in sessions)


def count_seats(series: Series, *, excluding: int | None = None) -> Occupancy:
    """The seats held now; per session only when some session of the series has a capacity."""
    per_session = any(s.capacity is not None for s in series.sessions)
    return occupancy(series.id, excluding=excluding, per_session=per_session)


@dataclass
class Limits:
    """The hard limits one registration reads, in the order `held_for` counts them: the
    series' capacity, its profile's maximum in its country, each chosen session's capacity
    (each when there is one)."""

    capacity: int | None
    pair: tuple[int, str] | None
    pair_maximum: int | None
    sessions: list[EventSession]

    @classmethod
    def none(cls) -> Limits:
        """No limit: what a registration predicted to get a seat counts before the lock."""
        return cls(None, None, None, [])

    @classmethod
    def of(
        cls,
        series: Series,
        profile: ParticipantProfile | None,
        country_code: str | None,
        sessions: Iterable[EventSession],
    ) -> Limits:
        if profile is not None and profile.max_per_country is not None and country_code is not None:
            pair, maximum = (profile.id, country_code), profile.max_per_country
        else:
            pair, maximum = None, None
        return cls(series.capacity, pair, maximum, [s for s in sessions if s.capacity is not None])

    def parameters(self, series_id: int, excluding: int | None) -> dict[str, object]:
        """The counts' parameters (`_counts`)."""
        values: dict[str, object] = {"seat_series": series_id}
        if excluding is not None:
            values["seat_excluding"] = excluding
        if self.pair is not None:
            values["seat_profile"], values["seat_country"] = self.pair
        values.update((f"seat_session_{n}", s.id) for n, s in enumerate(self.sessions))
        return values

    def maximums(self) -> list[int]:
        """Each count's maximum, in the counts' order."""
        given = [m for m in (self.capacity, self.pair_maximum) if m is not None]
        return given + [s.capacity for s in self.sessions if s.capacity is not None]

    def maximum_parameters(self) -> dict[str, int]:
        """`maximum_0`...: the parameters of `reaches_a_maximum` besides the counts'."""
        return {f"maximum_{n}": m for n, m in enumerate(self.maximums())}

    def function_parameters(self, excluding: int) -> dict[str, object]:
        """The parameters of `seat_limit_reached` (`_counted_after_the_lock`)."""
        profile, country = self.pair if self.pair is not None else (None, None)
        return {
            "limit_excluding": excluding,
            "limit_capacity": self.capacity,
            "limit_profile": profile,
            "limit_country": country,
            "limit_pair_maximum": self.pair_maximum,
            "limit_sessions": [s.id for s in self.sessions],
            "limit_session_capacities": [s.capacity for s in self.sessions],
        }

    def shape(self) -> tuple[bool, bool, int]:
        """Which limits there are (the arguments of `_counts` and `reaches_a_maximum`)."""
        return self.capacity is not None, self.pair is not None, len(self.sessions)


def held_for(
    series: Series,
    profile: ParticipantProfile | None,
    country_code: str | None,
    sessions: Iterable[EventSession],
    *,
    excluding: int | None = None,
) -> Occupancy:
    """The seats `fits` reads for one registration, and only those, in one statement: the
    series' total when it has a capacity, its profile's in its country when the profile has
    a maximum, each chosen session's that has a capacity. Each is a count of its own rows,
    so the count under the lock does not grow with the rest of the series (the whole
    grouped count, `count_seats`, took 0.7 ms with 100 registrations and 1.5 ms with 2,500).
    """
    limits = Limits.of(series, profile, country_code, sessions)
    pair, limited = limits.pair, [s.id for s in limits.sessions]
    query = _held_query(*limits.shape(), excluding is not None)
    result = Occupancy()
    if query is None:
        return result
    values = limits.parameters(series.id, excluding)
    counts = iter(db.session.execute(query, values).one())
    if series.capacity is not None:
        result.total = next(counts)
    if pair is not None:
        result.by_profile_country[pair] = next(counts)
    for session_id in limited:
        result.by_session[session_id] = next(counts)
    return result


@lru_cache(maxsize=256)
def _held_query(
    total: bool, pair: bool, sessions: int, excluding: bool
) -> Select[tuple[int, ...]] | None:
    """`held_for`'s statement for one kind of registration (which limits it reads), built
    once: a statement keeps its cache key, which costs more than the count to compute. Its
    parameters: those of `_counts`."""
    queries = _counts(total, pair, sessions, excluding)
    return select(*(q.scalar_subquery() for q in queries)) if queries else None


def _counts(total: bool, pair: bool, sessions: int, excluding: bool) -> list[Select[int]]:
    """The counts `held_for` reads, in its order: the series', the pair's, each session's.
    Their parameters (`Limits.parameters`): `seat_series`, `seat_excluding`, `seat_profile`
    and `seat_country` for the pair, `seat_session_0`... (none is named after a column of
    registrations: `place`'s UPDATE would take it for a value to set)."""
    registrations = _REGISTRATIONS.c
    holders = [
        registrations.series_id == bindparam("seat_series"),
        # The values written out, as in the partial index that serves the counts: with bound
        # values, a prepared statement's generic plan could not use it, and would read every
        # registration of the series (the waiting list too) to count its holders.
        _HOLDING,
    ]
    if excluding:
        holders.append(registrations.id != bindparam("seat_excluding"))
    counted = select(func.count()).select_from(_REGISTRATIONS)
    queries = []
    if total:
        queries.append(counted.where(*holders))
    if pair:
        queries.append(
            counted.where(
                *holders,
                registrations.profile_id == bindparam("seat_profile"),
                registrations.country_code == bindparam("seat_country"),
            )
        )
    queries.extend(
        counted.join(registration_sessions).where(
            *holders, registration_sessions.c.session_id == bindparam(f"seat_session_{n}")
        )
        for n in range(sessions)
    )
    return queries


def seat_fits(
    series: Series,
    profile: ParticipantProfile | None,
    country_code: str | None,
    sessions: Sequence[EventSession],
    *,
    excluding: int | None = None,
) -> bool:
    """Whether one more seat fits under every hard limit, counted now (`held_for`); call it
    under the series lock."""
    occ = held_for(series, profile, country_code, sessions, excluding=excluding)
    return fits(occ, series, profile, country_code, sessions)


def place(
    registration: Registration,
    series: Series,
    profile: ParticipantProfile | None,
    country_code: str | None,
    sessions: Sequence[EventSession],
    now: datetime,
) -> None:
    """Under the series lock, a registration just written with the status of a seat waits
    instead (waitlisted) unless one more seat fits under every hard limit (`seat_fits`).

    On PostgreSQL the count and the change of status are one statement, whose condition is
    `fits`'s (some count at its maximum): one round trip fewer under the lock, where every
    registration of the series waits for the one before.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        if not seat_fits(series, profile, country_code, sessions, excluding=registration.id):
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlisted_at = now
        return
    limits = Limits.of(series, profile, country_code, sessions)
    if not limits.maximums():
        return
    query = _place_query(*limits.shape())
    values = limits.parameters(series.id, registration.id)
    values.update(limits.maximum_parameters())
    values.update(
        registration_id=registration.id, now=now, waitlisted=RegistrationStatus.WAITLISTED
    )
    if db.session.execute(query, values).scalar_one():
        reached.found_reached(series)
        for name, value in (
            ("status", RegistrationStatus.WAITLISTED),
            ("waitlisted_at", now),
            ("updated_at", now),
        ):
            set_committed_value(registration, name, value)


@lru_cache(maxsize=256)
def _place_query(total: bool, pair: bool, sessions: int) -> Select[tuple[bool]]:
    """`place`'s statement for one kind of registration, built once (as `_held_query`).
    Its parameters: those of `reaches_a_maximum`, `registration_id`, `now` and
    `waitlisted` (the status). It returns whether the registration now waits."""
    reached = reaches_a_maximum(total, pair, sessions, excluding=True)
    if reached is None:  # `place` asks only when some limit exists
        raise ValueError("without a limit, nothing waits")
    table = Registration.__table__
    now = bindparam("now", type_=table.c.updated_at.type)
    waited = (
        update(table)
        .where(table.c.id == bindparam("registration_id"), reached)
        .values(
            status=bindparam("waitlisted", type_=table.c.status.type),
            waitlisted_at=now,
            updated_at=now,
        )
        .returning(table.c.id)
        .cte("waited")
    )
    return select(select(waited.c.id).exists())


def reaches_a_maximum(
    total: bool, pair: bool, sessions: int, *, excluding: bool = False
) -> ColumnElement[bool] | None:
    """Whether one of the limits of this shape (`Limits.shape`) is reached, as SQL: `fits`'s
    condition, some count at its maximum; None when there is no limit. Its parameters:
    those of `_counts` and `maximum_0`... (`Limits.maximum_parameters`)."""
    queries = _counts(total, pair, sessions, excluding)
    if not queries:
        return None
    return or_(*(q.scalar_subquery() >= bindparam(f"maximum_{n}") for n, q in enumerate(queries)))


class Mispredicted(Exception):
    """A registration written without the lock does not hold under it (`confirm_prediction`):
    its transaction is to be rolled back, and the registration made again, lock first."""


def confirm_prediction(
    registration: Registration,
    series: Series,
    profile: ParticipantProfile | None,
    country_code: str | None,
    sessions: Sequence[EventSession],
    held: Held,
    seats_released: int,
) -> None:
    """Take the series lock and check what a registration written without it assumed
    (`inserts.insert_registration`'s `predicting`): that the series is the one it was
    checked against (its version), and that its status is the one the count gives now (it
    waits exactly when no seat fits). A registration put on the waiting list needs no count
    under the lock when the series' `seats_released` is still the one its count was made
    with (`seats_released`): since then seats were only taken, and the limit it found
    reached still is; a seat given back meanwhile (migration 0015) and it is counted again.
    A registration given a seat is counted by the lock statement itself, once the lock is
    granted (`_counted_after_the_lock`). The inserts `held` back since (its e-mails' and
    invitations' rows) are written by the lock's statement, before the lock. Mispredicted
    when something does not hold, or when a held insert left a row out (an address invited
    to the session meanwhile): rows were written, so the caller rolls back. Under the lock
    only the lock statement and the commit: registrations of one series wait for each other
    for two round trips."""
    db.session.flush()
    expected = series.version
    require_transaction()
    waits = registration.status == RegistrationStatus.WAITLISTED
    locked = held.attach(_PREDICTION_LOCK)
    values = {"series_id": series.id, **held.parameters()}
    if not waits:  # counted by the lock statement, once the lock is granted
        locked = _counted_after_the_lock(locked)
        limits = Limits.of(series, profile, country_code, sessions)
        values.update(limits.function_parameters(registration.id))
    row = direct_statements.first_row(locked, values)
    leading = 2 if waits else 3  # the version, `seats_released`, whether a limit is reached
    if row is None or row[0] != expected or not held.written_in_full(row[leading:]):
        raise Mispredicted()
    if not waits:
        if row[2]:  # some limit reached: it should wait, and the next ones count first
            reached.found_reached(series)
            raise Mispredicted()
        return
    if row[1] == seats_released:
        return
    if seat_fits(series, profile, country_code, sessions, excluding=registration.id):
        raise Mispredicted()


@lru_cache(maxsize=64)
def _counted_after_the_lock(locked: Select[Any]) -> Select[Any]:
    """`locked` (the lock statement, with its held inserts) with, after its version and
    `seats_released`, whether a limit of the registration is reached, counted by
    `seat_limit_reached` (migration 0017) once the series row is locked: the function is
    called on the rows of the locking subquery, and a PL/pgSQL function's statement reads
    what is committed when it runs, not when the lock statement began. Its parameters:
    `Limits.function_parameters`'. Built once per held shape (`locked` is `Held.attach`'s,
    itself cached)."""
    inner = locked.subquery("locked")
    columns = list(inner.c)
    limit_reached = limit_reached_now(bindparam("limit_excluding", type_=Integer()))
    return select(columns[0], columns[1], limit_reached, *columns[2:])


def limit_reached_now(excluding: ColumnElement[int]) -> ColumnElement[bool]:
    """`seat_limit_reached()` (migration 0017), which counts in a snapshot of its own, so
    called on a row the statement has locked, it counts once the lock is granted. Its
    parameters: `series_id` and `Limits.function_parameters`' but `limit_excluding`, which
    `excluding` gives (a parameter, or the id a statement writes)."""
    return func.seat_limit_reached(
        bindparam("series_id", type_=Integer()),
        excluding,
        bindparam("limit_capacity", type_=Integer()),
        bindparam("limit_profile", type_=Integer()),
        bindparam("limit_country", type_=String()),
        bindparam("limit_pair_maximum", type_=Integer()),
        bindparam("limit_sessions", type_=ARRAY(Integer())),
        bindparam("limit_session_capacities", type_=ARRAY(Integer())),
        type_=Boolean(),
    )


def seated_status(series: Series) -> RegistrationStatus:
    """The status of a registration that got a seat: confirmed, or pending approval."""
    if series.approval_mode == ApprovalMode.AUTOMATIC:
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.PENDING


def promote_waitlist(series: Series) -> list[Registration]:
    """Give freed seats to the waiting list, first come first served; returns the promoted.

    Each waiting registration in turn gets a seat if one fits it now; one whose profile or
    session is still full keeps its place while a later one with another profile moves up.
    Each one promoted is told, invited to its sessions, and announced to its approver.
    """
    lock_series(series.id)
    waiting = db.session.scalars(
        db.select(Registration)
        .where(
            Registration.series_id == series.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlisted_at, Registration.id)
        .options(selectinload(Registration.sessions), selectinload(Registration.profile))
    ).all()
    if not waiting:
        return []
    occ = count_seats(series)
    promoted = []
    for registration in waiting:
        if fits(
            occ, series, registration.profile, registration.country_code, registration.sessions
        ):
            occ.take(
                registration.profile_id,
                registration.country_code,
                (s.id for s in registration.sessions),
            )
            registration.status = seated_status(series)
            registration.waitlisted_at = None
            notifications.announce(registration, "promoted")
            approvals.notify_waiting(registration)
            promoted.append(registration)
    db.session.flush()
    return promoted
