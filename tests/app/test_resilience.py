"""Resilience: the SMTP server down or refusing for a while, PostgreSQL cut under load.

Mail: a real SMTP server on localhost (`smtp_server`, aiosmtpd) with handlers that refuse a
number of times or drop the connection; the delivery clock is driven through `deliver_due(now=)`
so that hours of backoff take no time. What the server received is counted by Message-ID.

Database: PostgreSQL only (TEST_DATABASE_URL). Every backend of the test database is terminated
while threads post registrations, then the rows are checked for anything half-written.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg import sql
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.test import TestResponse

from config import Config
from webinars import resilience
from webinars.extensions import db
from webinars.invitations.models import ICalMethod, Invitation
from webinars.mail import delivery
from webinars.mail.delivery import DeliveryReport, Holdup, deliver_due
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.outbox import enqueue
from webinars.registration import services
from webinars.registration.models import HOLDING_STATUSES, Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series
from webinars.types import utcnow

from .. import factories
from ..conftest import SmtpServer, SmtpSink, make_test_app

BACKOFF = 60
MAX_ATTEMPTS = 5
OFFICIALS = 4


def _postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks and backend termination are tested on PostgreSQL")


# --- SMTP servers that misbehave -----------------------------------------------------------------


class RefusingSink(SmtpSink):
    """Answers `reply` to the first `times` RCPT (or DATA) commands, then accepts everything."""

    def __init__(self, stage: str, reply: str, times: int) -> None:
        super().__init__()
        self.stage = stage
        self.reply = reply
        self.times = times
        self.refused = 0

    def _refuse(self, stage: str) -> str | None:
        if stage == self.stage and self.refused < self.times:
            self.refused += 1
            return self.reply
        return None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        return self._refuse("RCPT") or await super().handle_RCPT(
            server, session, envelope, address, rcpt_options
        )

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self._refuse("DATA") or await super().handle_DATA(server, session, envelope)


class DroppingSink(SmtpSink):
    """Takes the first `times` messages in, then drops the connection before answering 250:
    the message reached the server, but the client never hears that it did."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.times = times

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.times:
            self.times -= 1
            server.transport.abort()
        return reply


