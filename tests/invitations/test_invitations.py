"""The invitation flow: who gets which REQUEST or CANCEL, with which SEQUENCE, and the MIME tree.

Every calendar body the tests produce is checked with `ical_checks.check_itip` (icalendar and
vobject, RFC 5546's table, CRLF and folding).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.extensions import db
from webinars.invitations import flow
from webinars.invitations.models import ICalMethod, Invitation
from webinars.mail.delivery import build_message
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series import services as scheduling
from webinars.series.models import ApprovalMode, Modality, Series, SeriesStatus
from webinars.series.services import SchedulingError, SeriesData
from webinars.sessions import agenda
from webinars.sessions import services as session_services
from webinars.sessions.agenda import PersonData, RoleData
from webinars.sessions.models import EventSession, RoleKind, SessionStatus
from webinars.sessions.services import SessionData

from .. import factories
from ..helpers import recorded_statements as counted
from ..ical_checks import check_itip

JOIN = "https://zoom.example.org/j/123"


def invites(**filters: Any) -> list[OutboxMessage]:
    """The calendar messages in the outbox, oldest first."""
    query = db.select(OutboxMessage).where(OutboxMessage.ical_method != "")
    return list(db.session.scalars(query.filter_by(**filters).order_by(OutboxMessage.id)))


def event_of(message: OutboxMessage) -> Any:
    """The one VEVENT of a calendar message, checked against RFC 5546 for its METHOD."""
    [vevent] = check_itip(message.ical.encode("utf-8"), message.ical_method)
    return vevent


def attendee(vevent: Any) -> Any:
    value = vevent["ATTENDEE"]
    assert not isinstance(value, list), "one attendee per invitation"
    return value


def series_with_sessions(count: int = 2, **fields: Any) -> Series:
    values: dict[str, Any] = {"conference_url": JOIN}
    values.update(fields)
    series = factories.open_series(**values)
    for n in range(2, count):
        factories.make_session(series, start_at=datetime(2030, 3, 4 + n, 15, tzinfo=UTC))
    db.session.refresh(series)
    return series


def register(series: Series, **fields: Any) -> Registration:
    return services.register(series, factories.registration_data(**fields))


def invitation_row(event_session: EventSession, email: str) -> Invitation:
    return db.session.execute(
        db.select(Invitation).filter_by(session_id=event_session.id, email=email)
    ).scalar_one()


# --- registrations -----------------------------------------------------------------------------


def test_a_confirmed_registration_gets_one_request_per_chosen_session(ctx: Flask) -> None:
    series = series_with_sessions(3)
    chosen = series.sessions[:2]
    reg = register(series, session_ids=[s.id for s in chosen], language="en", first_name="Ana")
    assert reg.status == RegistrationStatus.CONFIRMED
    messages = invites()
    assert [m.session_id for m in messages] == [s.id for s in chosen]
    for message, event_session in zip(messages, chosen, strict=True):
        assert message.ical_method == "REQUEST" and message.kind == "invitation.new"
        assert message.ical_sequence == event_session.ical_sequence == 0
        assert message.to_address == reg.email and message.registration_id == reg.id
        vevent = event_of(message)
        assert str(vevent["UID"]) == event_session.ical_uid
        assert vevent.decoded("DTSTART") == event_session.start_at
        assert vevent.decoded("DTEND") == event_session.end_at
        assert vevent.decoded("SEQUENCE") == 0
        assert str(vevent["STATUS"]) == "CONFIRMED"
        assert str(vevent["ORGANIZER"]) == f"mailto:{ctx.config['ORGANIZER_EMAIL']}"
        person = attendee(vevent)
        assert str(person) == f"mailto:{reg.email}"
        assert person.params["CN"] == reg.full_name
        assert person.params["ROLE"] == "REQ-PARTICIPANT"
        assert person.params["PARTSTAT"] == "NEEDS-ACTION"
        assert person.params["RSVP"] == "TRUE"
        assert JOIN in str(vevent["DESCRIPTION"]) and str(vevent["URL"]) == JOIN
        assert JOIN in message.body_text and JOIN in message.body_html
        assert "/r/" in message.body_text  # the manage link
        assert event_session.topic_en in message.subject
    rows = db.session.scalars(db.select(Invitation).filter_by(registration_id=reg.id)).all()
    assert {(r.session_id, r.method, r.sequence) for r in rows} == {
        (s.id, ICalMethod.REQUEST, 0) for s in chosen
    }
    flow.sync_registration(reg)  # idempotent
    assert len(invites()) == 2


def test_a_pending_registration_is_invited_once_approved(ctx: Flask) -> None:
    series = series_with_sessions(approval_mode=ApprovalMode.ORGANIZER)
    reg = register(series)
    assert reg.status == RegistrationStatus.PENDING
    assert invites() == []
    services.approve(reg)
    assert [(m.session_id, m.ical_method) for m in invites()] == [
        (s.id, "REQUEST") for s in series.sessions
    ]


def test_a_rejected_confirmed_registration_gets_cancellations(ctx: Flask) -> None:
    series = series_with_sessions()
    reg = register(series)
    services.reject(reg, "Not an official")
    cancels = invites(ical_method="CANCEL")
    assert [m.session_id for m in cancels] == [s.id for s in series.sessions]
    for message in cancels:
        assert str(event_of(message)["STATUS"]) == "CANCELLED"


def test_a_waitlisted_registration_is_invited_once_promoted(ctx: Flask) -> None:
    series = series_with_sessions(capacity=1)
    first = register(series)
    second = register(series)
    assert second.status == RegistrationStatus.WAITLISTED
    assert {m.to_address for m in invites()} == {first.email}
    services.cancel(first)
    assert second.status == RegistrationStatus.CONFIRMED
    mine = invites(to_address=second.email)
    assert [(m.session_id, m.ical_method) for m in mine] == [
        (s.id, "REQUEST") for s in series.sessions
    ]
    assert [m.ical_method for m in invites(to_address=first.email)] == ["REQUEST"] * 2 + [
        "CANCEL"
    ] * 2


def test_a_cancelled_registration_gets_a_cancel_for_each_session(ctx: Flask) -> None:
    series = series_with_sessions()
    reg = register(series)
    requests = invites()
    services.cancel(reg)
    cancels = invites(ical_method="CANCEL")
    assert [m.session_id for m in cancels] == [s.id for s in series.sessions]
    for request, cancel in zip(requests, cancels, strict=True):
        before, after = event_of(request), event_of(cancel)
        assert str(after["UID"]) == str(before["UID"])
        # RFC 5546 section 2.1.4: above the REQUEST's, or a client may ignore it as stale.
        assert before.decoded("SEQUENCE") == 0 and after.decoded("SEQUENCE") == 1
        assert cancel.ical_sequence == 1
        assert str(after["STATUS"]) == "CANCELLED"
        assert str(attendee(after)) == f"mailto:{reg.email}"
        assert JOIN not in cancel.body_text and JOIN not in str(after.get("DESCRIPTION"))
        assert cancel.kind == "invitation.withdrawn"
    assert {r.method for r in db.session.scalars(db.select(Invitation))} == {ICalMethod.CANCEL}
    flow.sync_registration(reg)
    assert len(invites()) == 4


def test_changing_the_choice_cancels_removed_and_invites_added_sessions(ctx: Flask) -> None:
    series = series_with_sessions()
    first, second = series.sessions
    reg = register(series)
    services.change_choice(reg, profile_code=None, session_ids=[first.id])
    [cancel] = invites(ical_method="CANCEL")
    assert cancel.session_id == second.id
    assert str(event_of(cancel)["UID"]) == second.ical_uid
    services.change_choice(reg, profile_code=None, session_ids=[first.id, second.id])
    latest = invites()[-1]
    assert (latest.session_id, latest.ical_method) == (second.id, "REQUEST")
    assert str(event_of(latest)["UID"]) == second.ical_uid
    assert len(invites()) == 4  # the first session was not invited twice
    assert invitation_row(second, reg.email).method == ICalMethod.REQUEST


def test_the_email_text_gives_both_zones_in_the_registrants_language(ctx: Flask) -> None:
    series = factories.open_series(
        title_en="Border management", title_es="Gestión de fronteras", conference_url=JOIN
    )
    reg = register(
        series,
        session_ids=[series.sessions[0].id],
        language="es",
        country_code="MX",
        timezone="America/Mexico_City",
    )
    [message] = invites()
    assert message.language == "es"
    assert "Gestión de fronteras" in message.subject
    # 4 March 2030, 15:00 UTC: 09:00 in both zones (neither keeps daylight saving time), so
    # the series' time would only repeat the reader's.
    assert "lunes, 4 de marzo de 2030, 09:00–11:00 (America/Mexico_City" in message.body_text
    assert "America/Costa_Rica" not in message.body_text
    assert "America/Costa_Rica" not in message.body_html
    assert reg.first_name in message.body_text
    assert str(event_of(message)["SUMMARY"]).endswith(" · Gestión de fronteras")
    assert message.subject.startswith(f"Invitación: {series.sessions[0].topic_es} · ")


# --- changes of a session ----------------------------------------------------------------------


def test_moving_a_session_raises_its_sequence_and_updates_every_invitee(ctx: Flask) -> None:
    series = series_with_sessions(approval_mode=ApprovalMode.ORGANIZER)
    moved, other = series.sessions
    item = factories.make_agenda_item(moved)
    confirmed = [register(series), register(series)]
    for reg in confirmed:
        services.approve(reg)
    pending = register(series)
    before = len(invites())
    new_start = moved.start_at + timedelta(days=1, hours=1)
    session_services.reschedule_session(moved, start=new_start, end=new_start + timedelta(hours=2))
    assert moved.ical_sequence == 1
    assert item.start_at == new_start  # the agenda moved with the session
    updates = invites()[before:]
    assert sorted(m.to_address for m in updates) == sorted(r.email for r in confirmed)
    assert pending.email not in {m.to_address for m in invites()}
    for message in updates:
        vevent = event_of(message)
        assert message.ical_method == "REQUEST" and message.kind == "invitation.update"
        assert message.ical_sequence == 1 and vevent.decoded("SEQUENCE") == 1
        assert vevent.decoded("DTSTART") == new_start
        assert str(vevent["UID"]) == moved.ical_uid
        with force_locale(message.language):  # in the registrant's language
            assert gettext("The date or time of this session has changed.") in message.body_text
        assert invitation_row(moved, message.to_address).sequence == 1
    # The other session did not change.
    assert other.ical_sequence == 0


def test_a_text_only_change_resends_with_a_note_and_the_same_sequence(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    reg = register(series, language="en")
    [first] = invites(session_id=event_session.id)
    data = SessionData(
        topic_en="Investigation techniques",
        topic_es="Técnicas de investigación",
        day=date(2030, 3, 4),
        start_time=time(9),
        end_time=time(11),
        capacity=None,
        track_en="",
        track_es="",
    )
    session_services.update_session(event_session, data)
    [_, update] = invites(session_id=event_session.id)
    assert update.to_address == reg.email and update.ical_method == "REQUEST"
    assert update.ical_sequence == 0
    vevent = event_of(update)
    assert vevent.decoded("SEQUENCE") == 0
    assert vevent.decoded("DTSTAMP") >= event_of(first).decoded("DTSTAMP")
    assert "The topic of this session has changed." in str(vevent["DESCRIPTION"])
    assert "The topic of this session has changed." in update.body_text
    assert "Investigation techniques" in str(vevent["SUMMARY"])


def test_a_new_link_from_the_staff_form_is_a_significant_change(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    register(series, language="es")
    data = SessionData(
        topic_en="Topic",
        topic_es="Tema",
        day=date(2030, 3, 4),
        start_time=time(9),
        end_time=time(11),
        capacity=None,
        track_en="",
        track_es="",
        conference_url="https://meet.example.org/other",
    )
    session_services.update_session(event_session, data)
    update = invites(session_id=event_session.id)[-1]
    assert update.ical_sequence == 1 and event_session.ical_sequence == 1
    vevent = event_of(update)
    assert str(vevent["URL"]) == "https://meet.example.org/other"
    assert "https://meet.example.org/other" in update.body_text


def test_cancelling_a_session_sends_cancel_then_nothing_more(ctx: Flask) -> None:
    series = series_with_sessions()
    cancelled, kept = series.sessions
    regs = [register(series), register(series)]
    session_services.cancel_session(cancelled)
    assert cancelled.status == SessionStatus.CANCELLED and cancelled.ical_sequence == 1
    cancels = invites(ical_method="CANCEL")
    assert sorted(m.to_address for m in cancels) == sorted(r.email for r in regs)
    for message in cancels:
        vevent = event_of(message)
        assert vevent.decoded("SEQUENCE") == 1 and message.ical_sequence == 1
        assert str(vevent["STATUS"]) == "CANCELLED"
        assert str(vevent["UID"]) == cancelled.ical_uid
        assert message.kind == "invitation.cancelled"
    count = len(invites())
    # Nothing more for the cancelled session: not to a newcomer, a changed choice, a new topic.
    newcomer = register(series)
    assert {m.session_id for m in invites(to_address=newcomer.email)} == {kept.id}
    services.change_choice(regs[0], profile_code=None, session_ids=[kept.id])
    services.change_choice(regs[0], profile_code=None, session_ids=[cancelled.id, kept.id])
    session_services.cancel_session(cancelled)  # no change: nothing sent
    assert [m for m in invites()[count:] if m.session_id == cancelled.id] == []
    assert cancelled.ical_sequence == 1


def test_a_session_back_from_cancellation_invites_again(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    reg = register(series)
    session_services.cancel_session(event_session)
    session_services.reschedule_session(event_session, status=SessionStatus.SCHEDULED)
    last = invites(session_id=event_session.id)[-1]
    assert (last.to_address, last.ical_method, last.ical_sequence) == (reg.email, "REQUEST", 2)
    assert str(event_of(last)["STATUS"]) == "CONFIRMED"


def test_reschedule_refuses_bad_times_and_sends_nothing(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    factories.make_agenda_item(event_session)
    register(series)
    count = len(invites())
    start = event_session.start_at
    with pytest.raises(SchedulingError) as refused:
        session_services.reschedule_session(event_session, end=start)
    assert refused.value.fields == ("end",)
    with pytest.raises(SchedulingError) as naive:
        session_services.reschedule_session(event_session, start=datetime(2030, 3, 4, 16))
    assert naive.value.fields == ("start",)
    with pytest.raises(SchedulingError) as outside:
        # A later start with the same end: shorter, so the first agenda item falls outside.
        session_services.reschedule_session(event_session, start=start + timedelta(minutes=30))
    assert outside.value.fields == ("end",)
    with pytest.raises(SchedulingError) as link:
        session_services.reschedule_session(event_session, conference_url="zoom")
    assert link.value.fields == ("conference_url",)
    session_services.reschedule_session(event_session, start=start, conference_url="")
    assert len(invites()) == count and event_session.ical_sequence == 0


def test_deleting_a_session_cancels_its_invitations_first(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session, kept = series.sessions
    uid = event_session.ical_uid
    reg = register(series)
    session_services.delete_session(event_session)
    db.session.expire_all()
    [cancel] = invites(ical_method="CANCEL")
    assert cancel.to_address == reg.email and cancel.session_id is None  # the row stays
    vevent = event_of(cancel)
    assert str(vevent["UID"]) == uid and vevent.decoded("SEQUENCE") == 1
    assert db.session.scalars(db.select(Invitation.session_id)).all() == [kept.id]


# --- speakers ----------------------------------------------------------------------------------


def role_data(kind: RoleKind, person: Any) -> RoleData:
    return RoleData(kind=kind, person=person, organization=None, note_en="", note_es="")


def test_panelists_and_moderators_with_an_email_are_invited(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    item = factories.make_agenda_item(event_session)
    panelist = factories.make_person(
        name="Laura Chinchilla", email="Laura@Example.org", country_code="CR"
    )
    moderator = factories.make_person(name="John Smith", email="john@example.ca", country_code="CA")
    silent = factories.make_person(name="No Address")
    agenda.add_agenda_item_role(item, role_data(RoleKind.PANELIST, panelist))
    agenda.add_session_role(event_session, role_data(RoleKind.MODERATOR, moderator))
    agenda.add_session_role(event_session, role_data(RoleKind.SPEAKER, silent))
    messages = invites()
    assert [(m.to_address, m.ical_method) for m in messages] == [
        ("laura@example.org", "REQUEST"),
        ("john@example.ca", "REQUEST"),
    ]
    panel, chair = (event_of(m) for m in messages)
    assert attendee(panel).params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee(chair).params["ROLE"] == "CHAIR"
    assert attendee(chair).params["CN"] == "John Smith"
    assert str(chair["UID"]) == event_session.ical_uid
    assert messages[0].language == "es" and messages[1].language == "en"
    assert JOIN in messages[0].body_text  # speakers get the join link
    assert "chair" in messages[1].body_text
    assert all(m.registration_id is None for m in messages)
    # A second role for the same person sends nothing more.
    agenda.add_session_role(event_session, role_data(RoleKind.SPEAKER, panelist))
    assert len(invites()) == 2


def test_removing_a_role_cancels_the_invitation(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    person = factories.make_person(email="panel@example.org")
    role = agenda.add_session_role(event_session, role_data(RoleKind.PANELIST, person))
    agenda.delete_role(role)
    [request, cancel] = invites()
    assert (request.ical_method, cancel.ical_method) == ("REQUEST", "CANCEL")
    vevent = event_of(cancel)
    assert str(vevent["UID"]) == event_session.ical_uid
    assert str(attendee(vevent)) == "mailto:panel@example.org"
    assert invitation_row(event_session, "panel@example.org").method == ICalMethod.CANCEL


def test_deleting_an_agenda_item_cancels_its_speakers_invitations(ctx: Flask) -> None:
    series = series_with_sessions()
    item = factories.make_agenda_item(series.sessions[0])
    facilitator = factories.make_person(email="facilitator@example.org")
    agenda.add_agenda_item_role(item, role_data(RoleKind.FACILITATOR, facilitator))
    [request] = invites()
    assert attendee(event_of(request)).params["ROLE"] == "CHAIR"
    agenda.delete_agenda_item(item)
    [_, cancel] = invites()
    assert cancel.ical_method == "CANCEL" and cancel.to_address == "facilitator@example.org"
    event_of(cancel)


def test_a_speaker_who_also_registered_keeps_one_invitation(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    reg = register(series, email="both@example.gov")
    person = factories.make_person(email="both@example.gov")
    role = agenda.add_session_role(event_session, role_data(RoleKind.MODERATOR, person))
    # Already invited as a registrant: the chair role is an update of the same invitation.
    [update] = invites(session_id=event_session.id)[1:]
    assert attendee(event_of(update)).params["ROLE"] == "CHAIR"
    services.cancel(reg)
    assert invites(session_id=event_session.id, ical_method="CANCEL") == []
    agenda.delete_role(role)
    [cancel] = invites(session_id=event_session.id, ical_method="CANCEL")
    assert cancel.to_address == "both@example.gov"


def test_a_speaker_who_registers_afterwards_keeps_one_invitation(ctx: Flask) -> None:
    """The new registration's address is invited to its session already: the sync finds
    that row and adds the registration to it instead of writing another."""
    series = series_with_sessions()
    event_session = series.sessions[0]
    person = factories.make_person(email="both@example.gov")
    agenda.add_session_role(event_session, role_data(RoleKind.MODERATOR, person))
    reg = register(series, email="both@example.gov")
    [row] = db.session.scalars(
        db.select(Invitation).filter_by(session_id=event_session.id, email="both@example.gov")
    )
    assert row.registration_id == reg.id and row.person_id == person.id
    assert len(invites(session_id=event_session.id)) == 1  # the speaker's invitation only
    assert [m.to_address for m in invites(session_id=series.sessions[1].id)] == ["both@example.gov"]


def test_a_former_speaker_who_registers_is_invited_again_above_the_cancellation(
    ctx: Flask,
) -> None:
    """The address's row is there, cancelled: the new registration's INSERT leaves it out
    (one row per session and address), and the row is taken over, with a SEQUENCE above the
    CANCEL's so that calendars do not ignore the invitation as stale."""
    series = series_with_sessions()
    event_session = series.sessions[0]
    person = factories.make_person(email="both@example.gov")
    role = agenda.add_session_role(event_session, role_data(RoleKind.MODERATOR, person))
    agenda.delete_role(role)
    [_, cancel] = invites(session_id=event_session.id)
    assert cancel.ical_method == "CANCEL"
    reg = register(series, email="both@example.gov")
    [_, _, again] = invites(session_id=event_session.id)
    assert (again.ical_method, again.registration_id) == ("REQUEST", reg.id)
    assert again.ical_sequence > cancel.ical_sequence
    [row] = db.session.scalars(
        db.select(Invitation).filter_by(session_id=event_session.id, email="both@example.gov")
    )
    assert row.registration_id == reg.id and row.sequence == again.ical_sequence
    assert [m.ical_method for m in invites(session_id=series.sessions[1].id)] == ["REQUEST"]


