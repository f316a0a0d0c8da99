"""The read API: contents, visibility, filters, JSON errors, queries and its OpenAPI document.

Every body the tests receive through the `api` fixture is validated against the schema the
generated document gives for that path and status, so the document cannot drift from what
the endpoints return.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webinars.catalog.reference import working_group
from webinars.extensions import db
from webinars.series.models import Modality, Series, SeriesStatus
from webinars.sessions.models import AgendaKind, RoleKind

from .. import factories
from ..factories import organization
from ..helpers import recorded_statements as count_queries
from ..openapi_check import assert_matches_document
from ..openapi_check import resolve as _resolve

JOIN_URL = "https://zoom.example.org/j/987654321?pwd=secret"


class ApiClient:
    """GETs JSON and checks every body against the document and for the join link."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        self.document: dict[str, Any] = response.get_json()

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(url, **kwargs)
        assert response.is_json, response.get_data(as_text=True)
        text = response.get_data(as_text=True)
        assert "conference_url" not in text
        assert JOIN_URL not in text
        assert_matches_document(
            self.document, urlsplit(url).path, response.status_code, response.get_json()
        )
        return response


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)


def commit() -> None:
    """Write the factories' rows and start the request from an empty identity map."""
    db.session.commit()
    db.session.close()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def public_url(app: Flask, slug: str) -> str:
    """On PUBLIC_BASE_URL, whatever the request's Host (issue 12)."""
    with app.test_request_context():
        return app.config["PUBLIC_BASE_URL"] + url_for("public.series_detail", slug=slug)


# --- data ----------------------------------------------------------------------------------------


def make_full_series(**fields: Any) -> Series:
    """A series using every field the detail shows, sessions and agenda inserted out of order."""
    values: dict[str, Any] = {
        "slug": "smuggling-exchange",
        "title_en": "Exchange on migrant smuggling",
        "title_es": "Intercambio sobre tráfico ilícito de migrantes",
        "background_en": "Background.",
        "background_es": "Antecedentes.",
        "objective_en": "Objective.",
        "objective_es": "Objetivo.",
        "methodology_en": "Methodology.",
        "methodology_es": "Metodología.",
        "modality": Modality.HYBRID,
        "venue_en": "Ministry of Foreign Affairs, San José",
        "venue_es": "Cancillería, San José",
        "conference_url": JOIN_URL,
        "timezone": "America/Costa_Rica",
        "registration_opens_at": at(2020, 1, 1),
        "registration_closes_at": at(2099, 1, 1),
        "working_group": working_group("border-management"),
        "partners": [organization("UNODC"), organization("IOM")],
    }
    values.update(fields)
    series = factories.make_series(**values)
    factories.make_session(
        series,
        start_at=at(2030, 3, 5, 15),
        topic_en="Second topic",
        topic_es="Segundo tema",
        track_en="Working group 2",
        track_es="Grupo de trabajo 2",
        capacity=30,
    )
    first = factories.make_session(
        series, start_at=at(2030, 3, 4, 15), topic_en="First topic", topic_es="Primer tema"
    )
    factories.make_role(
        kind=RoleKind.FACILITATOR,
        event_session=first,
        note_en="A high-ranking official of a Member Country",
        note_es="Un alto funcionario de un País Miembro",
    )
    questions = factories.make_agenda_item(
        first,
        kind=AgendaKind.QUESTIONS_AND_ANSWERS,
        start_at=at(2030, 3, 4, 16),
        end_at=at(2030, 3, 4, 17),
        title_en="Questions and answers",
        title_es="Preguntas y respuestas",
    )
    factories.make_role(
        kind=RoleKind.MODERATOR, agenda_item=questions, organization=organization("UNODC")
    )
    opening = factories.make_agenda_item(first)
    factories.make_role(
        kind=RoleKind.SPEAKER,
        agenda_item=opening,
        person=factories.make_person(name="Ana Pérez", organization=organization("IOM")),
    )
    panel = factories.make_agenda_item(
        first,
        kind=AgendaKind.PANEL,
        start_at=at(2030, 3, 4, 15, 15),
        end_at=at(2030, 3, 4, 16),
        title_en="Panel of experts",
        title_es="Panel de expertos",
        sub_points=[
            {"en": "Trends", "es": "Tendencias"},
            {"en": "Good practices", "es": "Buenas prácticas"},
        ],
    )
    factories.make_role(
        kind=RoleKind.PANELIST, agenda_item=panel, person=factories.make_person(name="Raúl Fuentes")
    )
    factories.make_role(
        kind=RoleKind.MODERATOR, agenda_item=panel, organization=organization("UNODC")
    )
    factories.make_profile(
        series, code="prosecutor", label_en="Prosecutors", label_es="Fiscales", min_per_country=2
    )
    factories.make_profile(
        series,
        code="border_control",
        label_en="Border control officials",
        label_es="Funcionarios de control fronterizo",
        min_per_country=1,
        max_per_country=3,
    )
    return series


