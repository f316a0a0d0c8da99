"""Calendars as registrants see them (issue 11, defect 8): a pending seat is TENTATIVE, a
withdrawal outranks the invitation it withdraws, a withdrawn registrant's feed cancels its
events, titles lead with the topic, and an internationalised address has one form."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import icalendar
from flask import Flask
from flask.testing import FlaskClient

from webinars.extensions import db
from webinars.invitations import feeds
from webinars.invitations.texts import short_title
from webinars.mail.delivery import build_message
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration
from webinars.registration.notifications import view_url
from webinars.registration.tokens import public_token
from webinars.series.models import ApprovalMode, Series

from .. import factories
from ..ical_checks import check_itip


def _series(**fields: Any) -> Series:
    return factories.open_series(conference_url="https://zoom.example/j/1", **fields)


def _register(series: Series, **fields: Any) -> Registration:
    return services.register(series, factories.registration_data(**fields))


def _invites(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.ical_method != "", OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id)
        )
    )


def _event(message: OutboxMessage) -> Any:
    [vevent] = check_itip(message.ical.encode("utf-8"), message.ical_method)
    return vevent


def _feed_events(registration: Registration) -> list[Any]:
    body = feeds.private_feed(registration, view_url=view_url(registration))
    return check_itip(body, "PUBLISH")


def test_a_pending_registrations_feed_is_tentative_and_becomes_confirmed(ctx: Flask) -> None:
    series = _series(approval_mode=ApprovalMode.ORGANIZER)
    registration = _register(series)
    events = _feed_events(registration)
    assert len(events) == 2
    assert {str(e["STATUS"]) for e in events} == {"TENTATIVE"}
    services.approve(registration)
    assert {str(e["STATUS"]) for e in _feed_events(registration)} == {"CONFIRMED"}


def test_a_withdrawal_outranks_the_invitation_and_a_second_invitation_outranks_it(
    ctx: Flask,
) -> None:
    series = _series(approval_mode=ApprovalMode.ORGANIZER)
    registration = _register(series)
    services.approve(registration)
    session_ids = [s.id for s in series.sessions]
    services.change_choice(registration, profile_code=None, session_ids=session_ids[:1])
    request, withdrawal = _invites(registration.email)[1:3]
    assert (request.ical_method, withdrawal.ical_method) == ("REQUEST", "CANCEL")
    assert request.session_id == withdrawal.session_id == session_ids[1]
    assert _event(withdrawal).decoded("SEQUENCE") > _event(request).decoded("SEQUENCE")
    # Chosen again: the new REQUEST outranks the CANCEL, or the calendar keeps it cancelled.
    services.change_choice(registration, profile_code=None, session_ids=session_ids)
    again = _invites(registration.email)[-1]
    assert again.ical_method == "REQUEST" and again.session_id == session_ids[1]
    assert _event(again).decoded("SEQUENCE") > _event(withdrawal).decoded("SEQUENCE")
    # The other session was never withdrawn: its SEQUENCE is still the session's.
    assert _event(_invites(registration.email)[0]).decoded("SEQUENCE") == 0


def test_a_cancelled_registrations_feed_matches_its_cancel_emails(ctx: Flask) -> None:
    series = _series()
    registration = _register(series)
    services.cancel(registration)
    cancels = [m for m in _invites(registration.email) if m.ical_method == "CANCEL"]
    events = _feed_events(registration)
    assert [str(e["STATUS"]) for e in events] == ["CANCELLED", "CANCELLED"]
    assert [e.decoded("SEQUENCE") for e in events] == [
        _event(m).decoded("SEQUENCE") for m in cancels
    ]
    assert all("URL" not in e for e in events)


def test_titles_lead_with_the_topic(ctx: Flask) -> None:
    series = _series(
        title_en="Webinar series: Characteristics, best practices, preparation and approach "
        "of intra-regional massive flows",
        title_es="Serie de webinarios: Características, buenas prácticas, preparación y "
        "abordaje de los flujos masivos intrarregionales",
    )
    registration = _register(series, language="es")
    [first, _second] = _invites(registration.email)
    summary = str(_event(first)["SUMMARY"])
    topic = series.sessions[0].topic_es
    assert summary == f"{topic} · Características, buenas prácticas…"
    assert first.subject.startswith(f"Invitación: {topic} · ")


def test_short_title() -> None:
    assert short_title("Webinars: Regional Technical Exchange on Migrant Smuggling") == (
        "Regional Technical Exchange on Migrant…"
    )
    assert short_title("Meetings of the Working Group on Border Management") == (
        "Meetings of the Working Group on Border…"
    )
    # A colon after a long first part is part of the title.
    assert short_title("Border management in the region: a dialogue", limit=80) == (
        "Border management in the region: a dialogue"
    )
    assert short_title("Border webinar") == "Border webinar"
    assert len(short_title("x" * 100)) == 40


def test_an_internationalised_domain_has_one_form_in_to_and_attendee(ctx: Flask) -> None:
    series = _series()
    registration = _register(series, email="ana@migración.example")
    assert registration.email == "ana@migración.example"
    message = _invites(registration.email)[0]
    email = message_from_bytes(bytes(build_message(message)), policy=policy.SMTP)
    to = email["To"].addresses[0].addr_spec
    assert to == f"ana@{'migración.example'.encode('idna').decode()}"
    assert to.isascii()
    calendar = icalendar.Calendar.from_ical(email.get_body(("calendar",)).get_content())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["ATTENDEE"]) == f"mailto:{to}"


def test_the_private_feed_over_http_says_tentative(ctx: Flask, client: FlaskClient) -> None:
    series = _series(approval_mode=ApprovalMode.ORGANIZER)
    token = public_token(_register(series))
    db.session.commit()
    body = client.get(f"/r/{token}/calendar.ics").data
    assert b"STATUS:TENTATIVE" in body and b"STATUS:CONFIRMED" not in body