def test_a_new_address_of_a_speaker_moves_the_invitation(ctx: Flask) -> None:
    series = series_with_sessions()
    event_session = series.sessions[0]
    person = factories.make_person(name="Ana", email="old@example.org")
    agenda.add_session_role(event_session, role_data(RoleKind.PANELIST, person))
    data = PersonData(
        name="Ana", title_en="", title_es="", organization=None, country=None, email="new@ex.org"
    )
    agenda.update_person(person, data)
    assert [(m.to_address, m.ical_method) for m in invites()] == [
        ("old@example.org", "REQUEST"),
        ("new@ex.org", "REQUEST"),
        ("old@example.org", "CANCEL"),
    ]
    agenda.delete_person(person)
    assert [(m.to_address, m.ical_method) for m in invites()][-1] == ("new@ex.org", "CANCEL")


def test_the_organizers_address_is_never_an_attendee(ctx: Flask) -> None:
    series = series_with_sessions()
    person = factories.make_person(email=ctx.config["ORGANIZER_EMAIL"].upper())
    agenda.add_session_role(series.sessions[0], role_data(RoleKind.MODERATOR, person))
    assert invites() == []


# --- the e-mail --------------------------------------------------------------------------------


def _parts(message: OutboxMessage) -> Any:
    return message_from_bytes(build_message(message).as_bytes(), policy=policy.default)


