"""Staff pages of a session: its agenda items, roles, and the people directory."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.catalog.models import Person
from webinars.extensions import db
from webinars.sessions.agenda import local_time_on_session_day
from webinars.sessions.models import AgendaItem, AgendaKind, Role, RoleKind

from .. import factories
from ..conftest import AuthActions, make_test_app
from ..helpers import count_rows as _count
from ..helpers import field_errors as _field_errors

#: Tuesday 8 September 2020, 09:00–11:00 in Costa Rica (UTC-6), as in seed 000.
SESSION_START = datetime(2020, 9, 8, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    slug: str
    session_id: int
    other_session_id: int
    organizer: str
    admin: str
    facilitator: str
    other_facilitator: str
    focal_point: str

    @property
    def session_url(self) -> str:
        return f"/staff/series/{self.slug}/sessions/{self.session_id}"


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.make_series(slug="smuggling-2020", timezone="America/Costa_Rica")
        event_session = factories.make_session(
            series, topic_en="Topic 1", topic_es="Tema 1", start_at=SESSION_START
        )
        other = factories.make_series(slug="other-series")
        other_session = factories.make_session(other)
        facilitator = factories.make_user(StaffRole.FACILITATOR, series=[series])
        other_facilitator = factories.make_user(StaffRole.FACILITATOR, series=[other])
        world = World(
            slug=series.slug,
            session_id=event_session.id,
            other_session_id=other_session.id,
            organizer=factories.make_user(StaffRole.ORGANIZER).email,
            admin=factories.make_user(StaffRole.ADMIN).email,
            facilitator=facilitator.email,
            other_facilitator=other_facilitator.email,
            focal_point=factories.make_user(StaffRole.FOCAL_POINT).email,
        )
        db.session.commit()
        return world


def _items(app: Flask) -> list[AgendaItem]:
    with app.app_context():
        return list(db.session.scalars(db.select(AgendaItem).order_by(AgendaItem.id)))


def _item_form(**overrides: str) -> dict[str, str]:
    form = {
        "kind": "panel",
        "start_time": "09:20",
        "end_time": "10:30",
        "title_en": "Panel of experts",
        "title_es": "Panel de expertos",
        "sub_points_en": "Profiles of the organizers\nModus operandi\n",
        "sub_points_es": "Perfiles de los organizadores\nModus operandi\n",
        "position": "2",
    }
    form.update(overrides)
    return form


def _add_item(app: Flask, world: World, **fields) -> int:
    with app.app_context():
        from webinars.sessions.models import EventSession

        event_session = db.session.get(EventSession, world.session_id)
        item = factories.make_agenda_item(event_session, **fields)
        db.session.commit()
        return item.id


# --- access ----------------------------------------------------------------------------------


def _paths(world: World) -> list[str]:
    return [
        world.session_url,
        world.session_url + "/agenda/new",
        world.session_url + "/roles/new",
        "/staff/people",
        "/staff/people/new",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, world: World) -> None:
    for path in _paths(world):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login?next=" in response.headers["Location"], path


def test_focal_points_are_refused_everywhere(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    for path in _paths(world):
        assert client.get(path).status_code == 403, path


def test_facilitator_of_the_series_reads_the_session_but_cannot_edit(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _add_item(app, world, title_en="Opening remarks by the PPT")
    auth.login(world.facilitator)
    page = client.get(world.session_url)
    assert page.status_code == 200
    assert "Opening remarks by the PPT" in page.text
    assert "/agenda/new" not in page.text and "/edit" not in page.text
    assert client.get(world.session_url + "/agenda/new").status_code == 403
    assert client.post(world.session_url + "/agenda/new", data=_item_form()).status_code == 403
    assert client.get("/staff/people").status_code == 403
    assert len(_items(app)) == 1


def test_facilitator_of_another_series_is_refused(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.other_facilitator)
    assert client.get(world.session_url).status_code == 403


def test_a_session_of_another_series_is_not_found(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    url = f"/staff/series/{world.slug}/sessions/{world.other_session_id}"
    assert client.get(url).status_code == 404
    assert client.get(f"/staff/series/nope/sessions/{world.session_id}").status_code == 404


def test_admin_edits_like_an_organizer(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.admin)
    page = client.get(world.session_url)
    assert page.status_code == 200
    assert "/agenda/new" in page.text
    assert client.get("/staff/people").status_code == 200


def test_forms_are_csrf_protected(app: Flask, database_url: str, world: World) -> None:
    csrf_app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    # The log-in form is CSRF-protected too: log in with a real token.
    login_page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text)
    assert token is not None
    client.post(
        "/login",
        data={"email": world.organizer, "password": factories.PASSWORD, "csrf_token": token[1]},
    )
    assert client.get(world.session_url).status_code == 200
    response = client.post(world.session_url + "/agenda/new", data=_item_form())
    assert response.status_code == 400
    assert _items(app) == []


# --- agenda items ----------------------------------------------------------------------------


def test_organizer_adds_an_item_in_local_costa_rica_time(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.post(world.session_url + "/agenda/new", data=_item_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(world.session_url)
    [item] = _items(app)
    # 09:20 and 10:30 in Costa Rica (UTC-6, no daylight saving) are 15:20 and 16:30 UTC.
    assert item.start_at == datetime(2020, 9, 8, 15, 20, tzinfo=UTC)
    assert item.end_at == datetime(2020, 9, 8, 16, 30, tzinfo=UTC)
    assert item.kind == AgendaKind.PANEL
    assert (item.title_en, item.title_es, item.position) == (
        "Panel of experts",
        "Panel de expertos",
        2,
    )
    assert item.sub_points == [
        {"en": "Profiles of the organizers", "es": "Perfiles de los organizadores"},
        {"en": "Modus operandi", "es": "Modus operandi"},
    ]
    page = client.get(world.session_url)
    assert "Agenda item “Panel of experts” added." in page.text


def test_spanish_sub_points_may_be_left_empty(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    client.post(world.session_url + "/agenda/new", data=_item_form(sub_points_es=""))
    [item] = _items(app)
    assert item.sub_points == [
        {"en": "Profiles of the organizers", "es": ""},
        {"en": "Modus operandi", "es": ""},
    ]
    assert item.sub_point_texts("es") == ["Profiles of the organizers", "Modus operandi"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_time": "08:30"}, "start_time", "must start within its session (09:00–11:00)"),
        ({"end_time": "11:15"}, "end_time", "must end within its session (09:00–11:00)"),
        ({"start_time": "10:00", "end_time": "09:30"}, "end_time", "end must come after"),
        ({"start_time": "10:00", "end_time": "10:00"}, "end_time", "end must come after"),
        ({"sub_points_es": "Solo una línea"}, "sub_points_es", "as many Spanish lines"),
        ({"sub_points_en": "", "sub_points_es": "Una"}, "sub_points_es", "as many Spanish lines"),
        ({"title_es": ""}, "title_es", "This field is required."),
        ({"start_time": "nine"}, "start_time", "Not a valid time value."),
        ({"kind": "karaoke"}, "kind", "Invalid Choice"),
    ],
)
def test_bad_items_show_an_error_beside_the_field_and_write_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post(world.session_url + "/agenda/new", data=_item_form(**overrides))
    assert response.status_code == 200
    assert message in _field_errors(response, field)
    assert "Please correct the errors below." in response.text
    assert _items(app) == []


def test_organizer_edits_an_item(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    item_id = _add_item(
        app, world, sub_points=[{"en": "One", "es": ""}, {"en": "Two", "es": "Dos"}]
    )
    auth.login(world.organizer)
    url = f"{world.session_url}/agenda/{item_id}/edit"
    form = client.get(url).text
    assert 'value="09:00"' in form and 'value="09:15"' in form  # local times, not UTC
    # A missing Spanish line shows the English text standing in for it: counts still match.
    assert re.search(r"<textarea[^>]*sub_points_es[^>]*>\s*One\nDos</textarea>", form)

    bad = client.post(url, data=_item_form(start_time="10:45", end_time="11:30"))
    assert "must end within its session" in _field_errors(bad, "end_time")
    [unchanged] = _items(app)
    assert unchanged.end_at == datetime(2020, 9, 8, 15, 15, tzinfo=UTC)

    response = client.post(
        url, data=_item_form(kind="questions_and_answers", start_time="10:30", end_time="11:00")
    )
    assert response.status_code == 302
    [item] = _items(app)
    assert item.kind == AgendaKind.QUESTIONS_AND_ANSWERS
    assert (item.start_at, item.end_at) == (
        datetime(2020, 9, 8, 16, 30, tzinfo=UTC),
        datetime(2020, 9, 8, 17, 0, tzinfo=UTC),
    )


def test_organizer_deletes_an_item_and_its_roles_after_confirming(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    item_id = _add_item(app, world)
    with app.app_context():
        factories.make_role(agenda_item_id=item_id, note_en="Someone")
        db.session.commit()
    auth.login(world.organizer)
    url = f"{world.session_url}/agenda/{item_id}/delete"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Delete the agenda item" in confirm.text
    assert len(_items(app)) == 1  # a GET deletes nothing
    assert client.post(url).status_code == 302
    assert _items(app) == []
    assert _count(app, Role) == 0


def test_an_item_of_another_session_is_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        from webinars.sessions.models import EventSession

        other = db.session.get(EventSession, world.other_session_id)
        item_id = factories.make_agenda_item(other).id
        db.session.commit()
    auth.login(world.organizer)
    assert client.get(f"{world.session_url}/agenda/{item_id}/edit").status_code == 404
    assert client.post(f"{world.session_url}/agenda/{item_id}/delete").status_code == 404
    assert len(_items(app)) == 1


def test_the_session_page_shows_the_agenda_in_order_with_local_times(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    # Created out of order on purpose; two items start together and `position` breaks the tie.
    _add_item(
        app,
        world,
        kind=AgendaKind.QUESTIONS_AND_ANSWERS,
        title_en="Questions and answers",
        start_at=datetime(2020, 9, 8, 16, 30, tzinfo=UTC),
        end_at=datetime(2020, 9, 8, 17, 0, tzinfo=UTC),
    )
    _add_item(
        app,
        world,
        kind=AgendaKind.TECHNICAL_EXCHANGE,
        title_en="Second at 09:20",
        position=2,
        start_at=datetime(2020, 9, 8, 15, 20, tzinfo=UTC),
        end_at=datetime(2020, 9, 8, 16, 30, tzinfo=UTC),
    )
    _add_item(
        app,
        world,
        kind=AgendaKind.PANEL,
        title_en="First at 09:20",
        position=1,
        start_at=datetime(2020, 9, 8, 15, 20, tzinfo=UTC),
        end_at=datetime(2020, 9, 8, 15, 30, tzinfo=UTC),
    )
    _add_item(app, world, title_en="Welcome", sub_points=[{"en": "Context", "es": "Contexto"}])
    auth.login(world.facilitator)
    page = client.get(world.session_url).text
    assert "Tuesday, September 8, 2020" in page
    assert "09:00–11:00" in page
    assert "America/Costa_Rica (UTC-06:00)" in page
    times = re.findall(r'<strong class="agenda-time">([^<]+)</strong>', page)
    assert times == ["09:00–09:15", "09:20–09:30", "09:20–10:30", "10:30–11:00"]
    titles = [
        page.index(title)
        for title in ("Welcome", "First at 09:20", "Second at 09:20", "Questions and answers")
    ]
    assert titles == sorted(titles)
    assert "Contexto" in page and "Panel of experts" in page  # sub-point ES, kind label


def test_the_session_page_is_translated(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _add_item(app, world)
    auth.login(world.organizer)
    page = client.get(world.session_url + "?lang=es").text
    assert "martes, 8 de septiembre de 2020" in page
    assert "Palabras de apertura" in page


# --- roles -----------------------------------------------------------------------------------


def _role_url(world: World, item_id: int | None = None) -> str:
    if item_id is None:
        return world.session_url + "/roles/new"
    return f"{world.session_url}/agenda/{item_id}/roles/new"


def _roles(app: Flask) -> list[tuple]:
    with app.app_context():
        roles = db.session.scalars(db.select(Role).order_by(Role.id))
        return [
            (
                r.kind,
                r.session_id,
                r.agenda_item_id,
                r.person.name if r.person else None,
                r.organization.acronym_en if r.organization else None,
                r.note_en,
                r.note_es,
            )
            for r in roles
        ]


def test_organizer_adds_roles_with_a_person_an_organization_or_a_note(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    item_id = _add_item(app, world, kind=AgendaKind.PANEL, title_en="Panel of experts")
    with app.app_context():
        gcif = factories.organization("GCIF")
        person_id = factories.make_person(
            name="Raúl Fuentes", title_en="Strategic Analysis Team", organization=gcif
        ).id
        unodc_id = factories.organization("UNODC").id
        db.session.commit()
    auth.login(world.organizer)

    panelist = client.post(
        _role_url(world, item_id), data={"kind": "panelist", "person": str(person_id)}
    )
    assert panelist.status_code == 302
    moderator = client.post(
        _role_url(world), data={"kind": "moderator", "organization": str(unodc_id)}
    )
    assert moderator.status_code == 302
    rapporteur = client.post(
        _role_url(world),
        data={
            "kind": "rapporteur",
            "note_en": "High-ranking official of a Member Country",
            "note_es": "Alto funcionario de un País Miembro",
        },
    )
    assert rapporteur.status_code == 302

    assert _roles(app) == [
        (RoleKind.PANELIST, None, item_id, "Raúl Fuentes", None, "", ""),
        (RoleKind.MODERATOR, world.session_id, None, None, "UNODC", "", ""),
        (
            RoleKind.RAPPORTEUR,
            world.session_id,
            None,
            None,
            None,
            "High-ranking official of a Member Country",
            "Alto funcionario de un País Miembro",
        ),
    ]
    page = client.get(world.session_url).text
    assert "Rapporteur: High-ranking official of a Member Country added." in page
    assert "Raúl Fuentes" in page and "(GCIF)" in page
    assert "United Nations Office on Drugs and Crime" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "speaker"}, "person", "Choose a person or an organization"),
        ({"kind": "speaker", "note_es": "Solo en español"}, "note_en", "in English as well"),
        ({"kind": "speaker", "person": "999999"}, "person", "Not a valid choice"),
        ({"kind": "nobody", "note_en": "Someone"}, "kind", "Invalid Choice"),
    ],
)
def test_bad_roles_show_an_error_and_write_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post(_role_url(world), data=data)
    assert response.status_code == 200
    assert message in _field_errors(response, field)
    assert _roles(app) == []


def test_organizer_removes_a_role(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        role = factories.make_role(
            kind=RoleKind.FACILITATOR,
            session_id=world.session_id,
            organization=factories.organization("IOM"),
        )
        other_role = factories.make_role(
            session_id=world.other_session_id, organization=factories.organization("IOM")
        )
        role_id, other_role_id = role.id, other_role.id
        db.session.commit()
    auth.login(world.organizer)
    # A role of another session cannot be reached through this session's address.
    assert client.post(f"{world.session_url}/roles/{other_role_id}/delete").status_code == 404
    url = f"{world.session_url}/roles/{role_id}/delete"
    assert "Remove International Organization for Migration" in client.get(url).text
    assert client.post(url).status_code == 302
    assert _count(app, Role) == 1


# --- people ----------------------------------------------------------------------------------


def _people(app: Flask) -> list[Person]:
    with app.app_context():
        people = list(db.session.scalars(db.select(Person).order_by(Person.id)))
        for person in people:
            _ = person.organization
        return people


def test_people_directory_crud(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        iom_id = factories.organization("IOM").id
    auth.login(world.organizer)
    created = client.post(
        "/staff/people/new",
        data={
            "name": "Efraín Guerrero",
            "title_en": "Migration and Crisis Technical Specialist",
            "title_es": "Especialista Técnico en Migración y Crisis",
            "organization": str(iom_id),
            "country": "PA",
            "email": "eguerrero@example.org",
        },
    )
    assert created.status_code == 302
    [person] = _people(app)
    assert (person.name, person.organization_id, person.country_code, person.email) == (
        "Efraín Guerrero",
        iom_id,
        "PA",
        "eguerrero@example.org",
    )

    listing = client.get("/staff/people").text
    assert "Efraín Guerrero" in listing and "eguerrero@example.org" in listing
    assert "Panama" in listing and "IOM" in listing

    edit_url = f"/staff/people/{person.id}/edit"
    assert 'value="eguerrero@example.org"' in client.get(edit_url).text
    bad = client.post(edit_url, data={"name": "Efraín Guerrero", "email": "not-an-email"})
    assert bad.status_code == 200
    assert "Invalid email address." in _field_errors(bad, "email")
    assert _people(app)[0].email == "eguerrero@example.org"

    saved = client.post(
        edit_url, data={"name": "Efraín Guerrero Ruiz", "organization": "", "country": ""}
    )
    assert saved.status_code == 302
    [person] = _people(app)
    assert (person.name, person.organization_id, person.country_code, person.email) == (
        "Efraín Guerrero Ruiz",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Cy Winter", "email": "cy@"}, "email", "Invalid email address."),
        ({"name": ""}, "name", "This field is required."),
        ({"name": "Cy Winter", "country": "FR"}, "country", "Not a valid choice"),
    ],
)
def test_bad_people_show_an_error_and_write_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    auth.login(world.organizer)
    response = client.post("/staff/people/new", data=data)
    assert response.status_code == 200
    assert message in _field_errors(response, field)
    assert _people(app) == []


def test_deleting_a_person_removes_their_roles(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    item_id = _add_item(app, world)
    with app.app_context():
        person = factories.make_person(name="Gisselle Pérez")
        keeper = factories.make_person(name="Cy Winter")
        factories.make_role(agenda_item_id=item_id, person=person)
        factories.make_role(kind=RoleKind.MODERATOR, session_id=world.session_id, person=person)
        factories.make_role(agenda_item_id=item_id, person=keeper)
        person_id, keeper_id = person.id, keeper.id
        db.session.commit()
    auth.login(world.organizer)
    listing = client.get("/staff/people").text
    counts = re.findall(r'<td class="role-count">(\d+)</td>', listing)
    assert counts == ["1", "2"]  # by name: Cy Winter, Gisselle Pérez

    url = f"/staff/people/{person_id}/delete"
    assert "Their 2 roles" in client.get(url).text
    assert _count(app, Role) == 3
    response = client.post(url, follow_redirects=True)
    assert "Gisselle Pérez deleted, with 2 roles." in response.text
    assert [p.id for p in _people(app)] == [keeper_id]
    assert [r[3] for r in _roles(app)] == ["Cy Winter"]


# --- the time rule itself --------------------------------------------------------------------


def test_wall_times_after_midnight_fall_on_the_next_day(ctx: Flask) -> None:
    series = factories.make_series(timezone="America/Mexico_City")
    # 22:00–01:00 in Mexico City (UTC-6 in 2030).
    late = factories.make_session(
        series,
        start_at=datetime(2030, 3, 5, 4, 0, tzinfo=UTC),
        end_at=datetime(2030, 3, 5, 7, 0, tzinfo=UTC),
    )
    assert local_time_on_session_day(late, time(23, 0)) == datetime(2030, 3, 5, 5, 0, tzinfo=UTC)
    assert local_time_on_session_day(late, time(0, 30)) == datetime(2030, 3, 5, 6, 30, tzinfo=UTC)


def test_a_time_skipped_by_daylight_saving_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        series = factories.make_series(slug="ny", timezone="America/New_York")
        # Sunday 10 March 2030, 01:00–04:00 EST/EDT: clocks jump from 02:00 to 03:00.
        night = factories.make_session(
            series,
            start_at=datetime(2030, 3, 10, 6, 0, tzinfo=UTC),
            end_at=datetime(2030, 3, 10, 8, 0, tzinfo=UTC),
        )
        session_id = night.id
        db.session.commit()
    auth.login(world.organizer)
    response = client.post(
        f"/staff/series/ny/sessions/{session_id}/agenda/new",
        data=_item_form(start_time="02:30", end_time="03:30"),
    )
    assert "does not exist" in _field_errors(response, "start_time")
    assert _items(app) == []
    ok = client.post(
        f"/staff/series/ny/sessions/{session_id}/agenda/new",
        data=_item_form(start_time="01:30", end_time="03:30"),
    )
    assert ok.status_code == 302
    [item] = _items(app)
    assert (item.start_at, item.end_at) == (
        datetime(2030, 3, 10, 6, 30, tzinfo=UTC),
        datetime(2030, 3, 10, 7, 30, tzinfo=UTC),
    )


def test_the_session_page_issues_the_same_queries_for_any_agenda(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    """Agenda items, their roles, people and organizations are loaded up front, not per row."""
    from sqlalchemy import event

    def add_item_with_roles() -> None:
        item_id = _add_item(app, world)
        with app.app_context():
            person = factories.make_person(organization=factories.organization("IOM"))
            factories.make_role(agenda_item_id=item_id, person=person)
            factories.make_role(agenda_item_id=item_id, organization=factories.organization("PPT"))
            factories.make_role(session_id=world.session_id, person=person)
            db.session.commit()

    def queries_of_the_page() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(world.session_url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    auth.login(world.facilitator)
    add_item_with_roles()
    with_one = queries_of_the_page()
    for _ in range(4):
        add_item_with_roles()
    assert queries_of_the_page() == with_one
