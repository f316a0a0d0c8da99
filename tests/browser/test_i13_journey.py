"""An organizer reads, before delivery, the e-mails a registration queued: the outbox lists
them with their subjects, the message page shows the full text and the HTML preview, and the
`.eml` downloads; all rendered on demand from rows that hold no text yet (deferred). Spanish
and English, phone and laptop."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services

from .. import factories

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-i13")
SIZES = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
PASSWORD = "a long organizer password"


def _t(app: Flask, language: str, message: str) -> str:
    with app.app_context(), force_locale(language):
        return gettext(message)


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("es", 390), ("es", 1280), ("en", 390)]
)
def test_organizer_reads_a_deferred_invitation_before_delivery(
    app: Flask, live_server: Any, browser: Any, language: str, width: int
) -> None:
    with app.app_context():
        series = factories.open_series(title_en="Border webinar", title_es="Webinario de fronteras")
        services.register(
            series,
            factories.registration_data(first_name="Rosa", last_name="Díaz", language=language),
        )
        organizer = factories.make_user(StaffRole.ORGANIZER, password=PASSWORD)
        invitation = db.session.scalars(
            db.select(OutboxMessage).filter_by(kind="invitation.new").order_by(OutboxMessage.id)
        ).first()
        topic = series.sessions[0].t("topic", language)
        db.session.commit()
        message_id, email = invitation.id, organizer.email
    context = browser.new_context(viewport=SIZES[width], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/login?lang={language}")
        page.get_by_label(_t(app, language, "E-mail"), exact=True).fill(email)
        page.get_by_label(_t(app, language, "Password"), exact=True).fill(PASSWORD)
        page.get_by_role("button", name=_t(app, language, "Log in")).click()
        page.wait_for_url(re.compile(r"/staff/$"))

        page.goto(f"{live_server.url}/staff/outbox")
        row = page.locator(f"#message-{message_id}")
        assert topic in row.inner_text() and "Rosa Díaz" in row.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"outbox-{language}-{width}.png"), full_page=False)

        row.get_by_role("link").click()
        page.wait_for_url(re.compile(rf"/staff/outbox/{message_id}$"))
        text = page.locator("pre.wrapped-text").first.inner_text()
        assert "Rosa Díaz" in text and topic in text
        preview = page.frame_locator("iframe.email-preview")
        assert "Rosa" in preview.locator("body").inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        page.screenshot(path=str(SHOTS / f"message-{language}-{width}.png"), full_page=True)

        with page.expect_download() as download:
            page.get_by_role("link", name=_t(app, language, "Download as .eml")).click()
        data = Path(download.value.path()).read_bytes()
        parsed = message_from_bytes(data, policy=policy.SMTP)
        calendar = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
        assert calendar.get_param("method") == "REQUEST"
        assert "Rosa Díaz" in str(parsed["To"])
    finally:
        context.close()
