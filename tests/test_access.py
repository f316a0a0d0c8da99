"""Every staff URL, requested as every kind of visitor: a table of who gets what.

The table is checked against the app's URL map, so a new staff page without an entry here
fails the suite instead of going unguarded.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.series.models import RoleKind, Series, SeriesStatus

from . import factories

VISITORS = (
    "anonymous",
    "focal_point",
    "facilitator_other",
    "facilitator",
    "organizer",
    "admin",
)
EVERY_STAFF = {"focal_point", "facilitator_other", "facilitator", "organizer", "admin"}
MANAGERS = {"organizer", "admin"}
SERIES_VIEWERS = {"focal_point", "facilitator", "organizer", "admin"}  # focal: public series
SESSION_VIEWERS = {"facilitator", "organizer", "admin"}

#: endpoint -> the visitors that get 200 on GET; everyone else on staff gets 403.
ALLOWED: dict[str, set[str]] = {
    "staff.dashboard": EVERY_STAFF,
    "staff.series_detail": SERIES_VIEWERS,
    "staff.session_detail": SESSION_VIEWERS,
    "staff.people": MANAGERS,
    "staff.series_new": MANAGERS,
    "staff.series_edit": MANAGERS,
    "staff.series_delete": MANAGERS,
    "staff.session_new": MANAGERS,
    "staff.sessions_recurring": MANAGERS,
    "staff.session_edit": MANAGERS,
    "staff.session_delete": MANAGERS,
    "staff.profile_new": MANAGERS,
    "staff.profile_edit": MANAGERS,
    "staff.profile_delete": MANAGERS,
    "staff.agenda_item_new": MANAGERS,
    "staff.agenda_item_edit": MANAGERS,
    "staff.agenda_item_delete": MANAGERS,
    "staff.role_new": MANAGERS,
    "staff.role_delete": MANAGERS,
    "staff.person_new": MANAGERS,
    "staff.person_edit": MANAGERS,
    "staff.person_delete": MANAGERS,
}


@dataclass
class World:
    urls: list[tuple[str, str, bool]]  # (endpoint, url, accepts POST)
    emails: dict[str, str]
    series_id: int


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.make_series(slug="guarded", status=SeriesStatus.PUBLISHED)
        other = factories.make_series(slug="elsewhere")
        sitting = factories.make_session(series)
        item = factories.make_agenda_item(sitting)
        role = factories.make_role(kind=RoleKind.MODERATOR, event_session=sitting, note_en="X")
        profile = factories.make_profile(series)
        person = factories.make_person()
        emails = {
            "focal_point": factories.make_user(StaffRole.FOCAL_POINT).email,
            "facilitator_other": factories.make_user(StaffRole.FACILITATOR, series=[other]).email,
            "facilitator": factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
            "organizer": factories.make_user(StaffRole.ORGANIZER).email,
            "admin": factories.make_user(StaffRole.ADMIN).email,
        }
        values = {
            "slug": series.slug,
            "session_id": sitting.id,
            "item_id": item.id,
            "role_id": role.id,
            "profile_id": profile.id,
            "person_id": person.id,
        }
        db.session.commit()
        urls = []
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("staff."):
                continue
            url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
            urls.append((rule.endpoint, url[1], "POST" in rule.methods))
        return World(urls=urls, emails=emails, series_id=series.id)


def test_every_staff_endpoint_is_in_the_table(world: World) -> None:
    assert {endpoint for endpoint, _, _ in world.urls} == set(ALLOWED)


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_exactly_what_the_table_says(
    app: Flask, client, auth, world: World, visitor: str
) -> None:
    if visitor != "anonymous":
        assert auth.login(world.emails[visitor]).status_code == 302
    for endpoint, url, _ in world.urls:
        response = client.get(url)
        if visitor == "anonymous":
            assert response.status_code == 302, url
            assert "/login?next=" in response.headers["Location"], url
        elif visitor in ALLOWED[endpoint]:
            assert response.status_code == 200, (visitor, url)
        else:
            assert response.status_code == 403, (visitor, url)


@pytest.mark.parametrize(
    "visitor", ["anonymous", "focal_point", "facilitator_other", "facilitator"]
)
def test_forbidden_posts_change_nothing(
    app: Flask, client, auth, world: World, visitor: str
) -> None:
    if visitor != "anonymous":
        auth.login(world.emails[visitor])
    for endpoint, url, accepts_post in world.urls:
        if accepts_post and visitor not in ALLOWED[endpoint]:
            response = client.post(url, data={"slug": "hijacked", "title_en": "x", "name": "x"})
            assert response.status_code in (302, 403), (visitor, url)
    with app.app_context():
        series = db.session.get(Series, world.series_id)
        assert series is not None and series.slug == "guarded"
        assert len(series.sessions) == 1 and len(series.profiles) == 1
        assert len(series.sessions[0].agenda_items) == 1


def test_objects_of_another_series_are_not_reachable_by_id(
    app: Flask, client, auth, world: World
) -> None:
    with app.app_context():
        other = db.session.execute(db.select(Series).filter_by(slug="elsewhere")).scalar_one()
        foreign = factories.make_session(other)
        db.session.commit()
        foreign_id = foreign.id
    auth.login(world.emails["organizer"])
    for suffix in ("", "/edit", "/delete", "/agenda/new", "/roles/new"):
        response = client.get(f"/staff/series/guarded/sessions/{foreign_id}{suffix}")
        assert response.status_code == 404, suffix
