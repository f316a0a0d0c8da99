"""Browser journeys through the public pages, in headless Chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_spanish_visitor_finds_the_four_sessions_and_their_agenda(demo, live_server, page) -> None:
    page.set_extra_http_headers({"Accept-Language": "es-CR,es;q=0.9"})
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"

    page.get_by_role("link", name=re.compile("Intercambio Técnico Regional")).first.click()
    page.wait_for_url(re.compile(r"/series/migrant-smuggling-exchange-2020"))

    sessions = page.locator("article.session")
    assert sessions.count() == 4
    body = page.locator("main").inner_text()
    for topic in (
        "Técnicas de investigación",
        "Cooperación judicial transfronteriza",
        "Prevención y combate",
        "COVID-19",
    ):
        assert topic in body
    # The agenda of the first day, in the series' zone (Costa Rica).
    first = sessions.first.inner_text()
    assert "09:00" in first and "09:30" in first and "10:15" in first and "11:00" in first
    assert "martes, 8 de septiembre de 2020" in first
    # Closing remarks of the last day at 10:45.
    last = sessions.last.inner_text()
    assert "10:45" in last
