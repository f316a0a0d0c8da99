"""Deferred outbox rows written together (`mail.outbox.one_insert`): in the order they were
enqueued, in one statement, and never lost or doubled when the change fails."""

from __future__ import annotations

import pytest
from flask import Flask

from webinars.extensions import db
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.outbox import UnsendableAddress, enqueue_deferred, one_insert
from webinars.registration import services
from webinars.registration.models import RegistrationStatus

from .. import factories
from ..helpers import recorded_statements


def _enqueue(kind: str, address: str = "ana@example.gov") -> None:
    enqueue_deferred("registration", kind=kind, to_address=address, language="es")


def _kinds() -> list[str]:
    return list(db.session.scalars(db.select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def _inserts(statements: list[str]) -> int:
    return sum(s.lstrip().upper().startswith("INSERT INTO OUTBOX_MESSAGES") for s in statements)


def test_outside_a_block_each_message_is_written_at_once(ctx: Flask) -> None:
    _enqueue("registration.received")
    assert _kinds() == ["registration.received"]
    [message] = db.session.scalars(db.select(OutboxMessage))
    assert message.status == OutboxStatus.PENDING
    assert message.renderer == "registration"
    assert message.message_id and message.created_at is not None


def test_a_block_writes_its_messages_at_its_end_in_order_in_one_statement(ctx: Flask) -> None:
    with recorded_statements() as statements, one_insert():
        for kind in ("a", "b", "c"):
            _enqueue(f"registration.{kind}")
        assert _kinds() == []  # not yet: the block has not ended
    assert _kinds() == ["registration.a", "registration.b", "registration.c"]
    assert _inserts(statements) == 1


def test_a_block_inside_another_writes_at_the_end_of_the_outer_one(ctx: Flask) -> None:
    with recorded_statements() as statements, one_insert():
        _enqueue("registration.first")
        with one_insert():
            _enqueue("registration.inner")
        assert _kinds() == []
        _enqueue("registration.last")
    assert _kinds() == ["registration.first", "registration.inner", "registration.last"]
    assert _inserts(statements) == 1


def test_a_block_that_fails_writes_nothing(ctx: Flask) -> None:
    with pytest.raises(RuntimeError), one_insert():
        _enqueue("registration.a")
        raise RuntimeError("the change failed")
    assert _kinds() == []


def test_an_unsendable_address_is_refused_before_anything_is_written(ctx: Flask) -> None:
    with pytest.raises(UnsendableAddress), one_insert():
        _enqueue("registration.a")
        _enqueue("registration.b", address="ana@example.gov\r\nBcc: x@example.org")
    assert _kinds() == []


def test_a_confirmed_registration_writes_its_receipt_then_its_invitations_in_one_insert(
    ctx: Flask,
) -> None:
    series = factories.open_series(conference_url="https://zoom.us/j/42")
    db.session.commit()
    with recorded_statements() as statements:
        registration = services.register(series, factories.registration_data())
    db.session.commit()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert _kinds() == ["registration.confirmed", "invitation.new", "invitation.new"]
    assert _inserts(statements) == 1


def test_a_waitlisted_registration_written_before_the_lock_is_not_counted_twice(
    ctx: Flask,
) -> None:
    """The row is written with a seat's status before the series lock and left out of the
    count: the last seat goes to it, the next one waits."""
    series = factories.open_series(capacity=1)
    db.session.commit()
    first = services.register(series, factories.registration_data())
    db.session.commit()
    second = services.register(series, factories.registration_data())
    db.session.commit()
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITLISTED
    assert second.waitlisted_at is not None
    assert _kinds() == [
        "registration.confirmed",
        "invitation.new",
        "invitation.new",
        "registration.waitlisted",
    ]
