"""Reminders before each session: when they are due, to whom, in which language and zone, and
that each goes out once whoever runs `flask reminders send` and however often (PostgreSQL runs
two runners at once)."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.invitations import session_reminders
from webinars.invitations.models import ReminderSent
from webinars.invitations.session_reminders import due_offset, send_due_reminders
from webinars.mail.models import OutboxMessage
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import new_secret, public_token
from webinars.series.models import Modality, Series
from webinars.sessions.models import EventSession, SessionStatus
from webinars.types import utcnow

from .. import factories
from ..conftest import AuthActions, SmtpServer, make_test_app

S = RegistrationStatus
START = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
SECOND_START = datetime(2030, 3, 5, 15, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def _registration(
    series: Series,
    sessions: list[EventSession] | None = None,
    *,
    status: RegistrationStatus = S.CONFIRMED,
    **fields: Any,
) -> Registration:
    """A registration row as it stands, without the registration flow (no other e-mails)."""
    n = next(_numbers)
    values: dict[str, Any] = {
        "series": series,
        "email": f"official{n}@example.gov",
        "first_name": "Ana",
        "last_name": f"Pérez {n}",
        "country_code": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "language": "en",
        "timezone": "America/Costa_Rica",
        "status": status,
        "manage_token": new_secret(),
        "sessions": list(series.sessions) if sessions is None else sessions,
    }
    values.update(fields)
    registration = Registration(**values)
    db.session.add(registration)
    db.session.flush()
    return registration


def _series(start: datetime = START, **fields: Any) -> Series:
    """A series with two sessions a day apart (by default 4 and 5 March 2030, 15:00 UTC)."""
    values: dict[str, Any] = {"conference_url": "https://zoom.us/j/111"}
    values.update(fields)
    series = factories.make_series(**values)
    factories.make_session(series, start_at=start)
    factories.make_session(series, start_at=start + timedelta(days=1))
    db.session.refresh(series)
    return series


def _reminders() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage).filter_by(kind="reminder").order_by(OutboxMessage.id)
        )
    )


def _sent_rows() -> set[tuple[int, int, int]]:
    return {
        (r.registration_id, r.session_id, r.minutes_before)
        for r in db.session.scalars(db.select(ReminderSent))
    }


# --- when -------------------------------------------------------------------------------------


def test_nothing_is_due_before_the_first_offset(ctx: Flask) -> None:
    series = _series()
    _registration(series)
    assert send_due_reminders(START - timedelta(hours=24, minutes=1)) == 0
    assert _reminders() == []
    assert _sent_rows() == set()


def test_the_day_before_then_the_hour_before_each_once(ctx: Flask) -> None:
    series = _series()
    first, second = series.sessions
    ana = _registration(series)
    only_second = _registration(series, [second])

    assert send_due_reminders(START - timedelta(hours=23)) == 1
    assert _sent_rows() == {(ana.id, first.id, 1440)}
    [message] = _reminders()
    assert (message.to_address, message.session_id, message.registration_id) == (
        ana.email,
        first.id,
        ana.id,
    )
    assert message.series_id == series.id
    assert message.ical == "" and message.ical_method == ""

    assert send_due_reminders(START - timedelta(hours=23)) == 0  # the same run again
    assert send_due_reminders(START - timedelta(hours=2)) == 0  # between the two offsets
    assert send_due_reminders(START - timedelta(minutes=59)) == 1
    assert send_due_reminders(START - timedelta(minutes=1)) == 0
    assert _sent_rows() == {(ana.id, first.id, 1440), (ana.id, first.id, 60)}

    # the second session's day-before reminder: both registrants chose it
    assert send_due_reminders(SECOND_START - timedelta(hours=20)) == 2
    assert {(m.to_address, m.session_id) for m in _reminders()[-2:]} == {
        (ana.email, second.id),
        (only_second.email, second.id),
    }
    assert len(_reminders()) == 4


def test_a_late_run_sends_only_the_latest_due_reminder(ctx: Flask) -> None:
    """The worker was down for a day: 30 minutes before, the one-hour reminder goes, alone."""
    series = _series()
    first = series.sessions[0]
    ana = _registration(series, [first])
    assert due_offset(first, START - timedelta(minutes=30)) == 60
    assert send_due_reminders(START - timedelta(minutes=30)) == 1
    assert _sent_rows() == {(ana.id, first.id, 60)}
    assert send_due_reminders(START - timedelta(minutes=10)) == 0
    assert len(_reminders()) == 1


def test_no_reminder_once_the_session_has_started(ctx: Flask) -> None:
    series = _series()
    _registration(series, [series.sessions[0]])
    assert send_due_reminders(START) == 0
    assert send_due_reminders(START + timedelta(minutes=5)) == 0
    assert _reminders() == []


def test_the_series_decides_the_offsets(ctx: Flask) -> None:
    series = _series(reminder_minutes=[2880, 15])
    _registration(series, [series.sessions[0]])
    assert send_due_reminders(START - timedelta(hours=47)) == 1
    assert send_due_reminders(START - timedelta(minutes=59)) == 0  # no one-hour reminder here
    assert send_due_reminders(START - timedelta(minutes=14)) == 1
    assert {minutes for *_, minutes in _sent_rows()} == {2880, 15}

    quiet = _series(reminder_minutes=[])
    _registration(quiet)
    assert send_due_reminders(quiet.sessions[0].start_at - timedelta(minutes=5)) == 0


# --- to whom ----------------------------------------------------------------------------------


def test_only_confirmed_registrants_who_chose_the_session(ctx: Flask) -> None:
    series = _series()
    first, second = series.sessions
    confirmed = _registration(series, [first])
    _registration(series, [second])  # confirmed, another session
    for status in (S.PENDING, S.WAITLISTED, S.REJECTED, S.CANCELLED):
        _registration(series, [first], status=status)
    assert send_due_reminders(START - timedelta(minutes=30)) == 1
    assert [m.to_address for m in _reminders()] == [confirmed.email]


def test_a_cancelled_session_gets_no_reminder(ctx: Flask) -> None:
    series = _series()
    first = series.sessions[0]
    first.status = SessionStatus.CANCELLED
    _registration(series, [first])
    assert send_due_reminders(START - timedelta(minutes=30)) == 0
    assert _reminders() == []


# --- what it says -----------------------------------------------------------------------------


def test_in_the_registrants_language_and_zone_across_a_clock_change(ctx: Flask) -> None:
    """Toronto leaves daylight saving on 3 November 2030; the session is on the 4th, in Costa
    Rica: 09:00 there is 10:00 in Toronto (UTC-05:00), not 11:00."""
    series = factories.make_series(
        title_en="Border management",
        title_es="Gestión de fronteras",
        conference_url="https://zoom.us/j/series",
    )
    start = datetime(2030, 11, 4, 15, 0, tzinfo=UTC)
    event_session = factories.make_session(
        series,
        start_at=start,
        topic_en="Risk analysis",
        topic_es="Análisis de riesgo",
        conference_url="https://zoom.us/j/session-own",
    )
    db.session.refresh(series)
    registration = _registration(
        series, [event_session], language="es", timezone="America/Toronto", first_name="José"
    )
    assert send_due_reminders(start - timedelta(hours=23, minutes=30)) == 1
    [message] = _reminders()
    assert message.language == "es"
    assert "Gestión de fronteras" in message.subject
    assert "America/Toronto" in message.subject
    text = message.body_text
    assert f"Estimado/a José {registration.last_name}:" in text
    assert "Análisis de riesgo" in text
    assert "lunes, 4 de noviembre de 2030, 10:00–12:00 (America/Toronto, UTC-05:00)" in text
    assert "Horario de la serie: lunes, 4 de noviembre de 2030, 09:00–11:00" in text
    assert "(America/Costa_Rica, UTC-06:00)" in text
    assert "Enlace de conexión: https://zoom.us/j/session-own" in text  # the session's own link
    assert "https://zoom.us/j/series" not in text
    assert public_token(registration) in text  # the manage link
    assert 'href="https://zoom.us/j/session-own"' in message.body_html
    assert "10:00–12:00" in message.body_html


def test_join_link_of_the_series_and_venue_in_person(ctx: Flask) -> None:
    online = _series(conference_url="https://zoom.us/j/series-link")
    _registration(online, [online.sessions[0]])
    in_person = factories.make_series(
        modality=Modality.IN_PERSON,
        venue_en="Hotel Real, Guatemala City",
        venue_es="Hotel Real, Ciudad de Guatemala",
        conference_url="https://zoom.us/j/not-for-in-person",
    )
    factories.make_session(in_person, start_at=START)
    db.session.refresh(in_person)
    _registration(in_person, [in_person.sessions[0]])
    assert send_due_reminders(START - timedelta(minutes=30)) == 2
    by_series = {m.series_id: m.body_text for m in _reminders()}
    assert "Connection link: https://zoom.us/j/series-link" in by_series[online.id]
    assert "Venue: Hotel Real, Guatemala City" in by_series[in_person.id]
    assert "zoom.us" not in by_series[in_person.id]


# --- how many queries -------------------------------------------------------------------------


class StatementCounter:
    """The SQL statements run while it is active, except the outbox's own inserts."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO OUTBOX_MESSAGES"):
            self.statements.append(statement)