def _serve(server: SmtpServer, handler: SmtpSink) -> None:
    """(Re)start `server` on its port with another handler."""
    server.stop()
    server.handler = handler
    server.start()


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def mail_app(app: Flask, database_url: str, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The test app delivering to `smtp_server`, giving up after MAX_ATTEMPTS refusals."""
    delivering = make_test_app(
        database_url,
        OUTBOX_MAX_ATTEMPTS=MAX_ATTEMPTS,
        OUTBOX_BACKOFF_SECONDS=BACKOFF,
        **smtp_server.config,
    )
    yield delivering
    with delivering.app_context():
        db.engine.dispose()


def _register_officials(app: Flask, count: int = OFFICIALS) -> list[int]:
    """Officials registered (confirmed) through the service; the ids of every e-mail queued:
    each one's confirmation and a calendar invitation per session."""
    with app.app_context():
        series = factories.open_series(approval_mode=ApprovalMode.AUTOMATIC)
        for _ in range(count):
            services.register(series, factories.registration_data(language="es"))
        db.session.commit()
        ids = list(db.session.scalars(db.select(OutboxMessage.id).order_by(OutboxMessage.id)))
        assert len(ids) == count * (1 + len(series.sessions))
    return ids


def _enqueue(app: Flask, count: int) -> list[int]:
    with app.app_context():
        ids = [
            enqueue(
                kind="test.message",
                to_address=f"person{n}@example.org",
                subject=f"Message {n}",
                body_text=f"Text {n}",
                body_html=f"<p>HTML {n}</p>",
                language="en",
            ).id
            for n in range(count)
        ]
        db.session.commit()
        return ids


def _rows(app: Flask) -> dict[int, OutboxMessage]:
    """Every outbox row as stored now, readable after the app context ends."""
    with app.app_context():
        rows = list(db.session.scalars(db.select(OutboxMessage)))
        for row in rows:
            db.session.expunge(row)
    return {row.id: row for row in rows}


def _pending(app: Flask) -> list[OutboxMessage]:
    return [row for row in _rows(app).values() if row.status is OutboxStatus.PENDING]


def _deliver_until_done(app: Flask, now: datetime, passes: int = 50) -> list[DeliveryReport]:
    """Worker passes, the clock moved to the next retry each time, until nothing is pending."""
    reports = []
    for _ in range(passes):
        reports.append(deliver_due(app, now=now))
        pending = _pending(app)
        if not pending:
            return reports
        now = max(now, min(row.next_attempt_at for row in pending))
    raise AssertionError(f"still pending after {passes} passes: {pending}")


def _received(server: SmtpServer) -> Counter[str]:
    """How many times the server took each Message-ID in."""
    return Counter(message["Message-ID"] for message in server.messages)


def _assert_each_sent_once(app: Flask, server: SmtpServer, ids: list[int]) -> None:
    rows = _rows(app)
    assert {rows[i].status for i in ids} == {OutboxStatus.SENT}
    received = _received(server)
    assert set(received) == {rows[i].message_id for i in ids}
    assert set(received.values()) == {1}, received


# --- the SMTP server down, refusing, then back --------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("RCPT", "421 4.3.2 Service shutting down, try again later"),
        ("DATA", "451 4.3.0 Local error in processing, try again later"),
    ],
)
def test_an_outage_then_refusals_then_recovery_deliver_every_message_once(
    mail_app: Flask, smtp_server: SmtpServer, stage: str, reply: str
) -> None:
    ids = _register_officials(mail_app)
    start = utcnow()

    # 1. Nothing listens on the port: each pass charges the one message it tried, and stops.
    smtp_server.stop()
    for passed in range(1, len(ids) + 1):
        report = deliver_due(mail_app, now=start)
        assert (report.sent, report.retried, report.failed) == (0, 1, 0)
        assert report.holdup is Holdup.UNREACHABLE
        assert str(smtp_server.port) in report.detail
        tried = [row for row in _rows(mail_app).values() if row.attempts]
        assert len(tried) == passed
    rows = _rows(mail_app)
    for row in rows.values():
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert row.next_attempt_at == start + timedelta(seconds=BACKOFF)
        assert str(smtp_server.port) in row.last_error
    # Nothing is due before the backoff: no connection is even tried.
    assert deliver_due(mail_app, now=start + timedelta(seconds=BACKOFF - 1)) == DeliveryReport()

    # 2. The server is back but refuses the first three messages (421 on RCPT, 451 on DATA).
    refusing = RefusingSink(stage, reply, times=3)
    _serve(smtp_server, refusing)
    back = start + timedelta(seconds=BACKOFF)
    first = deliver_due(mail_app, now=back)
    assert (first.sent, first.retried, first.failed) == (len(ids) - 3, 3, 0)
    assert first.holdup is None
    refused = _pending(mail_app)
    assert len(refused) == 3 and refusing.refused == 3
    for row in refused:
        assert (row.attempts, row.last_error) == (2, reply)
        assert row.next_attempt_at == back + timedelta(seconds=BACKOFF * 2)

    # 3. Accepted from then on: the refused ones go out after their backoff, once.
    reports = _deliver_until_done(mail_app, back)
    assert sum(report.sent for report in reports) == 3
    assert sum(report.failed for report in reports) == 0
    _assert_each_sent_once(mail_app, smtp_server, ids)
    assert len(smtp_server.messages) == len(ids)
    # Later passes find nothing to send again.
    assert deliver_due(mail_app, now=back + timedelta(days=7)).handled == 0
    assert len(smtp_server.messages) == len(ids)