def test_an_invitation_is_built_as_mixed_alternative_with_the_calendar_part(ctx: Flask) -> None:
    series = series_with_sessions(modality=Modality.ONLINE)
    register(series)
    for message in (invites()[0], *_cancel_one(series)):
        email = _parts(message)
        assert email.get_content_type() == "multipart/mixed"
        alternative, attachment = email.iter_parts()
        assert alternative.get_content_type() == "multipart/alternative"
        plain, html, calendar = alternative.iter_parts()
        assert plain.get_content_type() == "text/plain"
        assert html.get_content_type() == "text/html"
        assert calendar.get_content_type() == "text/calendar"
        assert calendar.get_param("method") == message.ical_method
        assert calendar.get_content_charset() == "utf-8"
        body = calendar.get_payload(decode=True)
        assert body == message.ical.encode("utf-8")
        check_itip(body, calendar.get_param("method"))
        assert attachment.get_content_type() == "application/ics"
        assert attachment.get_content_disposition() == "attachment"
        assert attachment.get_filename() == "invite.ics"
        assert attachment.get_param("name") == "invite.ics"
        assert attachment.get_payload(decode=True) == body
        attachments = [p for p in email.walk() if p.get_content_disposition() == "attachment"]
        assert len(attachments) == 1


def _cancel_one(series: Series) -> list[OutboxMessage]:
    session_services.cancel_session(series.sessions[1])
    return invites(ical_method="CANCEL")


