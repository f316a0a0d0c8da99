"""Staff pages for series, sessions (single and from a rule) and participant profiles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.catalog.reference import working_group
from webinars.extensions import db
from webinars.series import services
from webinars.series.models import ParticipantProfile, Series, SeriesStatus
from webinars.sessions.models import AgendaItem, EventSession, Role

from .. import factories
from ..conftest import AuthActions, make_test_app
from ..helpers import count_rows as _count
from ..helpers import field_errors as _field_errors

#: Tuesday 8 September 2020, 09:00–11:00 in Costa Rica (UTC-6 all year), as in seed 000.
SESSION_START = datetime(2020, 9, 8, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    slug: str
    draft_slug: str
    other_slug: str
    session_id: int
    profile_id: int
    organizer: str
    admin: str
    facilitator: str
    other_facilitator: str
    focal_point: str


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.make_series(
            slug="smuggling-2020", timezone="America/Costa_Rica", status=SeriesStatus.PUBLISHED
        )
        event_session = factories.make_session(series, start_at=SESSION_START)
        profile = factories.make_profile(series, code="prosecutor")
        draft = factories.make_series(slug="draft-series", status=SeriesStatus.DRAFT)
        other = factories.make_series(slug="other-series", status=SeriesStatus.PUBLISHED)
        world = World(
            slug=series.slug,
            draft_slug=draft.slug,
            other_slug=other.slug,
            session_id=event_session.id,
            profile_id=profile.id,
            organizer=factories.make_user(StaffRole.ORGANIZER).email,
            admin=factories.make_user(StaffRole.ADMIN).email,
            facilitator=factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
            other_facilitator=factories.make_user(StaffRole.FACILITATOR, series=[other]).email,
            focal_point=factories.make_user(StaffRole.FOCAL_POINT).email,
        )
        db.session.commit()
        return world


def _series(app: Flask, slug: str) -> Series | None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one_or_none()
        if series is not None:
            # Load what the tests read after the context is gone.
            _ = series.partners, series.working_group, series.sessions, series.profiles
        return series


def _sessions(app: Flask, slug: str) -> list[EventSession]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(EventSession)
                .join(Series)
                .where(Series.slug == slug)
                .order_by(EventSession.start_at)
            )
        )


def _series_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "fraudulent-documents",
        "title_en": "Detection of fraudulent documents",
        "title_es": "Detección de documentos fraudulentos",
        "objective_en": "Share good practices.",
        "modality": "online",
        "conference_url": "https://zoom.us/j/123456789",
        "timezone": "America/Costa_Rica",
        "tentative_dates_en": "November 2020, date to be defined",
        "registration_opens": "2030-05-01T08:00",
        "registration_closes": "2030-05-20T17:30",
        "approval_mode": "focal_point",
        "status": "published",
        "capacity": "",
    }
    data.update(overrides)
    return data


def _session_form(**overrides: Any) -> dict[str, str]:
    data = {
        "topic_en": "Topic 1",
        "topic_es": "Tema 1",
        "day": "2030-03-04",
        "start_time": "09:00",
        "end_time": "11:00",
        "capacity": "",
        "track_en": "",
        "track_es": "",
    }
    data.update(overrides)
    return data


def _rule_form(**overrides: str) -> dict[str, str]:
    data = {
        "first_day": "2030-09-08",
        "start_time": "09:00",
        "end_time": "11:00",
        "frequency": "daily",
        "count": "4",
        "until": "",
        "topic_en": "Session {n}",
        "topic_es": "Sesión {n}",
        "create": "Create the sessions",
    }
    data.update(overrides)
    return data


def _profile_form(**overrides: str) -> dict[str, str]:
    data = {
        "code": "border_control",
        "label_en": "Officials in charge of border control",
        "label_es": "Funcionarios a cargo del control fronterizo",
        "min_per_country": "2",
        "max_per_country": "",
        "position": "3",
    }
    data.update(overrides)
    return data


def _urls(world: World) -> list[str]:
    s, sid, pid = world.slug, world.session_id, world.profile_id
    return [
        "/staff/",
        "/staff/series/new",
        f"/staff/series/{s}",
        f"/staff/series/{s}/edit",
        f"/staff/series/{s}/delete",
        f"/staff/series/{s}/sessions/new",
        f"/staff/series/{s}/sessions/{sid}/edit",
        f"/staff/series/{s}/sessions/{sid}/delete",
        f"/staff/series/{s}/sessions/recurring",
        f"/staff/series/{s}/profiles/new",
        f"/staff/series/{s}/profiles/{pid}/edit",
        f"/staff/series/{s}/profiles/{pid}/delete",
    ]


def _edit_urls(world: World) -> list[str]:
    return [
        url for url in _urls(world) if url != "/staff/" and url != f"/staff/series/{world.slug}"
    ]


# --- access ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, world: World) -> None:
    posts = _edit_urls(world)
    requests = [(client.get, url) for url in _urls(world)] + [(client.post, url) for url in posts]
    for method, url in requests:
        response = method(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    assert _count(client.application, Series) == 3


@pytest.mark.parametrize("who", ["facilitator", "other_facilitator", "focal_point"])
def test_only_organizers_reach_the_edit_pages(
    client: FlaskClient, auth: AuthActions, world: World, who: str
) -> None:
    auth.login(getattr(world, who))
    for url in _edit_urls(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=_series_form()).status_code == 403, url
    assert _count(client.application, Series) == 3
    assert _count(client.application, EventSession) == 1
    assert _count(client.application, ParticipantProfile) == 1


def test_facilitators_see_only_their_series_read_only(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    dashboard = client.get("/staff/")
    assert f"/staff/series/{world.slug}" in dashboard.text
    assert world.other_slug not in dashboard.text
    assert world.draft_slug not in dashboard.text
    assert "/staff/series/new" not in dashboard.text

    page = client.get(f"/staff/series/{world.slug}")
    assert page.status_code == 200
    assert f"/staff/series/{world.slug}/sessions/{world.session_id}" in page.text
    assert "/edit" not in page.text and "/delete" not in page.text
    assert client.get(f"/staff/series/{world.other_slug}").status_code == 403
    assert client.get(f"/staff/series/{world.draft_slug}").status_code == 403


def test_focal_points_see_published_series_but_not_drafts(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    dashboard = client.get("/staff/")
    assert world.slug in dashboard.text and world.other_slug in dashboard.text
    assert world.draft_slug not in dashboard.text
    assert client.get(f"/staff/series/{world.other_slug}").status_code == 200
    assert client.get(f"/staff/series/{world.draft_slug}").status_code == 403


@pytest.mark.parametrize("who", ["organizer", "admin"])
def test_organizers_see_every_series_with_its_status(
    client: FlaskClient, auth: AuthActions, world: World, who: str
) -> None:
    auth.login(getattr(world, who))
    dashboard = client.get("/staff/")
    for slug in (world.slug, world.draft_slug, world.other_slug):
        assert f"/staff/series/{slug}" in dashboard.text
    assert "Draft" in dashboard.text and "Published" in dashboard.text
    assert "/staff/series/new" in dashboard.text
    assert client.get("/staff/series/no-such-series").status_code == 404


# --- series ----------------------------------------------------------------------------------


def test_attendance_threshold_and_certificates_on_the_series_form(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.post(
        "/staff/series/new", data=_series_form(attendance_threshold="0", certificate_sessions="0")
    )
    assert response.status_code == 200
    assert "Between 1 and 100." in _field_errors(response, "attendance_threshold")
    assert "A positive number, or empty." in _field_errors(response, "certificate_sessions")
    response = client.post(
        "/staff/series/new", data=_series_form(attendance_threshold="75", certificate_sessions="2")
    )
    assert response.status_code == 302
    with app.app_context():
        series = db.session.scalar(db.select(Series).filter_by(slug="fraudulent-documents"))
        assert (series.attendance_threshold, series.certificate_sessions) == (75, 2)
    client.post("/staff/series/new", data=_series_form(slug="defaults"))
    with app.app_context():
        series = db.session.scalar(db.select(Series).filter_by(slug="defaults"))
        assert (series.attendance_threshold, series.certificate_sessions) == (50, None)


def test_organizer_creates_a_series(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    assert client.get("/staff/series/new").status_code == 200
    with app.app_context():
        iom = factories.organization("IOM").id
        ppt = factories.organization("PPT").id
        group = working_group("border-management").id
    response = client.post(
        "/staff/series/new",
        data=_series_form(
            partner_ids=[str(iom), str(ppt)],
            working_group_id=str(group),
            host_country_code="CR",
            capacity="60",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/series/fraudulent-documents"

    series = _series(app, "fraudulent-documents")
    assert series is not None
    assert series.title_es == "Detección de documentos fraudulentos"
    assert series.timezone == "America/Costa_Rica"
    assert series.status == SeriesStatus.PUBLISHED
    assert series.capacity == 60
    assert series.host_country_code == "CR"
    assert series.working_group is not None and series.working_group.code == "border-management"
    assert {p.acronym_en for p in series.partners} == {"IOM", "PPT"}
    assert series.tentative_dates_en == "November 2020, date to be defined"
    # 08:00 and 17:30 in Costa Rica (UTC-6) are 14:00 and 23:30 UTC.
    assert series.registration_opens_at == datetime(2030, 5, 1, 14, 0, tzinfo=UTC)
    assert series.registration_closes_at == datetime(2030, 5, 20, 23, 30, tzinfo=UTC)

    page = client.get(response.headers["Location"])
    assert "The series was created." in page.text
    assert "Detection of fraudulent documents" in page.text


def test_editing_a_series_shows_its_local_times_and_saves(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    client.post("/staff/series/new", data=_series_form())
    form = client.get("/staff/series/fraudulent-documents/edit")
    assert 'value="2030-05-01T08:00"' in form.text

    response = client.post(
        "/staff/series/fraudulent-documents/edit",
        data=_series_form(
            slug="fraudulent-documents-2030",
            timezone="America/New_York",
            registration_opens="2030-05-01T08:00",
        ),
    )
    assert response.headers["Location"] == "/staff/series/fraudulent-documents-2030"
    series = _series(app, "fraudulent-documents-2030")
    assert series is not None
    # The window is read on the new zone's wall clock: 08:00 EDT (UTC-4) is 12:00 UTC.
    assert series.registration_opens_at == datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    assert series.timezone == "America/New_York"
    assert _series(app, "fraudulent-documents") is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "smuggling-2020"}, "slug", "Another series already uses this address."),
        ({"slug": "new"}, "slug", "reserved"),
        ({"slug": "Bad Slug"}, "slug", "lowercase letters"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
        ({"title_es": "  "}, "title_es", "required"),
        ({"conference_url": "zoom meeting"}, "conference_url", "full address"),
        ({"capacity": "0"}, "capacity", "positive"),
        (
            {"registration_opens": "2030-05-20T08:00", "registration_closes": "2030-05-01T08:00"},
            "registration_closes",
            "close after it opens",
        ),
        (
            {"registration_opens": "2030-05-01T08:00", "registration_closes": "2030-05-01T08:00"},
            "registration_closes",
            "close after it opens",
        ),
        (
            # The clocks jump from 02:00 to 03:00 in New York that night.
            {"timezone": "America/New_York", "registration_opens": "2030-03-10T02:30"},
            "registration_opens",
            "does not exist",
        ),
    ],
)
def test_bad_series_input_shows_errors_beside_fields_and_writes_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post("/staff/series/new", data=_series_form(**overrides))
    assert response.status_code == 200
    assert message.lower() in _field_errors(response, field).lower()
    assert _count(app, Series) == 3


def test_a_duplicate_slug_on_edit_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.other_slug}/edit",
        data=_series_form(slug=world.slug, title_en="Changed"),
    )
    assert "Another series already uses this address." in _field_errors(response, "slug")
    other = _series(app, world.other_slug)
    assert other is not None and other.title_en != "Changed"


def test_a_slug_taken_by_a_concurrent_request_is_a_field_error(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check passed, then another request took the slug: the unique constraint decides."""
    monkeypatch.setattr(services, "slug_taken", lambda slug, series: False)
    auth.login(world.organizer)
    response = client.post("/staff/series/new", data=_series_form(slug=world.slug))
    assert response.status_code == 200
    assert "Another series already uses this address." in _field_errors(response, "slug")
    assert _count(app, Series) == 3


