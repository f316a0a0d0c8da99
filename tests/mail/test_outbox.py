"""The mail outbox, delivered to a real SMTP server on localhost (aiosmtpd).

`smtp_server` (conftest) keeps what it accepts and can refuse or go down, so retries, the
backoff and `failed` are checked against real SMTP replies and a closed port. The concurrency
tests run on PostgreSQL only (TEST_DATABASE_URL).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from markupsafe import escape

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail import delivery
from webinars.mail.delivery import Holdup, build_message, deliver_due
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.outbox import enqueue
from webinars.mail.rendering import freeze
from webinars.registration import services
from webinars.series.models import ApprovalMode
from webinars.types import utcnow

from .. import factories
from ..conftest import AuthActions, SmtpServer, make_test_app

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
BACKOFF = 60
MAX_ATTEMPTS = 3


@pytest.fixture
def mail_app(app: Flask, database_url: str, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The test app delivering to `smtp_server`; gives up after three attempts."""
    delivering = make_test_app(
        database_url,
        OUTBOX_MAX_ATTEMPTS=MAX_ATTEMPTS,
        OUTBOX_BACKOFF_SECONDS=BACKOFF,
        **smtp_server.config,
    )
    yield delivering
    with delivering.app_context():
        db.engine.dispose()


@pytest.fixture
def unconfigured_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """No SMTP server configured, as under `make run`."""
    waiting = make_test_app(database_url, MAIL_SERVER=None, MAIL_SUPPRESS_SEND=False)
    yield waiting
    with waiting.app_context():
        db.engine.dispose()


def _register_official(app: Flask) -> int:
    """A registration in Spanish, with accents everywhere; returns its e-mail's id.

    Pending approval, so that its one e-mail is the acknowledgement (no calendar invitations).
    """
    with app.app_context():
        series = factories.open_series(
            title_en="Border management",
            title_es="Gestión de fronteras y migración",
            approval_mode=ApprovalMode.ORGANIZER,
        )
        registration = services.register(
            series,
            factories.registration_data(first_name="José", last_name="Núñez", language="es"),
        )
        db.session.commit()
        [message] = db.session.scalars(
            db.select(OutboxMessage).filter_by(registration_id=registration.id)
        )
        return message.id


def _enqueue(app: Flask, count: int = 1, **fields: Any) -> list[int]:
    with app.app_context():
        ids = []
        for n in range(count):
            values: dict[str, Any] = {
                "kind": "test.message",
                "to_address": f"person{n}@example.org",
                "to_name": f"Person {n}",
                "subject": f"Message {n}",
                "body_text": f"Text {n}",
                "body_html": f"<p>HTML {n}</p>",
                "language": "en",
            }
            values.update(fields)
            ids.append(enqueue(**values).id)
        db.session.commit()
        return ids


def _row(app: Flask, message_id: int) -> OutboxMessage:
    """The row as stored now, readable after its app context ends: a deferred message with
    what it says now (rendered while the context lasts, then kept on the detached copy)."""
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message is not None
        content = message.content()
        db.session.expunge(message)
        freeze(message, content)
        return message


def _set(app: Flask, message_id: int, **fields: Any) -> None:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        for name, value in fields.items():
            setattr(message, name, value)
        db.session.commit()


def _text(part: Any) -> str:
    return part.get_content().replace("\r\n", "\n")


# --- building ----------------------------------------------------------------------------------


def test_build_message_writes_headers_and_both_parts(ctx: Flask) -> None:
    created = utcnow().replace(microsecond=0)
    message = OutboxMessage(
        to_address="ana@méxico.gob",
        to_name="Ana Pérez",
        subject="Confirmación: Gestión de fronteras",
        body_text="Estimada Ana: ¿está lista la sesión?",
        body_html="<p>Estimada Ana: <strong>¿está lista?</strong></p>",
        language="es",
        message_id="<1.2.3@crmsv.org>",
        created_at=created,
    )
    parsed = message_from_bytes(
        build_message(message, sender="Webinars <webinars@crmsv.org>").as_bytes(),
        policy=policy.default,
    )
    assert parsed["From"] == "Webinars <webinars@crmsv.org>"
    [to] = parsed["To"].addresses
    assert to.display_name == "Ana Pérez"
    assert to.addr_spec == "ana@xn--mxico-bsa.gob"  # IDNA: SMTP needs an ASCII domain
    assert parsed["Subject"] == "Confirmación: Gestión de fronteras"
    assert parsed["Message-ID"] == "<1.2.3@crmsv.org>"
    assert parsed["Date"].datetime == created
    assert parsed["Content-Language"] == "es"
    assert parsed["MIME-Version"] == "1.0"
    assert parsed.get_content_type() == "multipart/alternative"
    plain, html = parsed.iter_parts()
    assert (plain.get_content_type(), plain.get_content_charset()) == ("text/plain", "utf-8")
    assert (html.get_content_type(), html.get_content_charset()) == ("text/html", "utf-8")
    assert _text(plain).strip() == "Estimada Ana: ¿está lista la sesión?"
    assert _text(html).strip() == "<p>Estimada Ana: <strong>¿está lista?</strong></p>"


