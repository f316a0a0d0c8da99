"""A facilitator imports a Zoom report, resolves an unmatched row and downloads the XLSX.

CSRF is on. The world is built here: a series of one three-hour session (09:00-12:00 in Costa
Rica, 8 September 2020), three registrants and a facilitator assigned to the series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from webinars.accounts.models import StaffRole
from webinars.attendance.models import Attendance, AttendanceState
from webinars.extensions import db

from .. import factories
from ..helpers import count_rows

pytestmark = pytest.mark.browser

#: A Zoom webinar attendee report (UTF-8 with BOM): the host, José Ángel twice (a reconnection,
#: his e-mail in capitals the first time), a phone that gave no name, and a no-show.
REPORT = Path(__file__).parent.parent / "data" / "attendance" / "journey_zoom.csv"


@dataclass(frozen=True)
class World:
    slug: str
    session_id: int
    jose: int
    ines: int
    facilitator: str


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.make_series(
            slug="mass-flows-journey", title_en="Mass flows", timezone="America/Costa_Rica"
        )
        event_session = factories.make_session(
            series,
            start_at=datetime(2020, 9, 8, 15, tzinfo=UTC),
            end_at=datetime(2020, 9, 8, 18, tzinfo=UTC),
        )
        db.session.refresh(series)
        jose = factories.make_registration(
            series,
            first_name="José Ángel",
            last_name="Núñez",
            email="janunez@migracion.gob.sv",
            country_code="SV",
        )
        factories.make_registration(
            series,
            first_name="María Fernanda",
            last_name="Sánchez",
            email="mfsanchez@mp.gob.gt",
            country_code="GT",
        )
        ines = factories.make_registration(
            series,
            first_name="Inés",
            last_name="Duarte",
            email="iduarte@migracion.gob.pa",
            country_code="PA",
        )
        facilitator = factories.make_user(StaffRole.FACILITATOR, series=[series])
        db.session.commit()
        return World(series.slug, event_session.id, jose.id, ines.id, facilitator.email)


def _attendance(app: Flask, session_id: int) -> dict[str, tuple[AttendanceState, int | None]]:
    """Name in the report -> (state, registration id) of the session's rows."""
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session_id))
        return {row.name: (row.state, row.registration_id) for row in rows}


def _log_in(page: Any, live_server: Any, email: str, path: str) -> None:
    page.goto(live_server.url + path)
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def test_facilitator_imports_a_zoom_report_resolves_a_row_and_downloads_the_list(
    app: Flask, world: World, live_server: Any, page: Any, tmp_path: Path
) -> None:
    session_path = f"/staff/series/{world.slug}/sessions/{world.session_id}"
    attendance_path = f"{session_path}/attendance"
    _log_in(page, live_server, world.facilitator, session_path)

    page.locator("#attendance-link").click()
    page.wait_for_url(re.compile(re.escape(attendance_path) + "$"))
    assert page.locator("#unmatched-count").inner_text() == "0"

    # Preview: what the import would do, nothing written yet.
    page.get_by_label("Attendance report").set_input_files(REPORT)
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(re.compile(re.escape(f"{attendance_path}/preview") + "$"))
    assert page.get_by_role("heading", name="Preview of the import").is_visible()
    assert page.locator("#rows-read").inner_text() == "4"  # the no-show is not a join row
    assert page.locator("#people").inner_text() == "3"
    assert page.locator("#merged").inner_text() == "1"
    assert page.locator("#matched").inner_text() == "1"
    assert page.locator("#unmatched").inner_text() == "1"
    preview = page.locator("#preview-rows").inner_text()
    assert "José Ángel Núñez" in preview and "Galaxy S21" in preview
    assert "Roberto Álvarez" not in preview
    assert count_rows(app, Attendance) == 0

    # Import.
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(re.escape(attendance_path) + "$"))
    flash = page.locator(".flash-success")
    assert flash.inner_text() == "Imported: 1 matched, 1 join rows merged, 1 to resolve."
    assert page.locator("#unmatched-count").inner_text() == "1"
    rows = _attendance(app, world.session_id)
    assert rows["José Ángel Núñez"] == (AttendanceState.REGISTERED, world.jose)
    assert rows["Galaxy S21"] == (AttendanceState.UNMATCHED, None)
    assert rows["Secretaría Técnica"][0] == AttendanceState.SPEAKER

    # Resolve the phone: it was Inés Duarte's.
    galaxy = page.locator("#unmatched-rows tbody tr", has_text="Galaxy S21")
    galaxy.get_by_role("link", name="Resolve").click()
    page.wait_for_url(re.compile(re.escape(attendance_path) + r"/\d+$"))
    assert page.get_by_role("heading", name="Galaxy S21").is_visible()
    choose = page.get_by_label("Registration", exact=True)
    options = choose.locator("option").all_inner_texts()
    assert not any("Núñez" in option for option in options)  # already in the session
    duarte = choose.locator("option", has_text="Duarte, Inés")
    assert duarte.get_attribute("value") == str(world.ines)
    choose.select_option(value=str(world.ines))
    page.get_by_role("button", name="Link to this registration").click()
    page.wait_for_url(re.compile(re.escape(attendance_path) + "$"))
    assert page.locator(".flash-success").inner_text() == "Linked to Inés Duarte."
    assert page.locator("#unmatched-count").inner_text() == "0"
    assert page.locator("#unmatched-rows").count() == 0
    assert page.locator("#attended-count").inner_text() == "2"
    assert _attendance(app, world.session_id)["Galaxy S21"] == (
        AttendanceState.REGISTERED,
        world.ines,
    )

    # The participant list of the session, downloaded as a workbook.
    page.get_by_role("link", name="Participant list of this session").click()
    page.wait_for_url(re.compile(rf"/staff/series/{world.slug}/participants\?session=1$"))
    with page.expect_download() as download_info:
        page.locator("#download-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == f"participants-{world.slug}-session-1.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    sheet = load_workbook(saved).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1])
    by_name = {
        (row[header.index("Last name")], row[header.index("First name")]): row
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(by_name) == {
        ("Duarte", "Inés"),
        ("Núñez", "José Ángel"),
        ("Sánchez", "María Fernanda"),
    }
    minutes, attended = header.index("Minutes present"), header.index("Attended")
    assert by_name["Duarte", "Inés"][minutes] == 170
    assert by_name["Duarte", "Inés"][attended] == "yes"
    assert by_name["Núñez", "José Ángel"][minutes] == 120  # 09:00-11:00, the joins overlap
    assert by_name["Núñez", "José Ángel"][attended] == "yes"
    assert by_name["Sánchez", "María Fernanda"][attended] == "no"
