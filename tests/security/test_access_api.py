"""Every staff API endpoint, called as every kind of visitor: a table of who gets what.

Visitors bring what they would have: nothing, a registrant's manage token (the only secret a
participant holds), or the personal bearer token of a member of staff. Each answer is JSON,
sets no cookie and matches the OpenAPI document; a country-scoped answer holds no other
country's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token
from webinars.extensions import db
from webinars.registration import services
from webinars.registration.tokens import public_token

from .. import factories
from ..openapi_check import assert_matches_document

VISITORS = (
    "anonymous",
    "link_holder",
    "focal_point",
    "focal_point_other",
    "facilitator_other",
    "facilitator",
    "organizer",
    "admin",
)
READERS = {"focal_point", "focal_point_other", "facilitator", "organizer", "admin"}
MANAGERS = {"organizer", "admin"}

#: (method, path template, the visitors that get 2xx). Others: 401 without a staff token,
#: 403 with one.
ENDPOINTS = (
    ("get", "/api/v1/series/{slug}/quotas", READERS),
    ("get", "/api/v1/series/{slug}/report", READERS),
    ("patch", "/api/v1/series/{slug}/sessions/{session_id}", MANAGERS),
)


@dataclass(frozen=True)
class World:
    slug: str
    session_id: int
    tokens: dict[str, str]
    registrant_email: str


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.open_series()
        registration = services.register(series, factories.registration_data(country_code="CR"))
        other = factories.make_series()
        users = {
            "focal_point": factories.make_user(StaffRole.FOCAL_POINT, country_code="CR"),
            "focal_point_other": factories.make_user(StaffRole.FOCAL_POINT, country_code="MX"),
            "facilitator_other": factories.make_user(StaffRole.FACILITATOR, series=[other]),
            "facilitator": factories.make_user(StaffRole.FACILITATOR, series=[series]),
            "organizer": factories.make_user(StaffRole.ORGANIZER),
            "admin": factories.make_user(StaffRole.ADMIN),
        }
        tokens = {kind: issue_token(user) for kind, user in users.items()}
        tokens["link_holder"] = public_token(registration)
        db.session.commit()
        return World(series.slug, series.sessions[0].id, tokens, registration.email)


def _call(client: FlaskClient, method: str, url: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if method == "patch":
        kwargs["json"] = {"conference_url": "https://meet.example.org/new-room"}
    return client.open(url, method=method.upper(), **kwargs)


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_exactly_what_the_table_says(
    client: FlaskClient, world: World, visitor: str
) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    for method, template, allowed in ENDPOINTS:
        url = template.format(slug=world.slug, session_id=world.session_id)
        response = _call(client, method, url, world.tokens.get(visitor))
        assert response.is_json and "Set-Cookie" not in response.headers, (visitor, url)
        if visitor in allowed:
            assert response.status_code == 200, (visitor, url, response.get_json())
        elif visitor in ("anonymous", "link_holder"):
            assert response.status_code == 401, (visitor, url)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 403, (visitor, url)
        path = template.replace("{slug}", world.slug).replace("{session_id}", str(world.session_id))
        assert_matches_document(document, path, response.status_code, response.get_json(), method)


def test_quotas_of_a_focal_point_of_another_country_hold_no_other_country(
    client: FlaskClient, world: World
) -> None:
    for visitor, country in (("focal_point_other", "MX"), ("focal_point", "CR")):
        body = _call(
            client, "get", f"/api/v1/series/{world.slug}/quotas", world.tokens[visitor]
        ).get_json()
        assert [c["code"] for c in body["countries"]] == [country]
        assert body["observers"] is None
    assert world.registrant_email not in str(body)


def test_a_manage_token_reaches_its_own_registration_only(
    client: FlaskClient, world: World
) -> None:
    token = world.tokens["link_holder"]
    assert client.get(f"/api/v1/registrations/{token}").status_code == 200
    assert client.get(f"/api/v1/registrations/{token[:-2]}xx").status_code == 404
    staff_token = world.tokens["organizer"]
    assert client.get(f"/api/v1/registrations/{staff_token}").status_code == 404
