"""A report nobody foresaw: the facilitator says which column holds what, on the page or on
the command line, and the series remembers it for its next session. Also the time zone chosen
on the upload form, and staff recognised in a report that marks no host.

The unforeseen file is the export of an in-house conference tool whose column names no
platform uses (made up for this test, in the Spanish a ministry's tool would use); the corpus
(`test_attendance_corpus.py`) reads BigBlueButton's real layout through a mapping too."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from webinars.accounts.models import StaffRole
from webinars.attendance.models import Attendance, AttendanceColumnMapping, AttendanceState
from webinars.extensions import db

from .. import factories
from ..conftest import AuthActions
from ..helpers import count_rows

CORPUS = Path(__file__).parent.parent / "data" / "attendance" / "corpus"
BBB = (
    "Participante;Institución;Conectado desde;Conectado hasta;Tiempo conectado\r\n"
    "Secretaría Técnica CRM;CRM;08/01/2027 09:55;08/01/2027 12:01;2:06:00\r\n"
    "Nancy Barnes;DHS;08/01/2027 10:01;08/01/2027 11:47;1:46:00\r\n"
    "José Pérez;DGME;08/01/2027 10:03;08/01/2027 11:59;1:55:25\r\n"
    "Keith Rosario;IRCC;08/01/2027 10:20;08/01/2027 11:02;0:42:00\r\n"
    "María López;SEGOB;08/01/2027 10:10;08/01/2027 11:08;0:58:00\r\n"
    "Invitado anónimo;;;;\r\n"
).encode("cp1252")
MEET = (CORPUS / "meet_email_report_en.csv").read_bytes()


@dataclass(frozen=True)
class Setup:
    slug: str
    first: int
    second: int
    organizer: str


@pytest.fixture
def setup(app: Flask) -> Setup:
    """Two sessions, 8 and 15 January 2027, 10:00-12:00 in Costa Rica; two registrants of
    the BigBlueButton file; an organizer."""
    with app.app_context():
        series = factories.make_series(timezone="America/Costa_Rica")
        first = factories.make_session(
            series,
            start_at=datetime(2027, 1, 8, 16, tzinfo=UTC),
            end_at=datetime(2027, 1, 8, 18, tzinfo=UTC),
        )
        second = factories.make_session(
            series,
            start_at=datetime(2027, 1, 15, 16, tzinfo=UTC),
            end_at=datetime(2027, 1, 15, 18, tzinfo=UTC),
        )
        db.session.refresh(series)
        factories.make_registration(series, first_name="Nancy", last_name="Barnes")
        factories.make_registration(series, first_name="José", last_name="Pérez Molina")
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        return Setup(series.slug, first.id, second.id, organizer.email)


def _url(setup: Setup, session_id: int) -> str:
    return f"/staff/series/{setup.slug}/sessions/{session_id}/attendance"


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    assert match, name
    return match.group(1)


def _upload(client: FlaskClient, setup: Setup, session_id: int, data: bytes, **fields: str) -> str:
    response = client.post(
        f"{_url(setup, session_id)}/preview",
        data={"file": (io.BytesIO(data), "report.csv"), "format": "auto", **fields},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_unknown_layout_is_mapped_imported_and_remembered(
    app: Flask, client: FlaskClient, auth: AuthActions, setup: Setup
) -> None:
    auth.login(setup.organizer)
    page = _upload(client, setup, setup.first, BBB)
    assert 'id="mapping-form"' in page and "were not recognised" in page
    assert "Conectado desde" in page  # the first rows are shown
    payload = _hidden(page, "payload")
    mapping = {
        "payload": payload,
        "filename": "report.csv",
        "name": "Participante",
        "minutes": "Tiempo conectado",
        "join": "Conectado desde",
        "leave": "Conectado hasta",
        "date_order": "day_first",
        "zone": "America/Costa_Rica",
    }
    # Neither a name nor an e-mail column: said beside the form, nothing written.
    page = client.post(
        f"{_url(setup, setup.first)}/preview", data={**mapping, "name": ""}
    ).get_data(as_text=True)
    assert "Choose the column with the name or the one with the e-mail." in page
    page = client.post(f"{_url(setup, setup.first)}/preview", data=mapping).get_data(as_text=True)
    assert 'id="people">5<' in page and 'id="matched">2<' in page
    assert 'id="skipped-count">1<' in page and "Line 7" in page  # the anonymous guest
    confirm = {name: _hidden(page, name) for name in ("payload", "filename", "format", "zone")}
    confirm["mapping"] = _hidden(page, "mapping").replace("&#34;", '"').replace("&quot;", '"')
    response = client.post(f"{_url(setup, setup.first)}/import", data=confirm)
    assert response.status_code == 302
    with app.app_context():
        rows = {a.name: a for a in db.session.scalars(db.select(Attendance))}
        assert rows["José Pérez"].minutes == 115 and rows["José Pérez"].registration_id
        assert rows["Nancy Barnes"].state == AttendanceState.REGISTERED
        assert db.session.get(AttendanceColumnMapping, rows["Nancy Barnes"].event_session.series_id)

    # The next session's file of the same platform goes straight to the preview.
    next_week = BBB.replace(b"08/01/2027", b"15/01/2027")
    page = _upload(client, setup, setup.second, next_week)
    assert 'id="mapping-form"' not in page and 'id="people">5<' in page
    assert "CSV with the columns you chose" in page


def test_a_mapping_that_reads_no_row_is_refused_beside_the_form(
    app: Flask, client: FlaskClient, auth: AuthActions, setup: Setup
) -> None:
    auth.login(setup.organizer)
    payload = _hidden(_upload(client, setup, setup.first, BBB), "payload")
    page = client.post(
        f"{_url(setup, setup.first)}/preview",
        data={"payload": payload, "name": "Participante", "minutes": "Institución"},
    ).get_data(as_text=True)
    assert 'id="mapping-form"' in page and "Not one row of this file could be read" in page
    assert "is not a number of minutes" in page
    assert count_rows(app, Attendance) == 0


def test_the_zone_of_the_report_is_chosen_on_the_upload_form(
    app: Flask, client: FlaskClient, auth: AuthActions, setup: Setup
) -> None:
    """A Meet report written by an account in Mexico City (UTC-6 like Costa Rica) reads the
    same; written in UTC it is six hours off and every row is refused with the reason."""
    auth.login(setup.organizer)
    page = _upload(client, setup, setup.first, MEET, zone="America/Mexico_City")
    assert 'id="people">5<' in page
    page = _upload(client, setup, setup.first, MEET, zone="UTC")
    assert 'id="import-error"' in page and "another time zone" in page
    page = _upload(client, setup, setup.first, MEET, zone="Mars/Olympus")
    assert "Choose a time zone from the list." in page


def test_staff_in_a_report_without_roles_are_not_left_to_resolve(
    app: Flask, client: FlaskClient, auth: AuthActions, setup: Setup
) -> None:
    with app.app_context():
        factories.make_user(StaffRole.ORGANIZER, email="secretaria.tecnica@example.org")
        db.session.commit()
    auth.login(setup.organizer)
    page = _upload(client, setup, setup.first, MEET)
    secretariat = page[page.index("Secretaría Técnica CRM") :][:600]
    assert "To resolve" not in secretariat and "Unmatched" not in secretariat
    assert 'id="unmatched">2<' in page  # Ana Lucía and Keith: no registration


def test_cli_reads_an_unknown_layout_with_column_options(
    app: Flask, runner: FlaskCliRunner, setup: Setup, tmp_path: Path
) -> None:
    path = tmp_path / "bbb.csv"
    path.write_bytes(BBB)
    base = ["attendance", "import", setup.slug, "--session", "1", str(path)]
    result = runner.invoke(args=base)
    assert result.exit_code != 0
    assert "--name-column" in result.output and "Conectado desde" in result.output
    options = ["--name-column", "Participante", "--minutes-column", "Tiempo conectado"]
    options += ["--join-column", "Conectado desde", "--leave-column", "Conectado hasta"]
    result = runner.invoke(args=[*base, *options, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "5 people; 2 matched" in result.output and "left out: line 7" in result.output.lower()
    assert count_rows(app, Attendance) == 0
    result = runner.invoke(args=[*base, *options])
    assert result.exit_code == 0 and count_rows(app, Attendance) == 5
    # Remembered: the second session's file needs no options.
    path.write_bytes(BBB.replace(b"08/01/2027", b"15/01/2027"))
    result = runner.invoke(args=["attendance", "import", setup.slug, "--session", "2", str(path)])
    assert result.exit_code == 0, result.output
    assert count_rows(app, Attendance) == 10
    result = runner.invoke(args=[*base, "--zone", "Nowhere/Else"])
    assert result.exit_code != 0 and "IANA" in result.output
