"""A registration through the API is written before the series lock, with the status the
unlocked count predicts, and confirmed under the lock (`seats.confirm_prediction`); when the
prediction does not hold, the request rolls back and registers again, lock first.

PostgreSQL only: SQLite's first write locks the whole database, so nothing is predicted there.
Each test makes the prediction wrong on purpose, with a second connection that commits
between the unlocked write and the lock, and checks the registrant gets what the lock-first
path gives: the right status, one e-mail that says it, invitations only when confirmed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from webinars.extensions import db
from webinars.invitations.models import Invitation
from webinars.mail.models import OutboxMessage
from webinars.registration import seats, services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import Series

from .. import factories
from ..conftest import make_test_app
from ..factories import registration_data

S = RegistrationStatus


@pytest.fixture
def pg(database_url: str, ctx: Flask) -> Flask:
    if not database_url.startswith("postgresql"):
        pytest.skip("the prediction is made on PostgreSQL only (TEST_DATABASE_URL)")
    return ctx


def post(app: Flask, slug: str, email: str, **fields: Any) -> int:
    body = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": email,
        "country": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "other",
        "language": "es",
        **fields,
    }
    response = app.test_client().post(f"/api/v1/series/{slug}/registrations", json=body)
    return response.status_code


def commit() -> None:
    db.session.commit()
    db.session.close()


@pytest.fixture
def between(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """`between(sql)`: the next confirmation first runs `sql` on a connection of its own,
    committed, as another request would between this one's unlocked write and its lock."""
    pending: list[str] = []
    confirm = seats.confirm_prediction

    def interleaved(*args: Any, **kwargs: Any) -> None:
        while pending:
            with db.engine.begin() as other:
                other.execute(text(pending.pop(0)))
        confirm(*args, **kwargs)

    monkeypatch.setattr(seats, "confirm_prediction", interleaved)
    yield pending.append


def mails_to(email: str) -> list[str]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage.kind).filter_by(to_address=email).order_by(OutboxMessage.id)
        )
    )


def registration(email: str) -> Registration:
    return db.session.scalars(db.select(Registration).filter_by(email=email)).one()


def _taken_seat(series_id: int, email: str) -> str:
    """A confirmed registration written by someone else, as plain SQL."""
    return (
        "INSERT INTO registrations (series_id, email, first_name, last_name, country_code,"
        " observer_organization, institution, position, language, timezone, consent_to_list,"
        " status, rejection_reason, manage_token, created_at, updated_at)"
        f" VALUES ({series_id}, '{email}', 'Other', 'One', 'MX', '', 'x', 'x', 'es',"
        " 'America/Mexico_City', false, 'confirmed', '', 'token-other', now(), now())"
    )


def test_the_last_seat_taken_meanwhile_puts_the_registration_on_the_waiting_list(
    pg: Flask, between: Callable[[str], None]
) -> None:
    series_id = factories.open_series(slug="last-seat", capacity=1).id
    commit()
    between(_taken_seat(series_id, "other@example.gov"))
    assert post(pg, "last-seat", "ana@example.gov") == 201
    assert registration("ana@example.gov").status == S.WAITLISTED
    # Only what the waiting list says: the confirmation and invitations written before the
    # lock were rolled back with the rest.
    assert mails_to("ana@example.gov") == ["registration.waitlisted"]
    assert db.session.scalars(db.select(Invitation).filter_by(email="ana@example.gov")).all() == []
    assert registration("other@example.gov").status == S.CONFIRMED


def test_a_seat_freed_meanwhile_is_given_to_the_registration(
    pg: Flask, between: Callable[[str], None]
) -> None:
    series = factories.open_series(slug="freed-seat", capacity=1)
    holder = factories.make_registration(series, email="holder@example.gov")
    series_id, holder_id = series.id, holder.id
    commit()
    between(f"UPDATE registrations SET status = 'cancelled' WHERE id = {holder_id}")
    assert post(pg, "freed-seat", "ana@example.gov") == 201
    assert registration("ana@example.gov").status == S.CONFIRMED
    assert mails_to("ana@example.gov")[0] == "registration.confirmed"
    sessions = db.session.scalars(
        db.select(Invitation.session_id).filter_by(email="ana@example.gov")
    )
    assert len(list(sessions)) == 2
    assert series_id


def test_a_limit_set_meanwhile_holds(pg: Flask, between: Callable[[str], None]) -> None:
    series = factories.open_series(slug="limit-meanwhile")
    factories.make_registration(series, email="first@example.gov")
    series_id = series.id
    commit()
    post(pg, "limit-meanwhile", "kept@example.gov")  # the process keeps the series now
    between(f"UPDATE series SET capacity = 2 WHERE id = {series_id}")
    assert post(pg, "limit-meanwhile", "ana@example.gov") == 201
    assert registration("ana@example.gov").status == S.WAITLISTED
    assert db.session.get(Series, series_id).capacity == 2


def test_forty_at_once_through_the_api_for_two_places(database_url: str, app: Flask) -> None:
    """Forty requests at once, each predicting without the lock: the lock still gives
    exactly two seats, and every registrant one e-mail that says which."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency is tested on PostgreSQL (TEST_DATABASE_URL)")
    parallel = make_test_app(
        database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 40, "max_overflow": 2},
        RATELIMIT_ENABLED=False,
    )
    with parallel.app_context():
        factories.open_series(slug="two-places", capacity=2)
        db.session.commit()
    barrier = threading.Barrier(40)
    statuses: list[int] = []

    def run(n: int) -> None:
        barrier.wait()
        statuses.append(post(parallel, "two-places", f"p{n}@example.gov"))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with parallel.app_context():
        assert statuses == [201] * 40
        held = db.session.scalars(db.select(Registration.status)).all()
        assert sorted(held).count(S.CONFIRMED) == 2 and held.count(S.WAITLISTED) == 38
        kinds = db.session.scalars(
            db.select(OutboxMessage.kind).where(OutboxMessage.ical_method == "")
        ).all()
        assert sorted(kinds) == ["registration.confirmed"] * 2 + ["registration.waitlisted"] * 38
        invited = db.session.scalar(db.select(db.func.count()).select_from(Invitation))
        assert invited == 2 * 2
        db.engine.dispose()


def test_a_series_changed_between_the_write_and_the_lock_is_read_again(
    pg: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lock first (every caller but the API): the row is written, then the lock taken; a
    version changed in between takes the row and its new person back, and the registration
    is made again on the series read under the lock."""
    series = factories.open_series(capacity=5)
    factories.make_registration(series, email="first@example.gov")
    series_id = series.id
    commit()
    lock = seats.lock_series
    changes = [f"UPDATE series SET capacity = 1 WHERE id = {series_id}"]

    def interleaved(series_id: int) -> int | None:
        while changes:
            with db.engine.begin() as other:
                other.execute(text(changes.pop()))
        return lock(series_id)

    monkeypatch.setattr(seats, "lock_series", interleaved)
    people_before = db.session.scalar(text("SELECT count(*) FROM participants"))
    registration = services.register(
        db.session.get(Series, series_id), registration_data(email="ana@example.gov")
    )
    db.session.commit()
    assert registration.status == S.WAITLISTED
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(Registration).filter_by(email="ana@example.gov")
        )
        == 1
    )
    # One new person, the one the registration kept: the first one was taken back.
    assert db.session.scalar(text("SELECT count(*) FROM participants")) == people_before + 1
    assert registration.participant_id is not None
