"""Invitations through a real SMTP server on localhost (aiosmtpd): what a mail client receives.

Register, `flask outbox send`, read the message the server got and check its MIME tree and
calendar part; move the session and check SEQUENCE and DTSTART; cancel it and check CANCEL.
And the time zones of the text: a registrant in Toronto for sessions held in Costa Rica on
either side of the end of daylight saving time in Toronto (1 November 2026).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from webinars.extensions import db
from webinars.registration import services
from webinars.sessions import services as scheduling
from webinars.sessions.models import EventSession

from .. import factories
from ..conftest import SmtpServer, make_test_app
from ..ical_checks import check_itip

JOIN = "https://zoom.example.org/j/987"
ORGANIZER = "crmst@iom.int"


@pytest.fixture
def mail_app(app: Flask, database_url: str, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The test app delivering to `smtp_server`."""
    delivering = make_test_app(database_url, ORGANIZER_EMAIL=ORGANIZER, **smtp_server.config)
    yield delivering
    with delivering.app_context():
        db.engine.dispose()


def _deliver(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def _calendar_messages(smtp_server: SmtpServer) -> list[EmailMessage]:
    return [m for m in smtp_server.messages if m.get_content_type() == "multipart/mixed"]


def _tree(message: EmailMessage) -> tuple[EmailMessage, EmailMessage, EmailMessage, EmailMessage]:
    """Check the RFC 6047 MIME tree; return the plain, HTML and calendar parts and the attachment."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.iter_parts()
    assert [plain.get_content_type(), html.get_content_type()] == ["text/plain", "text/html"]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_content_charset() == "utf-8"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == calendar.get_payload(decode=True)
    return plain, html, calendar, attachment  # type: ignore[return-value]


def _vevent(message: EmailMessage) -> Any:
    """The one VEVENT of the calendar part, whose METHOD must equal the MIME `method=`."""
    calendar = _tree(message)[2]
    method = calendar.get_param("method")
    [vevent] = check_itip(calendar.get_payload(decode=True), method)
    return method, vevent


def test_invite_move_and_cancel_reach_the_smtp_server(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    with mail_app.app_context():
        series = factories.open_series(title_en="Border management", conference_url=JOIN)
        event_session = series.sessions[0]
        registration = services.register(
            series,
            factories.registration_data(
                email="jose@example.gov", language="en", session_ids=[event_session.id]
            ),
        )
        db.session.commit()
        session_id, uid, start = event_session.id, event_session.ical_uid, event_session.start_at
        name = registration.full_name
    assert "Sent 2" in _deliver(mail_app)  # the confirmation, then the invitation

    [invitation] = _calendar_messages(smtp_server)
    assert invitation["To"].addresses[0].addr_spec == "jose@example.gov"
    assert smtp_server.handler.envelopes[-1].rcpt_tos == ["jose@example.gov"]
    method, vevent = _vevent(invitation)
    assert method == "REQUEST"
    assert str(vevent["UID"]) == uid
    assert vevent.decoded("SEQUENCE") == 0
    assert vevent.decoded("DTSTART") == start
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["ORGANIZER"]) == f"mailto:{ORGANIZER}"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:jose@example.gov"
    assert attendee.params["CN"] == name and attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    plain, html, _, _ = _tree(invitation)
    assert JOIN in plain.get_content() and JOIN in html.get_content()

    new_start = start + timedelta(days=2, hours=1)
    with mail_app.app_context():
        event_session = db.session.get(EventSession, session_id)
        scheduling.reschedule_session(
            event_session, start=new_start, end=new_start + timedelta(hours=2)
        )
        db.session.commit()
    assert "Sent 1" in _deliver(mail_app)
    update = _calendar_messages(smtp_server)[-1]
    method, vevent = _vevent(update)
    assert method == "REQUEST"
    assert str(vevent["UID"]) == uid
    assert vevent.decoded("SEQUENCE") == 1
    assert vevent.decoded("DTSTART") == new_start
    assert vevent.decoded("DTEND") == new_start + timedelta(hours=2)
    assert "The date or time of this session has changed." in _tree(update)[0].get_content()

    with mail_app.app_context():
        scheduling.cancel_session(db.session.get(EventSession, session_id))
        db.session.commit()
    assert "Sent 1" in _deliver(mail_app)
    cancel = _calendar_messages(smtp_server)[-1]
    method, vevent = _vevent(cancel)
    assert method == "CANCEL"
    assert str(vevent["UID"]) == uid
    assert vevent.decoded("SEQUENCE") == 2
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["ATTENDEE"]) == "mailto:jose@example.gov"
    assert len(_calendar_messages(smtp_server)) == 3
    assert "Sent 0" in _deliver(mail_app)


# 09:00–11:00 in Costa Rica (UTC-6 all year) = 15:00–17:00 UTC, before and after Toronto leaves
# daylight saving time on Sunday 1 November 2026.
FRIDAY_BEFORE = datetime(2026, 10, 30, 15, tzinfo=UTC)  # Toronto on EDT, UTC-4: 11:00
MONDAY_AFTER = datetime(2026, 11, 2, 15, tzinfo=UTC)  # Toronto on EST, UTC-5: 10:00


def test_the_email_text_shows_toronto_and_costa_rica_times_across_the_dst_change(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    with mail_app.app_context():
        series = factories.make_series(
            timezone="America/Costa_Rica",
            conference_url=JOIN,
            registration_opens_at=datetime(2020, 1, 1, tzinfo=UTC),
            registration_closes_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
        factories.make_session(series, start_at=FRIDAY_BEFORE)
        factories.make_session(series, start_at=MONDAY_AFTER)
        db.session.refresh(series)
        for language in ("en", "es"):
            services.register(
                series,
                factories.registration_data(
                    email=f"toronto-{language}@example.ca",
                    country_code="CA",
                    timezone="America/Toronto",
                    language=language,
                ),
            )
        db.session.commit()
    _deliver(mail_app)
    texts: dict[tuple[str, datetime], str] = {}
    for message in _calendar_messages(smtp_server):
        plain, html, _, _ = _tree(message)
        _, vevent = _vevent(message)
        recipient = message["To"].addresses[0].addr_spec
        # Both parts, to check each time in the plain text and the HTML alike.
        texts[(recipient, vevent.decoded("DTSTART"))] = plain.get_content() + html.get_content()
    assert len(texts) == 4

    october = texts[("toronto-en@example.ca", FRIDAY_BEFORE)]
    for line in (
        "Your time: Friday, October 30, 2026, 11:00–13:00 (America/Toronto, UTC-04:00)",
        "Series time: Friday, October 30, 2026, 09:00–11:00 (America/Costa_Rica, UTC-06:00)",
    ):
        assert october.count(line) == 2, line  # in the plain text and in the HTML
    november = texts[("toronto-en@example.ca", MONDAY_AFTER)]
    for line in (
        "Your time: Monday, November 2, 2026, 10:00–12:00 (America/Toronto, UTC-05:00)",
        "Series time: Monday, November 2, 2026, 09:00–11:00 (America/Costa_Rica, UTC-06:00)",
    ):
        assert november.count(line) == 2, line
    # In Spanish: the dates in Spanish, the same hours.
    octubre = texts[("toronto-es@example.ca", FRIDAY_BEFORE)]
    assert "viernes, 30 de octubre de 2026, 11:00–13:00 (America/Toronto, UTC-04:00)" in octubre
    assert "viernes, 30 de octubre de 2026, 09:00–11:00 (America/Costa_Rica, UTC-06:00)" in octubre
    noviembre = texts[("toronto-es@example.ca", MONDAY_AFTER)]
    assert "lunes, 2 de noviembre de 2026, 10:00–12:00 (America/Toronto, UTC-05:00)" in noviembre
    assert "lunes, 2 de noviembre de 2026, 09:00–11:00 (America/Costa_Rica, UTC-06:00)" in noviembre