def test_deleting_a_series_asks_then_deletes_everything_in_it(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        event_session = db.session.get(EventSession, world.session_id)
        assert event_session is not None
        item = factories.make_agenda_item(event_session)
        factories.make_role(agenda_item=item, person=factories.make_person())
        factories.make_role(event_session=event_session, organization=factories.organization("IOM"))
        db.session.commit()
    auth.login(world.organizer)
    url = f"/staff/series/{world.slug}/delete"

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "1 session" in confirmation.text and "1 agenda item" in confirmation.text
    assert "1 participant profile" in confirmation.text
    assert _count(app, Series) == 3

    response = client.post(url, data={"confirmation": world.slug})
    assert response.headers["Location"] == "/staff/"
    assert _series(app, world.slug) is None
    assert _count(app, Series) == 2
    assert _count(app, EventSession) == 0
    assert _count(app, AgendaItem) == 0
    assert _count(app, Role) == 0
    assert _count(app, ParticipantProfile) == 0
    assert "The series and everything in it were deleted." in client.get("/staff/").text


# --- sessions --------------------------------------------------------------------------------


def test_organizer_adds_a_session_in_the_series_zone(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.slug}/sessions/new",
        data=_session_form(topic_en="Topic 2", capacity="40", track_en="Working group 2"),
    )
    assert response.headers["Location"] == f"/staff/series/{world.slug}"
    sessions = _sessions(app, world.slug)
    added = next(s for s in sessions if s.topic_en == "Topic 2")
    # 09:00–11:00 in Costa Rica (UTC-6) is 15:00–17:00 UTC.
    assert added.start_at == datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
    assert added.end_at == datetime(2030, 3, 4, 17, 0, tzinfo=UTC)
    assert added.capacity == 40
    assert added.track_en == "Working group 2"

    page = client.get(f"/staff/series/{world.slug}")
    assert "The session was added." in page.text
    # Listed in time order with their numbers and local times.
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>.*?</tr>", page.text, re.S)
    assert rows == ["1", "2"]
    assert page.text.index("Topic</a>") < page.text.index("Topic 2</a>")
    assert "09:00–11:00" in page.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "08:00"}, "end_time", "end after it starts"),
        ({"end_time": "09:00"}, "end_time", "end after it starts"),
        ({"day": "2030-02-30"}, "day", "Not a valid date"),
        ({"topic_es": ""}, "topic_es", "required"),
        ({"capacity": "-3"}, "capacity", "positive"),
    ],
)
def test_bad_session_input_writes_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.slug}/sessions/new", data=_session_form(**overrides)
    )
    assert response.status_code == 200
    assert message.lower() in _field_errors(response, field).lower()
    assert _count(app, EventSession) == 1


