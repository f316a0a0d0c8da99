"""An organizer reads the participant list and the attendance report of a series, on a phone and
on a desktop, in Spanish and in English, and downloads them: every list comes in the reader's
collation, the report names each figure for what it is and marks the cancelled session, the
XLSX holds numbers, and the PDFs have whole e-mail addresses and the page's charts.

Screenshots of the pages, and the first page of each PDF as PNG when `pdftoppm` is installed,
go to /tmp/shots-sort/.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.sessions.models import SessionStatus

from .. import factories
from .test_accessibility import AXE_OPTIONS, _findings

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-sort")

#: Surnames of the list in each language: countries by their names, then surnames; the observer
#: organization last.
ORDER = {
    "en": ["Báez", "Ávila", "Nuñez", "Nunzio", "Ríos", "Lara", "Quesada", "Zamora", "Aaron"],
    "es": ["Ávila", "Nunzio", "Nuñez", "Ríos", "Zamora", "Lara", "Quesada", "Báez", "Aaron"],
}
COUNTRIES = {
    "en": ["Dominican Republic", "El Salvador", "Mexico", "Panama", "United States"],
    "es": ["El Salvador", "Estados Unidos", "México", "Panamá", "República Dominicana"],
}
WORDS = {
    "en": {
        "list": "Participant list",
        "report": "Attendance report",
        "share": "Share of registrants who attended at least one session",
        "cancelled": "Cancelled",
        "by_session": "Attendance by session",
        "by_country": "Attendance by country",
        "summary": "Summary",
        "sessions": "Sessions",
    },
    "es": {
        "list": "Lista de participantes",
        "report": "Informe de asistencia",
        "share": "Porcentaje de inscritos que asistió al menos a una sesión",
        "cancelled": "Cancelada",
        "by_session": "Asistencia por sesión",
        "by_country": "Asistencia por país",
        "summary": "Resumen",
        "sessions": "Sesiones",
    },
}
ADDRESS = "{surname}.ana.oficial@direccion-general-de-migracion.gob.example"


@dataclass(frozen=True)
class World:
    slug: str
    organizer: str


@pytest.fixture
def world(app: Flask) -> World:
    """Three sessions, the third cancelled; eight officials of five countries and an observer.
    Everyone came to session 1, the Salvadorans to session 2 too."""
    with app.app_context():
        series = factories.make_series(
            slug="sort-journey",
            title_en="Regional exchange",
            title_es="Intercambio regional",
            timezone="America/El_Salvador",
        )
        sessions = [
            factories.make_session(
                series,
                start_at=datetime(2020, 9, day, 15, tzinfo=UTC),
                end_at=datetime(2020, 9, day, 17, tzinfo=UTC),
                topic_en=f"Topic {day}",
                topic_es=f"Tema {day}",
            )
            for day in (8, 9, 10)
        ]
        sessions[2].status = SessionStatus.CANCELLED
        db.session.refresh(series)
        people = [
            ("Zamora", "US"),
            ("Quesada", "PA"),
            ("Lara", "MX"),
            ("Báez", "DO"),
            ("Ríos", "SV"),
            ("Ávila", "SV"),
            ("Nuñez", "SV"),
            ("Nunzio", "SV"),
        ]
        for surname, code in people:
            registration = factories.make_registration(
                series,
                first_name="Ana",
                last_name=surname,
                country_code=code,
                consent_to_list=True,
                email=ADDRESS.format(surname=surname.lower()),
            )
            factories.make_attendance(sessions[0], registration)
            if code == "SV":
                factories.make_attendance(sessions[1], registration)
        factories.make_registration(
            series,
            first_name="Omar",
            last_name="Aaron",
            country_code=None,
            observer_organization="IOM",
        )
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        return World(series.slug, organizer.email)


def _ordered(text: str, words: list[str]) -> list[str]:
    positions = {word: text.find(word) for word in words}
    assert all(at >= 0 for at in positions.values()), positions
    return sorted(words, key=positions.__getitem__)


def _download(page: Any, selector: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator(selector).click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _pdf_shot(path: Path, name: str) -> None:
    """The first page of the PDF as PNG, to be looked at."""
    if shutil.which("pdftoppm") is None:
        return
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), name],
        check=True,
        cwd=SHOTS,
        timeout=60,
    )


def _no_serious_findings(page: Any) -> None:
    results = Axe().run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe ran no check"
    problems = _findings(results)
    assert not problems, f"{page.url}\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("width", "language"), [(1280, "es"), (390, "es"), (1280, "en"), (390, "en")]
)
def test_organizer_downloads_the_list_and_the_report_in_their_language(
    world: World, live_server: Any, browser: Any, tmp_path: Path, width: int, language: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    words = WORDS[language]
    order = ORDER[language]
    tag = f"{language}-{width}"
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        series_path = f"/staff/series/{world.slug}"
        page.goto(live_server.url + series_path)
        page.wait_for_url(re.compile(r"/login\?next="))
        page.get_by_label("E-mail").fill(world.organizer)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(re.escape(series_path) + "$"))
        if language == "es":
            page.get_by_role("link", name="Español").click()
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language

        # The list on the page, in the reader's order.
        page.get_by_role("link", name=words["list"], exact=True).click()
        page.wait_for_url(re.compile(r"/participants$"))
        surnames = page.locator("#participants tbody tr td:first-child").all_inner_texts()
        assert surnames == order
        page.screenshot(path=str(SHOTS / f"participants-{tag}.png"), full_page=True)
        _no_serious_findings(page)

        # The three files, in the same order.
        rows = list(
            csv.reader(_download(page, "#download-csv", tmp_path).open(encoding="utf-8-sig"))
        )
        assert [row[0] for row in rows[1:]] == order
        sheet = load_workbook(_download(page, "#download-xlsx", tmp_path)).active
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == order
        listing = _download(page, "#download-pdf", tmp_path)
        text = _pdf_text(listing)
        assert _ordered(text, order) == order
        assert ADDRESS.format(surname="zamora") in text.replace("\n", "")  # broken at most at "."
        _pdf_shot(listing, f"participants-pdf-{tag}")

        # The report: figures named for what they are, the cancelled session marked.
        page.goto(live_server.url + series_path)
        page.get_by_role("link", name=words["report"], exact=True).click()
        page.wait_for_url(re.compile(r"/report$"))
        figures = page.locator("#figures").inner_text()
        assert words["share"] in figures
        cancelled = page.locator("tr.session-cancelled")
        assert cancelled.count() == 1 and words["cancelled"] in cancelled.inner_text()
        chart = page.locator("#country-chart").inner_text()
        assert _ordered(chart, COUNTRIES[language]) == COUNTRIES[language]
        page.screenshot(path=str(SHOTS / f"report-{tag}.png"), full_page=True)
        _no_serious_findings(page)

        book = load_workbook(_download(page, "#report-xlsx", tmp_path))
        assert book.sheetnames[:2] == [words["summary"], words["sessions"]]
        first = list(book[words["sessions"]].iter_rows(min_row=2, max_row=2))[0]
        assert first[1].is_date and first[5].number_format == "0%"
        assert first[5].value == 0.8889  # 8 of 9: the observer did not come
        report = _download(page, "#report-pdf", tmp_path)
        text = _pdf_text(report)
        assert words["by_session"] in text and words["by_country"] in text
        assert _ordered(text[text.index(words["by_country"]) :], COUNTRIES[language])
        _pdf_shot(report, f"report-pdf-{tag}")
    finally:
        context.close()
