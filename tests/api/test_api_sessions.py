"""`PATCH /api/v1/series/<slug>/sessions/<id>`: organizers move, relink and cancel sessions with
a token, and the calendar invitations follow.

Every answer is validated against the schema the generated OpenAPI document gives for its
status; every calendar body in the outbox is parsed by two parsers (`check_itip`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token
from webinars.extensions import db
from webinars.invitations import flow
from webinars.mail.models import OutboxMessage
from webinars.registration import services as registration_services
from webinars.sessions.models import AgendaItem, EventSession, RoleKind, SessionStatus

from .. import factories
from ..factories import registration_data
from ..helpers import mark_sent
from ..ical_checks import check_itip
from ..openapi_check import assert_matches_document, resolve

START = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
PATH = "/api/v1/series/{slug}/sessions/{session_id}"


@dataclass(frozen=True)
class Scene:
    slug: str
    session_id: int
    other_session_id: int
    uid: str
    item_id: int
    registrant: str
    speaker: str
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return PATH.format(slug=self.slug, session_id=self.session_id)


@pytest.fixture
def scene(app: Flask) -> Scene:
    """Session 1 (4 March 2030, 15:00-17:00 UTC) with a 15-minute opening, a confirmed
    registrant and a moderator, both invited (SEQUENCE 0)."""
    with app.app_context():
        series = factories.open_series(conference_url="https://zoom.us/j/series")
        other = factories.open_series()
        event_session = series.sessions[0]
        item = factories.make_agenda_item(event_session)
        moderator = factories.make_person(name="Laura Chinchilla", email="laura@example.org")
        factories.make_role(kind=RoleKind.MODERATOR, event_session=event_session, person=moderator)
        flow.sync_speakers(event_session)
        registration = registration_services.register(
            series, registration_data(session_ids=[event_session.id])
        )
        tokens = {
            role.value: issue_token(factories.make_user(role))
            for role in (StaffRole.ORGANIZER, StaffRole.ADMIN, StaffRole.FOCAL_POINT)
        }
        tokens["facilitator"] = issue_token(
            factories.make_user(StaffRole.FACILITATOR, series=[series])
        )
        scene = Scene(
            slug=series.slug,
            session_id=event_session.id,
            other_session_id=other.sessions[0].id,
            uid=event_session.ical_uid,
            item_id=item.id,
            registrant=registration.email,
            speaker=moderator.email,
            tokens=tokens,
        )
        db.session.commit()
        return scene


class JsonApi:
    """Calls the API; each answer is JSON, sets no cookie and matches the document."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.document: dict[str, Any] = client.get("/api/v1/openapi.json").get_json()

    def patch(self, url: str, token: str | None = None, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.patch(url, headers=headers, **kwargs)
        assert response.is_json, response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
        assert_matches_document(
            self.document, url, response.status_code, response.get_json(), "patch"
        )
        return response


@pytest.fixture
def api(client: FlaskClient) -> JsonApi:
    return JsonApi(client)


def _calendar_messages(app: Flask, session_id: int) -> list[tuple[str, str, int, Any]]:
    """(address, METHOD, SEQUENCE, VEVENT) of each calendar message about the session."""
    with app.app_context():
        messages = db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.session_id == session_id, OutboxMessage.ical_method != "")
            .order_by(OutboxMessage.id)
        )
        found = []
        for message in messages:
            [event] = check_itip(message.ical.encode(), message.ical_method)
            assert int(event["SEQUENCE"]) == message.ical_sequence
            found.append((message.to_address, message.ical_method, message.ical_sequence, event))
        return found


def _state(app: Flask, session_id: int) -> tuple[Any, ...]:
    with app.app_context():
        s = db.session.get(EventSession, session_id)
        return (s.start_at, s.end_at, s.conference_url, s.status, s.ical_sequence)


# --- changes ----------------------------------------------------------------------------------


