"""Organizers in the browser, in Spanish and English, on a laptop and a phone: the series
dashboard, duplicating a series for a new edition, publishing it after a confirmation,
resetting a forgotten password through the e-mailed link; an official on a phone choosing
their time zone (Tijuana) on the registration form. CSRF is on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.series.models import Series, SeriesStatus

from .test_accessibility import AXE_OPTIONS, _axe, _findings

pytestmark = pytest.mark.browser

SOURCE = "migrant-smuggling-exchange-2020"
SHOTS = Path("/tmp/shots-org")
SIZES = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}


def _t(app: Flask, language: str, message: str, **values: Any) -> str:
    """An interface string as the page in `language` shows it."""
    with app.app_context(), force_locale(language):
        return gettext(message, **values)


def _shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _fits(page: Any) -> None:
    """Nothing runs off the side of the page."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


def _accessible(page: Any) -> None:
    """No serious or critical axe finding on the page as it is."""
    problems = _findings(_axe.run(page, options=AXE_OPTIONS).response)
    assert not problems, f"{page.url}\n" + "\n".join(problems)


def _log_in(app: Flask, page: Any, url: str, language: str, password: str) -> None:
    page.goto(f"{url}/login?lang={language}")
    page.get_by_label(_t(app, language, "E-mail"), exact=True).fill("organizer@demo.example")
    page.get_by_label(_t(app, language, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=_t(app, language, "Log in")).click()
    page.wait_for_url(re.compile(r"/staff/$"))


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("es", 390), ("es", 1280), ("en", 390)]
)
def test_organizer_duplicates_publishes_and_resets_the_password(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    app = demo
    context = browser.new_context(viewport=SIZES[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _log_in(app, page, live_server.url, language, "demo-password")

        # The dashboard of the series: figures that open the pages behind them.
        page.goto(f"{live_server.url}/staff/series/{SOURCE}")
        dashboard = page.locator("section.dashboard")
        assert _t(app, language, "Pending approvals") in dashboard.inner_text()
        assert _t(app, language, "Undelivered e-mails") in dashboard.inner_text()
        _fits(page)
        _shot(page, f"series-dashboard-{language}-{width}", full_page=False)
        _accessible(page)
        # A session's people without an e-mail get no invitation: the session page says so.
        with app.app_context():
            from webinars.invitations.flow import speakers_without_email

            flagged = next(
                s
                for series in db.session.scalars(db.select(Series))
                for s in series.sessions
                if speakers_without_email(s)
            )
            session_url = f"/staff/series/{flagged.series.slug}/sessions/{flagged.id}"
        page.goto(live_server.url + session_url)
        warning = page.locator("#without-email")
        assert _t(app, language, "No invitation for these people: no e-mail address") in (
            warning.inner_text()
        )
        _fits(page)
        _shot(page, f"session-without-email-{language}-{width}", full_page=False)
        page.goto(f"{live_server.url}/staff/series/{SOURCE}")
        page.locator("#stat-minimums .stat-figure a").click()
        page.wait_for_url(re.compile(rf"/staff/series/{SOURCE}/quotas$"))
        page.go_back()

        # Duplicate it: the slug follows the title as it is typed.
        page.get_by_role("link", name=_t(app, language, "Duplicate the series")).click()
        page.wait_for_url(re.compile(rf"/staff/series/{SOURCE}/duplicate$"))
        title_en = page.get_by_label(_t(app, language, "Title in English"), exact=True)
        assert title_en.input_value().startswith("Webinars")
        title_en.fill(f"Migrant smuggling exchange 2021 {language} {width}")
        slug = page.get_by_label(_t(app, language, "Address (slug)"), exact=True)
        assert slug.input_value() == f"migrant-smuggling-exchange-2021-{language}-{width}"
        first_day = page.get_by_label(_t(app, language, "Date of the first session"), exact=True)
        assert first_day.input_value()  # proposed: 52 weeks later
        _fits(page)
        _shot(page, f"duplicate-{language}-{width}")
        _accessible(page)
        page.get_by_role("button", name=_t(app, language, "Create the copy")).click()
        new_slug = f"migrant-smuggling-exchange-2021-{language}-{width}"
        page.wait_for_url(re.compile(rf"/staff/series/{new_slug}$"))
        main = page.locator("main").inner_text()
        assert _t(app, language, "Draft") in main

        # Publish it, after a confirmation.
        page.get_by_role("link", name=_t(app, language, "Publish"), exact=True).click()
        page.wait_for_url(re.compile(rf"/staff/series/{new_slug}/publication$"))
        heading = page.locator("h1").inner_text()
        assert heading.startswith(_t(app, language, "Publish “%(title)s”?", title="")[:8])
        _shot(page, f"publish-confirm-{language}-{width}")
        _accessible(page)
        page.get_by_role("button", name=_t(app, language, "Publish"), exact=True).click()
        page.wait_for_url(re.compile(rf"/staff/series/{new_slug}$"))
        assert _t(app, language, "Unpublish") in page.locator("main").inner_text()
        with app.app_context():
            copy = db.session.scalars(db.select(Series).filter_by(slug=new_slug)).one()
            assert copy.status == SeriesStatus.PUBLISHED
            assert len(copy.sessions) >= 1

        # The form: English and Spanish side by side on a laptop, zones and partners in lists.
        page.goto(f"{live_server.url}/staff/series/{new_slug}/edit")
        zone = page.get_by_label(_t(app, language, "Time zone"), exact=True)
        assert zone.input_value() == "America/Costa_Rica"
        reminders = page.get_by_label(_t(app, language, "Reminders before each session"))
        assert reminders.input_value() == _t(app, language, "1 day, 1 hour")
        english = page.get_by_label(
            _t(app, language, "Title in English"), exact=True
        ).bounding_box()
        spanish = page.get_by_label(
            _t(app, language, "Title in Spanish"), exact=True
        ).bounding_box()
        assert english is not None and spanish is not None
        if width == 1280:
            assert english["y"] == spanish["y"] and english["x"] < spanish["x"]
        else:
            assert spanish["y"] > english["y"]
        _fits(page)
        _shot(page, f"series-form-{language}-{width}", full_page=False)
        _accessible(page)

        # Log out, forget the password, reset it through the e-mailed link.
        page.get_by_role("button", name=_t(app, language, "Log out")).click()
        page.goto(f"{live_server.url}/login?lang={language}")
        page.get_by_role("link", name=_t(app, language, "Forgot your password?")).click()
        page.get_by_label(_t(app, language, "E-mail"), exact=True).fill("organizer@demo.example")
        page.get_by_role("button", name=_t(app, language, "Send me a link")).click()
        assert _t(app, language, "Check your e-mail") in page.locator("h1").inner_text()
        _fits(page)
        with app.app_context():
            message = db.session.scalars(
                db.select(OutboxMessage)
                .filter_by(kind="account.password_reset")
                .order_by(OutboxMessage.id.desc())
            ).first()
            assert message is not None and message.language == language
            link = re.search(r"(/login/reset/\S+)", message.body_text)
            assert link is not None
        page.goto(live_server.url + link.group(1))
        new_password = f"a brand new password {language}"
        page.get_by_label(_t(app, language, "New password"), exact=True).fill(new_password)
        page.get_by_label(_t(app, language, "The new password again"), exact=True).fill(
            new_password
        )
        _shot(page, f"reset-password-{language}-{width}")
        _accessible(page)
        page.get_by_role("button", name=_t(app, language, "Save the new password")).click()
        page.wait_for_url(re.compile(r"/login"))
        _log_in(app, page, live_server.url, language, new_password)
        # The link was for one use only.
        page.goto(live_server.url + link.group(1))
        assert _t(app, language, "This link no longer works") in page.locator("h1").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["es", "en"])
def test_official_in_tijuana_registers_on_a_phone(
    demo: Flask, live_server: Any, browser: Any, language: str
) -> None:
    app = demo
    context = browser.new_context(viewport=SIZES[390], timezone_id="America/Tijuana")
    page = context.new_page()
    page.set_default_timeout(15_000)
    slug = "fraudulent-documents-webinar"
    try:
        page.goto(f"{live_server.url}/series/{slug}/register?lang={language}")
        zone = page.get_by_label(_t(app, language, "Time zone"), exact=True)
        # The browser's zone is chosen by default, and the list fits the phone's screen.
        assert zone.input_value() == "America/Tijuana"
        box = zone.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        _fits(page)
        # Every option's name fits the phone's screen: the open list is not cut off (it was,
        # with names like "UTC-06:00 · America/Costa_Rica (Belize, Costa Rica, El Salvador...)").
        widest = page.evaluate(
            """() => {
                const select = document.getElementById("timezone");
                const context = document.createElement("canvas").getContext("2d");
                context.font = getComputedStyle(select).font;
                return Math.max(...Array.from(select.options, (o) => context.measureText(o.text).width));
            }"""
        )
        assert widest <= 390, f"an option is {widest:.0f}px wide"
        labels = zone.locator("option").all_inner_texts()
        assert (
            _t(app, language, "%(city)s time (%(offset)s)", city="Cancún", offset="UTC−5") in labels
        )
        _shot(page, f"register-phone-{language}")

        # An observer who leaves out the organization and the sessions sees both errors.
        country = page.get_by_label(_t(app, language, "Country"), exact=True)
        country.select_option(value="observer")
        for box in page.locator("input[name=sessions]").all():
            box.uncheck()
        page.get_by_role("button", name=_t(app, language, "Register"), exact=True).click()
        page.locator(".field-error").first.wait_for()
        errors = page.locator(".field-error").all_inner_texts()
        text = " ".join(errors)
        assert _t(app, language, "Give the name of your organization.") in text
        assert _t(app, language, "Choose at least one session.") in text
        assert page.get_by_label(_t(app, language, "Time zone"), exact=True).input_value() == (
            "America/Tijuana"
        )
        _fits(page)
    finally:
        context.close()
