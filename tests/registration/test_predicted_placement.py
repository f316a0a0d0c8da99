"""A registration through the API is written with the status the count before the series
lock predicts; its e-mails and invitations are written by the statement that takes the lock,
and a count under the lock confirms it (`seats.confirm_prediction`); when the prediction does
not hold, the request rolls back and registers again, lock first.

PostgreSQL only: SQLite's first write locks the whole database, so nothing is predicted there.
Each test makes the prediction wrong on purpose, with a second transaction that holds the
series lock and commits while the registration waits for it, and checks the
registrant gets what the lock-first path gives: the right status, one e-mail that says it,
invitations only when confirmed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.orm import Session

from webinars.extensions import db
from webinars.invitations.models import Invitation
from webinars.mail.models import OutboxMessage
from webinars.registration import inserts, reached, seats, services, snapshots
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series
from webinars.sessions import agenda
from webinars.sessions.agenda import RoleData
from webinars.sessions.models import RoleKind

from .. import factories
from ..conftest import make_test_app
from ..factories import registration_data
from ..helpers import recorded_statements

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
    """`between(sql)`: the next registration (from `inserts.insert_registration` or
    `inserts.insert_confirmed` on) finds
    the series lock held by another transaction that has run `sql`, and that commits only
    once the registration waits for the lock, as a request registering at the same moment
    would: what the registration read before its lock (its prediction, the series' version)
    is from before `sql`, what it reads under the lock from after."""
    pending: list[str] = []
    engine = db.engine
    threads: list[threading.Thread] = []

    def interleaved(series_id: int) -> None:
        sql = pending.pop(0)
        ready = threading.Event()

        def other() -> None:
            with engine.begin() as connection:
                connection.execute(text(LOCK), {"id": series_id})
                connection.execute(text(sql))
                ready.set()
                _until_someone_waits(connection)

        thread = threading.Thread(target=other)
        threads.append(thread)
        thread.start()
        assert ready.wait(10)

    insert, insert_confirmed = inserts.insert_registration, inserts.insert_confirmed

    def before_insert(*args: Any, **kwargs: Any) -> Any:
        if pending:
            interleaved(args[1].id)
        return insert(*args, **kwargs)

    def before_insert_confirmed(*args: Any, **kwargs: Any) -> Any:
        if pending:
            interleaved(args[0].series_id)
        return insert_confirmed(*args, **kwargs)

    monkeypatch.setattr(inserts, "insert_registration", before_insert)
    monkeypatch.setattr(inserts, "insert_confirmed", before_insert_confirmed)
    yield pending.append
    for thread in threads:
        thread.join(10)
        assert not thread.is_alive()


LOCK = "SELECT 1 FROM series WHERE id = :id FOR NO KEY UPDATE"


def _until_someone_waits(connection: Connection) -> None:
    """Return once another transaction waits for a lock (at most five seconds: then the
    test fails, its change rolled back)."""
    for _ in range(500):
        if connection.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
            return
        time.sleep(0.01)
    raise AssertionError("nothing waited for the lock")


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


def _spied(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """What each call of `module.name` came to from now on: "written", or the name of the
    exception it raised."""
    original, outcomes = getattr(module, name), []

    def spied(*args: Any, **kwargs: Any) -> Any:
        try:
            result = original(*args, **kwargs)
        except Exception as error:
            outcomes.append(type(error).__name__)
            raise
        outcomes.append("written")
        return result

    monkeypatch.setattr(module, name, spied)
    return outcomes


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


def test_in_one_statement_the_last_seat_taken_meanwhile_takes_it_all_back(
    pg: Flask, between: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The series kept, a registration is one statement (`insert_confirmed`); the last seat
    taken while it waits for the lock, its count under the lock refuses it (WB002): nothing
    of it stays, not its e-mails nor its invitations, and it is made again lock first, on
    the waiting list. The process now counts before the lock in this series."""
    series = factories.open_series(slug="last-seat-kept", capacity=2)
    series_id = series.id
    commit()
    assert post(pg, "last-seat-kept", "first@example.gov") == 201  # the process keeps it
    outcomes = _spied(monkeypatch, inserts, "insert_confirmed")
    between(_taken_seat(series_id, "other@example.gov"))
    assert post(pg, "last-seat-kept", "ana@example.gov") == 201
    assert outcomes == ["LimitReached"]
    assert registration("ana@example.gov").status == S.WAITLISTED
    assert mails_to("ana@example.gov") == ["registration.waitlisted"]
    assert db.session.scalars(db.select(Invitation).filter_by(email="ana@example.gov")).all() == []
    assert reached.may_be_reached(db.session.get(Series, series_id))


def test_in_one_statement_an_address_registered_already_writes_nothing(
    pg: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An address registered in the series already: the one statement writes nothing (no
    second row, person, e-mail or invitation), and the answer is the same as for a new
    one."""
    factories.open_series(slug="again", approval_mode=ApprovalMode.AUTOMATIC)
    commit()
    assert post(pg, "again", "first@example.gov") == 201  # the process keeps the series
    assert post(pg, "again", "ana@example.gov") == 201
    people = db.session.scalar(text("SELECT count(*) FROM participants"))
    invitations = db.session.scalar(db.select(db.func.count()).select_from(Invitation))
    commit()
    outcomes = _spied(monkeypatch, inserts, "insert_confirmed")
    assert post(pg, "again", "ana@example.gov") == 201
    assert outcomes == ["written"]  # it ran, and found the address (False: nothing written)
    count = db.select(db.func.count()).select_from(Registration).filter_by(email="ana@example.gov")
    assert db.session.scalar(count) == 1
    assert db.session.scalar(text("SELECT count(*) FROM participants")) == people
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == invitations
    assert "registration.confirmed" not in mails_to("ana@example.gov")[3:]


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


def test_a_limit_set_meanwhile_holds(
    pg: Flask, between: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    series = factories.open_series(slug="limit-meanwhile")
    factories.make_registration(series, email="first@example.gov")
    series_id = series.id
    commit()
    post(pg, "limit-meanwhile", "kept@example.gov")  # the process keeps the series now
    outcomes = _spied(monkeypatch, inserts, "insert_confirmed")
    between(f"UPDATE series SET capacity = 2 WHERE id = {series_id}")
    assert post(pg, "limit-meanwhile", "ana@example.gov") == 201
    assert outcomes == ["SeriesChanged"]  # one statement, refused under the lock (WB001)
    assert registration("ana@example.gov").status == S.WAITLISTED
    assert db.session.get(Series, series_id).capacity == 2


@pytest.mark.parametrize("kept", [False, True], ids=["series read", "series kept"])
def test_forty_at_once_through_the_api_for_two_places(
    database_url: str, app: Flask, kept: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty requests at once, each predicting without the lock: the lock still gives
    exactly two seats, and every registrant one e-mail that says which. With the series
    kept by the process, each is first one statement (`insert_confirmed`) that counts under
    the lock and refuses itself when the seats are gone."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency is tested on PostgreSQL (TEST_DATABASE_URL)")
    parallel = make_test_app(
        database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 40, "max_overflow": 2},
        RATELIMIT_ENABLED=False,
    )
    with parallel.app_context():
        series = factories.open_series(slug="two-places", capacity=3 if kept else 2)
        db.session.commit()
        if kept:  # the process keeps the series, and one seat is taken
            assert post(parallel, "two-places", "first@example.gov") == 201
            db.session.execute(
                text(
                    "DELETE FROM outbox_messages; DELETE FROM invitations;"
                    " DELETE FROM registrations"
                )
            )
            db.session.execute(text(_taken_seat(series.id, "holder@example.gov")))
            db.session.commit()
    outcomes = _spied(monkeypatch, inserts, "insert_confirmed")
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
        held = db.session.scalars(
            db.select(Registration.status).where(Registration.email.like("p%"))
        ).all()
        assert sorted(held).count(S.CONFIRMED) == 2 and held.count(S.WAITLISTED) == 38
        kinds = db.session.scalars(
            db.select(OutboxMessage.kind).where(OutboxMessage.ical_method == "")
        ).all()
        assert sorted(kinds) == ["registration.confirmed"] * 2 + ["registration.waitlisted"] * 38
        invited = db.session.scalar(db.select(db.func.count()).select_from(Invitation))
        assert invited == 2 * 2
        db.engine.dispose()
    if kept:  # each seat given by one statement, the others refused under the lock
        assert outcomes.count("written") == 2 and "LimitReached" in outcomes


def test_a_series_changed_between_the_write_and_the_lock_is_read_again(
    pg: Flask, between: Callable[[str], None]
) -> None:
    """Lock first (every caller but the API): the row is written, then the lock taken, in
    one statement; a version changed in between takes the row and its new person back, and
    the registration is made again on the series read under the lock."""
    series = factories.open_series(capacity=5)
    factories.make_registration(series, email="first@example.gov")
    series_id = series.id
    commit()
    between(f"UPDATE series SET capacity = 1 WHERE id = {series_id}")
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


@pytest.mark.parametrize("kept", [False, True], ids=["two statements", "one statement"])
def test_a_speaker_who_registers_keeps_one_invitation_per_session(
    pg: Flask, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """The invitation rows, held back to go with the count under the lock, leave out the
    session whose moderator registers (the unique key on session and address): that is
    a wrong prediction too, and the registration made again lock first adds itself to the
    moderator's invitation and invites the address to the other session only. The same
    when the series is kept and the registration is one statement (`insert_confirmed`):
    that statement refuses itself, and nothing of it stays."""
    series = factories.open_series(slug="moderated")
    first, second = series.sessions
    person = factories.make_person(email="both@example.gov")
    agenda.add_session_role(
        first,
        RoleData(kind=RoleKind.MODERATOR, person=person, organization=None, note_en="", note_es=""),
    )
    first_id, second_id, person_id = first.id, second.id, person.id
    commit()
    if kept:
        assert post(pg, "moderated", "first@example.gov") == 201  # the process keeps it
        outcomes = _spied(monkeypatch, inserts, "insert_confirmed")
        assert post(pg, "moderated", "both@example.gov") == 201
        assert outcomes == ["RowLeftOut"]
    else:
        outcomes = _spied(monkeypatch, seats, "confirm_prediction")
        assert post(pg, "moderated", "both@example.gov") == 201
        assert outcomes == ["Mispredicted"]  # the second time, lock first, predicts nothing
    registered = registration("both@example.gov")
    assert registered.status == S.CONFIRMED
    rows = db.session.scalars(
        db.select(Invitation).filter_by(email="both@example.gov").order_by(Invitation.session_id)
    ).all()
    assert [(r.session_id, r.registration_id) for r in rows] == [
        (first_id, registered.id),
        (second_id, registered.id),
    ]
    assert rows[0].person_id == person_id
    sent = db.session.execute(
        db.select(OutboxMessage.kind, OutboxMessage.session_id)
        .filter_by(to_address="both@example.gov")
        .order_by(OutboxMessage.id)
    ).all()
    assert [tuple(m) for m in sent] == [
        ("invitation.new", first_id),
        ("registration.confirmed", None),
        ("invitation.new", second_id),
    ]


def test_on_a_full_series_the_waiting_list_needs_no_count_under_the_lock(pg: Flask) -> None:
    """Nothing was given back since the count that found the series full: the registration
    stays on the waiting list in two statements, the row and the lock (with its e-mail)."""
    series = factories.open_series(slug="full-series", capacity=1)
    factories.make_registration(series, email="holder@example.gov")
    commit()
    post(pg, "full-series", "first@example.gov")  # the process keeps the series now
    with recorded_statements() as statements:
        assert post(pg, "full-series", "ana@example.gov") == 201
    assert [s.lstrip()[:4].upper() for s in statements] == ["WITH", "WITH"]
    assert "FOR NO KEY UPDATE" in statements[1]
    assert registration("ana@example.gov").status == S.WAITLISTED
    assert mails_to("ana@example.gov") == ["registration.waitlisted"]


def test_a_session_seat_given_back_meanwhile_is_given_to_the_registration(
    pg: Flask, between: Callable[[str], None]
) -> None:
    """The seat is given back by taking the full session off the holder's choice (a row of
    registration_sessions deleted): counted as given back, so counted again under the lock."""
    series = factories.open_series(slug="session-seat")
    full = series.sessions[0]
    full.capacity = 1
    holder = factories.make_registration(series, email="holder@example.gov")
    holder_id, full_id = holder.id, full.id
    commit()
    between(
        "DELETE FROM registration_sessions"
        f" WHERE registration_id = {holder_id} AND session_id = {full_id}"
    )
    assert post(pg, "session-seat", "ana@example.gov", sessions=[full_id]) == 201
    assert registration("ana@example.gov").status == S.CONFIRMED
    assert mails_to("ana@example.gov")[0] == "registration.confirmed"


def _released(series_id: int) -> tuple[int, int]:
    db.session.expire_all()
    return db.session.execute(
        text("SELECT seats_released, version FROM series WHERE id = :id"), {"id": series_id}
    ).one()


def test_every_seat_given_back_is_counted_whoever_writes_it(pg: Flask) -> None:
    """Migration 0015's triggers: a registration holding a seat cancelled, moved to another
    profile or country, deleted, or a session taken off it, counts one; a change that gives
    no seat back (approval, a waiting registration cancelled, a name) counts none; and the
    count leaves the series' version alone (the copies kept of the series stay good)."""
    series = factories.open_series(slug="released")
    profile = factories.make_profile(series, code="prosecutor")
    first, second, third, waiting = (
        factories.make_registration(series, email=f"r{n}@example.gov") for n in range(4)
    )
    waiting.status = S.WAITLISTED
    third.status = S.PENDING
    db.session.flush()
    series_id, profile_id = series.id, profile.id
    first_id, second_id, third_id, waiting_id = (r.id for r in (first, second, third, waiting))
    commit()
    start, version = _released(series_id)

    def changed(sql: str) -> int:
        db.session.execute(text(sql))
        commit()
        now, now_version = _released(series_id)
        assert now_version == version
        return now - start

    assert changed(f"UPDATE registrations SET first_name = 'Eva' WHERE id = {first_id}") == 0
    assert changed(f"UPDATE registrations SET status = 'confirmed' WHERE id = {third_id}") == 0
    assert changed(f"UPDATE registrations SET status = 'cancelled' WHERE id = {waiting_id}") == 0
    assert changed(f"UPDATE registrations SET status = 'cancelled' WHERE id = {first_id}") == 1
    assert (
        changed(f"UPDATE registrations SET profile_id = {profile_id} WHERE id = {second_id}") == 2
    )
    assert changed(f"UPDATE registrations SET country_code = 'MX' WHERE id = {second_id}") == 3
    assert changed(f"DELETE FROM registration_sessions WHERE registration_id = {third_id}") == 5
    assert changed(f"DELETE FROM registrations WHERE id = {second_id}") == 6  # and its sessions
    # Through the services, as staff and registrants do it.
    services.cancel(db.session.get(Registration, third_id))
    commit()
    assert _released(series_id)[0] - start == 7


def test_psycopg_converts_each_statement_of_a_confirmed_registration_once(
    pg: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock statement of a confirmed registration with its three e-mails' and two
    invitations' rows is longer than psycopg caches by default (`webinars.query_cache`):
    after the first registration, no statement's placeholders are parsed again."""
    from psycopg import _queries

    factories.open_series(slug="cached", approval_mode=ApprovalMode.AUTOMATIC)
    commit()
    assert post(pg, "cached", "first@example.gov") == 201
    parsed: list[bytes] = []
    uncached = _queries._query2pg_nocache

    def parse(query: bytes, encoding: str) -> Any:
        parsed.append(query)
        return uncached(query, encoding)

    monkeypatch.setattr(_queries, "_query2pg_nocache", parse)
    with recorded_statements() as statements:
        assert post(pg, "cached", "ana@example.gov") == 201
    assert registration("ana@example.gov").status == S.CONFIRMED
    assert mails_to("ana@example.gov") == ["registration.confirmed"] + ["invitation.new"] * 2
    assert max(len(s) for s in statements) > 4_096
    assert parsed == []


def test_a_predicted_registration_leaves_the_session_nothing_to_expire(pg: Flask) -> None:
    """The registration reads the process's copy of the series itself, and its object stays
    out of the session: when the request commits, the session holds no object (the commit
    expires nothing), and the copy is the same object, still whole, for the next request."""
    factories.open_series(slug="shared", approval_mode=ApprovalMode.AUTOMATIC)
    commit()
    assert post(pg, "shared", "first@example.gov") == 201
    kept = snapshots.kept_series("shared")
    assert kept is not None
    held: list[object] = []

    def before_commit(session: Session) -> None:
        held.extend(session.identity_map.values())

    event.listen(Session, "before_commit", before_commit)
    try:
        assert post(pg, "shared", "ana@example.gov") == 201
    finally:
        event.remove(Session, "before_commit", before_commit)
    assert held == []
    assert snapshots.kept_series("shared") is kept
    state = inspect(kept)
    assert state.detached and not state.expired_attributes
    assert registration("ana@example.gov").status == S.CONFIRMED
    assert mails_to("ana@example.gov") == ["registration.confirmed"] + ["invitation.new"] * 2


def test_a_registration_waiting_for_its_focal_point_is_announced_from_the_kept_copy(
    pg: Flask,
) -> None:
    """Pending a focal point's approval, the registration is announced to the focal point
    of its country at once, by an e-mail rendered now from the process's copy of the series
    and the registration left out of the session (its profile, its series' title)."""
    from webinars.accounts.models import StaffRole

    series = factories.open_series(slug="approved", approval_mode=ApprovalMode.FOCAL_POINT)
    factories.make_profile(series, code="prosecutor", label_en="Prosecutor", label_es="Fiscal")
    focal_point = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
    address = focal_point.email
    commit()
    assert post(pg, "approved", "first@example.gov", country="MX") == 201  # keeps the copy
    assert post(pg, "approved", "ana@example.gov", profile="prosecutor") == 201
    assert registration("ana@example.gov").status == S.PENDING
    [notice] = db.session.scalars(db.select(OutboxMessage).filter_by(to_address=address)).all()
    assert notice.kind == "approval.first"
    text_of = notice.stored_text
    assert "ana@example.gov" in text_of and ("Fiscal" in text_of or "Prosecutor" in text_of)


def test_a_series_found_changed_by_the_insert_is_read_again_once(pg: Flask) -> None:
    """The optimistic insert finds the series' version changed: the process forgets its
    copy, and the registration is made against the series read again."""
    series_id = factories.open_series(slug="moved", capacity=1).id
    commit()
    assert post(pg, "moved", "first@example.gov") == 201
    old = snapshots.kept_series("moved")
    db.session.execute(text("UPDATE series SET capacity = 5 WHERE id = :id"), {"id": series_id})
    commit()
    assert post(pg, "moved", "second@example.gov") == 201
    assert registration("second@example.gov").status == S.CONFIRMED  # the capacity of now
    new = snapshots.kept_series("moved")
    assert new is not old and new is not None and new.capacity == 5


@pytest.mark.parametrize("limit", ["capacity", "profile", "session", "none"])
def test_the_count_after_the_lock_is_the_seat_rule(pg: Flask, limit: str) -> None:
    """`seat_limit_reached` (migrations 0017 and 0018), which counts under the lock for a
    confirmed prediction, says what `seats.seat_fits` says, for each kind of limit and for
    none, the registration itself left out, waiting and cancelled registrations not
    counted."""
    series = factories.open_series(capacity=2 if limit == "capacity" else None)
    maximum = None if limit == "none" else 2
    profile = factories.make_profile(series, code="prosecutor", max_per_country=maximum)
    limited = factories.make_session(series, capacity=2 if limit == "session" else None)
    db.session.refresh(series)
    held = [
        factories.make_registration(series, profile=profile, country_code="CR", sessions=[limited])
        for _ in range(2)
    ]
    for status in (S.WAITLISTED, S.CANCELLED):
        factories.make_registration(
            series, profile=profile, country_code="CR", sessions=[limited], status=status
        )
    for country, excluding in (("CR", 0), ("CR", held[0].id), ("MX", 0)):
        limits = seats.Limits.of(series, profile, country, [limited])
        values = limits.function_parameters(excluding)
        reached = db.session.execute(
            text(
                "SELECT seat_limit_reached(:series, :limit_excluding, :limit_capacity,"
                " :limit_profile, :limit_country, :limit_pair_maximum, :limit_sessions,"
                " :limit_session_capacities)"
            ),
            {"series": series.id, **values},
        ).scalar_one()
        fits = seats.seat_fits(series, profile, country, [limited], excluding=excluding or None)
        assert reached is (not fits), (country, excluding)
        if (limit == "profile" and country == "MX") or limit == "none":
            assert fits


def test_a_confirmed_registration_is_one_statement_that_commits_itself(pg: Flask) -> None:
    """A registration confirmed at once (automatic approval, no limit seen reached) is one
    statement: its rows, its e-mails' and invitations' rows, the series lock and the count
    under it (`seat_limit_reached`), and `seat_confirmed` on the locked row; sent outside a
    transaction, so PostgreSQL has committed it when it answers: a rollback afterwards takes
    nothing back."""
    series = factories.open_series(slug="one", capacity=10, approval_mode=ApprovalMode.AUTOMATIC)
    series_id = series.id
    commit()
    post(pg, "one", "first@example.gov")  # the process keeps the series now
    with recorded_statements() as statements:
        assert post(pg, "one", "ana@example.gov") == 201
    assert len(statements) == 1
    (statement,) = statements
    for part in ("INSERT INTO registrations", "INSERT INTO invitations", "INSERT INTO outbox"):
        assert part in statement
    assert "seat_limit_reached" in statement and "seat_confirmed" in statement
    assert "FOR NO KEY UPDATE" in statement
    assert registration("ana@example.gov").status == S.CONFIRMED
    assert mails_to("ana@example.gov") == ["registration.confirmed"] + ["invitation.new"] * 2
    commit()
    kept = snapshots.kept_series("one")
    assert kept is not None and kept.id == series_id
    services.register(kept, registration_data(email="eva@example.gov"), optimistic=True)
    db.session.rollback()  # too late: the statement committed itself
    assert registration("eva@example.gov").status == S.CONFIRMED
    assert mails_to("eva@example.gov") == ["registration.confirmed"] + ["invitation.new"] * 2


def test_a_seat_far_from_a_limit_is_counted_once_under_the_lock(pg: Flask) -> None:
    """A hard limit nowhere near reached: nothing is counted before the lock (its status is
    the seat's: no `predicted` count), and the statement counts once the lock is granted."""
    series = factories.open_series(slug="far", capacity=100, approval_mode=ApprovalMode.AUTOMATIC)
    factories.make_profile(series, code="prosecutor", max_per_country=50)
    commit()
    post(pg, "far", "first@example.gov", profile="prosecutor")  # the process keeps the series
    with recorded_statements() as statements:
        assert post(pg, "far", "ana@example.gov", profile="prosecutor") == 201
    assert len(statements) == 1
    assert "predicted" not in statements[0] and "seat_limit_reached" in statements[0]
    assert registration("ana@example.gov").status == S.CONFIRMED


def test_a_limit_found_reached_makes_the_next_registrations_count_first(pg: Flask) -> None:
    """The first registration to find the series full is made twice (predicted a seat, then
    lock first); from then on this process counts before the lock, and a registration waits
    in two statements without a count under it."""
    series = factories.open_series(slug="fills-up", capacity=1)
    factories.make_registration(series, email="holder@example.gov")
    commit()
    with recorded_statements() as first:
        assert post(pg, "fills-up", "first@example.gov") == 201
    assert len(first) > 2 and "count(" not in first[0].lower()
    assert registration("first@example.gov").status == S.WAITLISTED
    assert mails_to("first@example.gov") == ["registration.waitlisted"]
    with recorded_statements() as second:
        assert post(pg, "fills-up", "ana@example.gov") == 201
    assert len(second) == 2 and "count(" in second[0].lower()
    assert "seat_limit_reached" not in second[1]
    assert registration("ana@example.gov").status == S.WAITLISTED
    assert mails_to("ana@example.gov") == ["registration.waitlisted"]


def test_a_series_changed_since_it_was_found_full_is_predicted_anew(pg: Flask) -> None:
    series = factories.open_series(slug="raised", capacity=1)
    factories.make_registration(series, email="holder@example.gov")
    series_id = series.id
    commit()
    assert post(pg, "raised", "first@example.gov") == 201  # found full: remembered
    full = db.session.get(Series, series_id)
    assert reached.may_be_reached(full)
    full.capacity = 5  # a new version
    commit()
    raised = db.session.get(Series, series_id)
    assert not reached.may_be_reached(raised)
    assert post(pg, "raised", "ana@example.gov") == 201
    assert registration("ana@example.gov").status == S.CONFIRMED


def _taken(series_id: int) -> int:
    db.session.expire_all()
    found = db.session.scalar(
        text("SELECT taken FROM series_seats_taken WHERE series_id = :id"), {"id": series_id}
    )
    return found or 0


def test_every_seat_taken_is_counted_at_the_commit_whoever_takes_it(pg: Flask) -> None:
    """Migration 0020's triggers: a registration written holding a seat, promoted from the
    waiting list, verified, or moved to another profile or country while holding one counts
    one, at the commit (not before: the trigger is deferred); a registration written
    waiting, a cancellation, an approval or a name counts none; the series' version stays."""
    series = factories.open_series(slug="taken")
    profile = factories.make_profile(series, code="prosecutor")
    series_id, profile_id = series.id, profile.id
    commit()
    version = db.session.get(Series, series_id).version
    series = db.session.get(Series, series_id)
    waiting = factories.make_registration(series, email="w@example.gov", status=S.WAITLISTED)
    unverified = factories.make_registration(series, email="u@example.gov", status=S.UNVERIFIED)
    holder = factories.make_registration(series, email="h@example.gov")
    pending = factories.make_registration(series, email="p@example.gov", status=S.PENDING)
    db.session.flush()
    ids = {r.email[0]: r.id for r in (waiting, unverified, holder, pending)}
    assert _taken(series_id) == 0  # written, not committed: nothing counted yet
    commit()
    assert _taken(series_id) == 2  # the holder and the pending one

    def changed(sql: str) -> int:
        before = _taken(series_id)
        db.session.execute(text(sql))
        commit()
        return _taken(series_id) - before

    update = "UPDATE registrations SET {} WHERE id = {}"
    assert changed(update.format("first_name = 'Eva'", ids["h"])) == 0
    assert changed(update.format("status = 'confirmed'", ids["p"])) == 0  # approved
    assert changed(update.format("status = 'confirmed'", ids["w"])) == 1  # promoted
    assert changed(update.format("status = 'pending'", ids["u"])) == 1  # verified
    assert changed(update.format(f"profile_id = {profile_id}", ids["h"])) == 1
    assert changed(update.format("country_code = 'MX'", ids["h"])) == 1
    assert changed(update.format("status = 'cancelled'", ids["h"])) == 0
    assert changed(update.format("status = 'confirmed'", ids["h"])) == 1  # back again
    assert db.session.get(Series, series_id).version == version


def _tally(series_id: int) -> list[tuple[str, int, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        text("SELECT scope, held, taken FROM seat_tallies WHERE series_id = :id ORDER BY scope"),
        {"id": series_id},
    )
    return [tuple(row) for row in rows]


def test_a_count_far_from_its_limit_is_kept_and_spares_the_next_ones(pg: Flask) -> None:
    """The count under the lock is kept (`seat_tallies`) with the seats taken when it was
    made; the next registrations read it instead of counting while it stays far enough
    under the limit, and count again once seats taken since could reach it: seats taken by
    anyone, here by plain SQL, still keep the limit."""
    series = factories.open_series(slug="tally", approval_mode=ApprovalMode.AUTOMATIC)
    factories.make_profile(series, code="prosecutor", max_per_country=40)
    series_id = series.id
    commit()
    assert post(pg, "tally", "first@example.gov", profile="prosecutor") == 201
    (scope, held, taken) = _tally(series_id)[0]
    assert scope.startswith("pair ") and scope.endswith(" CR")
    assert (held, taken) == (0, 0)  # counted before its own commit, itself left out
    for email in ("second@example.gov", "third@example.gov"):
        assert post(pg, "tally", email, profile="prosecutor") == 201
    assert _tally(series_id) == [(scope, 0, 0)]  # 0 + 2 taken since < 40: not counted
    assert _taken(series_id) == 3
    profile_id = int(scope.split()[1])
    for n in range(37):  # 40 holders in all now, taken by someone else
        db.session.execute(
            text(
                _taken_seat(series_id, f"other{n}@example.gov")
                .replace("'MX'", "'CR'")
                .replace("'token-other'", f"'token-{n}'")
                .replace("consent_to_list,", "consent_to_list, profile_id,")
                .replace("false, 'confirmed'", f"false, {profile_id}, 'confirmed'")
            )
        )
    commit()
    assert post(pg, "tally", "ana@example.gov", profile="prosecutor") == 201
    assert registration("ana@example.gov").status == S.WAITLISTED
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(Registration).filter_by(status=S.CONFIRMED)
        )
        == 40
    )


def test_a_kept_count_is_trusted_while_it_leaves_room(pg: Flask) -> None:
    """What the tally says is what the function goes by while it leaves room under the
    limit (it is the database's own, written under the lock): one that claims room where
    there is none is believed, so the count is indeed spared. (No writer but the function
    ever writes one; this test does, to see it read.)"""
    series = factories.open_series(
        slug="trusted", capacity=40, approval_mode=ApprovalMode.AUTOMATIC
    )
    series_id = series.id
    for n in range(40):
        factories.make_registration(series, email=f"holder{n}@example.gov")
    commit()
    taken = _taken(series_id)
    db.session.execute(
        text(
            "INSERT INTO seat_tallies (series_id, scope, held, taken) VALUES (:id, 'series', 0, :t)"
        ),
        {"id": series_id, "t": taken},
    )
    commit()
    assert post(pg, "trusted", "first@example.gov") == 201  # the process keeps the series
    assert registration("first@example.gov").status == S.CONFIRMED  # 41 of 40: believed
    db.session.execute(text("DELETE FROM seat_tallies"))
    commit()
    assert post(pg, "trusted", "ana@example.gov") == 201
    assert registration("ana@example.gov").status == S.WAITLISTED  # counted: full
