"""The report names each figure for what it is, stores numbers as numbers, and shows a cancelled
session as cancelled (issue 11, defect 6); its PDF has the page's charts and the participants PDF
keeps e-mail addresses readable (defect 9)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader

from webinars.accounts.models import StaffRole
from webinars.attendance.models import Attendance, AttendanceSource, AttendanceState
from webinars.exports import Percent, _Wrapper, csv_bytes, pdf_table, xlsx_bytes
from webinars.exports import Table as ExportTable
from webinars.extensions import db
from webinars.reports.report import build_report, load_report_data, report_json
from webinars.series.models import Series
from webinars.sessions.models import SessionStatus

from .. import factories
from ..conftest import AuthActions


@dataclass(frozen=True)
class World:
    slug: str
    organizer: str


@pytest.fixture
def world(app: Flask) -> World:
    """Three sessions of two hours, the third cancelled; four confirmed registrants chose all.

    Session 1: Arce, Bonilla and Calderón attended (3 of 4: 75 %).
    Session 2: Arce and an unregistered guest (1 registrant of 4: 25 %; the guest counts as
    an attendee, never in a rate).
    Session 3, cancelled: a stray row for Arce, which must count nowhere.
    Duarte never came. Of the registrants, 3 of 4 attended at least one session (75 %), while
    the old "attendance rate" (people over registrants, guests included) said 100 %.
    """
    with app.app_context():
        series = factories.make_series(slug="figures", timezone="America/Costa_Rica")
        sessions = [
            factories.make_session(
                series,
                start_at=datetime(2030, 3, day, 15, tzinfo=UTC),
                end_at=datetime(2030, 3, day, 17, tzinfo=UTC),
            )
            for day in (4, 5, 6)
        ]
        sessions[2].status = SessionStatus.CANCELLED
        db.session.refresh(series)
        people = {}
        for surname, code in (
            ("Arce", "SV"),
            ("Bonilla", "GT"),
            ("Calderón", "MX"),
            ("Duarte", "CR"),
        ):
            people[surname] = factories.make_registration(
                series, last_name=surname, country_code=code
            )
        one, two, three = sessions
        for surname in ("Arce", "Bonilla", "Calderón"):
            factories.make_attendance(one, people[surname])
        factories.make_attendance(two, people["Arce"])
        factories.make_attendance(three, people["Arce"])
        db.session.add(
            Attendance(
                session_id=two.id,
                state=AttendanceState.GUEST,
                name="Invitada",
                report_key="name:invitada",
                country_code="PA",
                minutes=120,
                source=AttendanceSource.ZOOM,
            )
        )
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        return World(series.slug, organizer.email)


def _series(world: World) -> Series:
    return db.session.scalar(db.select(Series).filter_by(slug=world.slug))


def test_two_rates_each_for_what_it_counts(app: Flask, world: World) -> None:
    with app.app_context():
        report = build_report(load_report_data(_series(world)))
        body = report_json(report)
    assert report.unique_participants == 4  # three registrants and the guest
    assert report.registrants_attended == 3
    assert report.attended_at_least_one_rate == 0.75
    assert report.average_session_rate == 0.5  # (75 % + 25 %) / 2: the cancelled one is out
    assert report.sessions_per_person == {1: 3, 2: 1}  # Arce's cancelled "session" not counted
    assert body["attended_at_least_one_session_rate"] == 0.75
    assert body["average_session_attendance_rate"] == 0.5
    assert body["sessions_held"] == 2
    third = body["sessions"][2]
    assert third["cancelled"] is True and third["attendance_rate"] is None
    assert third["attended"] == 0
    assert [s["cancelled"] for s in body["sessions"][:2]] == [False, False]


def test_report_api_documents_the_new_figures(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = spec["components"]["schemas"]["Report"]["properties"]
    assert (
        "Mean of the sessions' attendance rates"
        in (schema["average_session_attendance_rate"]["description"])
    )
    assert (
        "registrants_attended / registered"
        in (schema["attended_at_least_one_session_rate"]["description"])
    )


def _rows(sheet: object) -> dict[str, tuple[object, ...]]:
    return {row[0].value: row for row in sheet.iter_rows()}  # type: ignore[attr-defined]


def _report_xlsx(client: FlaskClient, auth: AuthActions, world: World) -> bytes:
    auth.login(world.organizer)
    response = client.get(f"/staff/series/{world.slug}/report.xlsx?lang=en")
    assert response.status_code == 200
    return response.get_data()


def test_xlsx_numbers_are_numbers_with_formats(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    book = load_workbook(io.BytesIO(_report_xlsx(client, auth, world)))
    summary = _rows(book["Summary"])
    registered = summary["Registered (confirmed)"][1]
    assert (registered.value, registered.data_type, registered.number_format) == (4, "n", "General")
    share = summary["Share of registrants who attended at least one session"][1]
    assert (share.value, share.data_type, share.number_format) == (0.75, "n", "0%")
    average = summary["Average attendance rate per session (sessions held)"][1]
    assert (average.value, average.data_type, average.number_format) == (0.5, "n", "0%")
    assert summary["Sessions held"][1].value == 2
    assert summary["Sessions cancelled"][1].value == 1
    threshold = summary["Attendance threshold (share of a session)"][1]
    assert (threshold.value, threshold.number_format) == (0.5, "0%")
    assert "Attendance rate" not in summary  # the old, ambiguous label

    sessions = list(book["Sessions"].iter_rows())
    assert [cell.value for cell in sessions[0]] == [
        "Session",
        "Date",
        "Topic",
        "Registrants",
        "Attendees",
        "Attendance rate",
    ]
    first, second, cancelled = sessions[1:]
    assert first[1].is_date and first[1].number_format == "yyyy-mm-dd"
    assert first[1].value.date() == date(2030, 3, 4)
    assert (first[4].value, first[5].value, first[5].number_format) == (3, 0.75, "0%")
    assert first[3].data_type == "n"
    assert (second[5].value, second[5].number_format) == (
        0.25,
        "0%",
    )  # Arce; the guest attended but is no registrant
    assert cancelled[4].value is None
    assert cancelled[5].value == "Cancelled"

    by_country = list(book["By country"].iter_rows(values_only=True))
    assert by_country[0][:4] == (
        "Country or organization",
        "Registrants",
        "Attended at least one session",
        "Share who attended at least one session",
    )
    assert by_country[0][4:] == ("S1 attended", "S2 attended")  # no column for the cancelled one
    rate = next(row for row in book["By country"].iter_rows() if row[0].value == "El Salvador")[3]
    assert (rate.value, rate.number_format) == (1, "0%")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_rates_and_dates_as_numbers(
    client: FlaskClient, auth: AuthActions, world: World, tmp_path: Path
) -> None:
    """LibreOffice converts the Sessions sheet to CSV through its number formats: a rate stored
    as text would come out as typed, a number as "75%"; SUM() over it works only on numbers."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(_report_xlsx(client, auth, world))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,2",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sessions = (tmp_path / "report-Sessions.csv").read_text(encoding="utf-8").splitlines()
    assert sessions[1].startswith("1,2030-03-04,")
    assert sessions[1].endswith(",4,3,75%")
    assert sessions[3].endswith(",Cancelled")


