"""Hostile addresses never answer 500 (issue 12, item 8).

Every route of the app is requested, as an admin and anonymously, with ids past the database's
integer range and with `?_method=X` (a query argument named like one of `url_for`'s own), and
every answer must be something other than a server error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.attendance.models import Attendance
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.tokens import public_token
from webinars.series.models import SeriesStatus
from webinars.sessions.models import RoleKind
from webinars.web import DB_INT_MAX, parse_id

from .. import factories
from ..attendance.test_attendance import (  # noqa: F401 (world: the fixture of the attendance tests)
    ZOOM_REPORT,
    _attendance_url,
    _confirm_fields,
    _preview,
    world,
)

#: Past PostgreSQL's integer and past SQLite's (2**63): both databases refused it with a 500.
HUGE = 10**20
#: Query arguments that `url_for` reads as its own parameters, and one a page's own value has.
HOSTILE_QUERIES = ("_method=X", "_external=1&_scheme=javascript", "_anchor=x", "slug=other")
#: A value for each `any(...)` converter of a route.
FORMATS = ("csv", "xlsx", "json", "pdf")


@pytest.fixture
def routes(app: Flask) -> dict[str, Any]:
    """Every rule of the URL map, built twice: with real values and with huge ids."""
    with app.app_context():
        series = factories.open_series(slug="walked", status=SeriesStatus.PUBLISHED)
        sitting = series.sessions[0]
        item = factories.make_agenda_item(sitting)
        role = factories.make_role(kind=RoleKind.MODERATOR, event_session=sitting, note_en="X")
        registration = services.register(series, factories.registration_data())
        values = {
            "slug": series.slug,
            "session_id": sitting.id,
            "number": 1,
            "item_id": item.id,
            "role_id": role.id,
            "profile_id": factories.make_profile(series).id,
            "person_id": factories.make_person().id,
            "registration_id": registration.id,
            "attendance_id": factories.make_attendance(sitting, registration).id,
            "message_id": db.session.scalars(db.select(OutboxMessage.id)).first(),
            "token": public_token(registration),
            "manage_token": public_token(registration),
            "filename": "css/app.css",
        }
        admin = factories.make_user(StaffRole.ADMIN).email
        db.session.commit()
    built: list[tuple[str, str, str, set[str]]] = []
    for rule in app.url_map.iter_rules():
        for name in ("normal", "huge"):
            arguments = {
                key: (
                    HUGE if name == "huge" and key.endswith(("_id", "number")) else values.get(key)
                )
                for key in rule.arguments
                if key not in (rule.defaults or {})
            }
            for fmt in FORMATS if "fmt" in rule.arguments else (None,):
                if fmt is not None:
                    arguments["fmt"] = fmt
                try:
                    url = rule.build(arguments, append_unknown=False)[1]
                except Exception:  # noqa: BLE001 (a format this route does not have)
                    continue
                built.append((rule.endpoint, name, url, set(rule.methods or ())))
                break
    return {"urls": built, "admin": admin}


def _walk(client: FlaskClient, urls: list[tuple[str, str, str, set[str]]], kind: str) -> None:
    failures = []
    for endpoint, name, url, methods in urls:
        queries = HOSTILE_QUERIES if name == "normal" else ("",)
        for query in queries:
            target = f"{url}?{query}" if query else url
            for method in ("GET", "POST"):
                if method not in methods:
                    continue
                response = client.open(target, method=method, data={})
                if response.status_code >= 500:
                    failures.append((kind, endpoint, method, target, response.status_code))
    assert failures == []


@pytest.mark.parametrize("visitor", ["anonymous", "admin"])
def test_no_route_answers_500_to_hostile_ids_or_query_arguments(
    app: Flask, client: FlaskClient, auth, routes: dict[str, Any], visitor: str
) -> None:
    if visitor == "admin":
        assert auth.login(routes["admin"]).status_code == 302
    _walk(client, routes["urls"], visitor)


def test_ids_past_the_database_range_are_not_found(
    client: FlaskClient, auth, routes: dict[str, Any]
) -> None:
    """An id past the database's integer range matches no route: 404 before any query."""
    auth.login(routes["admin"])
    huge = [(e, u, m) for e, n, u, m in routes["urls"] if n == "huge" and str(HUGE) in u]
    assert len(huge) > 11
    for endpoint, url, methods in huge:
        response = client.open(url, method="GET" if "GET" in methods else sorted(methods)[0])
        assert response.status_code == 404, (endpoint, url)
    edge = f"/staff/outbox/{DB_INT_MAX}"
    assert client.get(edge).status_code == 404  # in range: the ordinary "no such message"
    assert client.get(f"/staff/outbox/{DB_INT_MAX + 1}").status_code == 404