def test_moving_a_session_sends_everyone_an_update(app: Flask, api: JsonApi, scene: Scene) -> None:
    assert len(_calendar_messages(app, scene.session_id)) == 2  # the first invitations
    response = api.patch(
        scene.url,
        scene.tokens["organizer"],
        json={"start": "2030-03-05T10:00:00-06:00", "end": "2030-03-05T12:00:00-06:00"},
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": scene.session_id,
        "number": 2,  # now after the series' other session (5 March, 15:00 UTC)
        "start": "2030-03-05T16:00:00Z",
        "end": "2030-03-05T18:00:00Z",
        "conference_url": "",
        "status": "scheduled",
        "sequence": 1,
        "uid": scene.uid,
    }
    updates = _calendar_messages(app, scene.session_id)[2:]
    assert sorted((a, m, s) for a, m, s, _ in updates) == sorted(
        [(scene.registrant, "REQUEST", 1), (scene.speaker, "REQUEST", 1)]
    )
    for *_, event in updates:
        assert str(event["UID"]) == scene.uid
        assert event.decoded("DTSTART") == datetime(2030, 3, 5, 16, 0, tzinfo=UTC)
        assert event.decoded("DTEND") == datetime(2030, 3, 5, 18, 0, tzinfo=UTC)
    with app.app_context():  # the agenda moved with the session
        item = db.session.get(AgendaItem, scene.item_id)
        assert item.start_at == datetime(2030, 3, 5, 16, 0, tzinfo=UTC)


def test_a_new_link_then_the_series_link_again(app: Flask, api: JsonApi, scene: Scene) -> None:
    token = scene.tokens["admin"]
    own = api.patch(scene.url, token, json={"conference_url": "https://zoom.us/j/own"})
    assert own.status_code == 200
    assert own.get_json()["conference_url"] == "https://zoom.us/j/own"
    assert own.get_json()["sequence"] == 1
    with app.app_context():
        mark_sent()  # the update goes out before the next change
    back = api.patch(scene.url, token, json={"conference_url": ""})
    assert back.get_json()["conference_url"] == ""
    assert back.get_json()["sequence"] == 2
    messages = _calendar_messages(app, scene.session_id)
    by_sequence = {(a, s): event for a, _m, s, event in messages}
    assert str(by_sequence[(scene.registrant, 1)]["URL"]) == "https://zoom.us/j/own"
    assert str(by_sequence[(scene.speaker, 2)]["URL"]) == "https://zoom.us/j/series"
    assert [m for _a, m, _s, _e in messages] == ["REQUEST"] * 6


def test_the_same_values_again_change_nothing(app: Flask, api: JsonApi, scene: Scene) -> None:
    response = api.patch(
        scene.url, scene.tokens["organizer"], json={"start": "2030-03-04T15:00:00Z"}
    )
    assert response.status_code == 200
    assert response.get_json()["sequence"] == 0
    assert len(_calendar_messages(app, scene.session_id)) == 2