def _with_agenda(app: Flask, world: World) -> list[int]:
    """Two agenda items in the 09:00–11:00 session: 09:00–09:15 and 10:30–11:00."""
    with app.app_context():
        event_session = db.session.get(EventSession, world.session_id)
        assert event_session is not None
        ids = [
            factories.make_agenda_item(event_session).id,
            factories.make_agenda_item(
                event_session,
                start_at=SESSION_START + timedelta(minutes=90),
                end_at=SESSION_START + timedelta(hours=2),
            ).id,
        ]
        db.session.commit()
        return ids


def _item_times(app: Flask, ids: list[int]) -> list[tuple[datetime, datetime]]:
    with app.app_context():
        items = [db.session.get(AgendaItem, i) for i in ids]
        return [(i.start_at, i.end_at) for i in items if i is not None]


def test_moving_a_session_moves_its_agenda(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    ids = _with_agenda(app, world)
    auth.login(world.organizer)
    url = f"/staff/series/{world.slug}/sessions/{world.session_id}/edit"
    form = client.get(url)
    assert 'value="2020-09-08"' in form.text and 'value="09:00"' in form.text

    # Next day, one hour later, same two hours.
    response = client.post(
        url, data=_session_form(day="2020-09-09", start_time="10:00", end_time="12:00")
    )
    assert response.status_code == 302
    shift = timedelta(days=1, hours=1)
    (moved,) = _sessions(app, world.slug)
    assert moved.start_at == SESSION_START + shift
    assert _item_times(app, ids) == [
        (SESSION_START + shift, SESSION_START + shift + timedelta(minutes=15)),
        (SESSION_START + shift + timedelta(minutes=90), SESSION_START + shift + timedelta(hours=2)),
    ]


def test_a_session_too_short_for_its_agenda_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    ids = _with_agenda(app, world)
    before = _item_times(app, ids)
    auth.login(world.organizer)
    url = f"/staff/series/{world.slug}/sessions/{world.session_id}/edit"
    for times in ({"end_time": "10:30"}, {"start_time": "09:10"}):
        response = client.post(url, data=_session_form(day="2020-09-08", **times))
        assert response.status_code == 200
        assert "would fall outside the session" in _field_errors(response, "end_time")
    (unchanged,) = _sessions(app, world.slug)
    assert (unchanged.start_at, unchanged.end_at) == (
        SESSION_START,
        SESSION_START + timedelta(hours=2),
    )
    assert _item_times(app, ids) == before

    # Lengthening keeps the agenda where it was.
    response = client.post(url, data=_session_form(day="2020-09-08", end_time="11:30"))
    assert response.status_code == 302
    assert _item_times(app, ids) == before


def test_deleting_a_session_asks_first(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _with_agenda(app, world)
    auth.login(world.organizer)
    url = f"/staff/series/{world.slug}/sessions/{world.session_id}/delete"
    assert "2 agenda items" in client.get(url).text
    assert _count(app, EventSession) == 1
    assert client.post(url).status_code == 302
    assert _count(app, EventSession) == 0
    assert _count(app, AgendaItem) == 0
    assert _count(app, Series) == 3


def test_a_session_of_another_series_is_not_found(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    url = f"/staff/series/{world.other_slug}/sessions/{world.session_id}/edit"
    assert client.get(url).status_code == 404


# --- sessions from a rule --------------------------------------------------------------------


def test_four_daily_sessions_from_a_count(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.other_slug}/sessions/recurring", data=_rule_form()
    )
    assert response.headers["Location"] == f"/staff/series/{world.other_slug}"
    sessions = _sessions(app, world.other_slug)
    assert [(s.start_at, s.end_at) for s in sessions] == [
        (datetime(2030, 9, d, 15, 0, tzinfo=UTC), datetime(2030, 9, d, 17, 0, tzinfo=UTC))
        for d in (8, 9, 10, 11)
    ]
    assert [s.topic_en for s in sessions] == [f"Session {n}" for n in (1, 2, 3, 4)]
    assert [s.topic_es for s in sessions] == [f"Sesión {n}" for n in (1, 2, 3, 4)]
    assert "4 sessions were added." in client.get(response.headers["Location"]).text


def test_quarterly_sessions_until_an_end_date(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    """The Border Management working group's follow-up meetings (seed 004)."""
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.other_slug}/sessions/recurring",
        data=_rule_form(
            first_day="2020-09-28",
            start_time="10:00",
            end_time="12:00",
            frequency="quarterly",
            count="",
            until="2021-09-30",
            topic_en="Quarterly meeting",
            topic_es="Reunión trimestral",
            track_en="Plenary",
            capacity="30",
        ),
    )
    assert response.status_code == 302
    sessions = _sessions(app, world.other_slug)
    assert [s.start_at for s in sessions] == [
        datetime(2020, 9, 28, 16, 0, tzinfo=UTC),
        datetime(2020, 12, 28, 16, 0, tzinfo=UTC),
        datetime(2021, 3, 28, 16, 0, tzinfo=UTC),
        datetime(2021, 6, 28, 16, 0, tzinfo=UTC),
        datetime(2021, 9, 28, 16, 0, tzinfo=UTC),
    ]
    assert {(s.topic_en, s.track_en, s.capacity) for s in sessions} == {
        ("Quarterly meeting", "Plenary", 30)
    }


def test_the_preview_lists_the_dates_and_writes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    data = _rule_form(frequency="weekly", count="3")
    del data["create"]
    data["preview"] = "Preview"
    response = client.post(f"/staff/series/{world.other_slug}/sessions/recurring", data=data)
    assert response.status_code == 200
    for day in ("September 8, 2030", "September 15, 2030", "September 22, 2030"):
        assert day in response.text
    assert "09:00–11:00" in response.text
    assert "Session 3" in response.text
    assert _sessions(app, world.other_slug) == []


@pytest.mark.parametrize(
    ("overrides", "fields", "message"),
    [
        ({"count": "3", "until": "2030-10-01"}, ("count", "until"), "not both"),
        ({"count": "", "until": ""}, ("count", "until"), "count or an end date"),
        ({"count": "", "until": "2030-09-01"}, ("until",), "not be before the first date"),
        ({"count": "0"}, ("count",), "between 1 and 100"),
        ({"count": "", "until": "2040-01-01"}, ("until",), "more than 100"),
        ({"end_time": "08:00"}, ("end_time",), "end after it starts"),
    ],
)
def test_bad_rules_show_errors_beside_fields(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    overrides: dict[str, str],
    fields: tuple[str, ...],
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.other_slug}/sessions/recurring", data=_rule_form(**overrides)
    )
    assert response.status_code == 200
    for field in fields:
        assert message.lower() in _field_errors(response, field).lower(), field
    assert _sessions(app, world.other_slug) == []


