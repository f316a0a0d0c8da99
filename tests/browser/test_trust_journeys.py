"""Issue 6 journeys, CSRF on: an organizer builds and publishes a series; an official registers
in Spanish in a series approved by focal points; the focal point of their country approves.

(A facilitator importing attendance and downloading the list is test_attendance_journey.py.)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.demo.loader import DEMO_PASSWORD
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token, verification_token
from webinars.series.models import ParticipantProfile, Series
from webinars.types import utcnow

from .. import factories

pytestmark = pytest.mark.browser

#: The demo webinar whose registrations the focal point of each country approves.
WEBINAR = "fraudulent-documents-webinar"
PROFILE = "immigration_control"


def _es(app: Flask, message: str, **params: Any) -> str:
    """The Spanish text of an interface string, as the catalog has it."""
    with app.app_context(), force_locale("es"):
        return gettext(message, **params)


def _log_in(page: Any, base_url: str, email: str, path: str) -> None:
    """Open a staff page, log in on the form it redirects to, and land back on that page."""
    page.goto(base_url + path)
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def _new_page(browser: Any, **context: Any) -> Any:
    """A page in a context of its own: another person, on another computer."""
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(10_000)
    return page


def _registration(app: Flask, email: str) -> Registration:
    with app.app_context():
        registration = db.session.scalars(db.select(Registration).filter_by(email=email)).one()
        db.session.expunge(registration)
        return registration


def _outbox(app: Flask, email: str) -> list[tuple[str, str]]:
    """(kind, language) of the messages queued for one address, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            db.select(OutboxMessage.kind, OutboxMessage.language)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]