def test_cancelling_sends_cancel_and_cannot_be_undone(
    app: Flask, api: JsonApi, scene: Scene
) -> None:
    token = scene.tokens["organizer"]
    response = api.patch(scene.url, token, json={"status": "cancelled"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["sequence"] == 1
    cancels = _calendar_messages(app, scene.session_id)[2:]
    assert sorted((a, m, s) for a, m, s, _ in cancels) == sorted(
        [(scene.registrant, "CANCEL", 1), (scene.speaker, "CANCEL", 1)]
    )
    assert all(str(event["UID"]) == scene.uid for *_, event in cancels)

    for body in (
        {"status": "scheduled"},
        {"start": "2030-03-06T15:00:00Z", "end": "2030-03-06T17:00:00Z"},
        {"conference_url": "https://zoom.us/j/new"},
        {"status": "cancelled", "conference_url": "https://zoom.us/j/new"},
    ):
        refused = api.patch(scene.url, token, json=body)
        assert refused.status_code == 409, body
        assert refused.get_json()["code"] == "session_cancelled"
    again = api.patch(scene.url, token, json={"status": "cancelled"})  # idempotent
    assert again.status_code == 200
    assert again.get_json()["sequence"] == 1
    assert len(_calendar_messages(app, scene.session_id)) == 4


# --- who may ----------------------------------------------------------------------------------


def test_a_token_is_required(api: JsonApi, scene: Scene) -> None:
    missing = api.patch(scene.url, json={"status": "cancelled"})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="webinars"'
    wrong = api.patch(scene.url, "not-a-token", json={"status": "cancelled"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].endswith('error="invalid_token"')


@pytest.mark.parametrize("who", ["facilitator", "focal_point"])
def test_only_organizers_and_admins(app: Flask, api: JsonApi, scene: Scene, who: str) -> None:
    before = _state(app, scene.session_id)
    response = api.patch(scene.url, scene.tokens[who], json={"status": "cancelled"})
    assert response.status_code == 403
    assert response.get_json()["message"]
    assert _state(app, scene.session_id) == before


def test_unknown_series_or_session(api: JsonApi, scene: Scene) -> None:
    token = scene.tokens["organizer"]
    body = {"status": "cancelled"}
    for url in (
        PATH.format(slug="no-such-series", session_id=scene.session_id),
        PATH.format(slug=scene.slug, session_id=scene.other_session_id),
        PATH.format(slug=scene.slug, session_id=999999),
    ):
        response = api.patch(url, token, json=body)
        assert response.status_code == 404, url
        assert response.get_json()["message"]


# --- refused input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2030-03-04T18:00:00Z", "end": "2030-03-04T17:00:00Z"}, "end"),
        ({"end": "2030-03-04T14:00:00Z"}, "end"),  # before the current start
        ({"start": "2030-03-04T17:00:00Z"}, "end"),  # after the current end
        ({"end": "2030-03-04T15:10:00Z"}, "end"),  # the opening would fall outside
        ({"start": "2030-03-04T15:00:00"}, "start"),  # no offset
        ({"end": "tomorrow"}, "end"),
        ({"start": 1_900_000_000}, "start"),
        ({"conference_url": "zoom.us/j/1"}, "conference_url"),
        ({"conference_url": "ftp://example.org/meeting"}, "conference_url"),
        ({"conference_url": "https://zoom.us/" + "j" * 500}, "conference_url"),
        ({"status": "postponed"}, "status"),
        ({"status": None}, "status"),
        ({"topic": "New topic"}, "topic"),
        ({}, "_schema"),
        ([], "_schema"),
    ],
)
def test_refused_input_writes_nothing(
    app: Flask, api: JsonApi, scene: Scene, body: Any, field: str
) -> None:
    before = _state(app, scene.session_id)
    response = api.patch(scene.url, scene.tokens["organizer"], json=body)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert list(errors) == [field] and errors[field] and all(errors[field])
    assert _state(app, scene.session_id) == before
    assert len(_calendar_messages(app, scene.session_id)) == 2


def test_a_body_that_is_not_json(app: Flask, api: JsonApi, scene: Scene) -> None:
    response = api.patch(
        scene.url, scene.tokens["organizer"], data="status=cancelled", content_type="text/plain"
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["_schema"]
    assert _state(app, scene.session_id)[3] == SessionStatus.SCHEDULED


def test_the_errors_speak_the_requests_language(api: JsonApi, scene: Scene) -> None:
    response = api.patch(
        f"{scene.url}?lang=es",
        scene.tokens["organizer"],
        json={"start": "2030-03-04T18:00:00Z", "end": "2030-03-04T17:00:00Z"},
    )
    assert response.get_json()["errors"]["end"] == ["La sesión debe terminar después de su inicio."]


# --- the document -----------------------------------------------------------------------------


def test_the_openapi_document_describes_the_endpoint(api: JsonApi) -> None:
    document = api.document
    operation = document["paths"]["/api/v1/series/{slug}/sessions/{session_id}"]["patch"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    body = resolve(document, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"start", "end", "conference_url", "status"}
    assert body["properties"]["status"]["enum"] == ["scheduled", "cancelled"]
    assert body["additionalProperties"] is False
    answer = resolve(
        document, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    assert set(answer["required"]) == {
        "id",
        "number",
        "start",
        "end",
        "conference_url",
        "status",
        "sequence",
        "uid",
    }
    conflict = resolve(
        document, operation["responses"]["409"]["content"]["application/json"]["schema"]
    )
    assert conflict["properties"]["code"]["enum"] == ["session_cancelled"]


def test_a_move_keeps_the_invitation_times_consistent_with_the_feed_sequence(
    app: Flask, api: JsonApi, scene: Scene
) -> None:
    """Two moves in a row: SEQUENCE 1 then 2, each update with its own times, one UID."""
    token = scene.tokens["organizer"]
    for sequence, day in ((1, 6), (2, 7)):
        start = START.replace(day=day)
        response = api.patch(
            scene.url,
            token,
            json={
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
            },
        )
        assert response.get_json()["sequence"] == sequence
        with app.app_context():
            mark_sent()  # each update goes out before the next move
    events = {(a, s): e for a, _m, s, e in _calendar_messages(app, scene.session_id)}
    assert events[(scene.registrant, 1)].decoded("DTSTART") == START.replace(day=6)
    assert events[(scene.registrant, 2)].decoded("DTSTART") == START.replace(day=7)
    assert {str(e["UID"]) for e in events.values()} == {scene.uid}
