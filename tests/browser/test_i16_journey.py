"""Issue 16 in Chromium, in English and Spanish, on a phone and on a computer: an official
answers the optional question on sex; the organizer reads the yearly participation report
of 2020, confirms that two registrations are one person and opens that person's page; the
focal point of Costa Rica keeps the directory and fills a delegation from it. Screenshots go
to /tmp/shots-i16/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from webinars.authorities.models import DirectoryEntry
from webinars.extensions import db
from webinars.registration.models import Registration, Sex

from .test_focal_journey import _no_blocking_axe_finding, _text
from .test_trust_journeys import PROFILE, WEBINAR, _log_in, _new_page

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-i16")
VIEWS = [("en", 390), ("es", 390), ("en", 1280), ("es", 1280)]


def _fits(page: Any, width: int) -> None:
    """Nothing but a table's own scroller is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_an_official_answers_the_optional_question_on_sex(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    SHOTS.mkdir(exist_ok=True)
    t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731
    page = _new_page(browser, viewport={"width": width, "height": 900})
    email = f"sex.{language}.{width}@migracion.example.cr"
    try:
        page.goto(f"{live_server.url}/series/{WEBINAR}/register?lang={language}")
        label = lambda text: page.get_by_label(t(text), exact=True)  # noqa: E731
        label("First name").fill("Mariela")
        label("Last name").fill("Solís Mora")
        label("E-mail").fill(email)
        label("Country").select_option(label="Costa Rica")
        label("Institution").fill("Dirección General de Migración y Extranjería")
        label("Position").fill("Jefa de la Unidad de Control Migratorio")
        page.locator(f'input[name="profile"][value="{PROFILE}"]').check()
        group = page.get_by_role("group", name=t("Sex (optional)"))
        group.get_by_label(t("Female"), exact=True).check()
        label("I have read the privacy notice").check()
        page.screenshot(path=SHOTS / f"register-{language}-{width}.png", full_page=True)
        _fits(page, width)
        page.get_by_role("button", name=t("Register"), exact=True).click()
        page.wait_for_url(re.compile(r"/registered|/r/"))
        with demo.app_context():
            sex = db.session.scalar(db.select(Registration.sex).filter_by(email=email))
        assert sex == Sex.FEMALE
    finally:
        page.context.close()


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_organizer_reads_2020_and_links_one_person(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    SHOTS.mkdir(exist_ok=True)
    t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731
    page = _new_page(browser, viewport={"width": width, "height": 900})
    try:
        _log_in(page, live_server.url, "organizer@demo.example", "/staff/")
        page.goto(f"{live_server.url}/staff/?lang={language}")
        page.get_by_role("link", name=t("Participation by year")).click()
        page.wait_for_url(re.compile(r"/staff/participation"))
        page.goto(f"{live_server.url}/staff/participation/2020")
        assert page.get_by_role("heading", level=1).inner_text() == t(
            "Participation in %(year)d", year=2020
        )
        summary = page.locator("#yearly-summary").inner_text()
        assert t("Unique persons") in summary
        assert page.locator("#by-country-table tbody tr").count() == 11
        assert page.locator("#series-table tbody tr").count() == 3
        _fits(page, width)
        _no_blocking_axe_finding(page)
        page.screenshot(path=SHOTS / f"yearly-{language}-{width}.png", full_page=True)

        page.goto(f"{live_server.url}/staff/participants/suggestions")
        card = page.locator(".suggestions > li").filter(has_text="Costa Rica").first
        name = card.get_by_role("heading").inner_text().split(" · ")[0].strip()
        _no_blocking_axe_finding(page)
        page.screenshot(path=SHOTS / f"suggestions-{language}-{width}.png", full_page=True)
        card.get_by_role("button", name=t("%(name)s: the same person", name=name)).click()
        page.wait_for_url(re.compile(r"/staff/participants/\d+$"))
        assert page.get_by_role("heading", level=1).inner_text() == name
        assert page.locator(".participation-list > li").count() == 2
        _fits(page, width)
        _no_blocking_axe_finding(page)
        page.screenshot(path=SHOTS / f"person-{language}-{width}.png", full_page=True)
    finally:
        page.context.close()


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_focal_point_keeps_the_directory_and_fills_a_delegation(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    SHOTS.mkdir(exist_ok=True)
    t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731
    page = _new_page(browser, viewport={"width": width, "height": 900})
    try:
        _log_in(page, live_server.url, "focal.cr@demo.example", "/staff/")
        page.goto(f"{live_server.url}/staff/?lang={language}")
        page.get_by_role("link", name=t("Directory of national authorities")).click()
        page.wait_for_url(re.compile(r"/staff/directory\?country=CR$"))
        entries = page.locator(".directory-entry")
        assert entries.count() == 3
        stale = page.locator(".directory-entry.stale")
        assert stale.count() == 1
        assert t("Not confirmed for 12 months") in stale.inner_text()
        _fits(page, width)
        _no_blocking_axe_finding(page)
        page.screenshot(path=SHOTS / f"directory-{language}-{width}.png", full_page=True)

        stale.locator("form[action$='/confirm'] button").click()
        page.wait_for_url(re.compile(r"/staff/directory\?country=CR$"))
        assert page.locator(".directory-entry.stale").count() == 0

        # Another country's directory: read, not kept.
        page.goto(f"{live_server.url}/staff/directory?country=MX")
        assert page.locator(".directory-entry").count() == 3
        assert page.get_by_role("link", name=t("Edit")).count() == 0

        # A delegation filled from the directory.
        with demo.app_context():
            laura = db.session.scalar(
                db.select(DirectoryEntry).filter_by(email="laura.jimenez@demo.example")
            )
            label = f"{laura.full_name} · {laura.position}, {laura.institution}"
        page.goto(f"{live_server.url}/staff/series/{WEBINAR}/delegation")
        page.locator("#from-directory summary").click()
        page.get_by_label(label).check()
        page.get_by_role("button", name=t("Fill the rows")).click()
        page.wait_for_url(re.compile(r"directory="))
        assert page.locator('input[name="rows-0-email"]').input_value() == (
            "laura.jimenez@demo.example"
        )
        page.screenshot(path=SHOTS / f"delegation-{language}-{width}.png", full_page=True)
    finally:
        page.context.close()