@pytest.fixture
def statements(ctx: Flask) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


def test_a_fixed_number_of_queries_whatever_the_number_of_registrants(
    ctx: Flask, statements: StatementCounter
) -> None:
    counts = []
    for week, registrants in enumerate((2, 25)):
        series = _series(START + timedelta(weeks=week))
        for _ in range(registrants):
            _registration(series)
        now = series.sessions[0].start_at - timedelta(minutes=30)
        db.session.commit()
        statements.statements.clear()
        assert send_due_reminders(now) == registrants
        counts.append(len(statements.statements))
        db.session.commit()
    assert counts[0] == counts[1], counts
    # a later pass reads only what is still to send: nothing, so it inserts nothing
    statements.statements.clear()
    assert send_due_reminders(now) == 0
    assert not [s for s in statements.statements if "reminders_sent (" in s]


# --- the commands -----------------------------------------------------------------------------


def test_flask_reminders_send_is_idempotent(app: Flask) -> None:
    with app.app_context():
        series = factories.make_series()
        soon = factories.make_session(series, start_at=utcnow() + timedelta(minutes=30))
        db.session.refresh(series)
        _registration(series, [soon])
        _registration(series, [soon], language="es")
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0, first.output
    assert first.output == "2 reminder(s) queued.\n"
    again = runner.invoke(args=["reminders", "send"])
    assert again.output == "0 reminder(s) queued.\n"
    with app.app_context():
        assert [m.language for m in _reminders()] == ["en", "es"]
        assert {minutes for *_, minutes in _sent_rows()} == {60}


