"""An official registers in Spanish; a focal point logs in and approves. CSRF is on."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series

pytestmark = pytest.mark.browser

SLUG = "fraudulent-documents-webinar"


def _es(app: Flask, message: str) -> str:
    """The Spanish text of an interface string, as the catalog has it."""
    with app.app_context(), force_locale("es"):
        return gettext(message)


def _registration(app: Flask, email: str) -> Registration:
    with app.app_context():
        registration = db.session.scalars(db.select(Registration).filter_by(email=email)).one()
        db.session.expunge(registration)
        return registration


def _register_in_spanish(app: Flask, live_server: Any, page: Any, email: str) -> None:
    """From the series' page in Spanish to the thank-you page, as an official of Costa Rica."""
    page.goto(f"{live_server.url}/series/{SLUG}?lang=es")
    page.get_by_role("link", name=_es(app, "Register"), exact=True).click()
    page.wait_for_url(re.compile(rf"/series/{SLUG}/register"))
    assert page.locator("html").get_attribute("lang") == "es"
    form_text = page.locator("main").inner_text()
    assert "Webinario sobre identificación de personas migrantes" in form_text
    assert "Funcionarios a cargo del control migratorio" in form_text

    def label(text: str) -> Any:
        return page.get_by_label(_es(app, text), exact=True)

    label("First name").fill("Mariela")
    label("Last name").fill("Solís Mora")
    label("E-mail").fill(email)
    label("Country").select_option(label="Costa Rica")
    label("Institution").fill("Dirección General de Migración y Extranjería")
    label("Position").fill("Jefa de la Unidad de Control Migratorio")
    page.get_by_label("Funcionarios a cargo del control migratorio", exact=True).check()
    assert page.get_by_label("Español", exact=True).is_checked()
    label("I have read the privacy notice").check()
    page.get_by_role("button", name=_es(app, "Register"), exact=True).click()
    page.wait_for_url(re.compile(rf"/series/{SLUG}/registered$"))


def _set_approval_mode(app: Flask, mode: ApprovalMode) -> None:
    """The series' approval mode; addresses are not verified (tests/browser/
    test_t12a_journey.py follows the verification link)."""
    with app.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=SLUG)).one()
        series.approval_mode = mode
        series.verify_email = False
        db.session.commit()


def _manage_link(app: Flask, email: str) -> str:
    """The path of the private link in the e-mail the registrant got."""
    with app.app_context():
        message = db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.to_address == email, OutboxMessage.kind.like("registration.%"))
            .order_by(OutboxMessage.id)
        ).first()
        # A deferred message is rendered when read, from the registration as it is now.
        body = message.body_text if message is not None else None
    found = re.search(r"https?://[^/\s]+(/r/[A-Za-z0-9_.\-]+)", body or "")
    assert found, body
    return found.group(1)


def test_an_official_registers_in_spanish_and_sees_the_confirmation(
    demo: Flask, live_server: Any, page: Any
) -> None:
    _set_approval_mode(demo, ApprovalMode.AUTOMATIC)  # the demo leaves it to focal points
    _register_in_spanish(demo, live_server, page, "mariela.solis@migracion.example.cr")

    assert page.locator("html").get_attribute("lang") == "es"
    thanks = page.locator("main").inner_text()
    assert _es(demo, "Check your inbox") in thanks
    assert "Webinario sobre identificación de personas migrantes" in thanks
    # Nothing about the registration on this page: it goes to the address only.
    assert "mariela.solis@migracion.example.cr" not in thanks
    assert page.locator('a[href*="/r/"]').count() == 0

    registration = _registration(demo, "mariela.solis@migracion.example.cr")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert (registration.language, registration.country_code) == ("es", "CR")
    assert registration.timezone == "America/Costa_Rica"

    # The private page, from the link of the e-mail, in Spanish too.
    page.goto(live_server.url + _manage_link(demo, "mariela.solis@migracion.example.cr"))
    manage = page.locator("main").inner_text()
    assert _es(demo, "Your registration is confirmed.") in manage
    assert "Dirección General de Migración y Extranjería" in manage
    assert "Funcionarios a cargo del control migratorio" in manage


def test_the_focal_point_of_costa_rica_approves_a_registration(
    demo: Flask, live_server: Any, page: Any, browser: Any
) -> None:
    _set_approval_mode(demo, ApprovalMode.FOCAL_POINT)
    _register_in_spanish(demo, live_server, page, "esteban.rojas@migracion.example.cr")
    page.goto(live_server.url + _manage_link(demo, "esteban.rojas@migracion.example.cr"))
    assert _es(demo, "Pending approval") in page.locator("main").inner_text()
    registration = _registration(demo, "esteban.rojas@migracion.example.cr")
    assert registration.status == RegistrationStatus.PENDING

    # The focal point, on their own computer.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        staff = context.new_page()
        staff.set_default_timeout(10_000)
        staff.goto(f"{live_server.url}/login")
        staff.get_by_label("E-mail").fill("focal.cr@demo.example")
        staff.get_by_label("Password").fill("demo-password")
        staff.get_by_role("button", name="Log in").click()
        staff.wait_for_url(re.compile(r"/staff/$"))

        staff.goto(f"{live_server.url}/staff/series/{SLUG}/registrations")
        assert "esteban.rojas@migracion.example.cr" in staff.locator("main").inner_text()
        approve = staff.locator(
            f'form[action*="/registrations/{registration.id}/approve"]'
        ).get_by_role("button", name="Approve")
        with staff.expect_navigation():
            approve.click()
    finally:
        context.close()

    assert _registration(demo, "esteban.rojas@migracion.example.cr").status == (
        RegistrationStatus.CONFIRMED
    )
