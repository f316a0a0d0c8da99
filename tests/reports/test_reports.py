"""Participant lists, reports (page, XLSX, PDF, JSON API), certificates and the audit log."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token
from webinars.attendance.models import Attendance, AttendanceSource, AttendanceState
from webinars.audit.models import AuditEvent
from webinars.extensions import api, db
from webinars.registration.models import RegistrationStatus
from webinars.reports.participants import ListScope, iter_participants
from webinars.reports.report import build_report, load_report_data, report_json
from webinars.series.models import Series

from .. import factories
from ..conftest import AuthActions
from ..helpers import recorded_statements
from ..openapi_check import assert_matches_document


@dataclass(frozen=True)
class World:
    slug: str
    facilitator: str
    other_facilitator: str
    organizer: str
    focal_sv: str
    focal_gt: str
    token: str
    registrations: dict[str, int]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def world(app: Flask) -> World:
    """Two sessions of two hours; prosecutors (at least 1 per country) and police.

    - Núñez (SV, prosecutor, consented): both sessions, full time
    - Sánchez (GT, police, no consent): session 1 for 30 minutes (under the threshold)
    - "=cmd" Injection (SV, police, consented, institution starting with "="): session 2
    - Waiting (SV) on the waiting list, never came
    - a guest from Panama in session 1
    """
    with app.app_context():
        series = factories.make_series(timezone="America/El_Salvador", certificate_sessions=2)
        for day in (8, 9):
            factories.make_session(
                series,
                start_at=datetime(2020, 9, day, 15, tzinfo=UTC),
                end_at=datetime(2020, 9, day, 17, tzinfo=UTC),
            )
        db.session.refresh(series)
        prosecutor = factories.make_profile(
            series, code="prosecutor", label_en="Prosecutor", label_es="Fiscal", min_per_country=1
        )
        police = factories.make_profile(
            series, code="police", label_en="Police", label_es="Policía", min_per_country=1
        )
        one, two = series.sessions
        nunez = factories.make_registration(
            series,
            first_name="José Ángel",
            last_name="Núñez",
            country_code="SV",
            profile_id=prosecutor.id,
            consent_to_list=True,
            email="janunez@migracion.gob.sv",
        )
        sanchez = factories.make_registration(
            series,
            first_name="María",
            last_name="Sánchez",
            country_code="GT",
            profile_id=police.id,
            consent_to_list=False,
            email="msanchez@mp.gob.gt",
            sessions=[one],
        )
        injection = factories.make_registration(
            series,
            first_name="Eve",
            last_name="Injection",
            country_code="SV",
            profile_id=police.id,
            consent_to_list=True,
            institution='=HYPERLINK("http://evil.example","x")',
            email="eve@example.gov",
            sessions=[two],
        )
        factories.make_registration(
            series,
            first_name="Wanda",
            last_name="Waiting",
            country_code="SV",
            status=RegistrationStatus.WAITLISTED,
        )
        factories.make_attendance(one, nunez)
        factories.make_attendance(two, nunez, minutes=100)
        factories.make_attendance(one, sanchez, minutes=30)
        factories.make_attendance(two, injection, minutes=61)
        db.session.add(
            Attendance(
                session_id=one.id,
                state=AttendanceState.GUEST,
                name="Invitado Panamá",
                report_key="name:invitado panama",
                country_code="PA",
                minutes=120,
                source=AttendanceSource.ZOOM,
            )
        )
        facilitator = factories.make_user(StaffRole.FACILITATOR, series=[series])
        other = factories.make_user(StaffRole.FACILITATOR, series=[factories.make_series()])
        organizer = factories.make_user(StaffRole.ORGANIZER)
        focal_sv = factories.make_user(StaffRole.FOCAL_POINT, country_code="SV")
        focal_gt = factories.make_user(StaffRole.FOCAL_POINT, country_code="GT")
        token = issue_token(organizer)
        db.session.commit()
        return World(
            series.slug,
            facilitator.email,
            other.email,
            organizer.email,
            focal_sv.email,
            focal_gt.email,
            token,
            {"nunez": nunez.id, "sanchez": sanchez.id, "injection": injection.id},
        )


def _series(world: World) -> Series:
    return db.session.scalar(db.select(Series).filter_by(slug=world.slug))


# --- lists ---------------------------------------------------------------------------------


def test_series_list_rows_sessions_attendance_and_consent(app: Flask, world: World) -> None:
    with app.test_request_context():
        people = {p.last_name: p for p in iter_participants(ListScope(_series(world)))}
    assert set(people) == {"Núñez", "Sánchez", "Injection", "Waiting", "Invitado Panamá"}
    assert (people["Núñez"].sessions, people["Núñez"].attended) == ([1, 2], [1, 2])
    assert (people["Sánchez"].sessions, people["Sánchez"].attended) == ([1], [])
    assert people["Sánchez"].minutes == {1: 30}
    assert people["Injection"].attended == [2]  # 61 of 120 minutes: past half
    assert people["Núñez"].email == "janunez@migracion.gob.sv"
    assert people["Sánchez"].email == ""  # no consent, no e-mail
    assert people["Invitado Panamá"].origin == "Panama"
    assert people["Núñez"].profile == "Prosecutor"


def test_session_list_and_country_scope(app: Flask, world: World) -> None:
    with app.test_request_context():
        series = _series(world)
        second = {p.last_name for p in iter_participants(ListScope(series, series.sessions[1]))}
        salvadorans = {p.last_name for p in iter_participants(ListScope(series, None, "SV"))}
    assert second == {"Núñez", "Injection", "Waiting"}
    assert salvadorans == {"Núñez", "Injection", "Waiting"}


def test_list_queries_do_not_grow_with_rows(app: Flask, world: World) -> None:
    def count() -> int:
        with app.test_request_context():
            series = _series(world)
            with recorded_statements() as statements:
                list(iter_participants(ListScope(series)))
            return len(statements)

    before = count()
    with app.app_context():
        series = _series(world)
        for _ in range(30):
            registration = factories.make_registration(series, country_code="HN")
            factories.make_attendance(series.sessions[0], registration)
        db.session.commit()
    assert count() == before


def test_list_pages_and_who_sees_them(client: FlaskClient, auth: AuthActions, world: World) -> None:
    url = f"/staff/series/{world.slug}/participants"
    assert client.get(url).status_code == 302
    auth.login(world.other_facilitator)
    assert client.get(url).status_code == 403
    assert client.get(f"{url}.csv").status_code == 403
    auth.logout()

    auth.login(world.focal_gt)
    page = client.get(url).get_data(as_text=True)
    assert "Sánchez" in page and "Núñez" not in page
    auth.logout()

    auth.login(world.facilitator)
    page = client.get(url, query_string={"session": 2}).get_data(as_text=True)
    assert "Núñez" in page and "Sánchez" not in page
    assert client.get(url, query_string={"session": 3}).status_code == 404
    assert client.get(url, query_string={"session": "x"}).status_code == 404


def test_csv_download_bom_accents_neutralised_and_audited(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    response = client.get(f"/staff/series/{world.slug}/participants.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'participants-{world.slug}.csv"')
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Last name", "First name", "Country or organization"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Núñez"][1] == "José Ángel"
    assert by_name["Injection"][3] == '\'=HYPERLINK("http://evil.example","x")'
    assert by_name["Sánchez"][-1] == ""
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert (event.actor, event.action, event.series_slug) == (
            world.facilitator,
            "participants",
            world.slug,
        )
        assert event.detail == f"participants-{world.slug}.csv"


def test_xlsx_and_pdf_downloads(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login(world.organizer)
    response = client.get(f"/staff/series/{world.slug}/participants.xlsx?session=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][7:9] == ["Minutes present", "Attended"]
    names = {row[0]: row for row in values[1:]}
    assert names["Núñez"][7:9] == [120, "yes"]
    assert names["Sánchez"][7:9] == [30, "no"]

    response = client.get(f"/staff/series/{world.slug}/participants.pdf")
    reader = PdfReader(io.BytesIO(response.get_data()))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = _pdf_text(response.get_data())
    assert "Participants" in text and "Núñez" in text and "José Ángel" in text


# --- reports -------------------------------------------------------------------------------


def test_report_figures(app: Flask, world: World) -> None:
    with app.app_context():
        report = build_report(load_report_data(_series(world)))
        body = report_json(report)
    one, two = body["sessions"]
    assert (one["number"], one["registered"], one["attended"]) == (1, 2, 2)  # Núñez + guest
    assert one["by_country"]["SV"] == {
        "registered": 1,
        "attended": 1,
        "registrants_attended": 1,
        "rate": 1.0,
    }
    assert one["by_country"]["GT"] == {
        "registered": 1,
        "attended": 0,
        "registrants_attended": 0,
        "rate": 0.0,
    }
    assert one["by_country"]["PA"]["attended"] == 1
    assert (two["registered"], two["attended"]) == (2, 2)
    assert two["by_profile"]["police"]["attended"] == 1
    assert body["unique_participants"] == 3  # Núñez, Injection, the guest
    assert body["registered"] == 3  # the waitlisted one is not confirmed
    assert body["sessions_per_person"] == {"1": 2, "2": 1}
    assert body["countries_represented"] == ["PA", "SV"]
    minimums = {m["profile"]: m for m in body["profile_minimums"]}
    assert minimums["prosecutor"]["countries_met"] == ["SV"]
    assert minimums["police"]["countries_met"] == ["SV"]
    assert "GT" in minimums["police"]["countries_missing"]
    assert body["narrative"]["en"].endswith(
        "with participation of representatives from the following countries: El Salvador and Panama."
    )
    assert "El Salvador y Panamá." in body["narrative"]["es"]


def test_report_queries_do_not_grow_with_rows(app: Flask, world: World) -> None:
    def count() -> int:
        with app.app_context():
            series = _series(world)
            with recorded_statements() as statements:
                build_report(load_report_data(series))
            return len(statements)

    before = count()
    with app.app_context():
        series = _series(world)
        for _ in range(25):
            registration = factories.make_registration(series, country_code="CR")
            factories.make_attendance(series.sessions[1], registration)
        db.session.commit()
    assert count() == before


def test_report_page_and_downloads(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    page = client.get(f"/staff/series/{world.slug}/report").get_data(as_text=True)
    assert 'id="unique-participants">3<' in page
    assert "<svg" in page and "bar-attended" in page
    assert "El Salvador and Panama." in page
    page = client.get(f"/staff/series/{world.slug}/report?session=1").get_data(as_text=True)
    assert "Attendance report of session 1" in page

    response = client.get(f"/staff/series/{world.slug}/report.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames[:5] == [
        "Summary",
        "Sessions",
        "By country",
        "By profile",
        "Who attended",
    ]
    by_country = {row[0]: row for row in book["By country"].iter_rows(values_only=True)}
    assert by_country["El Salvador"][1:3] == (2, 2)

    text = _pdf_text(client.get(f"/staff/series/{world.slug}/report.pdf").get_data())
    assert "Attendance report" in text and "El Salvador" in text

    answer = json.loads(client.get(f"/staff/series/{world.slug}/report.json").get_data())
    assert answer["countries_represented"] == ["PA", "SV"]
    with app.app_context():
        details = [
            e.detail for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        ]
    assert details == [f"report-{world.slug}.{fmt}" for fmt in ("xlsx", "pdf", "json")]


def test_report_api_with_a_staff_token(app: Flask, client: FlaskClient, world: World) -> None:
    url = f"/api/v1/series/{world.slug}/report"
    assert client.get(url).status_code == 401
    response = client.get(url, headers={"Authorization": f"Bearer {world.token}"})
    assert response.status_code == 200
    body = response.get_json()
    with app.app_context():
        assert_matches_document(api.spec.to_dict(), url, 200, body)
    assert [s["number"] for s in body["sessions"]] == [1, 2]
    assert set(body["narrative"]) == {"en", "es"}
    response = client.get(
        url, query_string={"session": 2}, headers={"Authorization": f"Bearer {world.token}"}
    )
    assert [s["number"] for s in response.get_json()["sessions"]] == [2]
    response = client.get(
        url, query_string={"session": 5}, headers={"Authorization": f"Bearer {world.token}"}
    )
    assert response.status_code == 404
    with app.app_context():
        other = factories.make_user(StaffRole.FACILITATOR)
        other_token = issue_token(other)
        db.session.commit()
    response = client.get(url, headers={"Authorization": f"Bearer {other_token}"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent.channel)).all() == ["api", "api"]


def _session_ids(app: Flask, world: World) -> tuple[int, int]:
    """The database ids of the world's two sessions, and of a session of another series."""
    with app.app_context():
        second = _series(world).sessions[1].id
        other = factories.make_session(factories.make_series())
        db.session.commit()
        return second, other.id


