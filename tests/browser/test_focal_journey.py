"""Issue 11, the focal point's day, in Chromium with CSRF on, in English and Spanish, on a phone
and on a computer: the pending count on the dashboard, the list of registrations (cards on a
phone, a table that fits on a computer), two registrations approved at once, a quota-matrix
cell that opens the registrations behind it; and the organizer's staff session page, whose
agenda is no longer squeezed into a column. Screenshots go to /tmp/shots-focal/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext, ngettext

from webinars.extensions import db
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import Series
from webinars.sessions.models import EventSession

from .. import factories
from .test_accessibility import AXE_OPTIONS, _axe, _findings
from .test_trust_journeys import PROFILE, WEBINAR, _log_in, _new_page

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-focal")
LIST = f"/staff/series/{WEBINAR}/registrations"
#: Officials of Costa Rica who register in the demo webinar and wait for the focal point.
NEWCOMERS = (("Marta", "Quesada Ávila"), ("Andrés", "Núñez Castro"))


@pytest.fixture
def waiting(demo: Flask) -> list[int]:
    """Two more officials of Costa Rica wait, beside the demo's own: three in all."""
    with demo.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=WEBINAR)).scalar_one()
        registrations = [
            services.register(
                series,
                factories.registration_data(
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}@migracion.example.cr",
                    country_code="CR",
                    profile_code=PROFILE,
                    institution="Dirección General de Migración y Extranjería",
                    position="Jefatura de control migratorio",
                ),
            )
            for first, last in NEWCOMERS
        ]
        # The demo series verifies addresses: they followed the link of their e-mail.
        for registration in registrations:
            services.verify_address(registration)
        ids = [r.id for r in registrations]
        db.session.commit()
        return ids


def _text(app: Flask, language: str, message: str, plural: str = "", **params: Any) -> str:
    """An interface string in `language`; with `plural`, the form for `num`."""
    with app.app_context(), force_locale(language):
        if plural:
            return ngettext(message, plural, params.pop("num"), **params)
        return gettext(message, **params)


def _no_blocking_axe_finding(page: Any) -> None:
    results = _axe.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe ran no check"
    assert not _findings(results), f"{page.url}\n" + "\n".join(_findings(results))


def _status(app: Flask, registration_id: int) -> RegistrationStatus:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


