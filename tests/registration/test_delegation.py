"""Delegation registration: rows typed in or a CSV/XLSX file, all officials or none."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from werkzeug.test import TestResponse

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import delegation, services
from webinars.registration.delegation import DelegationFileError, parse_file
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series, SeriesStatus

from .. import factories
from ..conftest import AuthActions
from ..factories import registration_data

S = RegistrationStatus
HEADER = "first_name,last_name,email,institution,position,profile,language,consent_to_list"


@dataclass(frozen=True)
class World:
    slug: str
    session_ids: list[int]
    organizer: str
    focal_point: str
    focal_point_id: int
    facilitator: str


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.open_series(slug="delegations-2030")
        factories.make_profile(
            series, code="prosecutor", label_en="Prosecutors", label_es="Fiscales"
        )
        factories.make_profile(
            series,
            code="border",
            label_en="Border control officials",
            label_es="Funcionarios de control fronterizo",
            max_per_country=2,
        )
        focal_point = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
        world = World(
            slug=series.slug,
            session_ids=[s.id for s in series.sessions],
            organizer=factories.make_user(StaffRole.ORGANIZER).email,
            focal_point=focal_point.email,
            focal_point_id=focal_point.id,
            facilitator=factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
        )
        db.session.commit()
        return world


def _official(n: int, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": f"Pérez {n}",
        "email": f"official{n}@example.gov",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "prosecutor",
        "language": "es",
        "consent_to_list": True,
    }
    values.update(fields)
    return values


def _form(
    rows: list[dict[str, Any]], *, total: int = 5, sessions: list[int] | None = None, **extra: Any
) -> dict[str, Any]:
    """The POST data of the rows form: `rows` first, then empty rows up to `total`."""
    data: dict[str, Any] = {"submit": "Register the delegation"}
    for index in range(max(total, len(rows))):
        row = rows[index] if index < len(rows) else {}
        for name in ("first_name", "last_name", "email", "institution", "position"):
            data[f"rows-{index}-{name}"] = row.get(name, "")
        data[f"rows-{index}-profile"] = row.get("profile", "")
        data[f"rows-{index}-language"] = row.get("language", "es")
        for name in ("country", "observer_organization"):
            if name in row:
                data[f"rows-{index}-{name}"] = row[name]
        if row.get("consent_to_list"):
            data[f"rows-{index}-consent_to_list"] = "y"
    if sessions is not None:
        data["sessions"] = [str(i) for i in sessions]
    data.update(extra)
    return data


def _post_rows(client: FlaskClient, world: World, data: dict[str, Any]) -> TestResponse:
    if "sessions" not in data:
        data["sessions"] = [str(i) for i in world.session_ids]
    return client.post(f"/staff/series/{world.slug}/delegation", data=data)


def _upload(
    client: FlaskClient, world: World, filename: str, content: bytes, **extra: Any
) -> TestResponse:
    data: dict[str, Any] = {
        "upload-file": (io.BytesIO(content), filename),
        "upload-sessions": [str(i) for i in world.session_ids],
    }
    data.update(extra)
    return client.post(
        f"/staff/series/{world.slug}/delegation/upload",
        data=data,
        content_type="multipart/form-data",
    )


def _registrations(app: Flask) -> list[Registration]:
    with app.app_context():
        query = db.select(Registration).order_by(Registration.id)
        registrations = list(db.session.scalars(query))
        for registration in registrations:  # load what the tests read, then detach
            _ = registration.profile, registration.sessions
        db.session.expunge_all()
        return registrations


def _outbox(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(OutboxMessage.to_address, OutboxMessage.kind, OutboxMessage.language)
            .where(OutboxMessage.ical_method == "")
            .order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]


def _row_html(html: str, number: int) -> str:
    match = re.search(rf'<tr id="row-{number}">(.*?)</tr>', html, re.S)
    assert match, f"row {number} not on the page"
    return match.group(1)


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


# --- who may register a delegation ---------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, world: World) -> None:
    base = f"/staff/series/{world.slug}/delegation"
    for response in (
        client.get(base),
        client.post(base, data=_form([_official(1)])),
        client.get(f"{base}/template.csv"),
        client.post(f"{base}/upload"),
    ):
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]


def test_a_facilitator_may_not_register_a_delegation(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    base = f"/staff/series/{world.slug}/delegation"
    assert client.get(base).status_code == 403
    assert _post_rows(client, world, _form([_official(1)])).status_code == 403
    assert client.get(f"{base}/template.xlsx").status_code == 403
    upload = _upload(
        client, world, "d.csv", f"{HEADER}\nAna,Pérez,a@example.gov,I,P,,es,no\n".encode()
    )
    assert upload.status_code == 403
    assert _registrations(app) == []


def test_nobody_registers_a_delegation_in_a_draft_series(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        factories.open_series(slug="draft-2030", status=SeriesStatus.DRAFT)
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        focal_point = factories.make_user(StaffRole.FOCAL_POINT).email
        db.session.commit()
    for email in (organizer, focal_point):
        auth.login(email)
        assert client.get("/staff/series/draft-2030/delegation").status_code == 403
        auth.logout()


def test_the_focal_point_page_has_no_country_choice(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    response = client.get(f"/staff/series/{world.slug}/delegation")
    html = _text(response)
    assert response.status_code == 200
    assert "Costa Rica" in html
    assert 'name="rows-0-first_name"' in html and 'name="rows-4-first_name"' in html
    assert 'name="rows-5-first_name"' not in html
    assert 'name="rows-0-country"' not in html
    # every session is chosen by default, in both forms
    assert html.count("checked") == 2 * len(world.session_ids)


def test_an_organizer_chooses_a_country_per_row(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    html = _text(client.get(f"/staff/series/{world.slug}/delegation"))
    assert 'name="rows-0-country"' in html
    assert '<option value="MX">' in html and '<option value="observer">' in html


# --- the rows form ---------------------------------------------------------------------------


def test_a_focal_point_registers_three_officials_at_once(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    rows = [
        _official(1, first_name="María José"),
        {},  # an empty row in the middle is ignored
        _official(2, profile="other", language="en", consent_to_list=False),
        _official(3, profile="border", email="Official3@Example.GOV"),
    ]
    response = _post_rows(client, world, _form(rows))
    html = _text(response)
    assert response.status_code == 200
    assert "The delegation was registered" in html
    assert "María José" in html and html.count('status-confirmed">Confirmed<') == 3

    registrations = _registrations(app)
    assert [r.email for r in registrations] == [
        "official1@example.gov",
        "official2@example.gov",
        "official3@example.gov",
    ]
    assert {r.country_code for r in registrations} == {"CR"}
    assert {r.registered_by_id for r in registrations} == {world.focal_point_id}
    assert [r.status for r in registrations] == [S.CONFIRMED] * 3
    assert [r.profile.code if r.profile else None for r in registrations] == [
        "prosecutor",
        None,
        "border",
    ]
    assert [r.consent_to_list for r in registrations] == [True, False, True]
    assert all(len(r.sessions) == 2 for r in registrations)
    assert _outbox(app) == [
        ("official1@example.gov", "registration.confirmed", "es"),
        ("official2@example.gov", "registration.confirmed", "en"),
        ("official3@example.gov", "registration.confirmed", "es"),
    ]


def test_statuses_follow_the_approval_mode(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.open_series(slug="approved-2030", approval_mode=ApprovalMode.ORGANIZER)
        focal_point = factories.make_user(StaffRole.FOCAL_POINT, country_code="GT").email
        db.session.commit()
        sessions = [str(s.id) for s in series.sessions]
    auth.login(focal_point)
    data = _form([_official(1, profile="other"), _official(2, profile="other")])
    data["sessions"] = sessions
    html = _text(client.post("/staff/series/approved-2030/delegation", data=data))
    assert html.count('status-pending">Pending<') == 2
    registrations = _registrations(app)
    assert [(r.status, r.country_code, r.profile) for r in registrations] == [
        (S.PENDING, "GT", None),  # a series without profiles: "other"
        (S.PENDING, "GT", None),
    ]
    assert [kind for _, kind, _ in _outbox(app)] == ["registration.received"] * 2


def test_one_bad_row_writes_nothing_and_shows_its_errors(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    rows = [
        _official(1),
        _official(2, email="not-an-address", first_name="Rosa"),
        _official(3, institution="", position=" "),
    ]
    response = _post_rows(client, world, _form(rows))
    html = _text(response)
    assert response.status_code == 200
    assert _registrations(app) == [] and _outbox(app) == []
    assert "Nothing was registered" in html
    assert "Row 2</a> · E-mail: Enter a valid e-mail address." in html
    assert "Row 3</a> · Institution: This field is required." in html
    second = _row_html(html, 2)
    assert 'class="has-error"' in second and "Enter a valid e-mail address." in second
    assert 'value="not-an-address"' in second and 'value="Rosa"' in second
    assert "Row 3</a> · Position: This field is required." in html  # every blank at once
    assert _row_html(html, 3).count("This field is required.") == 2
    first = _row_html(html, 1)  # a good row keeps its values and shows no error
    assert 'value="official1@example.gov"' in first and "has-error" not in first


def test_a_missing_profile_language_or_session_is_an_error(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    html = _text(_post_rows(client, world, _form([_official(1, profile="")])))
    assert "Choose a profile (prosecutor, border, other)." in _row_html(html, 1)
    html = _text(_post_rows(client, world, _form([_official(1)], sessions=[])))
    assert "Choose at least one session." in html
    assert _registrations(app) == []


def test_one_shared_choice_of_sessions(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    chosen = world.session_ids[1:]
    _post_rows(client, world, _form([_official(1), _official(2)], sessions=chosen))
    assert [[s.id for s in r.sessions] for r in _registrations(app)] == [chosen, chosen]


def test_the_same_email_twice_in_the_delegation_is_refused_on_the_second_row(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    rows = [_official(1), _official(2), _official(3, email="OFFICIAL1@example.gov")]
    html = _text(_post_rows(client, world, _form(rows)))
    assert "This e-mail address is already in row 1 of this delegation." in _row_html(html, 3)
    assert "already in row" not in _row_html(html, 1)
    assert _registrations(app) == []


def test_an_email_already_registered_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        services.register(series, registration_data(email="taken@example.gov"))
        db.session.commit()
    auth.login(world.focal_point)
    html = _text(
        _post_rows(client, world, _form([_official(1), _official(2, email="Taken@example.gov")]))
    )
    assert "already registered for this series" in _row_html(html, 2)
    assert [r.email for r in _registrations(app)] == ["taken@example.gov"]
    assert len(_outbox(app)) == 1


def test_more_rows_keeps_what_was_typed(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    data = _form([_official(1, first_name="Lucía")], more="More rows")
    del data["submit"]
    html = _text(_post_rows(client, world, data))
    assert 'name="rows-9-first_name"' in html and 'name="rows-10-first_name"' not in html
    assert 'value="Lucía"' in _row_html(html, 1)
    assert _registrations(app) == []
    # at the maximum, no more rows and no button
    data = _form([], total=100, more="More rows")
    del data["submit"]
    html = _text(_post_rows(client, world, data))
    assert 'name="rows-99-first_name"' in html and 'name="rows-100-first_name"' not in html
    assert 'value="More rows"' not in html


def test_an_organizer_registers_officials_of_several_countries_and_observers(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    rows = [
        _official(1, country="MX"),
        _official(2, country="observer", observer_organization="IOM", profile="other"),
        _official(3, country=""),
    ]
    html = _text(_post_rows(client, world, _form(rows)))
    assert "Choose a member country, or give the name of your organization." in _row_html(html, 3)
    assert _registrations(app) == []
    rows[2]["country"] = "HN"
    html = _text(_post_rows(client, world, _form(rows)))
    assert "The delegation was registered" in html
    assert [(r.country_code, r.observer_organization) for r in _registrations(app)] == [
        ("MX", ""),
        (None, "IOM"),
        ("HN", ""),
    ]


def test_past_the_maximum_per_country_officials_are_waitlisted_not_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    rows = [_official(n, profile="border") for n in (1, 2, 3)]
    html = _text(_post_rows(client, world, _form(rows)))
    assert "The delegation was registered" in html and "Waiting list" in html
    assert [r.status for r in _registrations(app)] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert [kind for _, kind, _ in _outbox(app)] == [
        "registration.confirmed",
        "registration.confirmed",
        "registration.waitlisted",
    ]


def test_a_closed_registration_writes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.open_series(
            slug="closed-2030", registration_closes_at=datetime(2021, 1, 1, tzinfo=UTC)
        )
        focal_point = factories.make_user(StaffRole.FOCAL_POINT).email
        db.session.commit()
        sessions = [str(s.id) for s in series.sessions]
    auth.login(focal_point)
    page = _text(client.get("/staff/series/closed-2030/delegation"))
    assert "Registration for this series is not open." in page
    assert 'name="rows-0-first_name"' not in page
    data = _form([_official(1)])
    data["sessions"] = sessions
    html = _text(client.post("/staff/series/closed-2030/delegation", data=data))
    assert "Registration for this series is not open." in html
    assert _registrations(app) == []


# --- uploads -----------------------------------------------------------------------------


def test_a_csv_with_bom_semicolons_and_spanish_headers(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    content = (
        "Nombre;Apellido;Correo;Institución;Cargo;Perfil;Idioma;Consentimiento\r\n"
        "José;Núñez Ibáñez;jose@example.gov;Dirección General de Migración;Director;Fiscales;español;sí\r\n"
        ";;;;;;;\r\n"
        '"María; la otra";Solís;maria@example.gov;"Policía; Fronteras";Jefa;border;EN;no\r\n'
    ).encode("utf-8-sig")
    response = _upload(client, world, "delegación.csv", content)
    assert "The delegation was registered" in _text(response)
    registrations = _registrations(app)
    assert [(r.first_name, r.last_name, r.institution) for r in registrations] == [
        ("José", "Núñez Ibáñez", "Dirección General de Migración"),
        ("María; la otra", "Solís", "Policía; Fronteras"),
    ]
    assert [(r.profile.code, r.language, r.consent_to_list) for r in registrations] == [
        ("prosecutor", "es", True),
        ("border", "en", False),
    ]
    assert {r.registered_by_id for r in registrations} == {world.focal_point_id}
    assert len(_outbox(app)) == 2


def test_a_focal_point_file_may_not_register_another_country(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    content = (
        f"{HEADER},country\n"
        "Ana,Uno,uno@example.gov,Fiscalía,Fiscal,prosecutor,es,yes,CR\n"
        "Ana,Dos,dos@example.gov,Fiscalía,Fiscal,prosecutor,es,yes,Costa Rica\n"
        "Ana,Tres,tres@example.gov,Fiscalía,Fiscal,prosecutor,es,yes,MX\n"
    ).encode()
    html = _text(_upload(client, world, "d.csv", content))
    assert "Nothing was registered" in html
    assert re.search(
        r"<td>4</td>\s*<td>Country</td>\s*<td>MX</td>\s*"
        r"<td>You can register officials of Costa Rica only.</td>",
        html,
    )
    assert _registrations(app) == [] and _outbox(app) == []
    fixed = content.replace(b",MX\n", b",\n")  # an empty country is the focal point's own
    assert "The delegation was registered" in _text(_upload(client, world, "d.csv", fixed))
    assert {r.country_code for r in _registrations(app)} == {"CR"}


def test_an_organizer_file_gives_country_codes_or_observers(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    content = (
        f"{HEADER},country,observer_organization\n"
        'Ana,Uno,uno@example.gov,"Secretaría, Gobernación",Fiscal,prosecutor,es,yes,mx,\n'
        "Ana,Dos,dos@example.gov,OIM,Oficial,other,en,no,,IOM\n"
    ).encode()
    assert "The delegation was registered" in _text(_upload(client, world, "d.csv", content))
    assert [
        (r.country_code, r.observer_organization, r.institution) for r in _registrations(app)
    ] == [
        ("MX", "", "Secretaría, Gobernación"),
        (None, "IOM", "OIM"),
    ]
    # an organizer's file must say where each official comes from
    html = _text(_upload(client, world, "d.csv", f"{HEADER}\n".encode()))
    assert "Missing columns: country (país)." in html


def test_an_xlsx_upload(app: Flask, client: FlaskClient, auth: AuthActions, world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "First name",
            "Last name",
            "E-mail",
            "Institution",
            "Position",
            "Profile",
            "Language",
            "Consent",
        ]
    )
    sheet.append(
        ["Ana", "Pérez", "ana@example.gov", "Fiscalía", "Fiscal", "prosecutor", "es", True]
    )
    sheet.append([None] * 8)
    sheet.append(
        [
            "John",
            "Smith",
            "john@example.gov",
            "CBSA",
            "Officer",
            "Border control officials",
            "en",
            0,
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    auth.login(world.focal_point)
    html = _text(_upload(client, world, "Delegation.XLSX", out.getvalue()))
    assert "The delegation was registered" in html
    assert [(r.email, r.profile.code, r.consent_to_list) for r in _registrations(app)] == [
        ("ana@example.gov", "prosecutor", True),
        ("john@example.gov", "border", False),
    ]


def test_an_upload_with_bad_rows_lists_them_with_the_file_row_numbers(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    content = (
        f"{HEADER}\n"
        "Ana,Uno,uno@example.gov,Fiscalía,Fiscal,prosecutor,es,yes\n"
        "\n"
        "Ana,Dos,dos@example.gov,Fiscalía,Fiscal,prosecutor,fr,yes\n"
        "Ana,Tres,UNO@example.gov,Fiscalía,Fiscal,judge,es,maybe\n"
    ).encode()
    html = _text(_upload(client, world, "d.csv", content))
    assert _registrations(app) == [] and _outbox(app) == []
    assert re.search(r"<td>4</td>\s*<td>Language</td>\s*<td>fr</td>", html)
    assert re.search(r"<td>5</td>\s*<td>Profile</td>\s*<td>judge</td>\s*<td>Unknown profile", html)
    assert re.search(r"<td>5</td>\s*<td>Listed</td>\s*<td>maybe</td>\s*<td>Write yes or no.", html)
    assert "This e-mail address is already in row 2 of this delegation." in html


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("random.csv", bytes(range(256)) * 8, "This is not a text file"),
        ("fake.xlsx", b"first_name,last_name\nAna,P\n", "This is not an Excel workbook (.xlsx)"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "This is not an Excel workbook (.xlsx)"),
        ("missing.csv", b"first_name,last_name\nAna,P\n", "Missing columns: email (correo)"),
        ("notes.pdf", b"%PDF-1.4 ...", "Upload a CSV file (UTF-8) or an Excel workbook (.xlsx)."),
        ("empty.csv", b"", "The file is empty."),
    ],
)
def test_a_broken_file_gets_a_clear_message_and_writes_nothing(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    filename: str,
    content: bytes,
    message: str,
) -> None:
    auth.login(world.focal_point)
    response = _upload(client, world, filename, content)
    assert response.status_code == 200
    html = _text(response)
    assert message in html and "Nothing was registered." in html
    assert _registrations(app) == [] and _outbox(app) == []


def test_an_upload_without_a_file(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login(world.focal_point)
    response = client.post(
        f"/staff/series/{world.slug}/delegation/upload",
        data={"upload-sessions": [str(i) for i in world.session_ids]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "Choose a file." in _text(response)


# --- templates -------------------------------------------------------------------------------


def test_the_csv_template_has_a_bom_a_header_and_an_example_that_uploads_as_nothing(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_point)
    response = client.get(f"/staff/series/{world.slug}/delegation/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="delegation-delegations-2030.csv"' in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    header, example = body.decode("utf-8-sig").splitlines()
    assert header == HEADER
    assert delegation.EXAMPLE_EMAIL in example and ",prosecutor," in example
    html = _text(_upload(client, world, "template.csv", body))
    assert "There is no official to register." in html


def test_the_spanish_csv_template_for_an_organizer(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    body = client.get(f"/staff/series/{world.slug}/delegation/template.csv?lang=es").data
    header = body.decode("utf-8-sig").splitlines()[0]
    assert header == (
        "nombre,apellido,correo,institución,cargo,perfil,idioma,consentimiento,"
        "país,organización observadora"
    )


def test_the_xlsx_template_opens_and_lists_the_profiles(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    response = client.get(f"/staff/series/{world.slug}/delegation/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    first, profiles, countries = workbook.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER.split(","), "country", "observer_organization"]
    assert rows[1][2] == delegation.EXAMPLE_EMAIL
    assert [row[0] for row in profiles.iter_rows(min_row=2, values_only=True)] == [
        "prosecutor",
        "border",
        "other",
    ]
    assert ("CR", "Costa Rica") in list(countries.iter_rows(min_row=2, values_only=True))


# --- the file reader on its own -----------------------------------------------------------


def test_rows_are_numbered_as_in_the_file() -> None:
    content = (
        "\n"
        "Correo electrónico\tNOMBRE\tApellidos\tInstitución\tPuesto\tPerfil\tIdioma\tNotes\n"
        'a@example.gov\tAna\t"Pérez\nSolís"\tX\tY\tother\tes\tignored\n'
        "\t\t\t\t\t\t\t\n"
        "b@example.gov\tBea\tRuiz\tX\tY\tother\ten\t\n"
        f"{delegation.EXAMPLE_EMAIL}\tAna\tPérez\tX\tY\tother\tes\t\n"
    ).encode()
    rows = parse_file("d.txt", content, require_origin=False)
    assert [row.line for row in rows] == [3, 5]
    # A line break inside a cell is folded: names go into e-mail headers (issue 12).
    assert rows[0].values["last_name"] == "Pérez Solís"
    assert rows[1].values == {
        "email": "b@example.gov",
        "first_name": "Bea",
        "last_name": "Ruiz",
        "institution": "X",
        "position": "Y",
        "profile": "other",
        "language": "en",
    }


def test_limits_of_a_file() -> None:
    line = "Ana,P,{n}@example.gov,X,Y,other,es,no\n"
    many = HEADER + "\n" + "".join(line.format(n=n) for n in range(501))
    with pytest.raises(DelegationFileError) as error:
        parse_file("d.csv", many.encode(), require_origin=False)
    assert error.value.line == 502
    with pytest.raises(DelegationFileError, match="larger than 2 MB"):
        parse_file(
            "d.csv", HEADER.encode() + b" " * delegation.MAX_FILE_BYTES, require_origin=False
        )
    with pytest.raises(DelegationFileError, match="appears twice") as error:
        parse_file("d.csv", f"{HEADER},Correo\n".encode(), require_origin=False)
    assert error.value.line == 1
    # Not UTF-8 is no longer refused: Excel's "CSV" on a Spanish Windows is Windows-1252 with
    # semicolons, read by the same sniffer as the attendance reports.
    spanish = HEADER.replace(",", ";") + "\r\n" + "José;Núñez;jn@example.gov;X;Y;other;es;no\r\n"
    (row,) = parse_file("d.csv", spanish.encode("cp1252"), require_origin=False)
    assert (row.values["first_name"], row.values["last_name"]) == ("José", "Núñez")