def make_series_with_sessions(count: int, **fields: Any) -> Series:
    """`count` sessions, each with two agenda items and people with organizations."""
    series = factories.make_series(conference_url=JOIN_URL, **fields)
    for day in range(count):
        sitting = factories.make_session(series, start_at=at(2030, 3, 4 + day, 15))
        factories.make_role(
            kind=RoleKind.MODERATOR, event_session=sitting, organization=organization("IOM")
        )
        for minutes in (0, 30):
            item = factories.make_agenda_item(
                sitting,
                start_at=sitting.start_at + timedelta(minutes=minutes),
                end_at=sitting.start_at + timedelta(minutes=minutes + 30),
            )
            person = factories.make_person(organization=organization("UNODC"))
            factories.make_role(agenda_item=item, person=person)
    factories.make_profile(series)
    return series


# --- detail --------------------------------------------------------------------------------------


def test_detail_gives_the_whole_series(ctx: Flask, api: ApiClient) -> None:
    series = make_full_series()
    first_id, second_id = (sitting.id for sitting in series.sessions)
    commit()

    response = api.get("/api/v1/series/smuggling-exchange")

    assert response.status_code == 200
    iom_text = {"en": "Opening remarks", "es": "Palabras de apertura"}
    unodc_moderator = {
        "name": organization("UNODC").name_en,
        "role": "moderator",
        "organization": "UNODC",
    }
    speaker = {"name": "Ana Pérez", "role": "speaker", "organization": "IOM"}
    panelist = {"name": "Raúl Fuentes", "role": "panelist", "organization": None}
    facilitator = {
        "name": "A high-ranking official of a Member Country",
        "role": "facilitator",
        "organization": None,
    }
    assert response.get_json() == {
        "slug": "smuggling-exchange",
        "title": {
            "en": "Exchange on migrant smuggling",
            "es": "Intercambio sobre tráfico ilícito de migrantes",
        },
        "timezone": "America/Costa_Rica",
        "modality": "hybrid",
        "status": "published",
        "start": "2030-03-04T15:00:00Z",
        "end": "2030-03-05T17:00:00Z",
        "tentative_dates": None,
        "session_count": 2,
        "url": public_url(ctx, "smuggling-exchange"),
        "working_group": {
            "en": "Working Group on Border Management",
            "es": "Grupo de Trabajo sobre Gestión de Fronteras",
        },
        "partners": ["IOM", "UNODC"],
        "venue": {"en": "Ministry of Foreign Affairs, San José", "es": "Cancillería, San José"},
        "registration": {
            "opens": "2020-01-01T00:00:00Z",
            "closes": "2099-01-01T00:00:00Z",
            "open": True,
        },
        "concept_note": {
            "background": {"en": "Background.", "es": "Antecedentes."},
            "objective": {"en": "Objective.", "es": "Objetivo."},
            "methodology": {"en": "Methodology.", "es": "Metodología."},
        },
        "sessions": [
            {
                "id": first_id,
                "number": 1,
                "title": {"en": "First topic", "es": "Primer tema"},
                "start": "2030-03-04T15:00:00Z",
                "end": "2030-03-04T17:00:00Z",
                "track": None,
                "capacity": None,
                "agenda": [
                    {
                        "kind": "opening_remarks",
                        "start": "2030-03-04T15:00:00Z",
                        "end": "2030-03-04T15:15:00Z",
                        "title": iom_text,
                        "sub_points": [],
                        "people": [speaker],
                    },
                    {
                        "kind": "panel",
                        "start": "2030-03-04T15:15:00Z",
                        "end": "2030-03-04T16:00:00Z",
                        "title": {"en": "Panel of experts", "es": "Panel de expertos"},
                        "sub_points": [
                            {"en": "Trends", "es": "Tendencias"},
                            {"en": "Good practices", "es": "Buenas prácticas"},
                        ],
                        "people": [unodc_moderator, panelist],
                    },
                    {
                        "kind": "questions_and_answers",
                        "start": "2030-03-04T16:00:00Z",
                        "end": "2030-03-04T17:00:00Z",
                        "title": {"en": "Questions and answers", "es": "Preguntas y respuestas"},
                        "sub_points": [],
                        "people": [unodc_moderator],
                    },
                ],
                # Session roles first, then each agenda item's; UNODC moderates twice, listed once.
                "people": [facilitator, speaker, unodc_moderator, panelist],
            },
            {
                "id": second_id,
                "number": 2,
                "title": {"en": "Second topic", "es": "Segundo tema"},
                "start": "2030-03-05T15:00:00Z",
                "end": "2030-03-05T17:00:00Z",
                "track": {"en": "Working group 2", "es": "Grupo de trabajo 2"},
                "capacity": 30,
                "agenda": [],
                "people": [],
            },
        ],
        "profiles": [
            {
                "code": "prosecutor",
                "label": {"en": "Prosecutors", "es": "Fiscales"},
                "min_per_country": 2,
                "max_per_country": None,
            },
            {
                "code": "border_control",
                "label": {
                    "en": "Border control officials",
                    "es": "Funcionarios de control fronterizo",
                },
                "min_per_country": 1,
                "max_per_country": 3,
            },
        ],
    }


