"""`delivery.message_bytes` writes the e-mail directly, without `email.message.EmailMessage`:
what clients read from it must be what they read from the message the `email` package builds.

`_reference` is the construction the delivery used before (EmailMessage with policy.SMTP,
`set_content` parts). Both are parsed as a client parses them (Python's `email` parser with
policy.default, the calendar with `icalendar`) and every header, the MIME tree, each part's
parameters and decoded content must be equal, for Spanish accents, IDNA domains, long and
odd names and subjects, and bodies that quoted-printable must take care of.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar

from webinars.mail.delivery import ICS_FILENAME, build_message, message_bytes, smtp_address
from webinars.mail.models import OutboxMessage
from webinars.mail.rendering import Rendered

SENDERS = [
    "Webinars <webinars@crmsv.org>",
    "Conferencia Regional sobre Migración <webinars@crmsv.org>",
    "webinars@crmsv.org",
]
NAMES = [
    "",
    "Ana",
    "Ana Pérez",
    "José Núñez Muñoz",
    "Dr. Ana O'Neil",
    'Ana "la fiscal" Pérez',
    "María Fernanda de los Ángeles Gutiérrez Hernández de la Fiscalía General de la República",
    "Christopher Alexander Montgomery-Williamson of the Department of Homeland Security",
    "=?utf-8?q?not_an_encoded_word?=",
    "Zoë 😀 Ünal",
    "Ana  Pérez (CR)",
]
SUBJECTS = [
    "Invitation: Border management",
    "Invitación: Gestión de fronteras",
    "Actualización: Gestión integral de fronteras y protección de personas migrantes — sesión 2",
    "Updated invitation: Integrated border management and the protection of migrants, session 2",
    "A" * 120,
    "=?utf-8?b?SGVsbG8=?= is literal",
    "Rappel : réunion à 10 h ; ¿está lista?",
]
ADDRESSES = ["ana@example.org", "ana@méxico.gob", "j.nunez+crm@ministerio.gob.sv"]
TEXT = (
    "Estimada Ana:\n\n¿Está lista la sesión? Línea con espacio al final \n"
    ".Una línea que empieza con punto\n.\nFrom the start\n= signo igual =3D\n"
    + "x" * 200
    + "\nfin sin salto"
)
HTML = "<p>Estimada <strong>Ana</strong>:</p>\r\n<p>¿Está lista?\tSí.</p>\r<p>" + "é" * 90 + "</p>"
ICAL = (
    "BEGIN:VCALENDAR\r\nPRODID:-//Regional Conference on Migration//Webinars//EN\r\n"
    "VERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:session-1@crmsv.org\r\n"
    "DTSTAMP:20260102T030405Z\r\nDTSTART:20260201T150000Z\r\nDTEND:20260201T170000Z\r\n"
    "SEQUENCE:2\r\nSUMMARY:Gestión de fronteras\r\n"
    "DESCRIPTION:Sesión sobre la gestión integral de fronteras y la protección de\r\n"
    "  las personas migrantes\\, con enlace: https://zoom.us/j/42\r\n"
    "ATTENDEE;CN=Ana Pérez;ROLE=REQ-PARTICIPANT:mailto:ana@xn--mxico-bsa.gob\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _row(address: str, **fields: Any) -> OutboxMessage:
    return OutboxMessage(
        to_address=address,
        language=fields.pop("language", "es"),
        message_id="<20260102.1.2@crmsv.org>",
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        renderer="",
        **fields,
    )


def _content(name: str, subject: str, ical: str = "") -> Rendered:
    return Rendered(subject=subject, body_text=TEXT, body_html=HTML, to_name=name, ical=ical)


def _reference(message: OutboxMessage, sender: str, content: Rendered) -> bytes:
    """The message as the `email` package built it before `message_bytes`."""
    email = EmailMessage(policy=policy.SMTP)
    email["From"] = sender
    email["To"] = Address(display_name=content.to_name, addr_spec=smtp_address(message.to_address))
    email["Subject"] = content.subject
    email["Date"] = message.created_at
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email["MIME-Version"] = "1.0"
    email.make_alternative()
    for text, subtype, options in [
        (content.body_text, "plain", {}),
        (content.body_html, "html", {}),
        (content.ical, "calendar", {"params": {"method": message.ical_method}}),
    ]:
        if text or subtype != "calendar":
            part = MIMEPart(policy=policy.SMTP)
            part.set_content(
                text, subtype=subtype, charset="utf-8", cte="quoted-printable", **options
            )
            email.attach(part)
    if content.ical:
        email.make_mixed()
        attachment = MIMEPart(policy=policy.SMTP)
        attachment.set_content(
            content.ical.encode("utf-8"),
            maintype="application",
            subtype="ics",
            disposition="attachment",
            filename=ICS_FILENAME,
            params={"name": ICS_FILENAME},
        )
        email.attach(attachment)
    email["Content-Language"] = message.language
    return email.as_bytes()


def _read(data: bytes) -> dict[str, Any]:
    """What a client reads from the message: headers, tree, parameters, decoded parts."""
    parsed = message_from_bytes(data, policy=policy.default)
    assert not parsed.defects
    [to] = parsed["To"].addresses
    [sender] = parsed["From"].addresses
    parts = []
    for part in parsed.walk():
        assert not part.defects, part.defects
        parts.append(
            (
                part.get_content_type(),
                part.get_content_charset(),
                part.get_param("method"),
                part.get_content_disposition(),
                part.get_filename(),
                None if part.is_multipart() else part.get_payload(decode=True),
                None if part.is_multipart() else part.get_content(),
            )
        )
    return {
        "from": (sender.display_name, sender.addr_spec),
        "to": (to.display_name, to.addr_spec),
        "subject": parsed["Subject"],
        "date": parsed["Date"].datetime,
        "headers": [
            (name, str(parsed[name]))
            for name in ("Message-ID", "Auto-Submitted", "MIME-Version", "Content-Language")
        ],
        "parts": parts,
    }


def _assert_well_formed(data: bytes) -> None:
    """7-bit, CRLF line ends only, header lines folded at 78 characters where a space allows
    it (not inside one long word)."""
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    header = data.split(b"\r\n\r\n", 1)[0]
    for line in header.split(b"\r\n"):
        words = line.split() if line.startswith(b" ") else line.split()[1:]
        assert len(line) <= 78 or len(words) == 1, line
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("address", ADDRESSES)
def test_a_client_reads_the_recipient_as_the_email_package_wrote_it(
    ctx: Flask, name: str, address: str
) -> None:
    message, content = _row(address), _content(name, SUBJECTS[1])
    data = message_bytes(message, sender=SENDERS[0], content=content)
    _assert_well_formed(data)
    read, reference = _read(data), _read(_reference(message, SENDERS[0], content))
    assert read["to"] == (name, smtp_address(address))
    # The `email` package cut a long name between two encoded words inside a word, and its
    # own parser then reads a space there ("Hern ández"); it also wrote a name that looks like
    # an encoded word as it is, which readers decode. The rest is read alike.
    assert {**read, "to": None} == {**reference, "to": None}


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("sender", SENDERS)
def test_a_client_reads_the_subject_and_sender_as_the_email_package_wrote_them(
    ctx: Flask, subject: str, sender: str
) -> None:
    message, content = _row("ana@méxico.gob"), _content("Ana Pérez", subject)
    data = message_bytes(message, sender=sender, content=content)
    _assert_well_formed(data)
    read, reference = _read(data), _read(_reference(message, sender, content))
    assert read["subject"] == subject
    assert {**read, "subject": None} == {**reference, "subject": None}


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_a_calendar_message_has_the_same_tree_parts_and_icalendar(ctx: Flask, method: str) -> None:
    message = _row("ana@méxico.gob", ical_method=method)
    content = _content("Ana Pérez", SUBJECTS[2], ical=ICAL.replace("REQUEST", method))
    data = message_bytes(message, sender=SENDERS[1], content=content)
    _assert_well_formed(data)
    assert _read(data) == _read(_reference(message, SENDERS[1], content))

    parsed = message_from_bytes(data, policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.iter_parts()
    plain, html, calendar = alternative.iter_parts()
    assert calendar["Content-Type"].content_type == "text/calendar"
    assert calendar["Content-Type"].params == {"charset": "utf-8", "method": method}
    assert (attachment.get_content_type(), attachment.get_filename()) == (
        "application/ics",
        ICS_FILENAME,
    )
    assert attachment.get_payload(decode=True) == content.ical.encode("utf-8")
    for raw in (calendar.get_payload(decode=True), attachment.get_payload(decode=True)):
        parsed_calendar = Calendar.from_ical(raw)
        assert str(parsed_calendar["METHOD"]) == method
        [event] = parsed_calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == "Gestión de fronteras"
        assert "protección de las personas migrantes, con enlace" in str(event["DESCRIPTION"])
        assert event["ATTENDEE"].params["CN"] == "Ana Pérez"
    assert plain.get_content().replace("\r\n", "\n").startswith("Estimada Ana:\n\n¿Está lista")
    assert "é" * 90 in html.get_content()


def test_an_empty_body_and_a_plain_ascii_message(ctx: Flask) -> None:
    message = _row("ana@example.org", language="en")
    content = Rendered(subject="Hello", body_text="", body_html="<p>Hi</p>", to_name="Ana")
    data = message_bytes(message, sender=SENDERS[0], content=content)
    assert _read(data) == _read(_reference(message, SENDERS[0], content))
    assert b"To: Ana <ana@example.org>\r\nSubject: Hello\r\n" in data


def test_each_multipart_has_its_own_boundary_that_no_part_contains(ctx: Flask) -> None:
    message = _row("ana@example.org", ical_method="REQUEST")
    data = message_bytes(message, sender=SENDERS[0], content=_content("Ana", "Hi", ical=ICAL))
    boundaries = re.findall(rb'boundary="([^"]+)"', data)
    assert len(set(boundaries)) == 2
    for boundary in boundaries:
        # Opening delimiters: one per part (3 in the alternative, 2 in the mixed), one close.
        assert data.count(b"--" + boundary + b"\r\n") in (2, 3)
        assert data.count(b"--" + boundary + b"--\r\n") == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"subject": "Two\nlines"},
        {"subject": "Carriage\rreturn"},
        {"to_name": "Ana\r\nBcc: everyone@example.org"},
        {"address": "josé@example.org"},  # needs SMTPUTF8
    ],
)
def test_a_header_that_cannot_be_written_is_refused(ctx: Flask, fields: dict[str, str]) -> None:
    message = _row(fields.get("address", "ana@example.org"))
    content = _content(fields.get("to_name", "Ana"), fields.get("subject", "Hi"))
    with pytest.raises(ValueError):
        message_bytes(message, sender=SENDERS[0], content=content)


def test_build_message_is_the_sent_bytes_parsed(ctx: Flask) -> None:
    """The staff pages read `build_message`: the same headers and parts as what is sent."""
    message = _row("ana@méxico.gob", ical_method="REQUEST")
    content = _content("José Núñez", SUBJECTS[1], ical=ICAL)
    built = build_message(message, sender=SENDERS[1], content=content)
    assert _read(built.as_bytes()) == _read(
        message_bytes(message, sender=SENDERS[1], content=content)
    )
    assert dict(built.items())["Subject"] == SUBJECTS[1]
