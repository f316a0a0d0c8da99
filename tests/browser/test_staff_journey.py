"""An organizer schedules sessions from a recurrence rule in the browser, CSRF on."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_organizer_adds_weekly_sessions_and_visitors_see_them(demo, live_server, page) -> None:
    page.goto(live_server.url + "/staff/")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("E-mail").fill("organizer@demo.example")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.goto(live_server.url + "/staff/series/fraudulent-documents-webinar/sessions/recurring")
    page.get_by_label("First date").fill("2031-03-03")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End time").fill("10:30")
    page.get_by_label("Repeat").select_option("weekly")
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_label("Topic in English").fill("Follow-up clinic {n}")
    page.get_by_label("Topic in Spanish").fill("Clínica de seguimiento {n}")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("main").inner_text()
    assert "March 17, 2031" in preview or "17 March 2031" in preview

    page.get_by_role("button", name="Create the sessions").click()
    page.wait_for_url(re.compile(r"/staff/series/fraudulent-documents-webinar$"))
    assert "Follow-up clinic 3" in page.locator("main").inner_text()

    page.goto(live_server.url + "/series/fraudulent-documents-webinar?lang=es")
    body = page.locator("main").inner_text()
    assert "Clínica de seguimiento 1" in body and "Clínica de seguimiento 3" in body
    assert "lunes, 17 de marzo de 2031" in body
    assert "09:00–10:30" in body