# --- participant profiles --------------------------------------------------------------------


def test_organizer_adds_edits_and_deletes_a_profile(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    base = f"/staff/series/{world.slug}/profiles"
    response = client.post(f"{base}/new", data=_profile_form(max_per_country="4"))
    assert response.headers["Location"] == f"/staff/series/{world.slug}#profiles"
    with app.app_context():
        profile = db.session.execute(
            db.select(ParticipantProfile).filter_by(code="border_control")
        ).scalar_one()
        assert (profile.min_per_country, profile.max_per_country, profile.position) == (2, 4, 3)
        assert profile.label_es == "Funcionarios a cargo del control fronterizo"
        profile_id = profile.id

    response = client.post(
        f"{base}/{profile_id}/edit", data=_profile_form(min_per_country="0", max_per_country="")
    )
    assert response.status_code == 302
    with app.app_context():
        profile = db.session.get(ParticipantProfile, profile_id)
        assert profile is not None
        assert (profile.min_per_country, profile.max_per_country) == (0, None)

    assert "Delete the participant profile" in client.get(f"{base}/{profile_id}/delete").text
    assert client.post(f"{base}/{profile_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(ParticipantProfile, profile_id) is None
    assert _count(app, ParticipantProfile) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "prosecutor"}, "code", "already has a profile with this code"),
        ({"code": "Border Control"}, "code", "Lowercase letters"),
        ({"min_per_country": "-1"}, "min_per_country", "at least 0"),
        ({"min_per_country": ""}, "min_per_country", "required"),
        ({"max_per_country": "0"}, "max_per_country", "at least 1"),
        ({"min_per_country": "3", "max_per_country": "2"}, "max_per_country", "at least 3"),
        ({"label_en": ""}, "label_en", "required"),
    ],
)
def test_bad_profiles_show_errors_and_write_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.slug}/profiles/new", data=_profile_form(**overrides)
    )
    assert response.status_code == 200
    assert message.lower() in _field_errors(response, field).lower()
    assert _count(app, ParticipantProfile) == 1


