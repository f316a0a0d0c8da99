"""Deferred outbox messages: the registration path writes small rows, the worker renders them.

What a registrant receives is what the database says when the message goes out: a name
corrected before delivery is the one sent, an invitation describes the session as it is then
and carries the SEQUENCE of that version. The request itself renders no e-mail template, the
staff still read every message (rendered on demand), and a message about something deleted
before it went out is written first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import event

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.invitations.models import Invitation
from webinars.mail import delivery
from webinars.mail.delivery import deliver_due
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.rendering import renderer_names
from webinars.privacy.services import delete_registration
from webinars.registration import services
from webinars.registration.models import Registration
from webinars.sessions import services as scheduling
from webinars.sessions.models import EventSession

from .. import factories
from ..conftest import AuthActions, SmtpServer, make_test_app
from ..ical_checks import check_itip


@pytest.fixture
def mail_app(app: Flask, database_url: str, smtp_server: SmtpServer) -> Iterator[Flask]:
    delivering = make_test_app(database_url, **smtp_server.config)
    yield delivering
    with delivering.app_context():
        db.engine.dispose()


def _deliver(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def _register(app: Flask, **fields: Any) -> int:
    with app.app_context():
        series = factories.open_series(conference_url="https://zoom.us/j/42")
        registration = services.register(series, factories.registration_data(**fields))
        db.session.commit()
        return registration.id


def _vevent(message: EmailMessage) -> tuple[str, Any]:
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    method = calendar.get_param("method")
    [vevent] = check_itip(calendar.get_payload(decode=True), method)
    return method, vevent


def _plain(message: EmailMessage) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_content()


def test_every_renderer_is_registered_by_the_app(app: Flask) -> None:
    assert {"registration", "invitation"} <= renderer_names()


def test_registering_renders_no_email_and_writes_small_rows(ctx: Flask) -> None:
    series = factories.open_series()
    rendered: list[str] = []

    def record(_app: Flask, template: Any, context: Any, **_extra: Any) -> None:
        rendered.append(template.name)

    template_rendered.connect(record, ctx)
    try:
        registration = services.register(series, factories.registration_data(language="en"))
        db.session.flush()
    finally:
        template_rendered.disconnect(record, ctx)
    assert rendered == []
    rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.renderer, m.session_id) for m in rows] == [
        ("registration.confirmed", "registration", None),
        ("invitation.new", "invitation", series.sessions[0].id),
        ("invitation.new", "invitation", series.sessions[1].id),
    ]
    for message in rows:
        assert message.to_address == registration.email and message.language == "en"
        assert message.registration_id == registration.id
        assert message.stored_text == message.stored_html == message.stored_subject == ""
    # ...and read on demand, the invitation is complete.
    assert series.sessions[0].topic_en in rows[1].subject
    check_itip(rows[1].ical.encode(), "REQUEST")


def test_a_rolled_back_registration_leaves_no_message(ctx: Flask) -> None:
    series = factories.open_series()
    db.session.commit()
    services.register(series, factories.registration_data())
    db.session.rollback()
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_a_name_corrected_before_delivery_is_the_one_sent(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    registration_id = _register(mail_app, first_name="Jose", last_name="Nunez")
    with mail_app.app_context():
        registration = db.session.get(Registration, registration_id)
        services.correct_details(
            registration,
            {
                "first_name": "José",
                "last_name": "Núñez",
                "institution": registration.institution,
                "position": registration.position,
            },
        )
        db.session.commit()
    assert "Sent 4," in _deliver(mail_app)  # confirmed, two invitations, "updated"
    for message in smtp_server.messages:
        [to] = message["To"].addresses
        assert to.display_name == "José Núñez", message["Subject"]
        assert "José Núñez" in _plain(message) and "Nunez" not in _plain(message)
        if message.get_content_type() == "multipart/mixed":
            _method, vevent = _vevent(message)
            assert vevent["ATTENDEE"].params["CN"] == "José Núñez"
    with mail_app.app_context():
        sent = db.session.scalars(db.select(OutboxMessage)).all()
        assert {m.to_name for m in sent} == {"José Núñez"}
        assert all(m.renderer == "" and "José Núñez" in m.body_text for m in sent)


def test_an_invitation_carries_the_sequence_of_the_session_it_describes(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """The session moves between the registration and the delivery: the first invitation
    shows the new time with SEQUENCE 1, as the update does; the other session's stays 0.
    Once sent, a later move no longer changes what the row says was sent."""
    registration_id = _register(mail_app, language="en")
    new_start = datetime(2030, 3, 4, 18, tzinfo=UTC)
    with mail_app.app_context():
        registration = db.session.get(Registration, registration_id)
        moved, other = registration.series.sessions
        moved_id, other_id = moved.id, other.id
        scheduling.reschedule_session(moved, start=new_start, end=new_start + timedelta(hours=2))
        db.session.commit()
    _deliver(mail_app)
    events = [_vevent(m) for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"]
    with mail_app.app_context():
        moved = db.session.get(EventSession, moved_id)
        rows = db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.ical_method != "")
            .order_by(OutboxMessage.id)
        ).all()
        sent = [(m.kind, m.session_id, m.ical_sequence) for m in rows]
        uid_of = {
            moved_id: moved.ical_uid,
            other_id: db.session.get(EventSession, other_id).ical_uid,
        }
    assert sent == [
        ("invitation.new", moved_id, 1),
        ("invitation.new", other_id, 0),
        ("invitation.update", moved_id, 1),
    ]
    by_uid: dict[str, list[tuple[int, datetime]]] = {}
    for method, vevent in events:
        assert method == "REQUEST"
        by_uid.setdefault(str(vevent["UID"]), []).append(
            (int(vevent["SEQUENCE"]), vevent.decoded("DTSTART"))
        )
    assert by_uid[uid_of[moved_id]] == [(1, new_start), (1, new_start)]
    assert by_uid[uid_of[other_id]] == [(0, datetime(2030, 3, 5, 15, tzinfo=UTC))]

    with mail_app.app_context():  # a second move, after delivery
        later = new_start + timedelta(days=1)
        moved = db.session.get(EventSession, moved_id)
        scheduling.reschedule_session(moved, start=later, end=later + timedelta(hours=2))
        db.session.commit()
        first = db.session.get(OutboxMessage, rows[0].id)
        assert first.ical_sequence == 1 and "DTSTART:20300304T180000Z" in first.ical


def test_a_cancellation_before_delivery_goes_out_after_the_invitation_with_a_higher_sequence(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    registration_id = _register(mail_app)
    with mail_app.app_context():
        services.cancel(db.session.get(Registration, registration_id))
        db.session.commit()
    _deliver(mail_app)
    events = [_vevent(m) for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"]
    by_uid: dict[str, list[tuple[str, int]]] = {}
    for method, vevent in events:
        by_uid.setdefault(str(vevent["UID"]), []).append((method, int(vevent["SEQUENCE"])))
    assert sorted(by_uid.values()) == [[("REQUEST", 0), ("CANCEL", 1)]] * 2


def test_deleting_ones_registration_before_delivery_still_sends_the_cancellations(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    registration_id = _register(mail_app, first_name="Marta")
    with mail_app.app_context():
        delete_registration(db.session.get(Registration, registration_id))
        db.session.commit()
        assert db.session.get(Registration, registration_id) is None
    assert "Sent 3, retried later 0, failed 0." in _deliver(mail_app)
    kinds = sorted(m["Subject"].split(":")[0] for m in smtp_server.messages)
    assert len(kinds) == 3
    methods = [
        _vevent(m)[0] for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"
    ]
    assert methods == ["CANCEL", "CANCEL"]
    assert all("Marta" in _plain(m) for m in smtp_server.messages)


def test_deleting_a_session_before_delivery_still_sends_its_cancellation(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    registration_id = _register(mail_app)
    with mail_app.app_context():
        event_session = db.session.get(Registration, registration_id).series.sessions[0]
        uid = event_session.ical_uid
        scheduling.delete_session(event_session)
        db.session.commit()
        assert (
            db.session.scalars(db.select(Invitation).filter_by(session_id=event_session.id)).all()
            == []
        )
    output = _deliver(mail_app)
    assert "failed 0." in output
    cancels = [
        vevent
        for method, vevent in (
            _vevent(m) for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"
        )
        if method == "CANCEL"
    ]
    assert [str(v["UID"]) for v in cancels] == [uid]


def test_a_message_about_something_gone_fails_with_the_reason(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Deleted behind the services' back (no `freeze`): the worker says why, sends nothing."""
    registration_id = _register(mail_app)
    with mail_app.app_context():
        db.session.execute(db.delete(Registration).where(Registration.id == registration_id))
        db.session.commit()
    assert "Sent 0, retried later 0, failed 3." in _deliver(mail_app)
    with mail_app.app_context():
        errors = {m.last_error for m in db.session.scalars(db.select(OutboxMessage))}
    assert len(errors) == 2 and all(e.startswith("Cannot build the message:") for e in errors)
    assert smtp_server.messages == []