def test_build_message_refuses_a_header_with_a_line_break(ctx: Flask) -> None:
    message = OutboxMessage(
        to_address="a@example.org",
        to_name="",
        subject="Hello\nBcc: everyone@example.org",
        body_text="x",
        body_html="x",
        language="en",
        message_id="<1@x>",
        created_at=utcnow(),
    )
    with pytest.raises(ValueError):
        build_message(message)


# --- delivery ----------------------------------------------------------------------------------


def test_send_delivers_a_registration_email_once(mail_app: Flask, smtp_server: SmtpServer) -> None:
    message_id = _register_official(mail_app)
    row = _row(mail_app, message_id)
    runner = mail_app.test_cli_runner()

    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, retried later 0, failed 0." in result.output

    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == [row.to_address]
    assert envelope.mail_from == mail_app.config["MAIL_DEFAULT_SENDER"]
    [received] = smtp_server.messages
    [to] = received["To"].addresses
    assert (to.addr_spec, to.display_name) == (row.to_address, row.to_name)
    assert "José Núñez" in to.display_name
    assert received["Subject"] == row.subject and "Gestión de fronteras" in row.subject
    assert received["Message-ID"] == row.message_id
    assert received.get_content_type() == "multipart/alternative"
    plain, html = received.iter_parts()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert html.get_content_type() == "text/html" and html.get_content_charset() == "utf-8"
    # set_content ends the text with a line break
    assert _text(plain).rstrip("\n") == row.body_text.rstrip("\n")
    assert _text(html).rstrip("\n") == row.body_html.rstrip("\n")
    assert "José" in _text(plain) and "Gestión de fronteras" in _text(html)

    sent = _row(mail_app, message_id)
    assert sent.status is OutboxStatus.SENT and sent.sent_at is not None
    assert (sent.attempts, sent.last_error) == (0, "")

    again = runner.invoke(args=["outbox", "send"])
    assert again.exit_code == 0 and "Sent 0, retried later 0, failed 0." in again.output
    assert len(smtp_server.messages) == 1


def test_a_server_that_is_down_loses_nothing_and_is_retried_after_the_backoff(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    first, second = _enqueue(mail_app, 2)
    smtp_server.stop()
    before = utcnow()
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    after = utcnow()
    assert result.exit_code == 0, result.output
    assert "Sent 0, retried later 1, failed 0." in result.output
    assert f"SMTP server unreachable (127.0.0.1:{smtp_server.port}" in result.output
    assert "2 messages wait in the outbox" in result.output

    waiting = _row(mail_app, first)
    assert waiting.status is OutboxStatus.PENDING and waiting.attempts == 1
    assert str(smtp_server.port) in waiting.last_error
    backoff = timedelta(seconds=BACKOFF)
    assert before + backoff <= waiting.next_attempt_at <= after + backoff
    # The pass stopped at the unreachable server: the next message was not charged an attempt.
    assert _row(mail_app, second).attempts == 0

    smtp_server.start()
    due = waiting.next_attempt_at
    early = deliver_due(mail_app, now=due - timedelta(seconds=1))
    assert (early.sent, _row(mail_app, first).status) == (1, OutboxStatus.PENDING)  # second only
    report = deliver_due(mail_app, now=due)
    assert (report.sent, report.retried, report.failed, report.holdup) == (1, 0, 0, None)
    delivered = _row(mail_app, first)
    assert delivered.status is OutboxStatus.SENT and delivered.sent_at == due
    assert delivered.last_error == ""
    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Message 0", "Message 1"]
    assert deliver_due(mail_app, now=due + timedelta(days=1)).handled == 0
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize(
    ("stage", "reply"),
    [("DATA", "451 4.3.0 Try again later"), ("RCPT", "554 5.7.1 Relay access denied")],
)
def test_a_refusing_server_fails_the_message_after_the_last_attempt(
    mail_app: Flask, smtp_server: SmtpServer, stage: str, reply: str
) -> None:
    [message_id] = _enqueue(mail_app)
    if stage == "DATA":
        smtp_server.handler.refuse_data = reply
    else:
        smtp_server.handler.refuse_rcpt["person0@example.org"] = reply
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS):
        report = deliver_due(mail_app, now=now)
        assert (report.sent, report.retried, report.failed) == (0, 1, 0)
        row = _row(mail_app, message_id)
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, attempt)
        assert row.last_error == reply
        # exponential backoff: 60 s, then 120 s
        assert row.next_attempt_at == now + timedelta(seconds=BACKOFF * 2 ** (attempt - 1))
        assert deliver_due(mail_app, now=row.next_attempt_at - timedelta(seconds=1)).handled == 0
        now = row.next_attempt_at

    last = deliver_due(mail_app, now=now)
    assert (last.sent, last.retried, last.failed) == (0, 0, 1)
    failed = _row(mail_app, message_id)
    assert (failed.status, failed.attempts, failed.sent_at) == (OutboxStatus.FAILED, 3, None)
    assert deliver_due(mail_app, now=now + timedelta(days=30)).handled == 0
    assert smtp_server.messages == []


