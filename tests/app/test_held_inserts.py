"""Inserts held back and written by the next statement (`webinars.held_inserts`).

What is held and how it is completed runs anywhere; the statement that writes held rows is
PostgreSQL's (CTEs that insert), and is tested there (TEST_DATABASE_URL).
"""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import literal, select

from webinars import held_inserts
from webinars.extensions import db
from webinars.invitations.models import ICalMethod, Invitation
from webinars.mail.models import OutboxMessage, OutboxStatus

from .. import factories

OUTBOX = OutboxMessage.__table__
INVITATIONS = Invitation.__table__
REQUEST = ICalMethod.REQUEST
_numbers = itertools.count()


def message(**fields: object) -> dict[str, object]:
    return {
        "kind": "registration.confirmed",
        "to_address": "ana@example.gov",
        "language": "en",
        "message_id": f"<{next(_numbers)}@example.gov>",
        **fields,
    }


def test_nothing_is_held_outside_a_block() -> None:
    assert held_inserts.hold(OUTBOX, [message()]) is False


def test_rows_are_completed_with_the_columns_defaults_in_the_tables_order() -> None:
    with held_inserts.held() as held:
        assert held_inserts.hold(OUTBOX, [message(), message(kind="invitation.new")])
    values = held.parameters()
    assert values["held_0_0_status"] == OutboxStatus.PENDING
    assert values["held_0_1_kind"] == "invitation.new"
    assert values["held_0_0_attempts"] == 0
    assert isinstance(values["held_0_0_created_at"], datetime)


def test_rows_of_other_columns_are_left_to_their_writer() -> None:
    with held_inserts.held() as held:
        assert not held_inserts.hold(OUTBOX, [])
        assert not held_inserts.hold(
            INVITATIONS,
            [{"session_id": 1, "email": "a@example.gov"}, {"session_id": 2}],
        )
    assert held.parameters() == {}


@pytest.fixture
def pg(database_url: str, ctx: Flask) -> Flask:
    if not database_url.startswith("postgresql"):
        pytest.skip("held inserts are written by PostgreSQL's CTEs (TEST_DATABASE_URL)")
    return ctx


def test_the_next_statement_writes_the_held_rows_first_and_says_how_many(pg: Flask) -> None:
    series = factories.open_series()
    first, second = series.sessions
    db.session.add(Invitation(session_id=first.id, email="speaker@example.gov", method=REQUEST))
    db.session.flush()
    with held_inserts.held() as held:
        held_inserts.hold(
            INVITATIONS,
            [
                {"session_id": first.id, "email": "speaker@example.gov", "method": REQUEST},
                {"session_id": second.id, "email": "speaker@example.gov", "method": REQUEST},
            ],
            unless_conflict_on=("session_id", "email"),
        )
        held_inserts.hold(OUTBOX, [message(series_id=series.id)])
    # The query's WHERE reads what the inserts wrote: they run before it reads the table.
    query = select(literal(1).label("one"))
    row = db.session.execute(held.attach(query), held.parameters()).one()
    assert tuple(row) == (1, 1, 1)
    assert not held.written_in_full(row[1:])  # the speaker's row was left out
    assert held.written_in_full([2, 1])
    emails = db.session.scalars(
        select(Invitation.session_id).filter_by(email="speaker@example.gov")
    ).all()
    assert sorted(emails) == sorted([first.id, second.id])
    [queued] = db.session.scalars(select(OutboxMessage).filter_by(series_id=series.id)).all()
    assert queued.status == OutboxStatus.PENDING and queued.kind == "registration.confirmed"


def test_the_statement_is_built_once_per_shape() -> None:
    query = select(literal(1))

    def attached(rows: int) -> object:
        with held_inserts.held() as held:
            held_inserts.hold(OUTBOX, [message()] * rows)
        return held.attach(query)

    assert attached(1) is attached(1)
    assert attached(1) is not attached(2)
    with held_inserts.held() as nothing:
        pass
    assert nothing.attach(query) is query
