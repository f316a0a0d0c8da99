"""Attendance of a session: import (preview, then write; idempotent), matching, resolving,
manual check-in, the threshold, and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from webinars.accounts.models import StaffRole
from webinars.attendance import services
from webinars.attendance.models import Attendance, AttendanceImport, AttendanceSource
from webinars.attendance.models import AttendanceState as A
from webinars.attendance.parsers import parse_report
from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.series.models import Series
from webinars.sessions.models import EventSession

from .. import factories
from ..conftest import AuthActions
from ..helpers import count_rows

ZOOM_REPORT = (
    "\ufeffAttendee Report,,,,,,,,,,,,\r\n"
    'Report Generated:,"Sep 8, 2020 12:20 PM",,,,,,,,,,,\r\n'
    "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,,,,,,,,\r\n"
    'Sesión 1,912 3456 7890,"Sep 8, 2020 08:55:02",186,52,,,,,,,,\r\n'
    "Host Details,,,,,,,,,,,,\r\n"
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,,,,,\r\n"
    'Yes,Secretaría Técnica,host@crm.example.org,"Sep 8, 2020 08:55:02","Sep 8, 2020 12:00:10",186,No,Costa Rica,,,,,\r\n'
    "Attendee Details,,,,,,,,,,,,\r\n"
    "Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,\r\n"
    'Yes,José Ángel Núñez,José Ángel,Núñez,JANUNEZ@migracion.gob.sv,"Sep 1, 2020 10:15:33",approved,"Sep 8, 2020 09:00:00","Sep 8, 2020 10:00:00",60,No,El Salvador,\r\n'
    'Yes,José Ángel Núñez,José Ángel,Núñez,janunez@migracion.gob.sv,"Sep 1, 2020 10:15:33",approved,"Sep 8, 2020 09:58:00","Sep 8, 2020 11:00:00",62,No,El Salvador,\r\n'
    'Yes,maria fernanda SANCHEZ,maria fernanda,SANCHEZ,--,"Sep 2, 2020 08:00:00",approved,"Sep 8, 2020 09:10:00","Sep 8, 2020 09:40:00",30,Yes,Guatemala,\r\n'
    'Yes,Galaxy S21,--,--,--,--,--,"Sep 8, 2020 09:05:00","Sep 8, 2020 11:55:00",170,Yes,Panama,\r\n'
    "No,Roberto Álvarez,Roberto,Álvarez,ralvarez@example.int,--,approved,--,--,--,--,--,\r\n"
).encode("utf-8")


@dataclass(frozen=True)
class World:
    slug: str
    session_id: int
    other_session_id: int
    jose: int
    maria: int
    ines: int
    facilitator: str
    other_facilitator: str
    organizer: str
    focal_point: str


@pytest.fixture
def world(app: Flask) -> World:
    """A series of two three-hour sessions (09:00-12:00 in Costa Rica, 8 and 9 September
    2020), three registrants, a facilitator of the series and one of another series."""
    with app.app_context():
        series = factories.make_series(timezone="America/Costa_Rica")
        first = factories.make_session(
            series,
            start_at=datetime(2020, 9, 8, 15, tzinfo=UTC),
            end_at=datetime(2020, 9, 8, 18, tzinfo=UTC),
        )
        factories.make_session(
            series,
            start_at=datetime(2020, 9, 9, 15, tzinfo=UTC),
            end_at=datetime(2020, 9, 9, 18, tzinfo=UTC),
        )
        db.session.refresh(series)
        jose = factories.make_registration(
            series,
            first_name="José Ángel",
            last_name="Núñez",
            email="janunez@migracion.gob.sv",
            country_code="SV",
        )
        maria = factories.make_registration(
            series,
            first_name="María Fernanda",
            last_name="Sánchez",
            email="mfsanchez@mp.gob.gt",
            country_code="GT",
        )
        ines = factories.make_registration(
            series, first_name="Inés", last_name="Duarte", country_code="PA"
        )
        other = factories.make_series()
        other_session = factories.make_session(other)
        facilitator = factories.make_user(StaffRole.FACILITATOR, series=[series])
        other_facilitator = factories.make_user(StaffRole.FACILITATOR, series=[other])
        organizer = factories.make_user(StaffRole.ORGANIZER)
        focal_point = factories.make_user(StaffRole.FOCAL_POINT, country_code="SV")
        db.session.commit()
        return World(
            series.slug,
            first.id,
            other_session.id,
            jose.id,
            maria.id,
            ines.id,
            facilitator.email,
            other_facilitator.email,
            organizer.email,
            focal_point.email,
        )


def _session(world: World) -> EventSession:
    series = db.session.scalar(db.select(Series).filter_by(slug=world.slug))
    return series.sessions[0]


def _rows(session_id: int) -> dict[str, Attendance]:
    rows = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session_id))
    return {row.name: row for row in rows}


# --- the service ---------------------------------------------------------------------------


def test_plan_matches_by_email_then_folded_name_and_writes_nothing(
    app: Flask, world: World
) -> None:
    with app.app_context():
        event_session = _session(world)
        report = parse_report(ZOOM_REPORT, event_session.series.zone)
        plan = services.plan_import(event_session, report)
        by_name = {p.row.name: p for p in plan.rows}

        jose = by_name["José Ángel Núñez"]
        assert jose.registration.id == world.jose
        assert jose.match == services.Match.EMAIL
        assert jose.row.minutes == 120  # 09:00-11:00: the two joins overlap, a union
        maria = by_name["maria fernanda SANCHEZ"]
        assert maria.registration.id == world.maria
        assert maria.match == services.Match.NAME
        assert by_name["Galaxy S21"].state == A.UNMATCHED
        assert by_name["Secretaría Técnica"].state == A.SPEAKER
        assert "Roberto Álvarez" not in by_name  # "Attended: No"
        assert (plan.matched, plan.unmatched, report.merged) == (2, 1, 1)
        assert count_rows(app, Attendance) == 0


def test_import_writes_rows_and_the_same_file_again_changes_nothing(
    app: Flask, world: World
) -> None:
    with app.app_context():
        event_session = _session(world)
        report = parse_report(ZOOM_REPORT, event_session.series.zone)
        record = services.apply_import(
            services.plan_import(event_session, report),
            filename="zoom.csv",
            digest=services.checksum(ZOOM_REPORT),
            user=None,
        )
        db.session.commit()
        assert record is not None
        assert (record.rows_read, record.people, record.matched, record.unmatched) == (5, 4, 2, 1)
        rows = _rows(event_session.id)
        assert rows["José Ángel Núñez"].minutes == 120
        assert rows["José Ángel Núñez"].first_join == datetime(2020, 9, 8, 15, tzinfo=UTC)
        assert rows["José Ángel Núñez"].source == AttendanceSource.ZOOM
        before = {(r.name, r.minutes, r.state, r.updated_at) for r in rows.values()}

        again = services.plan_import(
            event_session, parse_report(ZOOM_REPORT, event_session.series.zone)
        )
        assert again.changes == 0
        assert services.apply_import(again, filename="zoom.csv", digest="x", user=None) is None
        db.session.commit()
        after = {
            (r.name, r.minutes, r.state, r.updated_at) for r in _rows(event_session.id).values()
        }
        assert after == before
        assert count_rows(app, AttendanceImport) == 1


def test_a_resolved_row_stays_resolved_when_the_report_comes_again(
    app: Flask, world: World
) -> None:
    with app.app_context():
        event_session = _session(world)
        zone = event_session.series.zone
        services.apply_import(
            services.plan_import(event_session, parse_report(ZOOM_REPORT, zone)),
            filename="zoom.csv",
            digest="a",
            user=None,
        )
        galaxy = _rows(event_session.id)["Galaxy S21"]
        services.link(galaxy, db.session.get(Registration, world.ines), None)
        db.session.commit()

        plan = services.plan_import(event_session, parse_report(ZOOM_REPORT, zone))
        galaxy_plan = next(p for p in plan.rows if p.row.name == "Galaxy S21")
        assert galaxy_plan.match == services.Match.EARLIER
        assert galaxy_plan.registration.id == world.ines
        assert plan.changes == 0 and plan.unmatched == 0


def test_linking_a_second_device_merges_into_the_registrants_row(app: Flask, world: World) -> None:
    with app.app_context():
        event_session = _session(world)
        jose = db.session.get(Registration, world.jose)
        factories.make_attendance(event_session, jose, minutes=50)
        stray = Attendance(
            session_id=event_session.id,
            state=A.UNMATCHED,
            name="iPhone de José",
            report_key="name:iphone de jose",
            minutes=150,
            source=AttendanceSource.ZOOM,
        )
        db.session.add(stray)
        db.session.flush()
        kept = services.link(stray, jose, None)
        db.session.commit()
        rows = _rows(event_session.id)
        assert list(rows) == [jose.full_name]
        assert kept.minutes == 150


def test_guest_dismiss_reopen(app: Flask, world: World) -> None:
    with app.app_context():
        event_session = _session(world)
        row = Attendance(
            session_id=event_session.id,
            state=A.UNMATCHED,
            name="Invitado",
            report_key="name:invitado",
            minutes=100,
            source=AttendanceSource.CSV,
        )
        db.session.add(row)
        db.session.flush()
        with pytest.raises(services.AttendanceError):
            services.record_guest(row, "XX", None)
        services.record_guest(row, "PA", None)
        assert (row.state, row.country_code) == (A.GUEST, "PA")
        with pytest.raises(services.AttendanceError):
            services.dismiss(row, None)  # resolved already
        services.reopen(row, None)
        assert (row.state, row.country_code) == (A.UNMATCHED, None)
        services.dismiss(row, None)
        assert row.state == A.DISMISSED


def test_threshold_is_a_share_of_the_session_set_per_series(app: Flask, world: World) -> None:
    with app.app_context():
        event_session = _session(world)
        assert event_session.minutes_to_attend == 90  # half of three hours
        row = factories.make_attendance(
            event_session, db.session.get(Registration, world.jose), minutes=89
        )
        assert not services.attended(row, event_session)
        row.minutes = 90
        assert services.attended(row, event_session)
        event_session.series.attendance_threshold = 75
        assert event_session.minutes_to_attend == 135
        assert not services.attended(row, event_session)


def test_check_in_and_undo(app: Flask, world: World) -> None:
    with app.app_context():
        event_session = _session(world)
        jose = db.session.get(Registration, world.jose)
        services.check_in(event_session, jose, None)
        services.check_in(event_session, jose, None)  # twice: one row
        rows = _rows(event_session.id)
        assert rows[jose.full_name].source == AttendanceSource.MANUAL
        assert rows[jose.full_name].minutes == 180
        services.undo_check_in(event_session, jose)
        assert _rows(event_session.id) == {}


# --- the web pages --------------------------------------------------------------------------


def _attendance_url(world: World, session_id: int | None = None) -> str:
    return f"/staff/series/{world.slug}/sessions/{session_id or world.session_id}/attendance"


def _preview(client: FlaskClient, world: World, data: bytes, name: str = "zoom.csv") -> str:
    import io

    response = client.post(
        f"{_attendance_url(world)}/preview",
        data={"file": (io.BytesIO(data), name), "format": "auto"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _confirm_fields(page: str) -> dict[str, str]:
    names = "payload|filename|format|zone|mapping"
    fields = dict(re.findall(rf'name="({names})"[^>]*value="([^"]*)"', page))
    fields.update(re.findall(rf'id="({names})" name="[^"]+" type="hidden" value="([^"]*)"', page))
    return fields


def test_facilitator_previews_then_imports_from_the_web(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    page = _preview(client, world, ZOOM_REPORT)
    assert 'id="matched">2<' in page and 'id="unmatched">1<' in page and 'id="merged">1<' in page
    assert "Galaxy S21" in page
    assert count_rows(app, Attendance) == 0  # a preview writes nothing

    fields = _confirm_fields(page)
    assert set(fields) == {"payload", "filename", "format", "zone", "mapping"}
    response = client.post(f"{_attendance_url(world)}/import", data=fields, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 matched, 1 join rows merged, 1 to resolve" in body
    assert count_rows(app, Attendance) == 4

    response = client.post(f"{_attendance_url(world)}/import", data=fields, follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert count_rows(app, AttendanceImport) == 1
    page = _preview(client, world, ZOOM_REPORT)
    assert 'id="nothing-new"' in page


def test_a_bad_row_is_listed_and_the_rest_imports(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    """One bad row never discards a file: the preview lists it with its line and reason, the
    import brings in the others and says how many were left out."""
    auth.login(world.organizer)
    broken = ZOOM_REPORT.replace(b'"Sep 8, 2020 09:10:00"', b'"Sep 38, 2020 09:10:00"')
    page = _preview(client, world, broken)
    assert 'id="import-error"' not in page
    assert 'id="skipped-count">1<' in page
    assert re.search(r"[Ll]ine 12: .*Sep 38, 2020 09:10:00", page)
    assert count_rows(app, Attendance) == 0
    response = client.post(f"{_attendance_url(world)}/import", data=_confirm_fields(page))
    assert response.status_code == 302
    assert "1 rows left out" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        record = db.session.scalars(db.select(AttendanceImport)).one()
        assert record.skipped == 1 and record.people > 0


def test_a_file_with_no_readable_row_is_refused_with_the_reason(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    page = _preview(client, world, b"PK\x03\x04\x14\x00\x00\x00binary\x00\x00", "report.xlsx")
    assert 'id="import-error"' in page and "not a text file" in page
    far = (
        "Name,Email,Join Time,Leave Time\nJosé,jose@example.gob,9999-01-01 10:00,9999-01-01 11:00\n"
    )
    page = _preview(client, world, far.encode())
    assert 'id="import-error"' in page and "far from the session" in page
    assert count_rows(app, Attendance) == 0


def test_resolving_an_unmatched_row_from_the_web(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    fields = _confirm_fields(_preview(client, world, ZOOM_REPORT))
    client.post(f"{_attendance_url(world)}/import", data=fields)
    with app.app_context():
        galaxy = _rows(world.session_id)["Galaxy S21"].id
    url = f"{_attendance_url(world)}/{galaxy}"
    page = client.get(url).get_data(as_text=True)
    assert "Link to a registration" in page and "Inés" in page

    response = client.post(url, data={"link": "1", "registration": "0"})
    assert "Choose a registration." in response.get_data(as_text=True)
    response = client.post(url, data={"link": "1", "registration": str(world.ines)})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Attendance, galaxy)
        assert (row.state, row.registration_id) == (A.REGISTERED, world.ines)

    # another session's row is not reachable through this session's address
    with app.app_context():
        other = Attendance(
            session_id=world.other_session_id,
            state=A.UNMATCHED,
            name="Elsewhere",
            minutes=1,
            source=AttendanceSource.CSV,
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert client.get(f"{_attendance_url(world)}/{other_id}").status_code == 404


def test_who_may_work_on_attendance(client: FlaskClient, auth: AuthActions, world: World) -> None:
    url = _attendance_url(world)
    assert client.get(url).status_code == 302  # to the login page
    for email, status in (
        (world.other_facilitator, 403),
        (world.focal_point, 403),
        (world.facilitator, 200),
        (world.organizer, 200),
    ):
        auth.login(email)
        assert client.get(url).status_code == status, email
        assert client.get(url.replace("attendance", "check-in")).status_code == status, email
        auth.logout()


def test_check_in_page_searches_and_ticks(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.facilitator)
    url = f"/staff/series/{world.slug}/sessions/{world.session_id}/check-in"
    page = client.get(url, query_string={"q": "nunez"}).get_data(as_text=True)
    assert "Núñez" in page and "Sánchez" not in page
    page = client.get(url, query_string={"country": "GT"}).get_data(as_text=True)
    assert "Sánchez" in page and "Núñez" not in page

    response = client.post(f"{url}/{world.jose}", data={"present": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert _rows(world.session_id)["José Ángel Núñez"].source == AttendanceSource.MANUAL
    page = client.get(url).get_data(as_text=True)
    assert "1 person present" in page
    client.post(f"{url}/{world.jose}", data={"present": "0"})
    with app.app_context():
        assert _rows(world.session_id) == {}
    with app.app_context():
        outsider = factories.make_registration(factories.make_series())
        db.session.commit()
        outsider_id = outsider.id
    assert client.post(f"{url}/{outsider_id}", data={"present": "1"}).status_code == 404


# --- the command line -------------------------------------------------------------------------


def test_cli_dry_run_then_import(
    app: Flask, runner: FlaskCliRunner, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "zoom.csv"
    path.write_bytes(ZOOM_REPORT)
    result = runner.invoke(
        args=["attendance", "import", world.slug, "--session", "1", str(path), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "2 matched, 1 merged, 1 unmatched" in result.output
    assert "unmatched: Galaxy S21" in result.output
    assert count_rows(app, Attendance) == 0

    result = runner.invoke(args=["attendance", "import", world.slug, "--session", "1", str(path)])
    assert result.exit_code == 0, result.output
    assert count_rows(app, Attendance) == 4
    result = runner.invoke(args=["attendance", "import", world.slug, "--session", "1", str(path)])
    assert "Nothing changed" in result.output


def test_cli_broken_file_exits_non_zero(
    app: Flask, runner: FlaskCliRunner, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(ZOOM_REPORT.replace(b"Sep 8, 2020 10:00:00", b"yesterday"))
    result = runner.invoke(
        args=["attendance", "import", world.slug, "--session", "1", str(path), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "left out: line 10" in result.output.lower()
    assert count_rows(app, Attendance) == 0
    path.write_bytes("Name;Minutes\nJosé;lots\n".encode())
    result = runner.invoke(args=["attendance", "import", world.slug, "--session", "1", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output.lower() and "not a number of minutes" in result.output
    assert count_rows(app, Attendance) == 0
    result = runner.invoke(args=["attendance", "import", world.slug, "--session", "9", str(path)])
    assert result.exit_code != 0 and "--session 1 to 2" in result.output


def test_cli_imports_into_a_session_named_by_its_id(
    app: Flask, runner: FlaskCliRunner, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "zoom.csv"
    path.write_bytes(ZOOM_REPORT)
    command = ["attendance", "import", world.slug, str(path)]
    result = runner.invoke(args=[*command, "--session-id", str(world.session_id)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(db.session.scalars(db.select(Attendance.session_id))) == {world.session_id}
    result = runner.invoke(args=command)
    assert result.exit_code != 0 and "--session N or --session-id ID" in result.output
    help_text = runner.invoke(args=["attendance", "import", "--help"]).output
    assert "1 = the first" in help_text and "database id" in help_text