def test_page_names_the_figures_and_marks_the_cancelled_session(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    page = client.get(f"/staff/series/{world.slug}/report?lang=en").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Share of registrants who attended at least one session 75 %" in text
    assert "Average attendance rate per session (sessions held)" in text
    assert "Sessions held 2" in text and "Sessions cancelled 1" in text
    assert "<dt>Attendance rate</dt>" not in page  # the old, ambiguous figure
    row = re.search(r'<tr class="session-cancelled">.*?</tr>', page, re.S)
    assert row is not None and "Cancelled" in row.group(0) and "0 %" not in row.group(0)

    cancelled = client.get(f"/staff/series/{world.slug}/report?session=3").get_data(as_text=True)
    assert 'id="session-cancelled"' in cancelled
    one = client.get(f"/staff/series/{world.slug}/report?session=1").get_data(as_text=True)
    assert 'id="session-cancelled"' not in one
    assert "Attendance rate of the session" in one


def test_page_in_spanish(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login(world.organizer)
    page = client.get(f"/staff/series/{world.slug}/report?lang=es").get_data(as_text=True)
    assert "Porcentaje de inscritos que asistió al menos a una sesión" in page
    assert "Cancelada" in page


def test_report_pdf_has_the_pages_charts(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    data = client.get(f"/staff/series/{world.slug}/report.pdf?lang=en").get_data()
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Attendance by session" in text and "Attendance by country" in text
    assert "3 / 4 · 75 %" in text  # session 1's bar caption
    assert "Cancelled" in text
    assert "attended at least one session" in text  # the country chart's legend
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    # The bars: filled rectangles in the page's dark blue (#1f5f99).
    assert re.search(rb"0\.12\d* 0\.37\d* 0\.6\d* rg", content)
    assert content.count(b" re f") >= 8


# --- the participants PDF: e-mail addresses and column widths ---------------------------------


def test_long_words_break_before_at_and_dots() -> None:
    wrapper = _Wrapper("", 8)
    address = "migrant.smuggling.unit@direccion-migracion.gob.example"
    lines = wrapper.lines(address, 30, 10)
    assert "".join(lines) == address
    assert len(lines) > 1
    assert all(line[0] in "@.-" for line in lines[1:])
    # A part longer than the column is still cut where it has to be, and nothing is lost.
    assert "".join(wrapper.lines("x" * 200 + "@example.org", 20, 100)) == "x" * 200 + "@example.org"


def test_participant_like_pdf_columns_fit_their_content() -> None:
    """Columns sized from their content: a short name column does not wrap, and an e-mail
    address in a 10-column landscape table stays whole on its line."""
    header = ["Last name", "First name", "Country", "Institution", "Position", "Profile"]
    header += ["Status", "Sessions", "Attended", "E-mail"]
    rows = [
        [
            "Vargas",
            "María José",
            "República Dominicana",
            "Dirección General de Migración",
            "Jefa de unidad",
            "Directores o jefes del control migratorio",
            "Confirmada",
            "1, 2, 3, 4",
            "1, 2",
            f"maria.jose.vargas{n}@migracion.gob.do",
        ]
        for n in range(5)
    ]
    data = pdf_table("Participants", "", ExportTable("Participants", header, rows))
    lines = PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    assert any("maria.jose.vargas3@migracion.gob.do" in line for line in lines)
    assert any("María José" in line for line in lines)


def test_percent_cells_in_every_format() -> None:
    table = ExportTable("T", ["rate"], [[Percent(0.6364)]])
    assert csv_bytes(table.header, table.rows).decode("utf-8-sig").splitlines()[1] == "64%"
    cell = load_workbook(io.BytesIO(xlsx_bytes([table])))["T"]["A2"]
    assert (cell.value, cell.number_format) == (0.6364, "0%")
    text = PdfReader(io.BytesIO(pdf_table("T", "", table))).pages[0].extract_text()
    assert "64 %" in text


def test_report_json_download_matches(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login(world.organizer)
    body = json.loads(client.get(f"/staff/series/{world.slug}/report.json").get_data())
    assert body["sessions"][2]["cancelled"] is True
    assert body["average_session_attendance_rate"] == 0.5


def test_pdf_shades_the_matrix_as_the_pages_heat_map() -> None:
    table = ExportTable("Who attended", ["Country", "Prosecutors"], [["A", 1], ["B", 4], ["C", 0]])
    plain = PdfReader(io.BytesIO(pdf_table("T", "", table))).pages[0].get_contents().get_data()
    heat = ExportTable(table.title, table.header, table.rows, heat=[1])
    shaded = PdfReader(io.BytesIO(pdf_table("T", "", heat))).pages[0].get_contents().get_data()
    palest = rb"0\.858\d* 0\.909\d* 0\.96\d* rg"  # .heat-1, #dbe8f5: 1 of 4
    darkest = rb"0\.12\d* 0\.37\d* 0\.6\d* rg"  # .heat-4, #1f5f99: the largest
    assert re.search(palest, shaded) and re.search(darkest, shaded)
    assert not re.search(palest, plain) and not re.search(darkest, plain)