def test_a_long_outage_fails_no_message_and_keeps_retrying_at_a_bounded_delay(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """An unreachable server is not the message's fault: however long it lasts, the message
    stays pending (each try is counted), retried at most every OUTBOX_BACKOFF_SECONDS *
    2 ** (OUTBOX_MAX_ATTEMPTS - 2), and goes out once the server is back."""
    ids = _enqueue(mail_app, 3)
    smtp_server.stop()
    now = utcnow()
    longest = timedelta(seconds=BACKOFF * 2 ** (MAX_ATTEMPTS - 2))
    # A worker passing every 30 s through a six-hour outage.
    for _ in range(6 * 120):
        report = deliver_due(mail_app, now=now)
        assert report.failed == 0
        if report.handled:
            assert report.holdup is Holdup.UNREACHABLE
        now += timedelta(seconds=30)
    rows = _rows(mail_app)
    for row in rows.values():
        assert row.status is OutboxStatus.PENDING
        assert row.attempts > MAX_ATTEMPTS
        assert row.next_attempt_at <= now + longest

    _serve(smtp_server, SmtpSink())
    reports = _deliver_until_done(mail_app, now)
    assert sum(report.sent for report in reports) == 3
    _assert_each_sent_once(mail_app, smtp_server, ids)


def test_a_refusing_server_still_fails_a_message_after_the_last_attempt(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """The limit on attempts stays for the answers the server gives about the message."""
    [message_id] = _enqueue(mail_app, 1)
    _serve(smtp_server, RefusingSink("DATA", "451 4.3.0 Try again later", times=MAX_ATTEMPTS))
    reports = _deliver_until_done(mail_app, utcnow())
    assert [report.failed for report in reports][-1] == 1
    row = _rows(mail_app)[message_id]
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert smtp_server.messages == []


# --- at-least-once: where a duplicate can happen -------------------------------------------------


def test_a_connection_dropped_after_data_sends_the_message_again_with_the_same_message_id(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """At-least-once, not exactly-once: a duplicate is possible here.

    The server took the message in (end of DATA) but the connection dropped before its 250
    reached the worker. The worker cannot tell this from a message that never arrived, so it
    counts a failed attempt and sends it again after the backoff: the server gets it twice.
    Both copies carry the row's Message-ID, which lets mail systems drop the second one.
    No protocol can do better with SMTP (RFC 1047).
    """
    first, second = _enqueue(mail_app, 2)
    _serve(smtp_server, DroppingSink(times=1))
    now = utcnow()
    report = deliver_due(mail_app, now=now)
    assert (report.sent, report.retried, report.failed) == (1, 1, 0)
    dropped = _rows(mail_app)[first]
    assert (dropped.status, dropped.attempts) == (OutboxStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in dropped.last_error

    _deliver_until_done(mail_app, now)
    rows = _rows(mail_app)
    assert {rows[first].status, rows[second].status} == {OutboxStatus.SENT}
    received = _received(smtp_server)
    assert received == Counter({rows[first].message_id: 2, rows[second].message_id: 1})


def test_a_worker_that_dies_after_the_250_before_its_commit_sends_the_message_again(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At-least-once, not exactly-once: a duplicate is possible here.

    The server accepted the message, then the worker lost its database (or was killed) before
    it committed `sent`. The row is still pending, so a pass after the worker's lease on it
    (`delivery.LEASE`) sends it again, with the same Message-ID. Nothing else is lost or
    doubled, and the worker goes on afterwards.
    """
    first, second = _enqueue(mail_app, 2)
    scoped = db.session
    real_commit = scoped.commit

    def commit_lost() -> None:
        monkeypatch.setattr(scoped, "commit", real_commit)  # only the first send's is lost
        scoped.rollback()
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    def claimed_then_commit_lost() -> None:
        real_commit()  # the claim's commit (the lease) goes through
        monkeypatch.setattr(scoped, "commit", commit_lost)

    monkeypatch.setattr(scoped, "commit", claimed_then_commit_lost)
    now = utcnow()
    with pytest.raises(OperationalError):
        deliver_due(mail_app, now=now)
    assert len(smtp_server.messages) == 1
    assert {row.status for row in _rows(mail_app).values()} == {OutboxStatus.PENDING}

    assert deliver_due(mail_app, now=now + delivery.LEASE).sent == 2
    rows = _rows(mail_app)
    assert _received(smtp_server) == Counter(
        {rows[first].message_id: 2, rows[second].message_id: 1}
    )
    assert {row.status for row in rows.values()} == {OutboxStatus.SENT}


# --- two workers after an outage (PostgreSQL) ---------------------------------------------------


def _in_threads(jobs: list[Callable[[], Any]], timeout: float = 120) -> list[Any]:
    """Run each job in its own thread, all released at once; their results, or their errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except BaseException as error:  # reported by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
        assert not thread.is_alive(), "a thread hangs"
    return results


def test_two_workers_after_an_outage_deliver_every_message_once(
    mail_app: Flask, smtp_server: SmtpServer, database_url: str
) -> None:
    _postgresql_only(database_url)
    ids = _enqueue(mail_app, 150)
    smtp_server.stop()
    start = utcnow()
    # Both workers pass during the outage: each charges one message and stops.
    down = _in_threads([lambda: deliver_due(mail_app, now=start)] * 2)
    assert [report.holdup for report in down] == [Holdup.UNREACHABLE] * 2
    assert sorted(row.attempts for row in _rows(mail_app).values())[-2:] == [1, 1]

    sink = SmtpSink()
    sink.delay = 0.005  # slow enough that both workers are busy at once
    _serve(smtp_server, sink)
    later = start + timedelta(seconds=BACKOFF)
    up = _in_threads([lambda: deliver_due(mail_app, now=later, batch=1000)] * 2)
    assert all(isinstance(report, DeliveryReport) for report in up), up
    assert sum(report.sent for report in up) == len(ids)
    assert min(report.sent for report in up) > 0, up  # both really worked
    _assert_each_sent_once(mail_app, smtp_server, ids)


# --- PostgreSQL cut under load ------------------------------------------------------------------

THREADS = 8
CAPACITY = 10
#: Seconds the database refuses connections after each cut.
CUTS = (0, 0.5, 0)


@pytest.fixture
def load_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """The app as in production under load: the configured engine options (pool_pre_ping) with
    a pool for every thread, errors answered rather than raised, no rate limit in the way."""
    _postgresql_only(database_url)
    loaded = make_test_app(
        database_url,
        SQLALCHEMY_ENGINE_OPTIONS={**Config.SQLALCHEMY_ENGINE_OPTIONS, "pool_size": THREADS + 2},
        PROPAGATE_EXCEPTIONS=False,
        RATELIMIT_ENABLED=False,
    )
    resilience.init_app(loaded)  # until create_app calls it (the lead wires it)
    yield loaded
    with loaded.app_context():
        db.engine.dispose()


def _cut(database_url: str, *, closed_for: float = 0) -> int:
    """End every connection to the test database, as a PostgreSQL restart does, and refuse new
    ones for `closed_for` seconds (the restart itself). Returns how many connections ended.

    Done from the `postgres` database: a database cannot refuse connections to itself.
    """
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as probe:
        name = probe.info.dbname
    database = sql.Identifier(name)
    with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
        if closed_for:
            connection.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database)
            )
        try:
            ended = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            ).fetchall()
            time.sleep(closed_for)
        finally:
            if closed_for:
                connection.execute(
                    sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database)
                )
    return len(ended)


def _registration_body(n: int, session_ids: list[int]) -> dict[str, Any]:
    return {
        "first_name": "Ana",
        "last_name": f"Pérez {n}",
        "email": f"load{n}@example.gov",
        "country": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "other",
        "language": "es",
        "sessions": session_ids,
        "consent_to_list": True,
    }


def test_postgresql_cut_under_load_fails_requests_cleanly_and_leaves_nothing_half_written(
    load_app: Flask, database_url: str
) -> None:
    """Threads post registrations (and read the series page) while every connection to the
    database is terminated three times, and once new ones are refused for half a second, as
    in a restart. Requests caught by a cut answer 503 (JSON for the
    API, the error page for pages), never a 500 or a hang; the next ones work again; and
    every registration written is whole: its sessions, its e-mails, its invitations, and no
    more seats taken than the series has."""
    with load_app.app_context():
        series = factories.open_series(approval_mode=ApprovalMode.AUTOMATIC, capacity=CAPACITY)
        slug, session_ids = series.slug, [s.id for s in series.sessions]
        db.session.commit()
    url = f"/api/v1/series/{slug}/registrations"
    numbers = itertools.count()
    answers: list[Answer] = []
    stop = threading.Event()

    escaped: list[BaseException] = []  # what the app let out instead of answering

    def until_stopped(
        request: Callable[[FlaskClient], tuple[TestResponse, str]],
    ) -> Callable[[], None]:
        def run() -> None:
            client = load_app.test_client()
            while not stop.is_set():
                try:
                    answers.append(Answer.of(*request(client)))
                except BaseException as error:  # reported by the test
                    escaped.append(error)

        return run

    def post(client: FlaskClient) -> tuple[TestResponse, str]:
        # A 201 names no registration (it must not tell who registered): the address does.
        body = _registration_body(next(numbers), session_ids)
        return client.post(url, json=body), body["email"]

    def read(client: FlaskClient) -> tuple[TestResponse, str]:
        return client.get(f"/series/{slug}"), ""

    jobs = [until_stopped(post)] * (THREADS - 2) + [until_stopped(read)] * 2
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    terminated = []
    try:
        for closed_for in CUTS:
            time.sleep(0.3)
            terminated.append(_cut(database_url, closed_for=closed_for))
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request hangs"

    assert min(terminated) > 0, terminated
    assert escaped == []
    statuses = Counter((answer.path, answer.status) for answer in answers)
    assert set(statuses) <= {
        (url, 201),
        (url, 503),
        (f"/series/{slug}", 200),
        (f"/series/{slug}", 503),
    }, statuses
    assert statuses[(url, 201)] and statuses[(url, 503)], statuses
    for answer in answers:
        if answer.status != 503:
            continue
        assert answer.retry_after == "5"
        if answer.path == url:
            assert answer.json == {
                "code": 503,
                "status": "Service Unavailable",
                "message": "The database is not available at the moment. "
                "Try again in a few seconds.",
            }
        else:
            assert answer.mimetype == "text/html" and "not available at the moment" in answer.text

    # Recovered: the next requests work, with no restart of anything.
    client = load_app.test_client()
    for n in range(10_000, 10_003):
        assert client.post(url, json=_registration_body(n, session_ids)).status_code == 201
    assert client.get(f"/series/{slug}").status_code == 200

    created = {answer.email for answer in answers if answer.status == 201}
    _assert_whole(load_app, slug, session_ids, created, cut=statuses[(url, 503)])


@dataclass(frozen=True)
class Answer:
    path: str
    status: int
    mimetype: str
    retry_after: str | None
    json: Any
    text: str
    #: The address registered, for a registration posted.
    email: str = ""

    @classmethod
    def of(cls, response: TestResponse, email: str = "") -> Answer:
        return cls(
            path=response.request.path,
            status=response.status_code,
            mimetype=response.mimetype,
            retry_after=response.headers.get("Retry-After"),
            json=response.get_json(silent=True),
            text=response.get_data(as_text=True),
            email=email,
        )


def _assert_whole(
    app: Flask, slug: str, session_ids: list[int], created: set[str], *, cut: int
) -> None:
    """Every registration of the series has all its rows, and no limit is exceeded.

    A registration may exist whose answer was a 503 (the cut came after PostgreSQL committed,
    before the answer reached the app): never more of them than such answers.
    """
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one()
        registrations = list(db.session.scalars(db.select(Registration).filter_by(series=series)))
        ids = {registration.id for registration in registrations}
        emails = {registration.email for registration in registrations}
        assert created <= emails
        assert len(emails - created) <= cut + 3  # + the three posted after the cuts
        holding = [r for r in registrations if r.status in HOLDING_STATUSES]
        assert len(holding) == min(len(registrations), CAPACITY)
        assert {r.status for r in registrations} <= {
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
        }
        messages = Counter(
            db.session.execute(
                db.select(OutboxMessage.registration_id, OutboxMessage.kind).where(
                    OutboxMessage.registration_id.in_(ids)
                )
            ).all()
        )
        invitations = Counter(
            db.session.execute(
                db.select(Invitation.registration_id, Invitation.session_id).where(
                    Invitation.registration_id.in_(ids), Invitation.method == ICalMethod.REQUEST
                )
            ).all()
        )
        for registration in registrations:
            assert sorted(s.id for s in registration.sessions) == sorted(session_ids)
            confirmed = registration.status is RegistrationStatus.CONFIRMED
            expected = {(registration.id, f"registration.{registration.status.value}"): 1}
            if confirmed:
                expected[(registration.id, "invitation.new")] = len(session_ids)
            assert {key: n for key, n in messages.items() if key[0] == registration.id} == expected
            assert {key: n for key, n in invitations.items() if key[0] == registration.id} == (
                {(registration.id, i): 1 for i in session_ids} if confirmed else {}
            )


# --- the 503 answer itself (any database) --------------------------------------------------------


def _lost_connection() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def failing_app(database_url: str, app: Flask) -> Flask:
    """Routes that fail as a view does when the database is away, or on a real bug."""
    failing = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False)
    resilience.init_app(failing)  # until create_app calls it (the lead wires it)

    def away() -> str:
        raise _lost_connection()

    def bug() -> str:
        raise IntegrityError("INSERT", {}, Exception("duplicate key value"))

    def pool_empty() -> str:
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    failing.add_url_rule("/away", "away", away)
    failing.add_url_rule("/api/v1/away", "api_away", away)
    failing.add_url_rule("/api/v1/bug", "api_bug", bug)
    failing.add_url_rule("/busy", "busy", pool_empty)
    return failing


