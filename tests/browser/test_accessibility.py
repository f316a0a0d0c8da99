"""axe-core on the public pages, the registration form, a registrant's page and the login page.

Each page is checked as a phone shows it and as a desktop shows it (layout rules such as
scrollable regions depend on the width). A page fails on any serious or critical finding:
violations, and also the findings axe leaves "to review" for a rule other than colour contrast
(axe cannot always tell a contrast when backgrounds overlap, but an ARIA attribute that is not
allowed on its element, which it files there, is a real fault).

axe is injected by Playwright's `evaluate`, which a Content-Security-Policy does not block.
The pages only read the demo (one registration is added), so the demo is loaded and served once
for the module rather than once per page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.demo.loader import load_demo
from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.registration.tokens import public_token, verification_token

from ..conftest import LiveServer, _delete_test_rows, make_test_app

pytestmark = pytest.mark.browser

WEBINAR = "fraudulent-documents-webinar"
#: A past series with agendas, roles and partners: the fullest programme of the demo.
PAST_SERIES = "migrant-smuggling-exchange-2020"
#: Registered in the demo webinar, confirmed, with a profile and sessions to change.
DEMO_REGISTRANT = "official1@demo.example"

BLOCKING = {"serious", "critical"}
#: axe's default rules (WCAG 2.0-2.2 A and AA, best practices) plus the WCAG 2.2 AA target
#: size, which axe leaves off by default; nodes listed in full for violations and reviews.
AXE_OPTIONS = {
    "resultTypes": ["violations", "incomplete"],
    "rules": {"target-size": {"enabled": True}},
}
#: Widths of a phone and of a desktop screen, in CSS pixels.
WIDTHS = (390, 1280)

_axe = Axe()


@pytest.fixture(scope="module")
def site(database_url: str) -> Iterator[LiveServer]:
    """The demo, served with CSRF on as in production; its rows are deleted at the end."""
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            load_demo()
            db.session.commit()
        with LiveServer(app) as server:
            yield server
    finally:
        _delete_test_rows(app)


def _findings(results: dict[str, Any]) -> list[str]:
    """The serious and critical findings, one readable line each."""
    found = [("violation", rule) for rule in results["violations"]]
    found += [
        ("to review", rule) for rule in results["incomplete"] if rule["id"] != "color-contrast"
    ]
    return [
        f"{kind}: {rule['id']} ({rule['impact']}) {rule['help']}: "
        + ", ".join(" ".join(node["target"]) for node in rule["nodes"])
        for kind, rule in found
        if rule["impact"] in BLOCKING
    ]


def _text(app: Flask, language: str, message: str) -> str:
    with app.app_context(), force_locale(language):
        return gettext(message)


def _fill_registration(page: Any, app: Flask, language: str, email: str) -> None:
    """Fill the registration form of the demo webinar for an official of Costa Rica."""

    def label(text: str) -> Any:
        return page.get_by_label(_text(app, language, text), exact=True)

    label("First name").fill("Mariela")
    label("Last name").fill("Solís Mora")
    label("E-mail").fill(email)
    label("Country").select_option(label="Costa Rica")
    label("Institution").fill("Dirección General de Migración y Extranjería")
    label("Position").fill("Jefa de la Unidad de Control Migratorio")
    page.locator('input[name="profile"]').first.check()
    label("I have read the privacy notice").check()


def _submit_registration(page: Any, app: Flask, language: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=_text(app, language, "Register"), exact=True).click()


# --- how to reach each page ---------------------------------------------------------------------


def _home(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/?lang=en")


def _series_en(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/series/{WEBINAR}?lang=en")
    assert page.get_by_role("link", name="Register", exact=True).is_visible()


def _series_es(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/series/{WEBINAR}?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"


def _past_series_es(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/series/{PAST_SERIES}?lang=es&tz=MX")
    assert page.locator("ol.agenda").count() > 0


def _register(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/series/{WEBINAR}/register?lang=en")


def _register_with_errors(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/series/{WEBINAR}/register?lang=en")
    _submit_registration(page, app, "en")
    assert page.locator('[aria-invalid="true"]').count() >= 5


def _verify_es(page: Any, base: str, app: Flask) -> None:
    """The page of the link in the verification e-mail, before its button is pressed."""
    page.goto(f"{base}/series/{WEBINAR}/register?lang=es")
    _fill_registration(page, app, "es", "verificar@migracion.example.cr")
    _submit_registration(page, app, "es")
    page.wait_for_url(re.compile(rf"/series/{WEBINAR}/registered$"))
    with app.app_context():
        registration = db.session.scalars(
            db.select(Registration).filter_by(email="verificar@migracion.example.cr")
        ).one()
        token = verification_token(registration)
    page.goto(f"{base}/verify/{token}")
    assert page.locator("main form button").is_visible()


def _registered_es(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/series/{WEBINAR}/register?lang=es")
    _fill_registration(page, app, "es", "mariela.solis@migracion.example.cr")
    _submit_registration(page, app, "es")
    page.wait_for_url(re.compile(rf"/series/{WEBINAR}/registered$"))


def _manage(page: Any, base: str, app: Flask) -> None:
    with app.app_context():
        registration = db.session.scalars(
            db.select(Registration).filter_by(email=DEMO_REGISTRANT)
        ).one()
        token = public_token(registration)
    page.goto(f"{base}/r/{token}?lang=en")
    assert page.locator("form.registration-form").is_visible()


def _login(page: Any, base: str, app: Flask) -> None:
    page.goto(f"{base}/login?lang=en")


PAGES: list[Any] = [
    pytest.param(_home, id="home"),
    pytest.param(_series_en, id="series-en"),
    pytest.param(_series_es, id="series-es"),
    pytest.param(_past_series_es, id="past-series-with-agenda-es"),
    pytest.param(_register, id="registration-form"),
    pytest.param(_register_with_errors, id="registration-form-with-errors"),
    pytest.param(_verify_es, id="verify-address-es"),
    pytest.param(_registered_es, id="registered-es"),
    pytest.param(_manage, id="manage"),
    pytest.param(_login, id="login"),
]


@pytest.mark.parametrize("reach", PAGES)
def test_no_serious_or_critical_accessibility_finding(
    site: LiveServer, page: Any, reach: Callable[[Any, str, Flask], None]
) -> None:
    reach(page, site.url, site.app)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = _axe.run(page, options=AXE_OPTIONS).response
        assert results["passes"], "axe ran no check"
        problems += [f"{width}px {finding}" for finding in _findings(results)]
    assert not problems, f"{page.url}\n" + "\n".join(problems)