def test_an_ordinary_email_keeps_its_two_part_body(ctx: Flask) -> None:
    series = series_with_sessions()
    register(series)
    [status_mail] = db.session.scalars(
        db.select(OutboxMessage).filter_by(kind="registration.confirmed")
    )
    email = _parts(status_mail)
    assert email.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in email.iter_parts()] == ["text/plain", "text/html"]


# --- queries -----------------------------------------------------------------------------------


def _full_series(sessions: int) -> Series:
    series = series_with_sessions(sessions)
    for event_session in series.sessions:
        item = factories.make_agenda_item(event_session)
        factories.make_role(agenda_item=item, person=factories.make_person())
        factories.make_role(event_session=event_session, organization=factories.organization("IOM"))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Series, series.id)


def test_registering_issues_the_same_queries_whatever_the_number_of_sessions(
    ctx: Flask,
) -> None:
    few, many = _full_series(2), _full_series(6)
    register(few)  # the country and the reference rows are then in the session for both
    assert len(many.sessions) == 6  # as the series page has them loaded, for both
    with counted() as for_few:
        register(few)
    with counted() as for_many:
        register(many)
    assert len(invites()) == 2 + 2 + 6

    def selects(statements: list[str]) -> int:
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    assert selects(for_many) == selects(for_few)
    # Nothing is read for the invitations (a registration just placed has none, and its rows
    # go in one INSERT that leaves out an address invited already), nor for the e-mails
    # (rendered when delivered); no seat count, as these series have no limit
    # (`seats.held_for` counts only what a limit reads); the country is checked against the
    # reference data.
    plain = [s for s in for_few if not re.search(r"FOR (NO KEY )?UPDATE", s.upper())]
    if db.engine.dialect.name == "postgresql":
        # There the series' version, the address's lookup and the lock are inside the one
        # statement that writes the registration, its sessions and its person
        # (`registration.inserts`): with the invitation rows and the e-mails, three in all.
        assert selects(plain) == 0, plain
        assert [s.lstrip()[:4].upper() for s in for_few] == [
            "WITH",
            "INSE",
            "INSE",
        ], "\n".join(s[:60] for s in for_few)
        assert re.search(r"FOR NO KEY UPDATE", for_few[0]), for_few[0]
    else:
        # The series' version under the lock (a no-op write), and the address in every
        # series (a duplicate here, the person of the others).
        assert selects(plain) == 2, plain
    # The writes do not grow either: the invitation rows of every session go in one INSERT,
    # and their e-mails with the receipt in another (`outbox.one_insert`).
    assert len(for_many) == len(for_few), "\n".join(s[:60] for s in for_many)