@pytest.fixture
def mail_app(app: Flask, database_url: str, smtp_server: SmtpServer) -> Iterator[Flask]:
    delivering = make_test_app(database_url, **smtp_server.config)
    yield delivering
    with delivering.app_context():
        db.engine.dispose()


def test_the_outbox_worker_queues_and_delivers_reminders(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    with mail_app.app_context():
        series = factories.make_series(conference_url="https://zoom.us/j/222")
        soon = factories.make_session(series, start_at=utcnow() + timedelta(minutes=45))
        db.session.refresh(series)
        ana = _registration(series, [soon])
        db.session.commit()
        address = ana.email
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1 reminder(s) queued.",
        "Sent 1, retried later 0, failed 0.",
        "Outbox worker stopped.",
    ]
    [received] = smtp_server.messages
    assert received["To"].addresses[0].addr_spec == address
    assert "https://zoom.us/j/222" in received.get_body(("plain",)).get_content()
    again = runner.invoke(args=["outbox", "work", "--once"])
    assert again.output.splitlines() == ["Outbox worker stopped."]
    assert len(smtp_server.messages) == 1


# --- two runners at once (PostgreSQL) ---------------------------------------------------------


@pytest.fixture
def pg_app(database_url: str, app: Flask) -> Iterator[Flask]:
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent runners are tested on PostgreSQL (TEST_DATABASE_URL)")
    parallel = make_test_app(database_url)
    yield parallel
    with parallel.app_context():
        db.engine.dispose()


