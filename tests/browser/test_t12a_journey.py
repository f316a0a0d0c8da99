"""Issue 12 journeys (items 1, 7, 10), CSRF on, at 390 and 1280 px, in Spanish and English.

An official registers in a series that verifies addresses: the thank-you page only says to
check the inbox, the verification link's page asks for a click, then the registration is
placed and the private page opens; the calendar's read-only page shows it without any way to
change it. An organizer sees, in the outbox, what the daily allowance held back, and the
series form's "Verify e-mail addresses" box.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.demo.loader import DEMO_PASSWORD
from webinars.extensions import db
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.outbox import enqueue
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import verification_token, view_token
from webinars.series.models import ApprovalMode, Series

from .test_accessibility import AXE_OPTIONS, _axe, _findings

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-t12a")
WEBINAR = "fraudulent-documents-webinar"
SIZES = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}


def _t(app: Flask, language: str, message: str, **params: Any) -> str:
    with app.app_context(), force_locale(language):
        return gettext(message, **params)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


def _accessible(page: Any) -> None:
    problems = _findings(_axe.run(page, options=AXE_OPTIONS).response)
    assert not problems, problems


def _automatic(app: Flask) -> None:
    with app.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=WEBINAR)).one()
        assert series.verify_email  # the demo keeps the default
        series.approval_mode = ApprovalMode.AUTOMATIC
        db.session.commit()


@pytest.mark.parametrize(("language", "width"), [("es", 390), ("en", 1280)])
def test_an_official_verifies_the_address_then_sees_the_registration(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    _automatic(demo)
    email = f"lucia.campos.{language}@migracion.example.gt"
    context = browser.new_context(viewport=SIZES[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/series/{WEBINAR}/register?lang={language}")

        def label(text: str) -> Any:
            return page.get_by_label(_t(demo, language, text), exact=True)

        label("First name").fill("Lucía")
        label("Last name").fill("Campos Ixcot")
        label("E-mail").fill(email)
        label("Country").select_option(value="GT")
        label("Institution").fill("Instituto Guatemalteco de Migración")
        label("Position").fill("Inspectora")
        page.locator("input[name=profile]").first.check()
        label("I have read the privacy notice").check()
        page.get_by_role("button", name=_t(demo, language, "Register"), exact=True).click()
        page.wait_for_url(re.compile(rf"/series/{WEBINAR}/registered$"))

        thanks = page.locator("main").inner_text()
        assert _t(demo, language, "Check your inbox") in thanks
        assert email not in thanks and page.locator('main a[href*="/r/"]').count() == 0
        _fits(page)
        _accessible(page)
        _shot(page, f"thanks-{language}-{width}")

        with demo.app_context():
            registration = db.session.scalars(db.select(Registration).filter_by(email=email)).one()
            assert registration.status == RegistrationStatus.UNVERIFIED
            kinds = db.session.scalars(
                db.select(OutboxMessage.kind).filter_by(to_address=email)
            ).all()
            assert kinds == ["registration.verify"]
            token = verification_token(registration)

        page.goto(f"{live_server.url}/verify/{token}")
        assert page.locator("html").get_attribute("lang") == language
        assert email in page.locator("main").inner_text()
        _fits(page)
        _accessible(page)
        _shot(page, f"verify-{language}-{width}")
        button = _t(demo, language, "Confirm my e-mail address")
        page.get_by_role("button", name=button).click()
        page.wait_for_url(re.compile(r"/r/[^/]+$"))
        assert (
            _t(demo, language, "Your registration is confirmed.")
            in page.locator("main").inner_text()
        )
        _fits(page)
        _shot(page, f"manage-after-verify-{language}-{width}")

        # The link again: used once, it does nothing more.
        page.goto(f"{live_server.url}/verify/{token}")
        used = _t(demo, language, "This address is verified already: this link has been used.")
        assert used.split(":")[0] in page.locator("main").inner_text()
        _shot(page, f"verify-used-{language}-{width}")

        # The calendar's read-only link.
        with demo.app_context():
            registration = db.session.scalars(db.select(Registration).filter_by(email=email)).one()
            view = view_token(registration)
        page.goto(f"{live_server.url}/r/view/{view}")
        main = page.locator("main")
        assert "Lucía Campos Ixcot" in main.inner_text()
        assert main.locator("form").count() == 0 and main.locator('a[href*="/cancel"]').count() == 0
        _fits(page)
        _accessible(page)
        _shot(page, f"read-only-{language}-{width}")
    finally:
        context.close()


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 390)])
def test_an_organizer_sees_what_the_daily_allowance_held_back(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    with demo.app_context():
        message = enqueue(
            kind="registration.already_registered",
            to_address="flooded@example.org",
            subject="Already registered",
            body_text="t",
            body_html="<p>t</p>",
            language="en",
        )
        message.status = OutboxStatus.SUPPRESSED
        message.last_error = "Daily allowance reached: 5 requested messages sent to this address."
        db.session.commit()
        message_id = message.id
    context = browser.new_context(viewport=SIZES[width], locale=language)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/login?lang={language}")
        page.get_by_label(_t(demo, language, "E-mail")).fill("organizer@demo.example")
        page.get_by_label(_t(demo, language, "Password")).fill(DEMO_PASSWORD)
        page.get_by_role("button", name=_t(demo, language, "Log in")).click()
        page.wait_for_url(re.compile(r"/staff/$"))

        page.goto(f"{live_server.url}/staff/outbox?status=suppressed&lang={language}")
        main = page.locator("main").inner_text()
        assert _t(demo, language, "Not sent: daily limit") in main
        assert "flooded@example.org" in main
        _fits(page)
        _shot(page, f"outbox-suppressed-{language}-{width}")

        page.goto(f"{live_server.url}/staff/outbox/{message_id}?lang={language}")
        page.get_by_role("button", name=_t(demo, language, "Send again")).click()
        page.wait_for_load_state()
        with demo.app_context():
            assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.PENDING

        page.goto(f"{live_server.url}/staff/series/{WEBINAR}/edit?lang={language}")
        box = page.get_by_label(_t(demo, language, "Verify e-mail addresses"))
        assert box.is_checked()
        box.scroll_into_view_if_needed()
        _fits(page)
        page.screenshot(path=str(SHOTS / f"series-form-{language}-{width}.png"))
    finally:
        context.close()