def test_the_same_profile_code_may_serve_another_series(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.other_slug}/profiles/new", data=_profile_form(code="prosecutor")
    )
    assert response.status_code == 302
    assert _count(app, ParticipantProfile) == 2


def test_a_profile_code_taken_concurrently_is_a_field_error(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "code_taken", lambda code, series, profile: False)
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/{world.slug}/profiles/new", data=_profile_form(code="prosecutor")
    )
    assert "already has a profile with this code" in _field_errors(response, "code")
    assert _count(app, ParticipantProfile) == 1


# --- CSRF ------------------------------------------------------------------------------------


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_a_post_without_csrf_token_is_refused(app: Flask, database_url: str, world: World) -> None:
    protected = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    token = _csrf_token(client.get("/login").text)
    client.post(
        "/login",
        data={"email": world.organizer, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert client.get("/staff/").status_code == 200

    for url, data in (
        ("/staff/series/new", _series_form()),
        (f"/staff/series/{world.slug}/sessions/new", _session_form()),
        (f"/staff/series/{world.slug}/delete", {}),
    ):
        assert client.post(url, data=data).status_code == 400, url
    assert _count(app, Series) == 3
    assert _count(app, EventSession) == 1

    # The same request with the page's token goes through.
    token = _csrf_token(client.get("/staff/series/new").text)
    response = client.post("/staff/series/new", data={**_series_form(), "csrf_token": token})
    assert response.status_code == 302
    assert _count(app, Series) == 4
