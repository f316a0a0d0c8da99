"""Writing a new registration (`registration.inserts`): one statement on PostgreSQL, four on
SQLite, the same rows and the same object either way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import inspect, text

from webinars.extensions import db
from webinars.participation.models import Participant
from webinars.registration import inserts, services
from webinars.registration.anonymised import anonymised_email
from webinars.registration.inserts import insert_registration
from webinars.registration.models import Registration, RegistrationStatus, registration_sessions

from .. import factories
from ..factories import registration_data
from ..helpers import recorded_statements


def _values(email: str, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "email": email,
        "first_name": "Ana",
        "last_name": "Pérez",
        "country_code": "CR",
        "observer_organization": "",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile_id": None,
        "language": "es",
        "timezone": "America/Costa_Rica",
        "consent_to_list": False,
        "sex": None,
        "status": RegistrationStatus.CONFIRMED,
        "rejection_reason": "",
        "manage_token": f"token-{email}",
        "registered_by_id": None,
        "created_at": services.utcnow(),
        "updated_at": services.utcnow(),
        "waitlisted_at": None,
    }
    values.update(fields)
    return values


def _inserted(*args: Any, **kwargs: Any) -> Registration | None:
    inserted = insert_registration(*args, **kwargs)
    return inserted.registration if inserted is not None else None


def test_the_new_registration_is_loaded_whole_and_its_rows_are_written(ctx) -> None:
    series = factories.open_series()
    first, second = series.sessions
    db.session.commit()
    registration = _inserted(_values("ana@example.gov"), series, None, [second, first], link=True)
    assert registration is not None
    state = inspect(registration)
    assert state.persistent and not state.expired_attributes
    with recorded_statements() as reads:  # nothing is read back
        assert registration.email == "ana@example.gov"
        assert registration.created_at is not None and registration.rejection_reason == ""
        assert registration.sessions == [first, second] and registration.series is series
    assert reads == []
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Registration, registration.id)
    assert stored is not None and stored.participant_id is not None
    assert [s.id for s in stored.sessions] == [first.id, second.id]
    assert stored.status == RegistrationStatus.CONFIRMED


def test_a_predicted_registration_is_loaded_whole_outside_the_session(ctx) -> None:
    """With `predicting` (PostgreSQL), the object is built as if loaded, then left out of
    the session (its series may be the process's shared copy); elsewhere it is persistent,
    as without."""
    series = factories.open_series()
    db.session.commit()
    values = _values("ana@example.gov")
    registration = _inserted(
        values, series, None, series.sessions, link=True, predicting=services.utcnow()
    )
    assert registration is not None
    state = inspect(registration)
    if db.session.get_bind().dialect.name == "postgresql":
        assert state.detached and registration not in db.session
    else:
        assert state.persistent
    assert not state.expired_attributes
    with recorded_statements() as reads:
        assert {name: getattr(registration, name) for name in values} == values
        assert registration.series is series and registration.sessions == series.sessions
    assert reads == []
    db.session.commit()
    stored = db.session.get(Registration, registration.id)
    assert stored is not None and stored.email == "ana@example.gov"
    assert stored.participant_id == registration.participant_id is not None


def test_the_person_of_the_address_elsewhere_is_reused_and_a_new_address_gets_a_new_one(
    ctx,
) -> None:
    earlier, later = factories.open_series(), factories.open_series()
    db.session.commit()
    services.register(earlier, registration_data(email="ana@example.gov"))
    db.session.commit()
    people = db.session.query(Participant).count()
    again = _inserted(_values("ana@example.gov"), later, None, [], link=True)
    other = _inserted(_values("eva@example.gov"), later, None, [], link=True)
    assert again is not None and other is not None
    [person] = db.session.scalars(
        db.select(Registration.participant_id).where(
            Registration.email == "ana@example.gov", Registration.series_id == earlier.id
        )
    )
    assert again.participant_id == person
    assert other.participant_id not in (None, person)
    assert db.session.query(Participant).count() == people + 1


def test_unlinked_and_anonymised_registrations_get_no_person(ctx) -> None:
    series = factories.open_series()
    db.session.commit()
    people = db.session.query(Participant).count()
    unverified = _inserted(
        _values("new@example.gov", status=RegistrationStatus.UNVERIFIED),
        series,
        None,
        [],
        link=False,
    )
    hidden = _inserted(_values(anonymised_email(999_999)), series, None, [], link=True)
    assert unverified is not None and unverified.participant_id is None
    assert hidden is not None and hidden.participant_id is None
    assert db.session.query(Participant).count() == people


def test_an_address_registered_already_writes_nothing_and_the_transaction_goes_on(ctx) -> None:
    """A delegation upload registers row after row in one transaction: a duplicate row is a
    row error, and the rows after it still register."""
    series = factories.open_series()
    db.session.commit()
    assert insert_registration(_values("ana@example.gov"), series, None, series.sessions, link=True)
    people = db.session.query(Participant).count()
    rows = db.session.query(registration_sessions).count()
    twice = _inserted(
        _values("ana@example.gov", manage_token="another"), series, None, series.sessions, link=True
    )
    assert twice is None
    assert db.session.query(Participant).count() == people
    assert db.session.query(registration_sessions).count() == rows
    assert insert_registration(_values("eva@example.gov"), series, None, [], link=True)
    db.session.commit()
    assert db.session.query(Registration).filter_by(series_id=series.id).count() == 2


def test_the_address_is_read_once_by_the_address_alone(ctx) -> None:
    """The statement reads the address's registrations once, by the address alone, and both
    uses (registered here already? the person of the others?) read that. Asked as
    `series_id = ? AND email = ?`, the lookup let a generic plan made while the series was
    small pick the index on (series, status), tied with the unique key, and then filter the
    whole series by address at each registration: 1.3 ms at 8,000 rows, twice, in
    bench/registration.py, whose statistics nothing refreshes."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's statement")
    sql = str(inserts._one_statement(None).compile(db.engine))
    reads = re.findall(r"FROM registrations\s+WHERE (.*)", sql)
    assert reads == ["registrations.email = %(email)s::VARCHAR), "], reads
    # In a generic plan, by the index on the address (with sequential scans out of the way:
    # on a table this small the planner would rightly read it all).
    series = factories.open_series()
    for n in range(3):
        services.register(series, registration_data(email=f"early{n}@example.gov"))
    db.session.execute(text("ANALYZE registrations"))
    db.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    for n in range(6):  # psycopg prepares the statement at its sixth use
        services.register(series, registration_data(email=f"later{n}@example.gov"))
    name, types = db.session.execute(
        text(
            "SELECT name, parameter_types::text[] FROM pg_prepared_statements"
            " WHERE statement LIKE '%INSERT INTO registrations%' AND generic_plans > 0"
        )
    ).one()
    arguments = ", ".join(f"NULL::{kind}" for kind in types)
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN EXECUTE {name}({arguments})")))
    db.session.rollback()
    # An index scan or a bitmap scan, as the statistics the earlier tests left make cheaper.
    indexes = re.findall(r"(?:using|Bitmap Index Scan on) (\w*registrations\w*)", plan)
    assert indexes == ["ix_registrations_email"], plan
    assert "Seq Scan on registrations" not in plan, plan
    assert not any("Filter:" in line and "email" in line for line in plan.splitlines()), plan