def test_detail_names_follow_the_request_language(ctx: Flask, api: ApiClient) -> None:
    make_full_series()
    commit()

    body = api.get("/api/v1/series/smuggling-exchange", headers={"Accept-Language": "es"}).json

    assert body["partners"] == ["OIM", "UNODC"]
    people = body["sessions"][0]["people"]
    assert people[0]["name"] == "Un alto funcionario de un País Miembro"
    assert people[1] == {"name": "Ana Pérez", "role": "speaker", "organization": "OIM"}
    assert people[2]["name"] == organization("UNODC").name_es
    # Bilingual content stays bilingual whatever the language.
    assert body["title"]["en"] == "Exchange on migrant smuggling"


def test_detail_of_an_undated_closed_series(ctx: Flask, api: ApiClient) -> None:
    factories.make_series(
        slug="fraudulent-documents",
        status=SeriesStatus.CLOSED,
        tentative_dates_en="November 2030, date to be defined",
        tentative_dates_es="Noviembre de 2030, fecha por definir",
    )
    commit()

    body = api.get("/api/v1/series/fraudulent-documents").json

    assert (body["start"], body["end"], body["session_count"]) == (None, None, 0)
    assert body["tentative_dates"] == {
        "en": "November 2030, date to be defined",
        "es": "Noviembre de 2030, fecha por definir",
    }
    assert body["working_group"] is None
    assert body["partners"] == []
    assert body["registration"] == {"opens": None, "closes": None, "open": False}
    assert body["sessions"] == [] and body["profiles"] == []


