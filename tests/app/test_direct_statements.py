"""Statements sent by psycopg directly: the values, rows, listeners and errors SQLAlchemy's
own execution gives."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import Integer, bindparam, insert, literal, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from webinars import direct_statements
from webinars.extensions import db
from webinars.registration.models import Registration, RegistrationStatus

from .. import factories
from ..helpers import recorded_statements

TABLE = Registration.__table__


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def test_values_go_and_come_back_as_sqlalchemy_converts_them(ctx) -> None:
    status = bindparam("status", type_=TABLE.c.status.type)
    when = bindparam("when", type_=TABLE.c.created_at.type)
    statement = select(status, when, bindparam("n", type_=Integer()) + 1, literal(41) + 1)
    moment = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    row = direct_statements.first_row(
        statement, {"status": RegistrationStatus.WAITLISTED, "when": moment, "n": 1}
    )
    # The enum given by SQLAlchemy's result processor; a literal of the statement sent too.
    assert row == tuple(
        db.session.execute(statement, {"status": "waitlisted", "when": moment, "n": 1}).one()
    )
    assert row[0] is RegistrationStatus.WAITLISTED
    assert row[2:] == (2, 42)
    assert (
        direct_statements.first_row(select(status).where(literal(False)), {"status": None}) is None
    )


def test_a_row_written_is_in_the_session_transaction(ctx) -> None:
    series = factories.open_series()
    db.session.commit()
    statement = select(
        insert(TABLE)
        .values(
            series_id=bindparam("series_id"),
            email=bindparam("email"),
            first_name="Ana",
            last_name="Pérez",
            country_code="CR",
            observer_organization="",
            institution="Fiscalía",
            position="Fiscal",
            language="es",
            timezone="America/Costa_Rica",
            consent_to_list=False,
            rejection_reason="",
            status=bindparam("status", type_=TABLE.c.status.type),
            manage_token=bindparam("token"),
            created_at=bindparam("now", type_=TABLE.c.created_at.type),
            updated_at=bindparam("now", type_=TABLE.c.updated_at.type),
        )
        .returning(TABLE.c.id, TABLE.c.status)
        .cte("written")
    )
    values = {
        "series_id": series.id,
        "email": "direct@example.gov",
        "status": RegistrationStatus.CONFIRMED,
        "token": "t" * 43,
        "now": datetime(2026, 12, 4, tzinfo=UTC),
    }
    if not _on_postgresql():
        pytest.skip("a data-modifying CTE: PostgreSQL (SQLite runs it through the session)")
    with recorded_statements() as sent:
        row = direct_statements.first_row(statement, values)
    assert row is not None and row[1] is RegistrationStatus.CONFIRMED
    # The engine's listeners saw it, once (the tests that count statements rely on them).
    assert len(sent) == 1 and "INSERT INTO registrations" in sent[0]
    stored = db.session.execute(
        text("SELECT status FROM registrations WHERE id = :id"), {"id": row[0]}
    )
    assert stored.scalar_one() == "confirmed"
    # The unique key: SQLAlchemy's IntegrityError, as the services expect.
    with pytest.raises(IntegrityError):
        direct_statements.first_row(statement, {**values, "token": "u" * 43})
    db.session.rollback()
    assert (
        db.session.scalar(select(TABLE.c.id).where(TABLE.c.email == "direct@example.gov")) is None
    )


def test_a_lost_connection_is_sqlalchemys_error_and_is_replaced(ctx) -> None:
    if not _on_postgresql():
        pytest.skip("PostgreSQL: a server connection to end")
    statement = select(bindparam("n", type_=Integer()))
    assert direct_statements.first_row(statement, {"n": 1}) == (1,)
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(OperationalError) as raised:
        direct_statements.first_row(statement, {"n": 2})
    # Invalidated, as by SQLAlchemy's own execution: `resilience` answers 503, and the pool
    # gives the next transaction a new connection.
    assert raised.value.connection_invalidated
    db.session.rollback()
    assert direct_statements.first_row(statement, {"n": 3}) == (3,)


def test_what_needs_sqlalchemys_execution_is_refused(ctx) -> None:
    if not _on_postgresql():
        pytest.skip("SQLite runs every statement through the session")
    expanding = select(literal(1)).where(literal(1).in_(bindparam("values", expanding=True)))
    with pytest.raises(ValueError, match="named parameters"):
        direct_statements.first_row(expanding, {"values": [1]})
    # Columns left to their Python-side defaults: SQLAlchemy's execution would fill them in.
    defaulted = select(insert(TABLE).values(email="x").returning(TABLE.c.id).cte("written"))
    with pytest.raises(ValueError, match="defaults"):
        direct_statements.first_row(defaulted, {})


def test_a_statement_on_its_own_is_committed_by_postgresql(ctx) -> None:
    """Sent outside a transaction: committed as it ends (a rollback afterwards takes nothing
    back), or taken back whole when it fails; the connection is left ready for the next
    transaction. In a transaction begun already it is refused (InTransaction)."""
    if not _on_postgresql():
        pytest.skip("psycopg's autocommit: PostgreSQL")
    series_id = factories.open_series().id
    db.session.commit()
    db.session.close()
    written = select(
        insert(TABLE)
        .from_select(
            list(_ROW),
            select(*(bindparam(c, type_=TABLE.c[c].type) for c in _ROW)),
        )
        .returning(TABLE.c.id)
        .cte("written")
    )
    values = {**_row_values(series_id), "email": "own@example.gov", "manage_token": "a" * 43}
    assert direct_statements.outside_transaction()
    row = direct_statements.first_row_on_its_own(written, values)
    assert row is not None
    db.session.rollback()  # nothing to take back: PostgreSQL committed it
    assert db.session.scalar(select(TABLE.c.id).where(TABLE.c.email == "own@example.gov"))
    db.session.rollback()
    db.session.close()
    # A failing one (the address taken) leaves nothing, and the connection as it was.
    second = {**values, "manage_token": "b" * 43}
    with pytest.raises(IntegrityError):
        direct_statements.first_row_on_its_own(written, second)
    db.session.rollback()
    raw = db.session.connection().connection.dbapi_connection
    assert raw is not None and raw.autocommit is False
    assert db.session.scalar(select(db.func.count()).select_from(TABLE)) == 1
    with pytest.raises(direct_statements.InTransaction):
        direct_statements.first_row_on_its_own(written, {**values, "email": "x@example.gov"})


#: The columns of a registration the test above writes.
_ROW = (
    "series_id",
    "email",
    "first_name",
    "last_name",
    "country_code",
    "observer_organization",
    "institution",
    "position",
    "language",
    "timezone",
    "consent_to_list",
    "rejection_reason",
    "status",
    "manage_token",
    "created_at",
    "updated_at",
)


def _row_values(series_id: int) -> dict[str, object]:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    return {
        "series_id": series_id,
        "first_name": "Ana",
        "last_name": "Pérez",
        "country_code": "CR",
        "observer_organization": "",
        "institution": "Fiscalía",
        "position": "Fiscal",
        "language": "es",
        "timezone": "America/Costa_Rica",
        "consent_to_list": False,
        "rejection_reason": "",
        "status": RegistrationStatus.WAITLISTED,
        "created_at": now,
        "updated_at": now,
    }