def test_one_refused_recipient_does_not_hold_up_the_others(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    first, refused, third = _enqueue(mail_app, 3)
    smtp_server.handler.refuse_rcpt["person1@example.org"] = "550 5.1.1 No such user"
    report = deliver_due(mail_app)
    assert (report.sent, report.retried, report.failed) == (2, 1, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0", "Message 2"]
    assert _row(mail_app, refused).last_error == "550 5.1.1 No such user"
    assert {_row(mail_app, i).status for i in (first, third)} == {OutboxStatus.SENT}


def test_a_message_that_cannot_be_built_fails_at_once(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    broken, fine = _enqueue(mail_app, 2)
    _set(mail_app, broken, subject="Two\nlines")
    report = deliver_due(mail_app)
    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    row = _row(mail_app, broken)
    assert row.status is OutboxStatus.FAILED and "Cannot build the message" in row.last_error
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 1"]


def test_batch_bounds_one_call_and_send_delivers_everything_due(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _enqueue(mail_app, 5)
    assert deliver_due(mail_app, batch=2).sent == 2
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0", "Message 1"]
    monkeypatch.setattr("webinars.mail.cli.BATCH", 2)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "Sent 3," in result.output
    assert len(smtp_server.messages) == 5


def test_without_an_smtp_server_messages_wait_in_the_outbox(
    unconfigured_app: Flask, smtp_server: SmtpServer
) -> None:
    [message_id] = _enqueue(unconfigured_app)
    runner = unconfigured_app.test_cli_runner()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert (
        "No SMTP server configured (MAIL_SERVER): 1 message waits in the outbox." in result.output
    )
    assert deliver_due(unconfigured_app).holdup is Holdup.NOT_CONFIGURED
    row = _row(unconfigured_app, message_id)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.PENDING, 0, "")
    assert smtp_server.handler.envelopes == []

    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0
    assert re.search(r"^pending\s+1$", status.output, re.MULTILINE)
    assert re.search(r"^sent\s+0$", status.output, re.MULTILINE)
    assert "No SMTP server configured (MAIL_SERVER): nothing is delivered." in status.output


def test_suppressed_sending_delivers_nothing(app: Flask, database_url: str) -> None:
    suppressed = make_test_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=True)
    [message_id] = _enqueue(suppressed)
    assert deliver_due(suppressed).holdup is Holdup.SUPPRESSED
    assert _row(suppressed, message_id).status is OutboxStatus.PENDING
    with suppressed.app_context():
        db.engine.dispose()


def test_status_counts_each_status(mail_app: Flask) -> None:
    sent, failed, *_ = _enqueue(mail_app, 4)
    _set(mail_app, sent, status=OutboxStatus.SENT, sent_at=utcnow())
    _set(mail_app, failed, status=OutboxStatus.FAILED, attempts=3)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "status"])
    assert result.exit_code == 0
    assert result.output.split() == [
        *("pending", "2", "sent", "1", "failed", "1"),
        *("suppressed", "0"),
    ]