def test_times_are_utc_whatever_the_zone_they_were_given_in(ctx: Flask, api: ApiClient) -> None:
    from zoneinfo import ZoneInfo

    series = factories.make_series(timezone="America/Mexico_City")
    local = datetime(2030, 3, 4, 9, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    factories.make_session(series, start_at=local, end_at=local + timedelta(hours=2))
    url = f"/api/v1/series/{series.slug}"
    commit()

    session = api.get(url).json["sessions"][0]

    assert (session["start"], session["end"]) == ("2030-03-04T15:00:00Z", "2030-03-04T17:00:00Z")


# --- list ----------------------------------------------------------------------------------------


def test_list_gives_public_series_by_date_undated_last(ctx: Flask, api: ApiClient) -> None:
    later = factories.make_series(
        slug="later", title_en="Later", title_es="Después", conference_url=JOIN_URL
    )
    factories.make_session(later, start_at=at(2030, 3, 5, 15))
    factories.make_session(later, start_at=at(2030, 3, 4, 15))
    factories.make_series(
        slug="undated",
        title_en="Undated",
        title_es="Sin fecha",
        status=SeriesStatus.CLOSED,
        modality=Modality.IN_PERSON,
        tentative_dates_en="To be defined",
        tentative_dates_es="Por definir",
    )
    earlier = factories.make_series(
        slug="earlier", title_en="Earlier", title_es="Antes", status=SeriesStatus.ARCHIVED
    )
    factories.make_session(earlier, start_at=at(2020, 9, 8, 15))
    draft = factories.make_series(slug="draft", status=SeriesStatus.DRAFT)
    factories.make_session(draft, start_at=at(2025, 1, 1, 15))
    commit()

    response = api.get("/api/v1/series")

    assert response.status_code == 200
    assert response.get_json() == [
        {
            "slug": "earlier",
            "title": {"en": "Earlier", "es": "Antes"},
            "timezone": "America/Costa_Rica",
            "modality": "online",
            "status": "archived",
            "start": "2020-09-08T15:00:00Z",
            "end": "2020-09-08T17:00:00Z",
            "tentative_dates": None,
            "session_count": 1,
            "url": public_url(ctx, "earlier"),
        },
        {
            "slug": "later",
            "title": {"en": "Later", "es": "Después"},
            "timezone": "America/Costa_Rica",
            "modality": "online",
            "status": "published",
            "start": "2030-03-04T15:00:00Z",
            "end": "2030-03-05T17:00:00Z",
            "tentative_dates": None,
            "session_count": 2,
            "url": public_url(ctx, "later"),
        },
        {
            "slug": "undated",
            "title": {"en": "Undated", "es": "Sin fecha"},
            "timezone": "America/Costa_Rica",
            "modality": "in_person",
            "status": "closed",
            "start": None,
            "end": None,
            "tentative_dates": {"en": "To be defined", "es": "Por definir"},
            "session_count": 0,
            "url": public_url(ctx, "undated"),
        },
    ]
    assert public_url(ctx, "later").endswith("/later")


def test_when_filters_upcoming_and_past(ctx: Flask, api: ApiClient) -> None:
    now = datetime.now(UTC)
    past = factories.make_series(slug="past")
    factories.make_session(past, start_at=now - timedelta(days=30))
    running = factories.make_series(slug="running")
    factories.make_session(running, start_at=now - timedelta(days=60))
    factories.make_session(running, start_at=now + timedelta(days=1))
    coming = factories.make_series(slug="coming")
    factories.make_session(coming, start_at=now + timedelta(days=10))
    factories.make_series(slug="undated")
    old_draft = factories.make_series(slug="old-draft", status=SeriesStatus.DRAFT)
    factories.make_session(old_draft, start_at=now - timedelta(days=30))
    new_draft = factories.make_series(slug="new-draft", status=SeriesStatus.DRAFT)
    factories.make_session(new_draft, start_at=now + timedelta(days=30))
    commit()

    def slugs(url: str) -> list[str]:
        return [s["slug"] for s in api.get(url).json]

    assert slugs("/api/v1/series?when=upcoming") == ["running", "coming", "undated"]
    assert slugs("/api/v1/series?when=past") == ["past"]
    assert slugs("/api/v1/series") == ["running", "past", "coming", "undated"]


def test_a_bad_when_is_a_422_naming_the_field(ctx: Flask, api: ApiClient) -> None:
    response = api.get("/api/v1/series?when=soon")

    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422
    assert list(body["errors"]["query"]) == ["when"]


# --- what stays hidden, and errors ---------------------------------------------------------------


def test_drafts_and_unknown_slugs_are_json_404s(ctx: Flask, api: ApiClient) -> None:
    make_full_series(slug="draft-exchange", status=SeriesStatus.DRAFT)
    commit()

    for url in ("/api/v1/series/draft-exchange", "/api/v1/series/no-such-series"):
        response = api.get(url)
        assert response.status_code == 404
        body = response.get_json()
        assert body["code"] == 404
        assert body["message"]
    assert api.get("/api/v1/series").json == []


def _expanded(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """`node` with every `$ref` replaced by what it names (the schemas are not recursive)."""
    assert depth < 20
    if isinstance(node, list):
        return [_expanded(document, item, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    node = _resolve(document, node)
    return {key: _expanded(document, value, depth + 1) for key, value in node.items()}


def test_the_join_link_never_appears(ctx: Flask, api: ApiClient) -> None:
    make_full_series()
    commit()

    for url in ("/api/v1/series", "/api/v1/series/smuggling-exchange"):
        text = api.client.get(url).get_data(as_text=True)
        assert "conference_url" not in text
        assert JOIN_URL not in text
        assert "zoom.example.org" not in text
    # The public answers' schemas have no such field (the organizers' PATCH has one).
    document = api.client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/series", "/api/v1/series/{slug}"):
        public = json.dumps(_expanded(document, document["paths"][path]["get"]))
        assert "conference_url" not in public


def test_unknown_urls_and_methods_answer_json(ctx: Flask, api: ApiClient) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404

    response = api.client.post("/api/v1/series", json={})
    assert response.status_code == 405
    assert response.is_json
    assert response.get_json()["code"] == 405
    assert_matches_document(api.document, "/api/v1/nothing", 405, response.get_json())


# --- queries -------------------------------------------------------------------------------------


def test_detail_queries_do_not_grow_with_sessions(ctx: Flask, api: ApiClient) -> None:
    make_series_with_sessions(1, slug="one")
    make_series_with_sessions(5, slug="five")
    commit()

    with count_queries() as one:
        assert api.client.get("/api/v1/series/one").status_code == 200
    with count_queries() as five:
        body = api.client.get("/api/v1/series/five").get_json()

    assert len(body["sessions"]) == 5
    assert all(len(s["people"]) == 3 for s in body["sessions"])
    assert len(five) == len(one)


def test_list_queries_do_not_grow_with_series(ctx: Flask, api: ApiClient) -> None:
    make_series_with_sessions(2)
    commit()
    with count_queries() as few:
        assert len(api.client.get("/api/v1/series").get_json()) == 1

    for _ in range(4):
        make_series_with_sessions(3)
    commit()
    with count_queries() as many:
        assert len(api.client.get("/api/v1/series").get_json()) == 5

    assert len(many) == len(few)


# --- the OpenAPI document ------------------------------------------------------------------------


def test_the_document_is_openapi_3_with_both_paths(api: ApiClient) -> None:
    document = api.document

    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    for path, statuses in (
        ("/api/v1/series", {"200", "422"}),
        ("/api/v1/series/{slug}", {"200", "404"}),
    ):
        responses = document["paths"][path]["get"]["responses"]
        assert statuses <= set(responses)
        for status in statuses:
            assert "application/json" in _resolve(document, responses[status])["content"]
    detail = _resolve(document, {"$ref": "#/components/schemas/SeriesDetail"})
    assert "conference_url" not in detail["properties"]
    session = _resolve(document, {"$ref": "#/components/schemas/Session"})
    assert {"id", "number", "title", "start", "end", "track", "agenda", "people"} <= set(
        session["required"]
    )
    not_found = _resolve(
        document, document["paths"]["/api/v1/series/{slug}"]["get"]["responses"]["404"]
    )
    error = _resolve(document, not_found["content"]["application/json"]["schema"])
    assert {"code", "message"} <= set(error["properties"])


def test_the_document_rejects_bodies_it_does_not_describe(ctx: Flask, api: ApiClient) -> None:
    """The validation the other tests rely on is not vacuous."""
    make_full_series()
    commit()
    body = api.get("/api/v1/series/smuggling-exchange").json
    path = "/api/v1/series/smuggling-exchange"

    offset_time = {**body, "start": "2030-03-04T15:00:00+00:00"}
    extra_key = {**body, "conference_url": JOIN_URL}
    missing_key = {key: value for key, value in body.items() if key != "sessions"}
    for wrong in (offset_time, extra_key, missing_key):
        with pytest.raises(jsonschema.ValidationError):
            assert_matches_document(api.document, path, 200, wrong)
