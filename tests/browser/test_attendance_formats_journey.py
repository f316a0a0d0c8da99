"""A facilitator imports the files platforms really export, in Chromium, as a person would.

In Spanish at 1280 px: a Spanish Zoom participants export as Excel re-saves it (Windows-1252,
semicolons), recognised by itself and previewed with its layout's name; then, on a phone, a
report of a platform nobody foresaw: the page shows its first rows, the facilitator says which
column holds what, and the import says which row it left out. Screenshots go to the test's
temporary folder (set WEBINARS_SHOTS to keep them).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from webinars.accounts.models import StaffRole
from webinars.attendance.models import Attendance, AttendanceState
from webinars.extensions import db

from .. import factories
from ..helpers import count_rows

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).parent.parent / "data" / "attendance" / "corpus"
UNKNOWN = (
    "Participante;Institución;Conectado desde;Conectado hasta;Tiempo conectado\r\n"
    "Gabriela Solís;DGME;08/01/2027 10:00;08/01/2027 11:58;1:58:00\r\n"
    "José Pérez;DGME;08/01/2027 10:03;08/01/2027 11:59;1:55:25\r\n"
    "Invitado anónimo;;;;\r\n"
).encode("cp1252")


@dataclass(frozen=True)
class World:
    slug: str
    session_id: int
    facilitator: str


@pytest.fixture
def world(app: Flask) -> World:
    """A workshop session on 8 January 2027, 10:00-12:00 in Costa Rica, with the registrants
    of the Spanish Zoom export and a facilitator."""
    with app.app_context():
        series = factories.make_series(
            slug="movilidad-laboral", title_en="Labour mobility", timezone="America/Costa_Rica"
        )
        event_session = factories.make_session(
            series,
            start_at=datetime(2027, 1, 8, 16, tzinfo=UTC),
            end_at=datetime(2027, 1, 8, 18, tzinfo=UTC),
        )
        db.session.refresh(series)
        for first, last, email in [
            ("Gabriela", "Solís Rojas", "gsolis@migracion.example.gob"),
            ("José", "Pérez", "jperez@migracion.example.gob"),
            ("María", "López García", "mlopez@rree.example.gob"),
            ("Nancy", "Barnes", "nbarnes@dhs.example.gov"),
        ]:
            factories.make_registration(series, first_name=first, last_name=last, email=email)
        facilitator = factories.make_user(StaffRole.FACILITATOR, series=[series])
        db.session.commit()
        return World(series.slug, event_session.id, facilitator.email)


def _log_in(page: Any, live_server: Any, email: str, path: str) -> None:
    page.goto(live_server.url + path)
    page.wait_for_url(re.compile(r"/login\?next="))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(path.split("?")[0])))


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WEBINARS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_facilitator_imports_real_layouts_in_spanish_on_desktop_and_phone(
    app: Flask, world: World, live_server: Any, page: Any, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    attendance = f"/staff/series/{world.slug}/sessions/{world.session_id}/attendance"
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server, world.facilitator, attendance + "?lang=es")
    page.goto(live_server.url + attendance + "?lang=es")

    # A Spanish Zoom export re-saved by Excel: recognised by itself.
    page.locator("input[name=file]").set_input_files(CORPUS / "zoom_intl_es_meeting_excel.csv")
    page.get_by_role("button", name="Ver la vista previa", exact=True).click()
    page.wait_for_url(re.compile(r"/attendance/preview$"))
    assert "Participantes de una reunión de Zoom" in page.locator("#layout").inner_text()
    assert page.locator("#people").inner_text() == "7"
    assert page.locator("#matched").inner_text() == "4"  # e-mails, and Nancy by her name
    assert page.locator("#skipped-count").inner_text() == "0"
    page.screenshot(path=str(shots / "attendance-preview-es-1280.png"), full_page=True)
    assert count_rows(app, Attendance) == 0
    page.get_by_role("button", name="Importar", exact=True).click()
    page.wait_for_url(re.compile(re.escape(attendance) + "$"))
    assert "Importado: 4 vinculadas" in page.locator(".flash-success").inner_text()
    with app.app_context():
        states = {a.name: a.state for a in db.session.scalars(db.select(Attendance))}
    assert states["Nancy Barnes (Nancy B)"] == AttendanceState.REGISTERED
    assert states["Secretaría Técnica CRM"] == AttendanceState.SPEAKER  # the summary's host

    # On a phone: a file nobody foresaw.
    page.set_viewport_size({"width": 390, "height": 844})
    unknown = tmp_path / "asistencia.csv"
    unknown.write_bytes(UNKNOWN)
    page.locator("input[name=file]").set_input_files(unknown)
    page.get_by_role("button", name="Ver la vista previa", exact=True).click()
    page.wait_for_url(re.compile(r"/attendance/preview$"))
    assert page.get_by_role("heading", name="¿Qué columna contiene qué?").is_visible()
    assert "Conectado desde" in page.locator("#mapping-rows").inner_text()
    page.screenshot(path=str(shots / "attendance-mapping-es-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the mapping page scrolls sideways ({width} px)"
    form = page.locator("#mapping-form")
    form.get_by_label("Nombre completo").select_option("Participante")
    form.get_by_label("Minutos o duración").select_option("Tiempo conectado")
    form.get_by_label("Hora de entrada").select_option("Conectado desde")
    form.get_by_label("Hora de salida").select_option("Conectado hasta")
    form.get_by_label("Fechas").select_option("day_first")
    page.get_by_role("button", name="Ver la vista previa con estas columnas").click()
    assert page.locator("#people").inner_text() == "2"
    assert page.locator("#skipped-count").inner_text() == "1"
    assert "Línea 4" in page.locator("#skipped").inner_text()
    page.screenshot(path=str(shots / "attendance-mapped-preview-es-390.png"), full_page=True)
    page.get_by_role("button", name="Importar", exact=True).click()
    page.wait_for_url(re.compile(re.escape(attendance) + "$"))
    assert "1 filas omitidas" in page.locator(".flash-success").inner_text()
