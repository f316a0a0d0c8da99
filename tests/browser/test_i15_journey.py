"""Issue 15 in Chromium with CSRF on, in English and Spanish, on a phone and on a computer:
an organizer asks the countries for their reports, two focal points send theirs (one late,
after a file that only claimed to be a PDF was refused), the organizer downloads the zip; a
registrant who attended answers the evaluation from the e-mailed link, once, and the report
shows the results. Screenshots go to /tmp/shots-i15/.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from webinars.evaluations.models import EvaluationResponse
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.series.models import Series
from webinars.submissions.models import SubmissionRequest
from webinars.types import utcnow

from ..storage_fixtures import DOCX, PDF
from .test_focal_journey import _no_blocking_axe_finding, _text
from .test_trust_journeys import WEBINAR, _log_in, _new_page

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-i15")
SMUGGLING = "migrant-smuggling-exchange-2020"
MATRIX = f"/staff/series/{WEBINAR}/submissions"
VIEWPORTS = [("en", 390), ("es", 390), ("en", 1280), ("es", 1280)]


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "informe-cr.pdf": PDF,
        "reporte-mx.docx": DOCX,
        "not-really.pdf": b"MZ\x90\x00 this is a program, not a PDF",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in files}


def _send(page: Any, base: str, language: str, request_id: int, code: str, file: Path) -> None:
    page.goto(f"{base}/staff/series/{WEBINAR}/submissions/{request_id}/{code}?lang={language}")
    page.locator("input[type=file]").set_input_files(str(file))
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()


@pytest.mark.parametrize(("language", "width"), VIEWPORTS)
def test_country_reports_asked_sent_one_late_and_downloaded(
    demo: Flask, live_server: Any, browser: Any, tmp_path: Path, language: str, width: int
) -> None:
    SHOTS.mkdir(exist_ok=True)
    files = _files(tmp_path)
    base = live_server.url
    t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731
    viewport = {"width": width, "height": 900}
    organizer = _new_page(browser, viewport=viewport, accept_downloads=True)
    costa_rica = _new_page(browser, viewport=viewport)
    mexico = _new_page(browser, viewport=viewport)
    try:
        # The organizer asks every country for its report, due tomorrow.
        _log_in(organizer, base, "organizer@demo.example", MATRIX)
        organizer.goto(f"{base}{MATRIX}?lang={language}")
        organizer.get_by_role("link", name=t("Ask the countries for something")).click()
        organizer.get_by_label(t("What is asked, in English")).fill("Country report on 6.3")
        organizer.get_by_label(t("What is asked, in Spanish")).fill("Informe de país sobre la 6.3")
        due = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        organizer.get_by_label(t("Deadline")).fill(due)
        _no_blocking_axe_finding(organizer)
        organizer.screenshot(path=SHOTS / f"ask-{language}-{width}.png", full_page=True)
        with organizer.expect_navigation():
            organizer.get_by_role("button", name=t("Ask the countries")).click()
        assert organizer.locator(".flash-success").is_visible()
        with demo.app_context():
            request_id = db.session.execute(
                db.select(SubmissionRequest.id).filter_by(title_en="Country report on 6.3")
            ).scalar_one()

        # Costa Rica: a file that only says it is a PDF is refused, then the real one is sent.
        _log_in(costa_rica, base, "focal.cr@demo.example", MATRIX)
        _send(costa_rica, base, language, request_id, "CR", files["not-really.pdf"])
        error = costa_rica.locator(".field-error")
        assert (
            t(
                "This file is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) document, "
                "whatever its name says."
            )
            in error.inner_text()
        )
        costa_rica.screenshot(path=SHOTS / f"refused-{language}-{width}.png", full_page=True)
        _send(costa_rica, base, language, request_id, "CR", files["informe-cr.pdf"])
        assert costa_rica.locator(".flash-success").inner_text() == t(
            "Sent. The organizers see it now."
        )
        assert costa_rica.get_by_role("link", name="informe-cr.pdf").is_visible()
        _no_blocking_axe_finding(costa_rica)
        costa_rica.screenshot(path=SHOTS / f"sent-{language}-{width}.png", full_page=True)

        # The deadline comes a second later, and passes; then Mexico sends, late.
        with demo.app_context():
            asked = db.session.get(SubmissionRequest, request_id)
            asked.due_at = utcnow() + timedelta(seconds=1)
            db.session.commit()
        time.sleep(1.5)
        _log_in(mexico, base, "focal.mx@demo.example", MATRIX)
        _send(mexico, base, language, request_id, "MX", files["reporte-mx.docx"])
        assert mexico.locator(".flash-success").is_visible()

        # The organizer's matrix: submitted, late, missing; then the zip by country.
        organizer.goto(f"{base}{MATRIX}?lang={language}")
        state = lambda code: organizer.locator(f"#country-{code} .submission-state").inner_text()  # noqa: E731
        assert state("CR") == t("Submitted")
        assert state("MX") == t("Late")
        assert state("GT") == t("Missing")
        _no_blocking_axe_finding(organizer)
        organizer.screenshot(path=SHOTS / f"matrix-{language}-{width}.png", full_page=True)
        with organizer.expect_download() as download:
            organizer.get_by_role(
                "link", name=t("Download everything (zip, one folder per country)")
            ).click()
        names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
        mexico_name = "México" if language == "es" else "Mexico"
        assert sorted(names) == ["Costa Rica/informe-cr.pdf", f"{mexico_name}/reporte-mx.docx"]
    finally:
        for page in (organizer, costa_rica, mexico):
            page.context.close()


@pytest.mark.parametrize(("language", "width"), VIEWPORTS)
def test_an_attendee_answers_the_evaluation_once_and_the_report_shows_it(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731
    viewport = {"width": width, "height": 900}
    organizer = _new_page(browser, viewport=viewport)
    official = _new_page(browser, viewport=viewport)
    evaluation = f"/staff/series/{SMUGGLING}/evaluation"
    try:
        # The organizer e-mails the evaluation of the second session to those who attended.
        _log_in(organizer, base, "organizer@demo.example", evaluation)
        organizer.goto(f"{base}{evaluation}?lang={language}")
        organizer.get_by_label(t("Send it about")).select_option("2")
        with organizer.expect_navigation():
            organizer.get_by_role("button", name=t("E-mail it to those who attended")).click()
        assert organizer.locator(".flash-success").is_visible()
        organizer.screenshot(
            path=SHOTS / f"evaluation-staff-{language}-{width}.png", full_page=True
        )
        with demo.app_context():
            series = db.session.execute(db.select(Series).filter_by(slug=SMUGGLING)).scalar_one()
            message = db.session.scalars(
                db.select(OutboxMessage)
                .filter_by(kind="evaluation", series_id=series.id, language=language)
                .order_by(OutboxMessage.id)
            ).first()
            assert message is not None
            body = message.body_text
            before = db.session.scalar(db.select(db.func.count()).select_from(EvaluationResponse))
        link = re.search(r"https?://\S+/evaluation/\S+", body).group(0)
        path = "/" + link.split("//", 1)[1].split("/", 1)[1]

        # The official opens the link from the e-mail: their language, no account.
        official.goto(base + path)
        assert official.get_by_role("heading", level=1).inner_text() == t("Evaluation")
        useful = official.locator("fieldset.evaluation-question").first
        useful.get_by_label("5").check()
        official.locator("fieldset.evaluation-question").nth(1).get_by_label("4").check()
        official.locator("textarea").fill("Rutas marítimas <y> documentos")
        _no_blocking_axe_finding(official)
        official.screenshot(path=SHOTS / f"evaluation-form-{language}-{width}.png", full_page=True)
        with official.expect_navigation():
            official.get_by_role("button", name=t("Send my answers")).click()
        assert official.locator(".flash-success").inner_text() == t(
            "Thank you: your answers were recorded, without your name."
        )
        # A second answer is refused.
        official.goto(base + path)
        assert official.get_by_role("status").inner_text() == t(
            "You have already answered this evaluation: thank you. Each person answers once."
        )
        with demo.app_context():
            after = db.session.scalar(db.select(db.func.count()).select_from(EvaluationResponse))
        assert after == before + 1

        # The report shows the results, the comment as typed.
        organizer.goto(f"{base}/staff/series/{SMUGGLING}/report?lang={language}")
        results = organizer.locator("#evaluation")
        results.scroll_into_view_if_needed()
        assert "Rutas marítimas <y> documentos" in results.inner_text()
        assert t("%(num)d anonymous response.", "%(num)d anonymous responses.", num=after) in (
            results.inner_text()
        )
        results.screenshot(path=SHOTS / f"report-evaluation-{language}-{width}.png")
    finally:
        for page in (organizer, official):
            page.context.close()