def test_the_language_switch_keeps_query_arguments_without_reading_them(
    client: FlaskClient, routes: dict[str, Any]
) -> None:
    response = client.get("/series/walked?_method=X&slug=other&lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/series/walked?_method=X&amp;slug=other&amp;lang=es"' in html
    missing = client.get("/nowhere?_method=X")
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing.headers
    assert 'href="/?_method=X&amp;lang=es"' in missing.get_data(as_text=True)


def test_report_session_numbers_that_are_not_ids_are_not_found(
    client: FlaskClient, auth, routes: dict[str, Any]
) -> None:
    auth.login(routes["admin"])
    for raw in ("²", "9" * 5000, str(HUGE), "0", "-1"):
        assert client.get(f"/staff/series/walked/report?session={raw}").status_code == 404, raw


def test_parse_id() -> None:
    assert parse_id("12") == 12
    assert parse_id(str(DB_INT_MAX)) == DB_INT_MAX
    for bad in (None, "", "²", "١٢", "-3", "1e3", str(DB_INT_MAX + 1), "9" * 5000):
        assert parse_id(bad) is None, bad


# --- attendance rows from another millennium, or longer than a life --------------------------------


def test_absurd_attendance_rows_are_refused_per_row_and_no_page_breaks(
    app: Flask,
    client: FlaskClient,
    auth,
    world,  # noqa: F811 (the fixture of test_attendance)
) -> None:
    """A report whose rows are dated 9999 or hold absurd minutes imports through the web with
    those rows left out; the attendance, check-in and resolve pages (and a resolve naming an
    id past the database's range) then answer without a server error."""
    report = ZOOM_REPORT.replace(
        b'"Sep 8, 2020 09:10:00","Sep 8, 2020 09:40:00",30',
        b'"Sep 8, 9999 09:10:00","Sep 8, 9999 09:40:00",30',
    ).replace(b'"Sep 8, 2020 11:55:00",170', b'"Sep 8, 2020 11:55:00",' + b"9" * 30)
    auth.login(world.organizer)
    page = _preview(client, world, report)
    assert 'id="import-error"' not in page
    assert re.search(r'id="skipped-count">[12]<', page)
    response = client.post(f"{_attendance_url(world)}/import", data=_confirm_fields(page))
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance)).all()
        assert rows and all(0 <= row.minutes <= 24 * 60 for row in rows)
        assert all(row.first_join is None or row.first_join.year < 9999 for row in rows)
        ids = [row.id for row in rows]
    for url in (_attendance_url(world), _attendance_url(world).replace("attendance", "check-in")):
        assert client.get(url).status_code == 200
    for attendance_id in ids:
        url = f"{_attendance_url(world)}/{attendance_id}"
        assert client.get(url).status_code in (200, 302, 404)
        answer = client.post(url, data={"link": "1", "registration": str(HUGE)})
        assert answer.status_code < 500
    toggle = f"/staff/series/{world.slug}/sessions/{world.session_id}/check-in/{HUGE}"
    assert client.post(toggle).status_code == 404
