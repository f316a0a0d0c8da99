"""A registrant on their private page (issue 11): corrects their name, finds the Google and
Outlook links beside each session's .ics; a broken link offers to send it again, in Spanish.

At 390 and 1280 px, in Spanish and English, with axe on each page; screenshots go to
/tmp/shots-cal/ for a person to read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.registration.tokens import public_token

from .test_accessibility import AXE_OPTIONS, _findings

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-cal")
#: Confirmed in the demo webinar, which is still to come.
DEMO_REGISTRANT = "official1@demo.example"
WEBINAR = "fraudulent-documents-webinar"

_axe = Axe()


def _text(app: Flask, language: str, message: str, **values: Any) -> str:
    with app.app_context(), force_locale(language):
        return gettext(message, **values)


def _token(app: Flask) -> str:
    with app.app_context():
        registration = db.session.scalars(
            db.select(Registration).filter_by(email=DEMO_REGISTRANT)
        ).one()
        return public_token(registration)


def _registration(app: Flask) -> Registration:
    with app.app_context():
        registration = db.session.scalars(
            db.select(Registration).filter_by(email=DEMO_REGISTRANT)
        ).one()
        db.session.expunge(registration)
        return registration


def _check_axe(page: Any) -> None:
    results = _axe.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe ran no check"
    problems = _findings(results)
    assert not problems, f"{page.url}\n" + "\n".join(problems)


def _no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url}: {overflow}px wider than the window"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_registrant_corrects_their_name_and_adds_a_session_to_their_calendar(
    demo: Flask, live_server: Any, page: Any, language: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    token = _token(demo)
    page.goto(f"{live_server.url}/r/{token}?lang={language}")
    assert page.locator("html").get_attribute("lang") == language

    def t(message: str, **values: Any) -> str:
        return _text(demo, language, message, **values)

    # Beside each session: the .ics file, Google Calendar and Outlook.
    sessions = page.locator(".registration-sessions > li")
    assert sessions.count() >= 1
    first = sessions.first
    google = first.get_by_role("link", name=t("Add to Google Calendar"), exact=True)
    outlook = first.get_by_role("link", name=t("Add to Outlook"), exact=True)
    ics = first.get_by_role("link", name=t("Download (.ics)"), exact=True)
    assert google.is_visible() and outlook.is_visible() and ics.is_visible()
    google_url = google.get_attribute("href")
    assert google_url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert re.search(r"dates=\d{8}T\d{6}Z%2F\d{8}T\d{6}Z", google_url)
    assert outlook.get_attribute("href").startswith(
        "https://outlook.office.com/calendar/deeplink/compose?"
    )
    assert google.get_attribute("target") == "_blank"
    _no_horizontal_scroll(page)
    _check_axe(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"manage-{language}-{width}.png"), full_page=True)

    # The details: open the form, correct the name, save.
    page.get_by_text(t("Correct your name, institution or position"), exact=True).click()
    first_name = page.get_by_label(t("First name"), exact=True)
    assert first_name.is_visible()
    first_name.fill("")
    page.get_by_role("button", name=t("Save my details"), exact=True).click()
    page.wait_for_load_state()
    # Refused beside the field, nothing saved; the form stays open.
    assert page.locator("#details-first_name-errors").is_visible()
    assert _registration(demo).first_name != ""
    _check_axe(page)
    page.screenshot(path=str(SHOTS / f"details-error-{language}-{width}.png"), full_page=True)
    page.get_by_label(t("First name"), exact=True).fill("María José")
    page.get_by_label(t("Last name"), exact=True).fill("Quesada Arias")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Save my details"), exact=True).click()
    assert t("Your details are corrected. We have sent you an e-mail about it.") in (
        page.locator("main").inner_text()
    )
    assert "María José Quesada Arias" in page.locator(".facts").first.inner_text()
    registration = _registration(demo)
    assert (registration.first_name, registration.last_name) == ("María José", "Quesada Arias")
    page.screenshot(path=str(SHOTS / f"details-saved-{language}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_broken_link_offers_to_send_it_again_in_spanish(
    demo: Flask, live_server: Any, page: Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    token = _token(demo)
    page.set_extra_http_headers({"Accept-Language": "es-CR,es;q=0.9"})
    response = page.goto(f"{live_server.url}/r/{token[:-3]}abc")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "es"
    main = page.locator("main").inner_text()
    assert "Este enlace no funciona" in main
    assert "404" not in main
    _no_horizontal_scroll(page)
    _check_axe(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"unknown-link-es-{width}.png"), full_page=True)
    page.get_by_label("Serie en la que se inscribió", exact=True).select_option(WEBINAR)
    page.get_by_label("Correo electrónico", exact=True).fill(DEMO_REGISTRANT)
    with page.expect_navigation():
        page.get_by_role("button", name="Enviar el enlace", exact=True).click()
    assert "le hemos enviado a ella su" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / f"link-sent-es-{width}.png"), full_page=True)