def _moved_with_invitees(registrants: int) -> list[str]:
    """The statements of moving a session that has this many registrants and two speakers."""
    series = _full_series(2)
    event_session = series.sessions[0]
    for _ in range(registrants):
        register(series)
    for kind in (RoleKind.MODERATOR, RoleKind.PANELIST):
        person = factories.make_person(email=f"{kind.value}{series.id}@example.org")
        factories.make_role(kind=kind, event_session=event_session, person=person)
    flow.sync_speakers(event_session)
    db.session.commit()
    db.session.expire_all()
    event_session = db.session.get(EventSession, event_session.id)
    start = event_session.start_at + timedelta(days=1)
    with counted() as statements:
        session_services.reschedule_session(
            event_session, start=start, end=start + timedelta(hours=2)
        )
    assert len(invites(session_id=event_session.id, kind="invitation.update")) == registrants + 2
    return statements


def test_moving_a_session_issues_the_same_selects_whatever_the_number_of_invitees(
    ctx: Flask,
) -> None:
    def selects(statements: list[str]) -> int:
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    assert selects(_moved_with_invitees(2)) == selects(_moved_with_invitees(7))


def series_data(**overrides: Any) -> SeriesData:
    """What the staff form would give for a plain online series."""
    values: dict[str, Any] = {
        f: "" for f in SeriesData.__dataclass_fields__ if f.endswith(("_en", "_es"))
    }
    values.update(
        slug="reminders",
        title_en="Reminders",
        title_es="Recordatorios",
        modality=Modality.ONLINE,
        conference_url="",
        timezone="America/Costa_Rica",
        registration_opens=None,
        registration_closes=None,
        approval_mode=ApprovalMode.AUTOMATIC,
        status=SeriesStatus.PUBLISHED,
        capacity=None,
        working_group_id=None,
        host_country_code=None,
        partner_ids=[],
    )
    values.update(overrides)
    return SeriesData(**values)