@pytest.mark.parametrize(
    ("language", "width"), [("en", 390), ("es", 390), ("en", 1280), ("es", 1280)]
)
def test_the_focal_point_sees_what_waits_and_approves_two_at_once(
    demo: Flask, live_server: Any, browser: Any, waiting: list[int], language: str, width: int
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = _new_page(browser, viewport={"width": width, "height": 900})
    try:
        _log_in(page, live_server.url, "focal.cr@demo.example", "/staff/")
        page.goto(f"{live_server.url}/staff/?lang={language}")
        t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731

        # The dashboard says what waits, and where.
        box = page.locator(".waiting-approval")
        heading = t(
            "%(num)d registration of %(country)s waits for your approval",
            "%(num)d registrations of %(country)s wait for your approval",
            num=3,
            country="Costa Rica",
        )
        assert box.get_by_role("heading").inner_text() == heading
        _no_blocking_axe_finding(page)
        page.screenshot(path=SHOTS / f"dashboard-{language}-{width}.png", full_page=True)
        box.get_by_role("link").first.click()
        page.wait_for_url(re.compile(re.escape(LIST) + r"\?status=pending$"))

        # The list: cards on a phone, a table that fits the page on a computer.
        rows = page.locator("table.registrations tbody tr")
        assert rows.count() == 3
        wrap = page.locator(".registrations-wrap")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table overflows"
        first = rows.first.bounding_box()
        approve = rows.first.get_by_role("button", name=re.compile(t("Approve"))).bounding_box()
        assert approve is not None and first is not None
        assert approve["x"] + approve["width"] <= width  # no scrolling sideways to approve
        if width == 390:
            # A card: the name and the approve button one above the other, both in view.
            assert rows.nth(1).bounding_box()["y"] >= first["y"] + first["height"]
            assert page.locator("table.registrations thead").bounding_box()["height"] <= 1
        page.screenshot(path=SHOTS / f"list-{language}-{width}.png", full_page=True)
        _no_blocking_axe_finding(page)

        # Two at once.
        for registration_id in waiting:
            page.locator(f"#tick-{registration_id}").check()
        with page.expect_navigation(url=re.compile(re.escape(LIST) + r"\?status=pending$")):
            page.get_by_role("button", name=t("Approve the ticked")).click()
        names = ", ".join(f"{first} {last}" for first, last in NEWCOMERS)
        assert page.locator(".flash-success").inner_text() == t(
            "%(num)d registration confirmed: %(names)s.",
            "%(num)d registrations confirmed: %(names)s.",
            num=2,
            names=names,
        )
        assert page.locator("table.registrations tbody tr").count() == 1
        assert all(_status(demo, i) == RegistrationStatus.CONFIRMED for i in waiting)
        page.screenshot(path=SHOTS / f"approved-{language}-{width}.png", full_page=True)

        # A cell of the quota matrix opens the registrations behind it.
        page.goto(f"{live_server.url}/staff/series/{WEBINAR}/quotas")
        page.locator(f'#country-CR td.quota-cell a[href$="?profile={PROFILE}"]').click()
        page.wait_for_url(re.compile(re.escape(LIST) + rf"\?profile={PROFILE}$"))
        listed = page.locator("table.registrations tbody tr")
        assert listed.count() >= 2
        assert page.locator("#profile").input_value() == PROFILE
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("language", "width"), [("en", 390), ("es", 390), ("en", 1280), ("es", 1280)]
)
def test_rejecting_several_asks_for_confirmation_and_a_reason(
    demo: Flask, live_server: Any, browser: Any, waiting: list[int], language: str, width: int
) -> None:
    page = _new_page(browser, viewport={"width": width, "height": 900})
    try:
        _log_in(page, live_server.url, "focal.cr@demo.example", LIST)
        page.goto(f"{live_server.url}{LIST}?lang={language}&status=pending")
        t = lambda *messages, **params: _text(demo, language, *messages, **params)  # noqa: E731
        for registration_id in waiting:
            page.locator(f"#tick-{registration_id}").check()
        page.get_by_role("button", name=t("Reject the ticked…")).click()
        page.get_by_role(
            "heading",
            name=t("Reject %(num)d registration?", "Reject %(num)d registrations?", num=2),
        ).wait_for()
        assert all(_status(demo, i) == RegistrationStatus.PENDING for i in waiting)
        _no_blocking_axe_finding(page)
        page.screenshot(path=SHOTS / f"reject-{language}-{width}.png", full_page=True)
        page.get_by_label(t("Reason (optional)")).fill("Duplicate delegation")
        with page.expect_navigation(url=re.compile(re.escape(LIST))):
            page.get_by_role(
                "button",
                name=t("Reject %(num)d registration", "Reject %(num)d registrations", num=2),
            ).click()
        assert all(_status(demo, i) == RegistrationStatus.REJECTED for i in waiting)
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("language", "width"), [("en", 390), ("es", 390), ("en", 1280), ("es", 1280)]
)
def test_the_staff_agenda_reads_as_full_width_cards(
    demo: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    with demo.app_context():
        sitting = db.session.scalars(
            db.select(EventSession)
            .join(EventSession.series)
            .where(Series.slug == WEBINAR)
            .order_by(EventSession.start_at)
        ).first()
        path = f"/staff/series/{WEBINAR}/sessions/{sitting.id}"
    page = _new_page(browser, viewport={"width": width, "height": 900})
    try:
        _log_in(page, live_server.url, "organizer@demo.example", path)
        page.goto(f"{live_server.url}{path}?lang={language}")
        items = page.locator(".staff-agenda-item")
        assert items.count() >= 2
        for i in range(items.count()):
            item = items.nth(i).bounding_box()
            for part in (".staff-agenda-head", ".staff-agenda-titles", ".actions"):
                box = items.nth(i).locator(part).first.bounding_box()
                # Each part spans the card, not a narrow first column of it.
                assert box["width"] >= item["width"] * 0.8, (i, part, box, item)
        _no_blocking_axe_finding(page)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"session-{language}-{width}.png", full_page=True)
    finally:
        page.context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_organizer_s_list_fits_a_computer_screen(
    demo: Flask, live_server: Any, browser: Any, language: str
) -> None:
    """Every registration of the series, with the organizer's four actions, in 1,280 px."""
    page = _new_page(browser, viewport={"width": 1280, "height": 900})
    try:
        _log_in(page, live_server.url, "organizer@demo.example", LIST)
        page.goto(f"{live_server.url}{LIST}?lang={language}")
        assert page.locator("table.registrations tbody tr").count() >= 10
        wrap = page.locator(".registrations-wrap")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table overflows"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"organizer-list-{language}-1280.png", full_page=True)
    finally:
        page.context.close()
