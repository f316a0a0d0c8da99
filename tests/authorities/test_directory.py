"""The directory of national authorities and focal points (issue 16, item 1): scoped per
country, flagged and reminded after twelve months, exported as XLSX and vCard, imported from
XLSX with row errors, and offered to fill a delegation."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from dateutil.relativedelta import relativedelta
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from webinars.accounts.models import StaffRole
from webinars.authorities import services as directory
from webinars.authorities.exports import vcards
from webinars.authorities.models import DirectoryEntry, Topic
from webinars.extensions import db
from webinars.mail.models import OutboxMessage

from .. import factories
from ..conftest import AuthActions
from ..helpers import field_errors

NOW = datetime.now(UTC)


def _users(app: Flask) -> dict[str, str]:
    with app.app_context():
        users = {
            "organizer": factories.make_user(StaffRole.ORGANIZER).email,
            "focal_cr": factories.make_user(StaffRole.FOCAL_POINT, country_code="CR").email,
            "focal_mx": factories.make_user(StaffRole.FOCAL_POINT, country_code="MX").email,
            "facilitator": factories.make_user(StaffRole.FACILITATOR).email,
            "member": factories.make_user(StaffRole.FACILITATOR).email,
        }
        factories.make_directory_entry(country_code="CR", email="cr@example.gov", last_name="Cé")
        factories.make_directory_entry(country_code="MX", email="mx@example.gov", last_name="Eme")
        factories.make_directory_entry(country_code="PA", email=users["member"], last_name="Pa")
        db.session.commit()
    return users


def _id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(DirectoryEntry.id).filter_by(email=email))


def test_who_reads_and_who_keeps(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    users = _users(app)
    cr, mx = _id(app, "cr@example.gov"), _id(app, "mx@example.gov")
    assert client.get("/staff/directory").status_code == 302  # signed-in staff only
    auth.login(users["facilitator"])
    assert client.get("/staff/directory").status_code == 403
    auth.logout()
    auth.login(users["member"])  # a facilitator who is in the directory reads it
    page = client.get("/staff/directory?lang=en").get_data(as_text=True)
    assert "mx@example.gov" in page and f"/staff/directory/{mx}/edit" not in page
    assert client.get(f"/staff/directory/{mx}/edit").status_code == 403
    auth.logout()
    auth.login(users["focal_cr"])
    page = client.get("/staff/directory?lang=en").get_data(as_text=True)
    assert f"/staff/directory/{cr}/edit" in page and f"/staff/directory/{mx}/edit" not in page
    assert client.get(f"/staff/directory/{cr}/edit").status_code == 200
    assert client.get(f"/staff/directory/{mx}/edit").status_code == 403
    assert client.post(f"/staff/directory/{mx}/delete").status_code == 403
    auth.logout()
    auth.login(users["organizer"])
    page = client.get("/staff/directory?lang=en").get_data(as_text=True)
    assert f"/staff/directory/{mx}/edit" in page
    assert client.get("/staff/directory?country=ZZ").status_code == 404


def test_focal_point_adds_to_their_own_country_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    users = _users(app)
    auth.login(users["focal_cr"])
    form = {
        "country": "MX",  # ignored: a focal point has no country field
        "first_name": "Rosa",
        "last_name": "Mora",
        "position": "Jefa",
        "institution": "Migración",
        "email": "Rosa.Mora@example.gov",
        "languages": ["es", "en"],
        "topic": "protection",
        "working_group": "",
    }
    response = client.post("/staff/directory/new", data=form)
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(
            db.select(DirectoryEntry).filter_by(email="rosa.mora@example.gov")
        )
        assert entry.country_code == "CR" and entry.languages == "es,en"
    again = client.post("/staff/directory/new?lang=en", data=form)
    assert "already in the directory" in field_errors(again, "email")
    bad = client.post(
        "/staff/directory/new?lang=en",
        data={**form, "email": "x@example.gov", "topic": "magic", "languages": []},
    )
    assert "Choose a topic from the list." in field_errors(bad, "topic")


def test_stale_entries_are_flagged_and_their_focal_points_reminded(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    users = _users(app)
    with app.app_context():
        old = factories.make_directory_entry(
            country_code="CR",
            email="old@example.gov",
            confirmed_at=NOW - relativedelta(months=13),
        )
        factories.make_directory_entry(
            country_code="MX",
            email="fresh@example.gov",
            confirmed_at=NOW - relativedelta(months=10),
        )
        db.session.commit()
        assert directory.is_stale(old, NOW)
        messages = directory.remind_stale(NOW)
        db.session.commit()
        assert [m.to_address for m in messages] == [users["focal_cr"]]
        assert "old@example.gov" in messages[0].body_text
        assert messages[0].language == "es"
        assert directory.remind_stale(NOW + relativedelta(days=10)) == []
        assert len(directory.remind_stale(NOW + relativedelta(days=31))) == 1
        directory.confirm([old], now=NOW + relativedelta(days=32))
        assert directory.remind_stale(NOW + relativedelta(days=40)) == []
        db.session.commit()


def test_remind_command(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    users = _users(app)
    with app.app_context():
        factories.make_directory_entry(
            email="old@example.gov", confirmed_at=datetime(2000, 1, 1, tzinfo=UTC)
        )
        db.session.commit()
    result = runner.invoke(args=["directory", "remind"])
    assert f"Reminder queued for {users['focal_cr']}." in result.output
    with app.app_context():
        kinds = db.session.scalars(db.select(OutboxMessage.kind)).all()
        assert kinds == ["directory.reminder"]


def test_xlsx_export_imports_back_and_vcards(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    users = _users(app)
    auth.login(users["focal_cr"])
    xlsx = client.get("/staff/directory/CR.xlsx?lang=es")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Nombre", "Apellido", "Cargo", "Institución", "Correo electrónico")
    sheet.cell(row=2, column=3, value="Directora")
    sheet.append(
        [
            "Nueva",
            "Persona",
            "Fiscal",
            "Fiscalía",
            "nueva@example.gov",
            "",
            "es",
            "Protección",
            "",
            "sí",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        "/staff/directory/import?lang=en",
        data={"file": (io.BytesIO(out.getvalue()), "directorio.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        cr = db.session.scalars(
            db.select(DirectoryEntry).filter_by(country_code="CR").order_by(DirectoryEntry.id)
        ).all()
        assert [(e.email, e.position) for e in cr] == [
            ("cr@example.gov", "Directora"),
            ("nueva@example.gov", "Fiscal"),
        ]
        assert cr[1].topic == Topic.PROTECTION and cr[1].is_focal_point
    cards = client.get("/staff/directory/CR.vcf").get_data(as_text=True)
    assert (
        cards.count("BEGIN:VCARD") == 2
        and "\r\nEMAIL;TYPE=INTERNET,WORK:nueva@example.gov" in cards
    )


def test_import_refuses_every_row_when_one_is_wrong(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    users = _users(app)
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["First name", "Last name", "Position", "Institution", "E-mail", "Topic", "Focal point"]
    )
    sheet.append(["Ana", "Uno", "Jefa", "INM", "ana@example.gov", "Migrant smuggling", "no"])
    sheet.append(["", "Dos", "Jefe", "INM", "not-an-address", "smuggling", "maybe"])
    sheet.append(["Eva", "Tres", "Jefa", "INM", "ana@example.gov", "unknown", "yes"])
    out = io.BytesIO()
    book.save(out)
    auth.login(users["organizer"])
    response = client.post(
        "/staff/directory/import?lang=en",
        data={"country": "MX", "file": (io.BytesIO(out.getvalue()), "d.xlsx")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-errors"' in page
    assert "Line 3" in page and "Line 4" in page and "Line 2" not in page
    assert "Write yes or no." in page and "The same address is on line 2." in page
    with app.app_context():
        assert (
            db.session.scalar(db.select(DirectoryEntry.id).filter_by(email="ana@example.gov"))
            is None
        )
    damaged = client.post(
        "/staff/directory/import?lang=en",
        data={"country": "MX", "file": (io.BytesIO(b"not a workbook"), "d.xlsx")},
        content_type="multipart/form-data",
    )
    assert damaged.status_code == 200 and "damaged" in damaged.get_data(as_text=True)


def test_vcard_escapes_and_folds() -> None:
    entry = DirectoryEntry(
        id=7,
        country_code="CR",
        first_name="José; Luis",
        last_name="Núñez, Jr.",
        position="Jefe " * 30,
        institution="A\\B",
        email="j@example.gov",
        topic=Topic.OTHER,
        languages="es",
        confirmed_at=NOW,
    )
    from webinars.catalog.models import Country

    entry.country = Country(code="CR", name_en="Costa Rica", name_es="Costa Rica", timezone="UTC")
    text = vcards([entry])
    assert "N:Núñez\\, Jr.;José\\; Luis;;;" in text and "ORG:A\\\\B" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_delegation_is_filled_from_the_directory(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    users = _users(app)
    with app.app_context():
        factories.open_series(slug="deleg-dir", status="published")
        db.session.commit()
    cr, mx = _id(app, "cr@example.gov"), _id(app, "mx@example.gov")
    auth.login(users["focal_cr"])
    page = client.get(f"/staff/series/deleg-dir/delegation?lang=en&directory={cr}&directory={mx}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="cr@example.gov"' in body
    assert 'value="mx@example.gov"' not in body  # another country's entry is not offered
    assert "Fill rows from the directory" in body