def test_a_session_by_number_or_by_id_in_the_address(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    second, elsewhere = _session_ids(app, world)
    auth.login(world.facilitator)
    report = f"/staff/series/{world.slug}/report"
    for query in ("session=2", f"session_id={second}"):
        page = client.get(f"{report}?{query}").get_data(as_text=True)
        assert "Attendance report of session 2" in page
        response = client.get(f"/staff/series/{world.slug}/report.json?{query}")
        assert [s["number"] for s in json.loads(response.get_data())["sessions"]] == [2]
    by_number = client.get(f"/staff/series/{world.slug}/participants.csv?session=2").get_data()
    by_id = client.get(f"/staff/series/{world.slug}/participants.csv?session_id={second}")
    assert by_id.get_data() == by_number
    for query in (
        f"session_id={elsewhere}",  # a session of another series
        "session_id=999999",
        "session_id=x",
        f"session=2&session_id={second}",  # one way at a time
        "session=3",
    ):
        assert client.get(f"{report}?{query}").status_code == 404, query


def test_report_api_takes_a_session_by_id(app: Flask, client: FlaskClient, world: World) -> None:
    second, elsewhere = _session_ids(app, world)
    url = f"/api/v1/series/{world.slug}/report"
    headers = {"Authorization": f"Bearer {world.token}"}
    response = client.get(url, query_string={"session_id": second}, headers=headers)
    assert [s["number"] for s in response.get_json()["sessions"]] == [2]
    response = client.get(url, query_string={"session_id": elsewhere}, headers=headers)
    assert response.status_code == 404
    response = client.get(url, query_string={"session": 2, "session_id": second}, headers=headers)
    assert response.status_code == 422
    with app.app_context():
        details = db.session.scalars(db.select(AuditEvent.detail)).all()
    assert details == ["report.json (API) session 2"]


def test_cli_names_a_session_by_number_or_by_id(
    app: Flask, runner: FlaskCliRunner, world: World, tmp_path: Path
) -> None:
    second, elsewhere = _session_ids(app, world)
    path = tmp_path / "report.json"
    base = ["report", world.slug, "--format", "json", "-o", str(path)]
    result = runner.invoke(args=[*base, "--session-id", str(second)])
    assert result.exit_code == 0, result.output
    assert [s["number"] for s in json.loads(path.read_text())["sessions"]] == [2]
    result = runner.invoke(args=[*base, "--session-id", str(elsewhere)])
    assert result.exit_code != 0 and f"no session with the id {elsewhere}" in result.output
    result = runner.invoke(args=[*base, "--session", "2", "--session-id", str(second)])
    assert result.exit_code != 0 and "not both" in result.output
    help_text = runner.invoke(args=["report", "--help"]).output
    assert "number in the series" in help_text and "database id" in help_text


# --- certificates ----------------------------------------------------------------------------


def test_certificate_from_the_manage_page_in_the_participants_language(
    app: Flask, client: FlaskClient, world: World
) -> None:
    from webinars.registration.models import Registration
    from webinars.registration.tokens import public_token

    app.config["MANAGE_LINK_DAYS_AFTER_END"] = 100_000  # the series took place in 2020
    with app.app_context():
        nunez = db.session.get(Registration, world.registrations["nunez"])
        sanchez = db.session.get(Registration, world.registrations["sanchez"])
        nunez_token, sanchez_token = public_token(nunez), public_token(sanchez)
    page = client.get(f"/r/{nunez_token}").get_data(as_text=True)
    assert 'id="certificate-link"' in page
    response = client.get(f"/r/{nunez_token}/certificate.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.get_data())
    assert "José Ángel Núñez" in text
    assert "Constancia" in text or "Certificado" in text  # the registrant writes in Spanish

    assert 'id="certificate-link"' not in client.get(f"/r/{sanchez_token}").get_data(as_text=True)
    assert client.get(f"/r/{sanchez_token}/certificate.pdf").status_code == 404


def test_certificates_in_bulk_for_the_organizer(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    url = f"/staff/series/{world.slug}/certificates"
    auth.login(world.facilitator)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(world.organizer)
    page = client.get(url).get_data(as_text=True)
    assert "Núñez" in page
    response = client.post(url, data={"minimum": "1"})
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    assert any("nunez-jose-angel" in name for name in names)
    page = client.post(url, data={"minimum": "5"}).get_data(as_text=True)
    assert "Nobody attended that many sessions." in page or "Number must be between" in page


# --- the audit log and the command line ---------------------------------------------------------


def test_audit_log_page(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login(world.facilitator)
    client.get(f"/staff/series/{world.slug}/participants.csv")
    assert client.get("/staff/audit").status_code == 403
    auth.logout()
    auth.login(world.organizer)
    page = client.get("/staff/audit").get_data(as_text=True)
    assert world.facilitator in page and f"participants-{world.slug}.csv" in page


def test_cli_participants_and_report(
    app: Flask, runner: FlaskCliRunner, world: World, tmp_path: Path
) -> None:
    for fmt in ("csv", "xlsx", "pdf"):
        path = tmp_path / f"list.{fmt}"
        result = runner.invoke(
            args=["participants", world.slug, "--format", fmt, "-o", str(path), "--language", "es"]
        )
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 0
    assert (tmp_path / "list.csv").read_bytes().decode("utf-8-sig").startswith("Apellido")
    path = tmp_path / "report.json"
    result = runner.invoke(
        args=["report", world.slug, "--session", "1", "--format", "json", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert [s["number"] for s in json.loads(path.read_text())["sessions"]] == [1]
    for fmt in ("xlsx", "pdf"):
        result = runner.invoke(
            args=["report", world.slug, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")]
        )
        assert result.exit_code == 0, result.output
    with app.app_context():
        channels = set(db.session.scalars(db.select(AuditEvent.channel)))
    assert channels == {"cli"}