def test_work_once_makes_one_pass(mail_app: Flask, smtp_server: SmtpServer) -> None:
    _enqueue(mail_app, 2)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Sent 2, retried later 0, failed 0.",
        "Outbox worker stopped.",
    ]
    assert len(smtp_server.messages) == 2


def _worker_env(database_url: str, smtp_server: SmtpServer) -> dict[str, str]:
    """A `flask` process on the test database and SMTP server (config.py reads the env)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port),
        "PYTHONUNBUFFERED": "1",
    }


def _flask(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webinars", *args],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_worker_loops_and_stops_cleanly_on_sigterm(
    mail_app: Flask, smtp_server: SmtpServer, database_url: str
) -> None:
    _enqueue(mail_app)
    worker = _flask(
        "outbox", "work", "--interval", "0.2", env=_worker_env(database_url, smtp_server)
    )
    try:
        deadline = time.monotonic() + 30
        while not smtp_server.handler.envelopes and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.messages) == 1
        _enqueue(mail_app, to_address="later@example.org")  # picked up by a later pass
        while len(smtp_server.handler.envelopes) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.messages) == 2
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err
    assert out.splitlines()[-1] == "Outbox worker stopped."


# --- staff pages -------------------------------------------------------------------------------


def _staff(app: Flask) -> dict[str, str]:
    with app.app_context():
        emails = {
            "organizer": factories.make_user(StaffRole.ORGANIZER).email,
            "admin": factories.make_user(StaffRole.ADMIN).email,
            "focal_point": factories.make_user(StaffRole.FOCAL_POINT).email,
            "facilitator": factories.make_user(StaffRole.FACILITATOR).email,
        }
        db.session.commit()
        return emails


def _outbox_urls(message_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/staff/outbox"),
        ("GET", f"/staff/outbox/{message_id}"),
        ("GET", f"/staff/outbox/{message_id}.eml"),
        ("POST", f"/staff/outbox/{message_id}/resend"),
    ]


def test_outbox_pages_are_for_organizers_and_admins(app: Flask, client, auth) -> None:
    staff = _staff(app)
    [message_id] = _enqueue(app)
    _set(app, message_id, status=OutboxStatus.SENT, sent_at=utcnow())
    for method, url in _outbox_urls(message_id):
        response = client.open(url, method=method)
        assert response.status_code == 302, url
        assert "/login?next=" in response.headers["Location"], url
    for visitor in ("focal_point", "facilitator"):
        auth.login(staff[visitor])
        for method, url in _outbox_urls(message_id):
            assert client.open(url, method=method).status_code == 403, (visitor, url)
        auth.logout()
    assert _row(app, message_id).status is OutboxStatus.SENT  # the refused re-send did nothing
    for visitor in ("organizer", "admin"):
        auth.login(staff[visitor])
        for method, url in _outbox_urls(message_id)[:3]:
            assert client.open(url, method=method).status_code == 200, (visitor, url)
        auth.logout()


def _rows_shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="message-(\d+)"', html)]


def test_outbox_list_filters_by_status_and_series_and_pages(app: Flask, client, auth) -> None:
    staff = _staff(app)
    with app.app_context():
        first = factories.make_series(slug="first-series")
        second = factories.make_series(slug="second-series")
        db.session.commit()
        first_id, second_id = first.id, second.id
    many = _enqueue(app, 51, series_id=first_id)
    [other] = _enqueue(app, series_id=second_id, subject="Other series")
    _set(app, other, status=OutboxStatus.SENT, sent_at=utcnow())
    _set(app, many[0], status=OutboxStatus.FAILED, attempts=3, last_error="554 Refused")
    auth.login(staff["organizer"])

    page1 = client.get("/staff/outbox")
    assert page1.status_code == 200
    everything = sorted([*many, other], reverse=True)
    assert _rows_shown(page1.text) == everything[:50]  # newest first, 50 a page
    assert "Page 1 of 2" in page1.text
    assert _rows_shown(client.get("/staff/outbox?page=2").text) == everything[50:]

    assert _rows_shown(client.get("/staff/outbox?status=sent").text) == [other]
    assert _rows_shown(client.get("/staff/outbox?status=failed").text) == [many[0]]
    assert _rows_shown(client.get(f"/staff/outbox?series={second_id}").text) == [other]
    both = client.get(f"/staff/outbox?series={first_id}&status=pending").text
    assert _rows_shown(both) == sorted(many[1:], reverse=True)[:50]
    assert "Page 1 of" not in both  # 50 exactly: one page
    first_series = client.get(f"/staff/outbox?series={first_id}").text
    assert _rows_shown(first_series) == sorted(many, reverse=True)[:50]
    assert f'href="/staff/outbox?page=2&amp;series={first_id}"' in first_series  # filters kept
    assert "554 Refused" in client.get("/staff/outbox?status=failed").text

    bad = client.get("/staff/outbox?status=lost&series=999999")
    assert bad.status_code == 200
    assert bad.text.count("Not a valid choice") == 2  # shown beside each field
    assert _rows_shown(bad.text) == everything[:50]  # and not applied
    assert client.get("/staff/outbox?page=abc").status_code == 200


def test_message_page_shows_the_html_in_a_sandbox_never_raw(app: Flask, client, auth) -> None:
    staff = _staff(app)
    [message_id] = _enqueue(
        app,
        subject="Confirmación",
        body_text="Texto plano con eñe",
        body_html='<p>Hola</p><script>alert("x")</script>',
    )
    row = _row(app, message_id)
    auth.login(staff["organizer"])
    page = client.get(f"/staff/outbox/{message_id}")
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert f'sandbox src="/staff/outbox/{message_id}/body.html"' in page.text
    framed = client.get(f"/staff/outbox/{message_id}/body.html")
    assert framed.text == '<p>Hola</p><script>alert("x")</script>'  # as sent, but inert:
    policy = framed.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert "Texto plano con eñe" in page.text
    assert str(escape(row.message_id)) in page.text  # the headers of the built message
    assert "Confirmación" in page.text
    assert client.get("/staff/outbox/999999").status_code == 404


def test_eml_download_is_the_built_message(app: Flask, client, auth) -> None:
    staff = _staff(app)
    message_id = _register_official(app)
    row = _row(app, message_id)
    auth.login(staff["admin"])
    response = client.get(f"/staff/outbox/{message_id}.eml")
    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="message-{message_id}.eml"'
    )
    parsed = message_from_bytes(response.data, policy=policy.default)
    assert parsed["Message-ID"] == row.message_id
    assert parsed["Subject"] == row.subject
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert "José" in _text(parsed.get_body(("plain",)))
    assert "Gestión de fronteras" in _text(parsed.get_body(("html",)))
    assert client.get("/staff/outbox/999999.eml").status_code == 404


def test_eml_download_is_byte_for_byte_what_smtp_sends(app: Flask, client, auth) -> None:
    """The `.eml` holds the header lines SMTP sends (`message_bytes`, served as they are), and
    a long accented name reads back whole."""
    staff = _staff(app)
    message_id = _register_official(app)
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message is not None and message.registration is not None
        message.registration.first_name = "José María"
        message.registration.last_name = "Hernández Castañeda de la Santísima Trinidad y Peñalosa"
        name = message.registration.full_name
        db.session.commit()
    auth.login(staff["admin"])
    response = client.get(f"/staff/outbox/{message_id}.eml")
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        sent = delivery.message_bytes(message)

    def head(data: bytes) -> bytes:  # the headers, but for the boundary (new each time)
        return re.sub(rb'boundary="[^"]*"', b"", data.split(b"\r\n\r\n", 1)[0])

    assert head(response.data) == head(sent)
    parsed = message_from_bytes(response.data, policy=policy.default)
    assert parsed["To"].addresses[0].display_name == name


def test_resend_puts_a_sent_or_failed_message_back_in_line(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    staff = _staff(mail_app)
    sent, failed, pending = _enqueue(mail_app, 3)
    _set(mail_app, pending, next_attempt_at=utcnow() + timedelta(hours=1))
    _set(mail_app, failed, status=OutboxStatus.FAILED, attempts=3, last_error="554 Refused")
    assert deliver_due(mail_app).sent == 1
    first_copy = _row(mail_app, sent)
    client = mail_app.test_client()
    AuthActions(client).login(staff["organizer"])

    response = client.post(f"/staff/outbox/{sent}/resend", follow_redirects=True)
    assert response.status_code == 200 and "back in the queue" in response.text
    again = _row(mail_app, sent)
    assert (again.status, again.attempts, again.sent_at) == (OutboxStatus.PENDING, 0, None)
    assert again.next_attempt_at <= utcnow()
    # A new copy of a delivered message gets its own Message-ID (Gmail drops a repeated one).
    assert again.message_id != first_copy.message_id

    never_delivered = _row(mail_app, failed).message_id
    client.post(f"/staff/outbox/{failed}/resend")
    revived = _row(mail_app, failed)
    assert (revived.status, revived.attempts, revived.last_error) == (OutboxStatus.PENDING, 0, "")
    assert revived.message_id == never_delivered

    refused = client.post(f"/staff/outbox/{pending}/resend", follow_redirects=True)
    assert "waiting to be sent already" in refused.text
    assert _row(mail_app, pending).next_attempt_at > utcnow()  # untouched

    assert deliver_due(mail_app).sent == 2
    received = [m["Message-ID"] for m in smtp_server.messages]
    assert received == [first_copy.message_id, again.message_id, revived.message_id]


# --- several workers (PostgreSQL) --------------------------------------------------------------


def _postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) are tested on PostgreSQL")


def test_a_message_another_worker_holds_is_skipped(
    mail_app: Flask, smtp_server: SmtpServer, database_url: str
) -> None:
    _postgresql_only(database_url)
    held, free = _enqueue(mail_app, 2)
    with mail_app.app_context():  # the other worker, in the middle of sending `held`
        db.session.execute(db.select(OutboxMessage).filter_by(id=held).with_for_update()).one()
        report = deliver_due(mail_app)  # its own app context, session and connection
        assert report.sent == 1
        assert [m["Subject"] for m in smtp_server.messages] == ["Message 1"]
        db.session.rollback()
    assert deliver_due(mail_app).sent == 1
    assert {_row(mail_app, i).status for i in (held, free)} == {OutboxStatus.SENT}
    assert len(smtp_server.messages) == 2


def test_two_worker_processes_deliver_500_messages_exactly_once(
    mail_app: Flask, smtp_server: SmtpServer, database_url: str
) -> None:
    _postgresql_only(database_url)
    ids = _enqueue(mail_app, 500)
    smtp_server.handler.delay = 0.01  # slow enough that both workers are busy at once
    env = _worker_env(database_url, smtp_server)
    workers = [_flask("outbox", "work", "--once", env=env) for _ in range(2)]
    outputs = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=180)
            assert worker.returncode == 0, err
            outputs.append(out)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()

    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(received) == 500 and set(received.values()) == {1}
    with mail_app.app_context():
        rows = db.session.execute(
            db.select(OutboxMessage.message_id, OutboxMessage.status).where(
                OutboxMessage.id.in_(ids)
            )
        ).all()
    assert set(received) == {message_id for message_id, _ in rows}
    assert {status for _, status in rows} == {OutboxStatus.SENT}
    per_worker = [int(re.search(r"Sent (\d+),", out).group(1)) for out in outputs]  # type: ignore[union-attr]
    assert sum(per_worker) == 500
    assert min(per_worker) > 0, per_worker  # both really worked at the same time


def test_two_worker_processes_deliver_deferred_registration_messages_exactly_once(
    mail_app: Flask, smtp_server: SmtpServer, database_url: str
) -> None:
    """The registration path's messages are rendered by the workers: each one still goes out
    once, and its row keeps what was sent."""
    _postgresql_only(database_url)
    with mail_app.app_context():
        series = factories.open_series()
        for _ in range(60):  # confirmed at once: a receipt and two invitations each
            services.register(series, factories.registration_data())
        db.session.commit()
        ids = list(
            db.session.scalars(db.select(OutboxMessage.id).where(OutboxMessage.renderer != ""))
        )
    assert len(ids) == 180
    smtp_server.handler.delay = 0.01
    env = _worker_env(database_url, smtp_server)
    workers = [_flask("outbox", "work", "--once", env=env) for _ in range(2)]
    outputs = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err
            outputs.append(out)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()

    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(received) == 180 and set(received.values()) == {1}
    with mail_app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
        assert {r.status for r in rows} == {OutboxStatus.SENT}
        assert {r.renderer for r in rows} == {""}  # what was sent is stored
        assert set(received) == {r.message_id for r in rows}
        by_id = {m["Message-ID"]: m for m in smtp_server.messages}
        for row in rows:
            assert by_id[row.message_id]["Subject"] == row.subject
    per_worker = [int(re.search(r"Sent (\d+),", out).group(1)) for out in outputs]  # type: ignore[union-attr]
    assert sum(per_worker) == 180 and min(per_worker) > 0, per_worker


# --- batches and leases ------------------------------------------------------------------------


def _on_claim(monkeypatch: pytest.MonkeyPatch, then: Any) -> list[list[OutboxMessage]]:
    """Run `then(claimed)` right after each claim's commit, as another worker or a service
    could act between the claim and the sends; returns the claimed batches."""
    batches: list[list[OutboxMessage]] = []
    claim = delivery._claim

    def claiming(**arguments: Any) -> list[OutboxMessage]:
        claimed = claim(**arguments)
        batches.append(claimed)
        then(claimed)
        return claimed

    monkeypatch.setattr(delivery, "_claim", claiming)
    return batches


def test_a_pass_leases_its_batch_in_one_claim_and_clears_each_lease_with_the_outcome(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _enqueue(mail_app, 3)
    now = utcnow()
    leases: list[Any] = []
    batches = _on_claim(monkeypatch, lambda claimed: leases.extend(m.leased_until for m in claimed))
    assert deliver_due(mail_app, now=now).sent == 3
    assert [[m.id for m in batch] for batch in batches] == [ids, []]
    assert leases == [now + delivery.LEASE] * 3
    assert {(_row(mail_app, i).status, _row(mail_app, i).leased_until) for i in ids} == {
        (OutboxStatus.SENT, None)
    }


def test_a_message_leased_by_a_worker_that_died_waits_for_the_end_of_its_lease(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """A worker claimed `leased` and died before sending it: no other worker sends it while
    the lease runs; once it has ended, the message goes out, once."""
    leased, free = _enqueue(mail_app, 2)
    now = utcnow()
    _set(mail_app, leased, leased_until=now + timedelta(minutes=5))
    assert deliver_due(mail_app, now=now).sent == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 1"]
    assert deliver_due(mail_app, now=now + timedelta(minutes=5)).sent == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 1", "Message 0"]
    assert _row(mail_app, leased).leased_until is None


def test_a_crash_after_a_send_resends_only_the_message_in_flight_after_the_lease(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies after the server took the first message, before its outcome is
    committed: that message is sent again once the lease ends (the crash window), the other
    messages of the batch once."""
    ids = _enqueue(mail_app, 3)
    send = delivery._SmtpLink.send

    def crash_after_sending(self: Any, *arguments: Any) -> None:
        send(self, *arguments)
        raise SystemExit("killed")

    monkeypatch.setattr(delivery._SmtpLink, "send", crash_after_sending)
    now = utcnow()
    with pytest.raises(SystemExit):
        deliver_due(mail_app, now=now)
    monkeypatch.setattr(delivery._SmtpLink, "send", send)
    assert deliver_due(mail_app, now=now + delivery.LEASE - timedelta(seconds=1)).handled == 0
    assert deliver_due(mail_app, now=now + delivery.LEASE).sent == 3
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Message 0",
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    assert {_row(mail_app, i).status for i in ids} == {OutboxStatus.SENT}