def test_the_staff_read_a_deferred_message_and_its_eml_before_delivery(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.open_series(title_en="Border webinar")
        registration = services.register(
            series, factories.registration_data(first_name="Rosa", language="en")
        )
        invitation = db.session.scalars(
            db.select(OutboxMessage).filter_by(kind="invitation.new")
        ).first()
        topic = series.sessions[0].topic_en
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        db.session.commit()
        invitation_id, email = invitation.id, registration.email
    auth.login(organizer)
    listing = client.get("/staff/outbox").text
    assert "Registration confirmed: Border webinar" in listing and topic in listing
    page = client.get(f"/staff/outbox/{invitation_id}").text
    assert "Rosa" in page and topic in page
    eml = client.get(f"/staff/outbox/{invitation_id}.eml")
    assert eml.status_code == 200 and eml.mimetype == "message/rfc822"
    parsed = message_from_bytes(eml.data, policy=policy.SMTP)
    assert parsed["To"].addresses[0].addr_spec == email
    method, vevent = _vevent(parsed)  # type: ignore[arg-type]
    assert method == "REQUEST" and int(vevent["SEQUENCE"]) == 0
    html = client.get(f"/staff/outbox/{invitation_id}/body.html").text
    assert "Rosa" in html
    with app.app_context():  # reading it changed nothing: it is still rendered at delivery
        row = db.session.get(OutboxMessage, invitation_id)
        assert row.renderer == "invitation" and row.status == OutboxStatus.PENDING


# --- between the claim and the send ------------------------------------------------------------


def _after_the_claim(monkeypatch: pytest.MonkeyPatch, app: Flask, change: Any) -> None:
    """Run `change()` in its own app context (a request, another transaction) right after the
    worker's first claim has committed its lease, before any of the batch is sent."""
    claim = delivery._claim
    done: list[bool] = []

    def claiming(**arguments: Any) -> list[OutboxMessage]:
        claimed = claim(**arguments)
        if not done:
            done.append(True)
            with app.app_context():
                change()
                db.session.commit()
        return claimed

    monkeypatch.setattr(delivery, "_claim", claiming)


def test_a_session_deleted_after_the_claim_still_sends_what_its_invitations_stored(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`delete_session` stores (`freeze`) the claimed invitation, then deletes the session:
    the worker sends what the row stores now instead of failing to render it."""
    registration_id = _register(mail_app)
    with mail_app.app_context():
        event_session = db.session.get(Registration, registration_id).series.sessions[0]
        session_id, uid = event_session.id, event_session.ical_uid
    _after_the_claim(
        monkeypatch,
        mail_app,
        lambda: scheduling.delete_session(db.session.get(EventSession, session_id)),
    )
    output = _deliver(mail_app)
    assert "failed 0." in output
    calendars = [
        _vevent(m) for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"
    ]
    about_it = [method for method, vevent in calendars if str(vevent["UID"]) == uid]
    assert sorted(about_it) == ["CANCEL", "REQUEST"]


def test_an_erasure_after_the_claim_sends_only_the_cancellations(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`delete_registration` deletes the claimed messages and writes the cancellations: the
    worker skips the deleted ones and sends the cancellations in the same pass."""
    registration_id = _register(mail_app, first_name="Marta")
    _after_the_claim(
        monkeypatch,
        mail_app,
        lambda: delete_registration(db.session.get(Registration, registration_id)),
    )
    assert "Sent 3, retried later 0, failed 0." in _deliver(mail_app)
    calendars = [m for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"]
    assert [_vevent(m)[0] for m in calendars] == ["CANCEL", "CANCEL"]
    assert all("Marta" in _plain(m) for m in smtp_server.messages)


def test_the_invitees_of_a_batch_are_read_in_one_query_per_session(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    with mail_app.app_context():
        series = factories.open_series()
        for _ in range(6):  # a receipt and two invitations each
            services.register(series, factories.registration_data())
        db.session.commit()
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            report = deliver_due()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert (report.sent, report.failed) == (18, 0)
    reads = [s for s in statements if re.search(r"FROM invitations\b", s)]
    assert len(reads) == 2, reads  # one per session, for the six invitees of each
    assert len(smtp_server.messages) == 18
