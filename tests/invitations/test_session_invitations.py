"""The organizers' view of a session's calendar (who is invited, what was sent, what failed) and
its two actions: cancel the session, send the agenda again."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.invitations import flow
from webinars.invitations.models import ICalMethod, Invitation
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.rendering import freeze
from webinars.registration import services as registration_services
from webinars.sessions import services
from webinars.sessions.models import EventSession, RoleKind, SessionStatus

from .. import factories
from ..conftest import AuthActions
from ..factories import registration_data
from ..helpers import mark_sent
from ..ical_checks import check_itip


@dataclass(frozen=True)
class Scene:
    slug: str
    session_id: int
    other_slug: str
    registrant: str
    speaker: str
    organizer: str
    admin: str
    facilitator: str
    other_facilitator: str
    focal_point: str

    @property
    def url(self) -> str:
        return f"/staff/series/{self.slug}/sessions/{self.session_id}/invitations"

    def action(self, name: str) -> str:
        return f"/staff/series/{self.slug}/sessions/{self.session_id}/{name}"


@pytest.fixture
def scene(app: Flask) -> Scene:
    """A session with a confirmed registrant and a moderator with an e-mail, both invited."""
    with app.app_context():
        series = factories.open_series(conference_url="https://zoom.us/j/100")
        other = factories.open_series()
        event_session = series.sessions[0]
        moderator = factories.make_person(name="Laura Chinchilla", email="laura@example.org")
        factories.make_role(kind=RoleKind.MODERATOR, event_session=event_session, person=moderator)
        flow.sync_speakers(event_session)
        registration = registration_services.register(
            series,
            registration_data(
                first_name="José", email="jose@example.gov", session_ids=[event_session.id]
            ),
        )
        scene = Scene(
            slug=series.slug,
            session_id=event_session.id,
            other_slug=other.slug,
            registrant=registration.email,
            speaker=moderator.email,
            organizer=factories.make_user(StaffRole.ORGANIZER).email,
            admin=factories.make_user(StaffRole.ADMIN).email,
            facilitator=factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
            other_facilitator=factories.make_user(StaffRole.FACILITATOR, series=[other]).email,
            focal_point=factories.make_user(StaffRole.FOCAL_POINT).email,
        )
        db.session.commit()
        return scene


def _calendar_messages(session_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.session_id == session_id, OutboxMessage.ical_method != "")
            .order_by(OutboxMessage.id)
        )
    )


def _checked(messages: list[OutboxMessage]) -> list[tuple[str, str, int]]:
    """(address, method, SEQUENCE) of each message, every body parsed by both parsers."""
    seen = []
    for message in messages:
        [event] = check_itip(message.ical.encode(), message.ical_method)
        assert int(event["SEQUENCE"]) == message.ical_sequence
        seen.append((message.to_address, message.ical_method, message.ical_sequence))
    return seen


def _row(page: str, row_id: str) -> str:
    """The text of the table row `row_id`, tags stripped, spaces collapsed."""
    match = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, row_id
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "actions"),
    [
        ("organizer", 200, True),
        ("admin", 200, True),
        ("facilitator", 200, False),
        ("other_facilitator", 403, False),
        ("focal_point", 403, False),
    ],
)
def test_who_sees_the_page_and_its_actions(
    scene: Scene, client: FlaskClient, auth: AuthActions, who: str, status: int, actions: bool
) -> None:
    auth.login(getattr(scene, who))
    response = client.get(scene.url)
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert scene.registrant in page and scene.speaker in page
        assert (scene.action("cancel") in page) is actions
        assert (scene.action("send-update") in page) is actions


def test_anonymous_visitors_are_sent_to_log_in(scene: Scene, client: FlaskClient) -> None:
    for response in (
        client.get(scene.url),
        client.post(scene.action("cancel"), data={"confirm": "y"}),
        client.post(scene.action("send-update"), data={"note": ""}),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["facilitator", "focal_point"])
def test_only_organizers_cancel_or_send_updates(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions, who: str
) -> None:
    auth.login(getattr(scene, who))
    with app.app_context():
        before = len(_calendar_messages(scene.session_id))
    assert client.post(scene.action("cancel"), data={"confirm": "y"}).status_code == 403
    assert client.post(scene.action("send-update"), data={"note": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(EventSession, scene.session_id).status == SessionStatus.SCHEDULED
        assert len(_calendar_messages(scene.session_id)) == before


def test_a_session_of_another_series_is_not_found(
    scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    auth.login(scene.organizer)
    url = f"/staff/series/{scene.other_slug}/sessions/{scene.session_id}"
    assert client.get(f"{url}/invitations").status_code == 404
    assert client.post(f"{url}/cancel", data={"confirm": "y"}).status_code == 404
    assert client.post(f"{url}/send-update", data={"note": ""}).status_code == 404


def test_the_session_page_links_to_the_invitations_and_the_actions(
    scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    auth.login(scene.organizer)
    page = client.get(f"/staff/series/{scene.slug}/sessions/{scene.session_id}").get_data(
        as_text=True
    )
    assert f'href="{scene.url}"' in page
    assert f'href="{scene.url}#send-update"' in page
    assert f'href="{scene.url}#cancel"' in page


# --- what the page shows ----------------------------------------------------------------------


def test_after_a_move_and_a_cancel_every_sequence_and_the_failure_are_shown(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        mark_sent()  # the first invitations went out before the move
        event_session = db.session.get(EventSession, scene.session_id)
        uid = event_session.ical_uid
        services.reschedule_session(
            event_session,
            start=event_session.start_at + timedelta(hours=1),
            end=event_session.end_at + timedelta(hours=1),
        )
        db.session.commit()
        messages = _calendar_messages(scene.session_id)
        assert sorted(_checked(messages)) == sorted(
            [
                (scene.speaker, "REQUEST", 0),
                (scene.registrant, "REQUEST", 0),
                (scene.speaker, "REQUEST", 1),
                (scene.registrant, "REQUEST", 1),
            ]
        )
        failed = next(m for m in messages if m.to_address == scene.registrant and m.ical_sequence)
        failed.status = OutboxStatus.FAILED
        failed.attempts = 6
        failed.last_error = "550 5.1.1 Mailbox unavailable"
        freeze(failed)  # as the worker keeps what it last tried to send
        failed_id = failed.id
        db.session.commit()
        mark_sent()  # the other update went out before the cancellation

    auth.login(scene.organizer)
    response = client.post(scene.action("cancel"), data={"confirm": "y"}, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == scene.url
    page = response.get_data(as_text=True)
    assert "The session was cancelled; 2 people get a cancellation." in page

    with app.app_context():
        assert db.session.get(EventSession, scene.session_id).status == SessionStatus.CANCELLED
        messages = _calendar_messages(scene.session_id)
        assert sorted(s for s in _checked(messages) if s[2] == 2) == sorted(
            [(scene.registrant, "CANCEL", 2), (scene.speaker, "CANCEL", 2)]
        )
        rows = {m.id: (m.to_address, m.ical_method, m.ical_sequence, m.status) for m in messages}
        invitations = {
            i.email: (i.method, i.sequence, i.chair, i.id)
            for i in db.session.scalars(db.select(Invitation))
        }
    assert {email: value[:3] for email, value in invitations.items()} == {
        scene.registrant: (ICalMethod.CANCEL, 2, False),
        scene.speaker: (ICalMethod.CANCEL, 2, True),
    }

    assert 'id="session-status"' in page and ">Cancelled<" in page
    assert re.search(r'id="session-sequence">\s*2\s*<', page)
    assert f'id="session-uid">{uid}<' in page
    for message_id, (address, method, sequence, status) in rows.items():
        text = _row(page, f"message-{message_id}")
        assert address in text
        assert f"{method} {sequence}" in text
        assert ("Failed" in text) is (message_id == failed_id)
        assert ("Waiting" in text) is (status == OutboxStatus.PENDING)
    failure = _row(page, f"message-{failed_id}")
    assert "550 5.1.1 Mailbox unavailable" in failure and " 6 " in f" {failure} "
    assert re.search(rf'<tr id="message-{failed_id}" class="message-failed"', page)
    assert "1 message to this session’s invitees failed" in html.unescape(page)
    speaker_row = _row(page, f"invitation-{invitations[scene.speaker][3]}")
    assert "Speaker" in speaker_row and "Chair" in speaker_row and "CANCEL 2" in speaker_row
    registrant_row = _row(page, f"invitation-{invitations[scene.registrant][3]}")
    assert "Registrant" in registrant_row and "CANCEL 2" in registrant_row
    # a cancelled session offers no more actions
    assert scene.action("cancel") not in page and scene.action("send-update") not in page


def test_nothing_sent_yet(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    with app.app_context():
        series = factories.open_series()
        event_session = series.sessions[1]
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        url = f"/staff/series/{series.slug}/sessions/{event_session.id}/invitations"
        db.session.commit()
    auth.login(organizer)
    page = client.get(url).get_data(as_text=True)
    assert "Nobody is invited to this session yet" in page
    assert "No message about this session yet." in page


# --- cancel -----------------------------------------------------------------------------------


def test_cancelling_needs_the_box_ticked(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        before = len(_calendar_messages(scene.session_id))
    auth.login(scene.organizer)
    response = client.post(scene.action("cancel"), data={})
    assert response.status_code == 200
    assert "Tick the box to confirm the cancellation." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EventSession, scene.session_id).status == SessionStatus.SCHEDULED
        assert len(_calendar_messages(scene.session_id)) == before


def test_cancelling_twice_sends_nothing_more(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    auth.login(scene.organizer)
    client.post(scene.action("cancel"), data={"confirm": "y"})
    with app.app_context():
        after_first = len(_calendar_messages(scene.session_id))
    response = client.post(scene.action("cancel"), data={"confirm": "y"}, follow_redirects=True)
    assert "This session is cancelled already." in response.get_data(as_text=True)
    with app.app_context():
        assert len(_calendar_messages(scene.session_id)) == after_first


# --- send the agenda again --------------------------------------------------------------------


def test_send_update_resends_the_current_agenda_with_the_note(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        before = {m.id for m in _calendar_messages(scene.session_id)}
        sequence = db.session.get(EventSession, scene.session_id).ical_sequence
    auth.login(scene.organizer)
    note = "The agenda has a new panelist."
    response = client.post(
        scene.action("send-update"), data={"note": f"  {note}  "}, follow_redirects=True
    )
    assert response.request.path == scene.url
    assert "The current agenda was sent again to 2 people." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EventSession, scene.session_id).ical_sequence == sequence
        new = [m for m in _calendar_messages(scene.session_id) if m.id not in before]
        assert sorted(_checked(new)) == sorted(
            [(scene.registrant, "REQUEST", sequence), (scene.speaker, "REQUEST", sequence)]
        )
        for message in new:
            [event] = check_itip(message.ical.encode(), "REQUEST")
            assert note in str(event["DESCRIPTION"])


def test_send_update_refuses_a_note_too_long(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        before = len(_calendar_messages(scene.session_id))
    auth.login(scene.organizer)
    response = client.post(scene.action("send-update"), data={"note": "x" * 1001})
    assert response.status_code == 200
    assert "Field cannot be longer than 1000 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert len(_calendar_messages(scene.session_id)) == before


def test_send_update_refuses_a_cancelled_session(
    app: Flask, scene: Scene, client: FlaskClient, auth: AuthActions
) -> None:
    auth.login(scene.organizer)
    client.post(scene.action("cancel"), data={"confirm": "y"})
    with app.app_context():
        before = len(_calendar_messages(scene.session_id))
    response = client.post(scene.action("send-update"), data={"note": ""}, follow_redirects=True)
    assert "This session is cancelled: there is no agenda to send." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert len(_calendar_messages(scene.session_id)) == before