def _title_en(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(db.select(Series.title_en).filter_by(slug=WEBINAR)).one()


def _profile_label_es(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(
            db.select(ParticipantProfile.label_es)
            .join(Series)
            .where(Series.slug == WEBINAR, ParticipantProfile.code == PROFILE)
        ).one()


# --- a. an organizer creates, schedules and publishes a series --------------------------------


def test_organizer_creates_a_series_with_weekly_sessions_and_publishes_it(
    demo: Flask, live_server: Any, browser: Any
) -> None:
    slug = "document-fraud-clinic"
    first_day = (utcnow() + timedelta(days=30)).date()
    organizer = _new_page(browser, viewport={"width": 1280, "height": 900})
    visitor = _new_page(browser, viewport={"width": 390, "height": 844})
    try:
        _log_in(organizer, live_server.url, "organizer@demo.example", "/staff/series/new")
        organizer.get_by_label("Address (slug)").fill(slug)
        organizer.get_by_label("Title in English").fill("Document fraud clinic")
        organizer.get_by_label("Title in Spanish").fill("Clínica sobre fraude documental")
        organizer.get_by_label("Time zone", exact=True).select_option("America/Costa_Rica")
        assert organizer.get_by_label("Status", exact=True).input_value() == "draft"
        organizer.get_by_role("button", name="Create the series").click()
        organizer.wait_for_url(re.compile(rf"/staff/series/{slug}$"))
        assert organizer.locator(".flash-success").inner_text() == "The series was created."

        organizer.get_by_role("link", name="Add sessions from a rule").click()
        organizer.wait_for_url(re.compile(rf"/staff/series/{slug}/sessions/recurring$"))
        organizer.get_by_label("First date").fill(first_day.isoformat())
        organizer.get_by_label("Start time").fill("09:00")
        organizer.get_by_label("End time").fill("11:00")
        organizer.get_by_label("Repeat").select_option("weekly")
        organizer.get_by_label("Number of sessions").fill("3")
        organizer.get_by_label("Topic in English").fill("Clinic {n}")
        organizer.get_by_label("Topic in Spanish").fill("Clínica {n}")
        organizer.get_by_role("button", name="Preview").click()
        preview = organizer.locator("table tbody tr")
        preview.first.wait_for()
        assert [row.locator("td").nth(3).inner_text() for row in preview.all()] == [
            "Clinic 1",
            "Clinic 2",
            "Clinic 3",
        ]
        organizer.get_by_role("button", name="Create the sessions").click()
        organizer.wait_for_url(re.compile(rf"/staff/series/{slug}$"))
        assert organizer.locator(".flash-success").inner_text() == "3 sessions were added."

        # Scheduled but still a draft: nobody else sees it.
        assert visitor.goto(f"{live_server.url}/series/{slug}").status == 404
        visitor.goto(live_server.url + "/?lang=en")
        assert "Document fraud clinic" not in visitor.locator("main").inner_text()

        organizer.get_by_role("link", name="Edit the series").click()
        organizer.wait_for_url(re.compile(rf"/staff/series/{slug}/edit$"))
        organizer.get_by_label("Status", exact=True).select_option(label="Published")
        organizer.get_by_role("button", name="Save", exact=True).click()
        organizer.wait_for_url(re.compile(rf"/staff/series/{slug}$"))
        assert organizer.locator(".flash-success").inner_text() == "The series was saved."

        # Published: visitors find it among the upcoming series, with its three sessions.
        visitor.reload()
        card = visitor.locator("#upcoming .series-card", has_text="Document fraud clinic")
        assert "3 sessions" in card.inner_text()
        assert "Registration open" in card.inner_text()
        card.get_by_role("link", name="Document fraud clinic").click()
        visitor.wait_for_url(re.compile(rf"/series/{slug}$"))
        sessions = visitor.locator("article.session")
        assert sessions.count() == 3
        zone = ZoneInfo("America/Costa_Rica")
        for n in range(3):
            session = sessions.nth(n)
            assert f"Session {n + 1}: Clinic {n + 1}" in session.inner_text()
            assert "09:00–11:00" in session.inner_text()
            start = datetime.combine(first_day + timedelta(weeks=n), time(9), zone)
            assert session.locator("time").first.get_attribute("datetime") == (
                start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            )
        assert visitor.get_by_role("link", name="Register", exact=True).is_visible()

        visitor.goto(f"{live_server.url}/series/{slug}?lang=es")
        assert visitor.get_by_role("heading", level=1).inner_text() == (
            "Clínica sobre fraude documental"
        )
        programme = visitor.locator("#programme").inner_text()
        assert all(f"Clínica {n}" in programme for n in (1, 2, 3))
    finally:
        organizer.context.close()
        visitor.context.close()


# --- b. an official registers in Spanish; approval is the focal point's -----------------------


def test_an_official_registers_in_spanish_and_waits_for_the_focal_point(
    demo: Flask, live_server: Any, page: Any
) -> None:
    email = "gabriela.mora@migracion.example.cr"
    page.goto(f"{live_server.url}/series/{WEBINAR}?lang=es")
    page.get_by_role("link", name=_es(demo, "Register"), exact=True).click()
    page.wait_for_url(re.compile(rf"/series/{WEBINAR}/register"))
    assert page.locator("html").get_attribute("lang") == "es"

    def label(text: str) -> Any:
        return page.get_by_label(_es(demo, text), exact=True)

    label("First name").fill("Gabriela")
    label("Last name").fill("Mora Quesada")
    label("E-mail").fill(email)
    label("Country").select_option(label="Costa Rica")
    label("Institution").fill("Dirección General de Migración y Extranjería")
    label("Position").fill("Inspectora de migración")
    page.get_by_label(_profile_label_es(demo), exact=True).check()
    assert page.get_by_label("Español", exact=True).is_checked()
    label("I have read the privacy notice").check()
    page.get_by_role("button", name=_es(demo, "Register"), exact=True).click()
    page.wait_for_url(re.compile(rf"/series/{WEBINAR}/registered$"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert _es(demo, "Check your inbox") in page.locator("main").inner_text()

    # The demo series verifies addresses: the link of the first e-mail, then its button.
    assert _outbox(demo, email) == [("registration.verify", "es")]
    with demo.app_context():
        registration = db.session.scalars(db.select(Registration).filter_by(email=email)).one()
        page.goto(f"{live_server.url}/verify/{verification_token(registration)}")
    page.get_by_role("button", name=_es(demo, "Confirm my e-mail address")).click()
    page.wait_for_url(re.compile(r"/r/[^/]+$"))
    outcome = page.locator(".registration-outcome")
    assert "outcome-pending" in (outcome.get_attribute("class") or "")
    assert outcome.locator(".badge").inner_text() == _es(demo, "Pending approval")
    approver = _es(demo, "the national focal point of your country")
    waiting = _es(
        demo,
        "Your registration is waiting for approval by %(approver)s. We will write to you when"
        " they decide.",
        approver=approver,
    )
    assert waiting in outcome.inner_text()

    registration = _registration(demo, email)
    assert registration.status == RegistrationStatus.PENDING
    assert (registration.language, registration.country_code) == ("es", "CR")
    assert _outbox(demo, email) == [("registration.verify", "es"), ("registration.received", "es")]


# --- c. the focal point of that country approves ----------------------------------------------


@pytest.fixture
def pending(demo: Flask) -> tuple[int, str]:
    """A pending registration of an official of Costa Rica in the webinar: (id, manage token)."""
    with demo.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=WEBINAR)).one()
        registration = services.register(
            series,
            factories.registration_data(
                first_name="Esteban",
                last_name="Rojas Vega",
                email="esteban.rojas@migracion.example.cr",
                country_code="CR",
                profile_code=PROFILE,
            ),
        )
        services.verify_address(registration)
        db.session.commit()
        assert registration.status == RegistrationStatus.PENDING
        return registration.id, public_token(registration)


def test_the_focal_point_of_the_country_approves_and_the_official_is_told(
    demo: Flask, live_server: Any, browser: Any, pending: tuple[int, str]
) -> None:
    registration_id, token = pending
    email = "esteban.rojas@migracion.example.cr"
    registrations = f"/staff/series/{WEBINAR}/registrations"
    row_id = f"#registration-{registration_id}"

    # Mexico's focal point does not see an official of Costa Rica.
    mexico = _new_page(browser, viewport={"width": 1280, "height": 900})
    try:
        _log_in(mexico, live_server.url, "focal.mx@demo.example", registrations)
        assert mexico.locator("table.registrations").is_visible()
        assert mexico.locator(row_id).count() == 0
        assert email not in mexico.locator("main").inner_text()
    finally:
        mexico.context.close()

    focal = _new_page(browser, viewport={"width": 1280, "height": 900})
    try:
        _log_in(focal, live_server.url, "focal.cr@demo.example", "/staff/")
        focal.get_by_role("link", name=_title_en(demo), exact=True).click()
        focal.wait_for_url(re.compile(rf"/staff/series/{WEBINAR}$"))
        focal.get_by_role("link", name="Registrations", exact=True).click()
        focal.wait_for_url(re.compile(re.escape(registrations) + "$"))
        row = focal.locator(row_id)
        assert row.locator(".status-badge").inner_text() == "Pending"
        with focal.expect_navigation(url=re.compile(re.escape(registrations) + "$")):
            row.get_by_role("button", name="Approve Esteban Rojas Vega").click()
        assert focal.locator(".flash-success").inner_text() == "Esteban Rojas Vega is confirmed."
        assert focal.locator(row_id).locator(".status-badge").inner_text() == "Confirmed"
        assert focal.locator(row_id).get_by_role("button", name=re.compile("^Approve")).count() == 0
    finally:
        focal.context.close()

    assert _registration(demo, email).status == RegistrationStatus.CONFIRMED
    # The e-mail that says so is in the outbox (with the calendar invitations), in Spanish.
    outbox = _outbox(demo, email)
    assert [kind for kind, _ in outbox if kind.startswith("registration.")] == [
        "registration.verify",
        "registration.received",
        "registration.confirmed",
    ]
    assert {language for _, language in outbox} == {"es"}

    # The official opens the private link of the e-mail in a browser set to Spanish.
    official = _new_page(browser, viewport={"width": 390, "height": 844}, locale="es-CR")
    try:
        official.goto(f"{live_server.url}/r/{token}")
        assert official.locator("html").get_attribute("lang") == "es"
        status = official.locator(".registration-outcome")
        assert status.locator(".badge").inner_text() == _es(demo, "Confirmed")
        assert _es(demo, "Your registration is confirmed.") in status.inner_text()
    finally:
        official.context.close()
