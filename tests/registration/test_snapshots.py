"""The series kept per process for registering (`registration.snapshots`) and its version.

The API registers against a copy of the series read by an earlier request; these tests
change the series behind the copy's back, by the ORM and by plain SQL, and check that every
registration still follows the series as it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from webinars.extensions import db
from webinars.invitations.models import Invitation
from webinars.registration import services, snapshots
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series, SeriesStatus

from .. import factories
from ..factories import registration_data
from ..helpers import recorded_statements

S = RegistrationStatus


def version(series_id: int) -> int:
    return db.session.scalar(text("SELECT version FROM series WHERE id = :id"), {"id": series_id})


def post(client: FlaskClient, series: Series | str, **fields: Any) -> int:
    slug = series if isinstance(series, str) else series.slug
    body = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana@example.gov",
        "country": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "other",
        "language": "es",
        **fields,
    }
    return client.post(f"/api/v1/series/{slug}/registrations", json=body).status_code


def commit() -> None:
    db.session.commit()
    db.session.close()


def delete_registrations() -> None:
    """Every registration and what it wrote, by plain SQL."""
    for table in ("outbox_messages", "invitations", "registration_sessions", "registrations"):
        db.session.execute(text(f"DELETE FROM {table}"))


def status_of(email: str) -> RegistrationStatus:
    return db.session.scalars(db.select(Registration.status).filter_by(email=email)).one()


# --- the version ---------------------------------------------------------------------------


def test_every_change_of_a_series_its_sessions_or_profiles_draws_a_new_version(ctx: Flask) -> None:
    series = factories.open_series()
    factories.make_profile(series, code="prosecutor")
    series_id, other_id = series.id, factories.open_series().id
    commit()
    seen = {version(series_id)}
    assert version(other_id) not in seen  # random, not counted from one

    def changed(sql: str) -> None:
        db.session.execute(text(sql), {"id": series_id})
        now = version(series_id)
        assert now not in seen, sql
        seen.add(now)

    changed("UPDATE series SET title_en = 'New title' WHERE id = :id")
    changed("UPDATE series SET capacity = 10 WHERE id = :id")
    factories.make_session(db.session.get(Series, series_id), topic_en="Extra")  # the ORM's
    assert version(series_id) not in seen
    seen.add(version(series_id))
    changed("UPDATE event_sessions SET capacity = 5 WHERE series_id = :id")
    changed("DELETE FROM event_sessions WHERE topic_en = 'Extra' AND series_id = :id")
    changed("UPDATE participant_profiles SET max_per_country = 3 WHERE series_id = :id")
    changed("DELETE FROM participant_profiles WHERE series_id = :id")
    # The other series did not move, and neither does registering, which locks the row.
    before = version(other_id)
    services.register(db.session.get(Series, other_id), registration_data(email="x@example.gov"))
    db.session.flush()
    assert version(other_id) == before


# --- the copy kept between requests --------------------------------------------------------


def test_the_api_reads_the_series_once_per_process(ctx: Flask, client: FlaskClient) -> None:
    factories.open_series(slug="kept-series")
    commit()
    assert post(client, "kept-series", email="first@example.gov") == 201
    with recorded_statements() as statements:
        assert post(client, "kept-series", email="second@example.gov") == 201
    reads = [s for s in statements if "FROM series" in s]
    # Only the series' version (in the statement that writes, and under the lock): never
    # the series' other columns, its sessions or its profiles again.
    assert reads and all("series.title_en" not in s for s in reads), reads
    assert not any("FROM event_sessions" in s or "FROM participant_profiles" in s for s in reads)
    assert status_of("second@example.gov") == S.CONFIRMED


def test_a_session_added_after_the_copy_can_be_chosen(ctx: Flask, client: FlaskClient) -> None:
    series_id = factories.open_series(slug="growing-series").id
    commit()
    assert post(client, "growing-series", email="first@example.gov") == 201
    added = factories.make_session(db.session.get(Series, series_id), topic_en="Added").id
    commit()
    # Refused on the copy (no such session there), then accepted on the series read again.
    assert post(client, "growing-series", email="second@example.gov", sessions=[added]) == 201
    registration = db.session.scalars(
        db.select(Registration).filter_by(email="second@example.gov")
    ).one()
    assert [s.id for s in registration.sessions] == [added]
    [invitation] = db.session.scalars(
        db.select(Invitation).filter_by(email="second@example.gov")
    ).all()
    assert invitation.session_id == added


def test_a_limit_set_after_the_copy_holds(ctx: Flask, client: FlaskClient) -> None:
    series = factories.open_series(slug="limited-later")
    factories.make_profile(series, code="prosecutor")
    series_id = series.id
    commit()
    assert post(client, "limited-later", email="a@example.gov", profile="prosecutor") == 201
    # A hand-written fix in psql: no ORM event, only the trigger sees it.
    db.session.execute(
        text(
            "UPDATE participant_profiles SET min_per_country = 1, max_per_country = 1"
            " WHERE series_id = :id"
        ),
        {"id": series_id},
    )
    db.session.execute(text("UPDATE series SET capacity = 2 WHERE id = :id"), {"id": series_id})
    commit()
    assert post(client, "limited-later", email="b@example.gov", profile="prosecutor") == 201
    assert post(client, "limited-later", email="c@example.gov") == 201
    assert post(client, "limited-later", email="d@example.gov") == 201
    assert [status_of(e) for e in ("a", "b", "c", "d") for e in [f"{e}@example.gov"]] == [
        S.CONFIRMED,
        S.WAITLISTED,  # the profile's new maximum in Costa Rica
        S.CONFIRMED,
        S.WAITLISTED,  # the series' new capacity
    ]


def test_a_series_closed_or_withdrawn_after_the_copy_takes_no_more(
    ctx: Flask, client: FlaskClient
) -> None:
    series_id = factories.open_series(slug="closing-series").id
    commit()
    assert post(client, "closing-series", email="a@example.gov") == 201
    db.session.execute(
        text("UPDATE series SET status = :status WHERE id = :id"),
        {"status": SeriesStatus.CLOSED.value, "id": series_id},
    )
    commit()
    assert post(client, "closing-series", email="b@example.gov") == 409
    delete_registrations()
    db.session.execute(text("DELETE FROM event_sessions WHERE series_id = :id"), {"id": series_id})
    db.session.execute(text("DELETE FROM series WHERE id = :id"), {"id": series_id})
    commit()
    assert post(client, "closing-series", email="c@example.gov") in (404, 409)
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_an_address_created_again_under_the_same_slug_is_a_new_series(
    ctx: Flask, client: FlaskClient
) -> None:
    old_id = factories.open_series(slug="reborn").id
    commit()
    assert post(client, "reborn", email="a@example.gov") == 201
    delete_registrations()
    db.session.delete(db.session.get(Series, old_id))
    commit()
    new_id = factories.open_series(slug="reborn", capacity=1).id
    commit()
    assert post(client, "reborn", email="b@example.gov") == 201
    assert post(client, "reborn", email="c@example.gov") == 201
    rows = db.session.execute(
        db.select(Registration.series_id, Registration.status).order_by(Registration.id)
    ).all()
    assert rows == [(new_id, S.CONFIRMED), (new_id, S.WAITLISTED)]


def test_a_series_changed_between_its_read_and_the_insert_is_read_again(ctx: Flask) -> None:
    """The service, without the API: the series object is out of date by the time the
    insert runs (changed by plain SQL in the same transaction, which the ORM does not see);
    the insert finds another version under the lock, writes nothing, and the registration
    is checked and written against the series read again."""
    series = factories.open_series(capacity=5)
    services.register(series, registration_data(email="a@example.gov"))
    db.session.flush()
    db.session.execute(text("UPDATE series SET capacity = 1 WHERE id = :id"), {"id": series.id})
    assert series.capacity == 5  # what the object still says
    registration = services.register(series, registration_data(email="b@example.gov"))
    assert registration.status == S.WAITLISTED
    assert series.capacity == 1  # read again, into the same object
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 2


def test_a_change_of_the_series_in_the_same_transaction_is_registered_against(
    ctx: Flask,
) -> None:
    """The series changed by the ORM just before, not flushed yet: its new version is the
    one compared, and the registration follows the change."""
    series = factories.open_series()
    services.register(series, registration_data(email="a@example.gov"))
    series.approval_mode = ApprovalMode.ORGANIZER
    registration = services.register(series, registration_data(email="b@example.gov"))
    assert registration.status == S.PENDING


def test_a_session_refuses_a_kept_copy(ctx: Flask) -> None:
    """The copy kept by the process is shared by its requests: a session that held it would
    expire it at its commit. Added directly or through a new object's cascade, it is
    refused; a request's own copy of it (`public_series`) is not."""
    factories.open_series(slug="shared-copy")
    commit()
    kept = snapshots.kept_series("shared-copy")
    assert kept is not None
    for instance in (kept, kept.sessions[0]):
        with pytest.raises(snapshots.SharedCopyAttached):
            db.session.add(instance)
    with pytest.raises(snapshots.SharedCopyAttached):
        db.session.add(Registration(series=kept, email="ana@example.gov"))
    db.session.rollback()
    own = snapshots.public_series("shared-copy")
    assert own is not None and own is not kept and own in db.session


def test_a_process_keeps_a_bounded_number_of_copies(
    ctx: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshots, "MAX_COPIES", 2)
    monkeypatch.setattr(snapshots, "_copies", {})
    for n in range(3):
        factories.open_series(slug=f"bounded-{n}")
    commit()
    for n in range(3):
        assert post(client, f"bounded-{n}", email=f"b{n}@example.gov") == 201
    assert list(snapshots._copies) == ["bounded-1", "bounded-2"]  # the oldest went
