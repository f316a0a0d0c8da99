"""Issue 12 journeys (items 4 and 5), CSRF on, in Chromium: an admin without a second factor
is sent to set it up, keeps the recovery codes, logs in again with one, and logs out
everywhere, which ends a session open on another computer; a focal point sets the second
factor up in Spanish on a phone. Screenshots in /tmp/shots-t12b/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask

from webinars.accounts.models import StaffRole
from webinars.extensions import db

from .. import factories
from ..conftest import LiveServer, make_test_app

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-t12b")


@pytest.fixture
def strict_server(app: Flask, database_url: str) -> Iterator[LiveServer]:
    """As in production: CSRF on, admins must have a second factor."""
    server_app = make_test_app(
        database_url, WTF_CSRF_ENABLED=True, ADMIN_SECOND_FACTOR_REQUIRED=True
    )
    with LiveServer(server_app) as server:
        yield server


def _page(browser: Any, width: int, language: str) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="es-CR" if language == "es" else "en-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _recovery_codes(page: Any) -> list[str]:
    """The codes the page just loaded shows: `all_inner_texts` does not wait for a navigation,
    so it could read the form the click leaves (as it did once in CI)."""
    codes = page.locator("#recovery-codes code")
    codes.first.wait_for()
    return codes.all_inner_texts()


def _log_in(page: Any, base: str, email: str, language: str) -> None:
    page.goto(f"{base}/login?lang={language}")
    page.locator("#email").fill(email)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 390)])
def test_an_admin_sets_up_the_second_factor_and_logs_out_everywhere(
    app: Flask, strict_server: LiveServer, browser: Any, language: str, width: int
) -> None:
    base = strict_server.url
    with app.app_context():
        email = factories.make_user(StaffRole.ADMIN, name="Admin").email
        db.session.commit()
    page = _page(browser, width, language)
    _log_in(page, base, email, language)
    page.wait_for_url(re.compile(r"/account/two-factor$"))
    # Every staff page sends the admin back here until the second factor is on.
    page.goto(f"{base}/staff/")
    page.wait_for_url(re.compile(r"/account/two-factor$"))
    _shot(page, f"setup-{language}-{width}")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("main button[type=submit]").click()
    codes = _recovery_codes(page)
    assert len(codes) == 10
    _shot(page, f"recovery-codes-{language}-{width}")
    page.locator("main a.button").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    # Another computer logs in with the password and a recovery code.
    other = _page(browser, 1280, language)
    _log_in(other, base, email, language)
    other.wait_for_url(re.compile(r"/login/two-factor$"))
    _shot(other, f"two-factor-{language}")
    other.locator("#code").fill(codes[0])
    other.locator("main button[type=submit]").click()
    other.wait_for_url(re.compile(r"/staff/$"))

    # Log out everywhere from the first: the other computer's session ends too.
    page.goto(f"{base}/account")
    assert "9" in page.locator("#second-factor-state").inner_text()
    _shot(page, f"account-{language}-{width}")
    page.locator("form[action$='/account/logout-everywhere'] button").click()
    page.wait_for_url(re.compile(r"/login$"))
    other.goto(f"{base}/staff/")
    other.wait_for_url(re.compile(r"/login\?next="))
    other.context.close()
    page.context.close()


def test_a_focal_point_turns_the_second_factor_on_in_spanish_on_a_phone(
    app: Flask, strict_server: LiveServer, browser: Any
) -> None:
    base = strict_server.url
    with app.app_context():
        email = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR").email
        db.session.commit()
    page = _page(browser, 390, "es")
    _log_in(page, base, email, "es")
    page.wait_for_url(re.compile(r"/staff/$"))  # not required for focal points
    page.get_by_role("link", name="Su cuenta").click()
    assert "Desactivado" in page.locator("#second-factor-state").inner_text()
    _shot(page, "account-off-es-390")
    page.get_by_role("link", name="Configurar el segundo factor").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#code").fill("000000")
    page.locator("main button[type=submit]").click()
    page.locator(".field-error").first.wait_for()
    assert "Este código no es válido" in page.locator("main").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("main button[type=submit]").click()
    assert len(_recovery_codes(page)) == 10
    page.goto(f"{base}/account")
    assert "Activado" in page.locator("#second-factor-state").inner_text()
    page.context.close()