def test_a_lost_database_answers_503_json_for_the_api_and_a_page_for_the_rest(
    failing_app: Flask,
) -> None:
    client = failing_app.test_client()
    api = client.get("/api/v1/away")
    assert (api.status_code, api.headers["Retry-After"]) == (503, "5")
    assert api.json == {
        "code": 503,
        "status": "Service Unavailable",
        "message": "The database is not available at the moment. Try again in a few seconds.",
    }
    for path in ("/away", "/busy"):
        page = client.get(path)
        assert (page.status_code, page.mimetype) == (503, "text/html")
        assert page.headers["Retry-After"] == "5"
        assert "The database is not available at the moment." in page.text
        assert "<h1>503" in page.text  # the site's error page, in its layout


def test_the_503_page_needs_no_database(
    failing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layout loads a logged-in user from the database: when that fails too, a bare page."""

    def layout_needs_the_database(*args: Any, **kwargs: Any) -> str:
        raise _lost_connection()

    monkeypatch.setattr(resilience, "render_template", layout_needs_the_database)
    page = failing_app.test_client().get("/away")
    assert (page.status_code, page.mimetype) == (503, "text/html")
    assert "The database is not available at the moment." in page.text


def test_any_other_database_error_stays_a_500(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/api/v1/bug")
    assert response.status_code == 500
    assert response.json["code"] == 500
