"""Concurrent registrations on PostgreSQL: hard limits hold under real parallel transactions."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import Series

from .. import factories
from ..conftest import make_test_app

S = RegistrationStatus


@pytest.fixture
def pg_app(database_url: str, app: Flask) -> Iterator[Flask]:
    """A second app on the same database with a pool wide enough for 40 parallel threads."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency is tested on PostgreSQL (TEST_DATABASE_URL)")
    parallel = make_test_app(
        database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 40, "max_overflow": 2}
    )
    yield parallel
    with parallel.app_context():
        db.engine.dispose()


def _in_parallel(app: Flask, jobs: list[Callable[[], Any]]) -> list[BaseException]:
    """Run each job in its own thread, app context and transaction, all released at once."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                barrier.wait()
                job()
                db.session.commit()
            except BaseException as error:  # collected and reported by the test
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _series(app: Flask, **fields: Any) -> int:
    with app.app_context():
        series = factories.open_series(**fields)
        db.session.commit()
        return series.id


def _register(series_id: int, **fields: Any) -> Callable[[], Registration]:
    def job() -> Registration:
        series = db.session.get(Series, series_id)
        return services.register(series, factories.registration_data(**fields))

    return job


def _statuses(app: Flask, series_id: int) -> list[RegistrationStatus]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Registration.status)
                .filter_by(series_id=series_id)
                .order_by(Registration.id)
            )
        )


def test_forty_at_once_for_two_places(pg_app: Flask) -> None:
    series_id = _series(pg_app, capacity=2)
    errors = _in_parallel(pg_app, [_register(series_id) for _ in range(40)])
    assert errors == []
    statuses = _statuses(pg_app, series_id)
    assert statuses.count(S.CONFIRMED) == 2
    assert statuses.count(S.WAITLISTED) == 38
    with pg_app.app_context():
        mails = db.session.scalar(
            db.select(db.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.ical_method == "")
        )
        assert mails == 40


def test_forty_at_once_for_a_profile_maximum_of_two_per_country(pg_app: Flask) -> None:
    series_id = _series(pg_app)
    with pg_app.app_context():
        series = db.session.get(Series, series_id)
        factories.make_profile(series, code="prosecutor", min_per_country=2, max_per_country=2)
        db.session.commit()
    jobs = [
        _register(series_id, profile_code="prosecutor", country_code=code)
        for code in ("CR", "MX") * 20
    ]
    assert _in_parallel(pg_app, jobs) == []
    with pg_app.app_context():
        held = db.session.execute(
            db.select(Registration.country_code, db.func.count())
            .filter_by(series_id=series_id)
            .where(Registration.status.in_((S.CONFIRMED, S.PENDING)))
            .group_by(Registration.country_code)
        ).all()
    assert sorted(held) == [("CR", 2), ("MX", 2)]


def test_the_same_email_forty_times_registers_once(pg_app: Flask) -> None:
    series_id = _series(pg_app)
    errors = _in_parallel(pg_app, [_register(series_id, email="twin@example.gov")] * 40)
    assert len(errors) == 39, errors[:3]
    assert {type(e) for e in errors} == {services.DuplicateRegistration}, errors[:3]
    assert all(isinstance(e, services.DuplicateRegistration) for e in errors)
    assert _statuses(pg_app, series_id) == [S.CONFIRMED]


@pytest.mark.parametrize("round_", range(5))
def test_a_cancellation_and_a_registration_at_the_same_moment(pg_app: Flask, round_: int) -> None:
    """Whatever the order, the freed seat is filled once, by the first in the queue."""
    series_id = _series(pg_app, capacity=1)
    with pg_app.app_context():
        series = db.session.get(Series, series_id)
        holder = services.register(series, factories.registration_data())
        queued = services.register(series, factories.registration_data())
        db.session.commit()
        holder_id, queued_id = holder.id, queued.id

    def cancel_holder() -> None:
        services.cancel(db.session.get(Registration, holder_id))

    errors = _in_parallel(pg_app, [cancel_holder, _register(series_id)])
    assert errors == []
    with pg_app.app_context():
        rows = {
            r.id: r.status
            for r in db.session.scalars(db.select(Registration).filter_by(series_id=series_id))
        }
    assert rows[holder_id] == S.CANCELLED
    assert rows[queued_id] == S.CONFIRMED  # first come, first served
    newcomer = next(status for rid, status in rows.items() if rid not in (holder_id, queued_id))
    assert newcomer == S.WAITLISTED
    assert list(rows.values()).count(S.CONFIRMED) == 1