def test_a_stopped_pass_hands_back_what_it_claimed_and_did_not_send(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, *rest = _enqueue(mail_app, 3)
    stop = threading.Event()
    send = delivery._SmtpLink.send

    def send_then_sigterm(self: Any, *arguments: Any) -> None:
        send(self, *arguments)
        stop.set()

    monkeypatch.setattr(delivery._SmtpLink, "send", send_then_sigterm)
    assert deliver_due(mail_app, stop=stop).sent == 1
    assert {(_row(mail_app, i).status, _row(mail_app, i).leased_until) for i in rest} == {
        (OutboxStatus.PENDING, None)
    }
    monkeypatch.setattr(delivery._SmtpLink, "send", send)
    assert deliver_due(mail_app).sent == 2
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0", "Message 1", "Message 2"]


def test_a_message_deleted_after_the_claim_is_not_sent(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An erasure deletes a claimed message before its turn: the worker skips it."""
    first, erased, third = _enqueue(mail_app, 3)

    def erase(claimed: list[OutboxMessage]) -> None:
        if claimed:
            with mail_app.app_context():
                db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id == erased))
                db.session.commit()

    _on_claim(monkeypatch, erase)
    report = deliver_due(mail_app)
    assert (report.sent, report.failed) == (2, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0", "Message 2"]