def test_two_concurrent_runners_send_each_reminder_once(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    registrants = 30
    with pg_app.app_context():
        series = _series()
        for _ in range(registrants):
            _registration(series)
        db.session.commit()
        now = series.sessions[0].start_at - timedelta(minutes=30)

    # Both runners have read the same due reminders before either claims any.
    barrier = threading.Barrier(2)
    claim = session_reminders._claim

    def claim_together(rows: Any) -> Any:
        barrier.wait(timeout=30)
        return claim(rows)

    monkeypatch.setattr(session_reminders, "_claim", claim_together)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        with pg_app.app_context():
            try:
                counts.append(send_due_reminders(now))
                db.session.commit()
            except BaseException as error:  # reported below
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(counts) == [0, registrants]
    with pg_app.app_context():
        sent = [(m.registration_id, m.session_id) for m in _reminders()]
        assert len(sent) == len(set(sent)) == registrants
        assert len(_sent_rows()) == registrants


# --- the series form's reminder field ---------------------------------------------------------


def _series_form(**overrides: str) -> dict[str, str]:
    data = {
        "slug": "fraudulent-documents",
        "title_en": "Detection of fraudulent documents",
        "title_es": "Detección de documentos fraudulentos",
        "modality": "online",
        "timezone": "America/Costa_Rica",
        "approval_mode": "automatic",
        "status": "published",
    }
    data.update(overrides)
    return data


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'<ul class="field-error" id="{field}-errors">(.*?)</ul>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def _stored_minutes(app: Flask, slug: str) -> list[int] | None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one_or_none()
        return None if series is None else list(series.reminder_minutes)


def test_the_series_form_sets_the_reminders(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        db.session.commit()
    auth.login(organizer)
    assert 'value="1 day, 1 hour"' in client.get("/staff/series/new").text  # the default

    created = client.post("/staff/series/new", data=_series_form(reminder_minutes="60, 2880,60"))
    assert created.status_code == 302, _field_error(created.text, "reminder_minutes")
    assert _stored_minutes(app, "fraudulent-documents") == [2880, 60]
    edit_url = "/staff/series/fraudulent-documents/edit"
    assert 'value="2 days, 1 hour"' in client.get(edit_url).text
    client.post(edit_url, data=_series_form(reminder_minutes="1 día; 90 min"))
    assert _stored_minutes(app, "fraudulent-documents") == [1440, 90]

    client.post(edit_url, data=_series_form(reminder_minutes=""))
    assert _stored_minutes(app, "fraudulent-documents") == []  # empty: no reminders


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("a day", "is not a time before the session"),
        ("-60", "is not a time before the session"),
        ("1 fortnight", "is not a time before the session"),
        ("0", "between 1 minute and 30 days"),
        ("43201", "between 1 minute and 30 days"),
        ("31 days", "between 1 minute and 30 days"),
        ("1, 2, 3, 4, 5, 6", "At most 5 reminders."),
    ],
)
def test_the_series_form_refuses_bad_reminders(
    app: Flask, client: FlaskClient, auth: AuthActions, typed: str, message: str
) -> None:
    with app.app_context():
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        db.session.commit()
    auth.login(organizer)
    response = client.post("/staff/series/new", data=_series_form(reminder_minutes=typed))
    assert response.status_code == 200
    assert message in _field_error(response.text, "reminder_minutes")
    assert f'value="{typed}"' in response.text  # what was typed stays, to be corrected
    assert _stored_minutes(app, "fraudulent-documents") is None
