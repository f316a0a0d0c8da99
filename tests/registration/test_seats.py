"""Seats: the series lock refuses to run where it would not hold, and the count is grouped."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from webinars.extensions import db
from webinars.registration import seats, services
from webinars.registration.models import HOLDING_CONDITION, Registration, RegistrationStatus

from .. import factories
from ..factories import registration_data
from ..helpers import recorded_statements


def test_the_series_lock_refuses_a_connection_in_autocommit(ctx) -> None:
    series = factories.open_series()
    db.session.commit()
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    with pytest.raises(seats.NotInTransaction):
        seats.lock_series(series.id)
    db.session.rollback()


def test_the_count_is_grouped_and_costs_the_same_for_ten_seats_as_for_one(ctx) -> None:
    series = factories.open_series(capacity=100)
    profile = factories.make_profile(series, code="prosecutor", max_per_country=50)
    first, second = series.sessions
    factories.make_session(series, capacity=20)  # a session capacity: counted per session
    db.session.refresh(series)
    alone = factories.make_registration(series, profile=profile, sessions=[first])
    with recorded_statements() as one:
        seats.count_seats(series)
    for code in ("CR", "CR", "MX", "GT"):
        factories.make_registration(series, profile=profile, country_code=code)
    factories.make_registration(series, country_code="MX", sessions=[second])
    for status in (RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED):
        factories.make_registration(series, profile=profile, status=status)
    with recorded_statements() as six:
        occ = seats.count_seats(series)
    assert len(six) == len(one) == 2
    assert occ.total == 6
    assert occ.by_profile_country == {
        (profile.id, "CR"): 3,
        (profile.id, "MX"): 1,
        (profile.id, "GT"): 1,
        (None, "MX"): 1,
    }
    assert occ.by_session[first.id] == 5 and occ.by_session[second.id] == 5
    assert seats.count_seats(series, excluding=alone.id).total == 5


def test_one_registration_counts_only_what_its_limits_read_in_one_statement(ctx) -> None:
    series = factories.open_series(capacity=100)
    profile = factories.make_profile(series, code="prosecutor", max_per_country=3)
    first, second = series.sessions
    limited = factories.make_session(series, capacity=2)
    db.session.refresh(series)
    for code in ("CR", "CR", "MX"):
        factories.make_registration(series, profile=profile, country_code=code, sessions=[first])
    held = factories.make_registration(series, profile=profile, sessions=[limited])
    factories.make_registration(series, country_code="CR", sessions=[limited])
    factories.make_registration(
        series, profile=profile, status=RegistrationStatus.WAITLISTED, sessions=[limited]
    )
    with recorded_statements() as statements:
        occ = seats.held_for(series, profile, "CR", [first, second, limited])
    assert len(statements) == 1
    assert occ.total == 5
    assert occ.by_profile_country == {(profile.id, "CR"): 3}  # the CR prosecutors, no other
    assert occ.by_session == {limited.id: 2}  # only the session with a capacity
    assert not seats.seat_fits(series, profile, "CR", [first])  # three CR prosecutors already
    assert seats.seat_fits(series, profile, "MX", [first])
    assert not seats.seat_fits(series, None, "MX", [limited])  # the session is full
    assert seats.seat_fits(series, None, "MX", [limited], excluding=held.id)
    # Nothing to read when nothing is limited: no statement at all.
    unlimited = factories.open_series()
    chosen = list(unlimited.sessions)
    with recorded_statements() as none:
        assert seats.seat_fits(unlimited, None, "CR", chosen)
    assert none == []


@pytest.mark.parametrize("shape", [(True, False, 0), (False, True, 0), (True, True, 1)])
def test_the_counts_read_only_the_holders_in_a_generic_plan(ctx, shape) -> None:
    """On PostgreSQL the counts are prepared statements (psycopg), which end up with a generic
    plan: it must read the seat holders of the pair from the partial index
    (`ix_registrations_holding`), not every registration of the series, the waiting list
    too, and check each one's status, as a generic plan did whose statuses were parameters."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    # A series as the bench's: a long waiting list, a few holders, the statistics known (as
    # autovacuum's ANALYZE keeps them). Without statistics the two indexes on the series
    # cost alike, and the planner's choice followed whatever the earlier tests had written.
    series = factories.open_series()
    profile = factories.make_profile(series, code="prosecutor")
    db.session.execute(
        text(
            "INSERT INTO registrations (series_id, email, first_name, last_name, country_code,"
            " observer_organization, institution, position, language, timezone,"
            " consent_to_list, status, rejection_reason, manage_token, created_at, updated_at,"
            " profile_id)"
            " SELECT :series, 'w' || n || '@example.gov', 'Ana', 'Pérez',"
            " (ARRAY['CR', 'MX', 'GT'])[n % 3 + 1], '', 'x', 'x', 'es', 'America/Costa_Rica',"
            " false, CASE WHEN n % 100 = 0 THEN 'confirmed' ELSE 'waitlisted' END, '',"
            " 'token-' || n, now(), now(), :profile FROM generate_series(1, 2000) AS n"
        ),
        {"series": series.id, "profile": profile.id},
    )
    db.session.execute(text("ANALYZE registrations"))
    sql = str(seats._held_query(*shape, excluding=True).compile(db.engine))
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    for n, name in enumerate(names, 1):
        sql = sql.replace(f"%({name})s", f"${n}")
    values = {"seat_series": "1", "seat_excluding": "1", "seat_profile": "1"}
    values |= {"seat_country": "'CR'", "seat_session_0": "1"}
    db.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    db.session.execute(text(f"PREPARE counts AS {sql}"))
    arguments = ", ".join(values[name] for name in names)
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN EXECUTE counts({arguments})")))
    # On the same connection: after the rollback the pool may hand out another one.
    db.session.execute(text("DEALLOCATE counts"))
    db.session.rollback()
    # Each count an index scan that reads holders only: the partial index, or the index on
    # (series, status) with the statuses among its conditions; never a status filtered row
    # by row, the waiting list read too.
    lines = plan.splitlines()
    counted = ("ix_registrations_holding", "ix_registrations_series_id_status")
    scans = [line for line in lines if "Scan" in line and any(n in line for n in counted)]
    assert len(scans) == sum(shape), plan
    assert not any("Filter:" in line and "status" in line for line in lines), plan
    assert "Seq Scan on registrations" not in plan, plan


def test_a_registration_joins_the_person_of_the_same_address_elsewhere(ctx) -> None:
    earlier, later = factories.open_series(), factories.open_series()
    first = services.register(earlier, registration_data(email="ana@example.gov"))
    other = services.register(earlier, registration_data(email="luis@example.gov"))
    again = services.register(later, registration_data(email="ANA@example.gov"))
    assert first.participant_id is not None and other.participant_id is not None
    assert again.participant_id == first.participant_id != other.participant_id


@pytest.mark.parametrize("limit", ["capacity", "profile", "session"])
def test_a_new_registration_waits_exactly_at_each_kind_of_limit(ctx, limit: str) -> None:
    """`seats.place` (one statement on PostgreSQL: the count and the change of status) waits
    a registration exactly when `seat_fits` says no seat fits, for each kind of limit, and
    the row says what the object says."""
    series = factories.open_series(capacity=2 if limit == "capacity" else None)
    factories.make_profile(series, code="prosecutor", max_per_country=2)
    limited = factories.make_session(series, capacity=2 if limit == "session" else None)
    db.session.refresh(series)
    data = {"profile_code": "prosecutor", "session_ids": [limited.id]}
    placed = []
    for n, country in enumerate(["CR", "CR", "CR"] if limit == "profile" else ["CR", "MX", "GT"]):
        fits = seats.seat_fits(series, series.profiles[0], country, [limited])
        with recorded_statements() as statements:
            registration = services.register(
                series, registration_data(email=f"p{n}@example.gov", country_code=country, **data)
            )
        placed.append(registration.status)
        assert (registration.status == RegistrationStatus.CONFIRMED) is fits
        assert registration not in db.session.dirty
        if db.engine.dialect.name == "postgresql":  # SQLite counts, then flushes the status
            # One count of seats (the registration's statement counts only what it wrote).
            assert sum(HOLDING_CONDITION in s for s in statements) == 1
            assert not any(s.lstrip().upper().startswith("UPDATE") for s in statements)
    assert placed == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITLISTED]
    db.session.expire_all()
    statuses = db.session.scalars(
        db.select(Registration.status)
        .where(Registration.series_id == series.id)
        .order_by(Registration.id)
    ).all()
    assert statuses == placed