def test_a_new_series_link_updates_the_sessions_that_use_it(ctx: Flask) -> None:
    series = series_with_sessions()
    own_link, uses_series_link = series.sessions
    own_link.conference_url = "https://meet.example.org/own"
    reg = register(series)
    count = len(invites())
    new_link = "https://zoom.example.org/j/new"
    data = series_data(
        slug=series.slug, title_en="Series", title_es="Serie", conference_url=new_link
    )
    scheduling.update_series(series, data)
    [update] = invites()[count:]
    assert (update.to_address, update.session_id) == (reg.email, uses_series_link.id)
    vevent = event_of(update)
    assert str(vevent["URL"]) == new_link and vevent.decoded("SEQUENCE") == 1
    assert own_link.ical_sequence == 0


def test_reminder_minutes_are_checked_and_kept_earliest_first(ctx: Flask) -> None:
    series = scheduling.create_series(series_data(reminder_minutes=(60, 1440, 60)))
    assert series.reminder_minutes == [1440, 60]
    assert scheduling.create_series(series_data(slug="d")).reminder_minutes == [1440, 60]
    for bad in ((0,), (43201,), (1, 2, 3, 4, 5, 6)):
        with pytest.raises(SchedulingError) as refused:
            scheduling.update_series(series, series_data(reminder_minutes=bad))
        assert refused.value.fields == ("reminder_minutes",)
