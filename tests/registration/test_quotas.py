"""The quota matrix page, its CSV, and the reminders to the focal points (page and CLI)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.delegation_reminders import KIND, remind_by_country
from webinars.registration.services import RegistrationClosed
from webinars.series.models import ApprovalMode, Series, SeriesStatus

from .. import factories
from ..conftest import AuthActions
from ..factories import registration_data
from ..helpers import detached


@dataclass(frozen=True)
class World:
    slug: str
    users: dict[str, str]


def _register(series: Series, mode: ApprovalMode, **fields: Any) -> None:
    series.approval_mode = mode
    services.register(series, registration_data(**fields))


@pytest.fixture
def world(app: Flask) -> World:
    """Targets per country: 2 prosecutors, 1 investigator (at most 2), and no target for analysts.

    Costa Rica: 2 prosecutors and 1 investigator confirmed (every target met), 1 "other".
    Mexico: 1 prosecutor confirmed and 1 pending; 2 investigators confirmed, a third waitlisted.
    United States: 1 prosecutor pending. An observer organization: 1 confirmed.
    """
    with app.app_context():
        series = factories.open_series(slug="smuggling", title_en="Smuggling", title_es="Tráfico")
        factories.make_profile(
            series, code="prosecutor", label_en="Prosecutors", label_es="Fiscales", position=1
        )
        factories.make_profile(
            series,
            code="investigator",
            label_en="Investigators",
            label_es="Investigadores",
            min_per_country=1,
            max_per_country=2,
            position=2,
        )
        factories.make_profile(
            series,
            code="analyst",
            label_en="Analysts",
            label_es="Analistas",
            min_per_country=0,
            position=3,
        )
        db.session.refresh(series)
        auto, approval = ApprovalMode.AUTOMATIC, ApprovalMode.ORGANIZER
        for profile in ("prosecutor", "prosecutor", "investigator", "other"):
            _register(series, auto, country_code="CR", profile_code=profile)
        _register(series, auto, country_code="MX", profile_code="prosecutor")
        _register(series, approval, country_code="MX", profile_code="prosecutor")
        for _ in range(3):
            _register(series, auto, country_code="MX", profile_code="investigator")
        _register(series, approval, country_code="US", profile_code="prosecutor")
        _register(series, auto, country_code=None, observer_organization="IOM")
        series.approval_mode = ApprovalMode.FOCAL_POINT
        other = factories.open_series(slug="elsewhere")
        users = {
            "focal_point": factories.make_user(StaffRole.FOCAL_POINT, country_code="MX").email,
            "facilitator_other": factories.make_user(StaffRole.FACILITATOR, series=[other]).email,
            "facilitator": factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
            "organizer": factories.make_user(StaffRole.ORGANIZER).email,
            "admin": factories.make_user(StaffRole.ADMIN).email,
        }
        db.session.commit()
        return World(slug=series.slug, users=users)


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def _text(html: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return text.replace(" :", ":")


def _row(html: str, code: str) -> list[str]:
    """The texts of the header and data cells of one country's row."""
    match = re.search(rf'<tr id="country-{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match is not None, code
    return [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def _cell_classes(html: str, code: str) -> list[str]:
    match = re.search(rf'<tr id="country-{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match is not None
    return re.findall(r'<td class="quota-cell ?([^"]*)"', match.group(1))


def _outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        return detached(
            list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))
        )


def _reminders(app: Flask) -> list[OutboxMessage]:
    return [m for m in _outbox(app) if m.kind == KIND]


# --- access ---------------------------------------------------------------------------------

ACCESS = {
    "focal_point": 200,
    "facilitator_other": 403,
    "facilitator": 200,
    "organizer": 200,
    "admin": 200,
}
PAGES = ("quotas", "quotas.csv")


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client: FlaskClient, world: World, page: str
) -> None:
    response = client.get(f"/staff/series/{world.slug}/{page}")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("visitor", "expected"), ACCESS.items())
def test_who_may_see_the_quotas(
    app: Flask, world: World, page: str, visitor: str, expected: int
) -> None:
    client = _client(app, world.users[visitor])
    assert client.get(f"/staff/series/{world.slug}/{page}").status_code == expected


def test_focal_points_do_not_see_a_draft_series(app: Flask, world: World) -> None:
    with app.app_context():
        factories.make_series(slug="draft", status=SeriesStatus.DRAFT)
        db.session.commit()
    client = _client(app, world.users["focal_point"])
    assert client.get("/staff/series/draft/quotas").status_code == 403
    assert client.get("/staff/series/draft/quotas.csv").status_code == 403


# --- the page -------------------------------------------------------------------------------


def test_the_matrix_shows_confirmed_against_minimum_with_markers(app: Flask, world: World) -> None:
    html = _client(app, world.users["organizer"]).get(f"/staff/series/{world.slug}/quotas").text
    assert "<caption>" in html and 'scope="row"' in html and 'scope="col"' in html
    # Costa Rica: every target met.
    cr = _row(html, "CR")
    assert cr[0] == "Costa Rica ✓ every target met"
    assert cr[1] == "2 / 2 ✓ met"
    assert cr[2] == "1 / 1 ✓ met"
    assert cr[3] == "0 no target"
    assert cr[4] == "1"  # other
    assert cr[5] == "4"  # total
    assert _cell_classes(html, "CR")[:3] == ["quota-met", "quota-met", "quota-none"]
    # Mexico: one prosecutor short, a pending one; investigators met, a third waits.
    mx = _row(html, "MX")
    assert mx[0] == "Mexico ✗ 1 target not met"
    assert mx[1] == "1 / 2 ✗ 1 missing pending: 1"
    assert mx[2] == "2 / 1 ✓ met waiting list: 1"
    assert mx[5] == "3 pending: 1 · waiting list: 1"
    assert _cell_classes(html, "MX")[:2] == ["quota-missing", "quota-met"]
    # A country without any registration lacks everything.
    assert _row(html, "BZ")[1:3] == ["0 / 2 ✗ 2 missing", "0 / 1 ✗ 1 missing"]
    # Totals per column.
    footer = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S)
    assert footer is not None
    cells = [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", footer.group(1), re.S)]
    assert cells[1] == "3 1 of 11 countries met pending: 2"
    assert cells[2] == "3 2 of 11 countries met waiting list: 1"
    assert cells[4] == "1"
    assert cells[5] == "7 pending: 2 · waiting list: 1"


def test_the_page_lists_what_each_country_lacks_and_the_observers(app: Flask, world: World) -> None:
    text = _text(
        _client(app, world.users["organizer"]).get(f"/staff/series/{world.slug}/quotas").text
    )
    assert "Mexico: Prosecutors (1 missing)" in text
    assert "United States: Prosecutors (2 missing), Investigators (1 missing)" in text
    assert "Costa Rica:" not in text
    assert "Observer organizations" in text and "Confirmed: 1" in text
    assert "Remind the focal points" in text


def test_focal_point_sees_only_their_country(app: Flask, world: World) -> None:
    html = _client(app, world.users["focal_point"]).get(f"/staff/series/{world.slug}/quotas").text
    assert re.findall(r'<tr id="country-(\w\w)"', html) == ["MX"]
    text = _text(html)
    assert "Mexico: Prosecutors (1 missing)" in text
    assert "United States" not in text and "Costa Rica" not in text
    assert "Observer organizations" not in text
    assert "Remind the focal points" not in text
    assert "<tfoot>" not in html


def test_the_page_is_in_spanish_too(app: Flask, world: World) -> None:
    client = _client(app, world.users["organizer"])
    html = client.get(f"/staff/series/{world.slug}/quotas?lang=es").text
    assert "Fiscales" in html and "México" in html


# --- CSV ------------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    assert response.data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_csv_download(app: Flask, world: World) -> None:
    response = _client(app, world.users["organizer"]).get(f"/staff/series/{world.slug}/quotas.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=quotas-{world.slug}.csv"
    )
    rows = _csv(response)
    header = rows[0]
    assert header[:6] == [
        "Country",
        "Prosecutors: confirmed",
        "Prosecutors: pending",
        "Prosecutors: waiting list",
        "Prosecutors: minimum",
        "Prosecutors: met",
    ]
    assert header[-6:] == [
        "Other: confirmed",
        "Other: pending",
        "Other: waiting list",
        "Total: confirmed",
        "Total: pending",
        "Total: waiting list",
    ]
    assert all(len(row) == len(header) for row in rows)
    by_country = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(by_country) == 12  # 11 countries and the totals
    mexico = by_country["Mexico"]
    assert [
        mexico[f"Prosecutors: {part}"] for part in ("confirmed", "pending", "minimum", "met")
    ] == [
        "1",
        "1",
        "2",
        "no",
    ]
    assert mexico["Investigators: waiting list"] == "1" and mexico["Investigators: met"] == "yes"
    assert by_country["Costa Rica"]["Other: confirmed"] == "1"
    assert rows[-1][0] == "Total"
    totals = by_country["Total"]
    assert totals["Prosecutors: confirmed"] == "3"
    assert totals["Prosecutors: minimum"] == "22"
    assert totals["Prosecutors: met"] == "1/11"
    assert totals["Total: confirmed"] == "7"


def test_csv_of_a_focal_point_has_their_row_only(app: Flask, world: World) -> None:
    rows = _csv(
        _client(app, world.users["focal_point"]).get(f"/staff/series/{world.slug}/quotas.csv")
    )
    assert [row[0] for row in rows[1:]] == ["Mexico", "Total"]


def test_csv_neutralises_formulas(app: Flask, world: World) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        factories.make_profile(series, code="evil", label_en='=HYPERLINK("http://x.example")')
        factories.make_profile(series, code="plus", label_en="+1 officer")
        factories.make_profile(series, code="at", label_en="@SUM(A1)")
        db.session.commit()
    response = _client(app, world.users["organizer"]).get(f"/staff/series/{world.slug}/quotas.csv")
    header = _csv(response)[0]
    assert '\'=HYPERLINK("http://x.example"): confirmed' in header
    assert "'+1 officer: minimum" in header
    assert "'@SUM(A1): met" in header
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header)


# --- reminders ------------------------------------------------------------------------------


@pytest.fixture
def focal_points(app: Flask, world: World) -> dict[str, str]:
    """Focal points of complete and lacking countries, an inactive one, a country with none."""
    with app.app_context():
        emails = {
            "cr": factories.make_user(StaffRole.FOCAL_POINT, country_code="CR").email,
            "mx2": factories.make_user(
                StaffRole.FOCAL_POINT, country_code="MX", name="Rosa Díaz"
            ).email,
            "us": factories.make_user(StaffRole.FOCAL_POINT, country_code="US").email,
            "bz_inactive": factories.make_user(
                StaffRole.FOCAL_POINT, country_code="BZ", active=False
            ).email,
        }
        db.session.commit()
    return {"mx": world.users["focal_point"], **emails}


def test_reminders_go_to_the_focal_points_of_lacking_countries_in_their_language(
    app: Flask, world: World, focal_points: dict[str, str]
) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        messages = [m for reminder in remind_by_country(series) for m in reminder.messages]
        db.session.commit()
        assert {m.to_address for m in messages} == {
            focal_points["mx"],
            focal_points["mx2"],
            focal_points["us"],
        }
    by_address = {m.to_address: m for m in _reminders(app)}
    assert set(by_address) == {focal_points["mx"], focal_points["mx2"], focal_points["us"]}
    mexico = by_address[focal_points["mx2"]]
    assert mexico.language == "es" and mexico.series_id is not None
    # Country, series and profile names in Spanish (the sentences follow the Spanish catalog).
    assert "México" in mexico.subject and "Tráfico" in mexico.subject
    assert "Rosa Díaz" in mexico.body_text
    assert "Fiscales" in mexico.body_text and "Investigadores" not in mexico.body_text
    assert f"/series/{world.slug}/register?lang=es" in mexico.body_text
    assert f"/staff/series/{world.slug}/quotas" in mexico.body_text
    assert f"/series/{world.slug}/register" in mexico.body_html
    us = by_address[focal_points["us"]]
    assert us.language == "en"
    assert "United States" in us.subject and "Smuggling" in us.subject
    assert "Prosecutors: 0 confirmed of at least 2 (2 missing)" in us.body_text
    assert "Investigators: 0 confirmed of at least 1 (1 missing)" in us.body_text
    assert "Analysts" not in us.body_text
    assert f"/series/{world.slug}/register?lang=en" in us.body_text
    assert "1 registration of your country awaits your approval." in us.body_text
    assert "1 registration of your country awaits your approval." in us.body_html


def test_no_reminder_when_every_country_has_met_its_targets(app: Flask) -> None:
    with app.app_context():
        series = factories.open_series(slug="no-targets")
        factories.make_profile(series, code="any", min_per_country=0)
        factories.make_user(StaffRole.FOCAL_POINT, country_code="GT")
        db.session.refresh(series)
        assert remind_by_country(series) == []


def test_no_reminder_while_registration_is_closed(app: Flask, world: World) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        series.registration_closes_at = datetime(2021, 1, 1, tzinfo=UTC)
        with pytest.raises(RegistrationClosed):
            remind_by_country(series)


def test_organizer_sends_reminders_from_the_page(
    app: Flask, world: World, focal_points: dict[str, str]
) -> None:
    client = _client(app, world.users["organizer"])
    response = client.post(f"/staff/series/{world.slug}/quotas/remind")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/series/{world.slug}/quotas"
    page = _text(client.get(response.headers["Location"]).text)
    assert "3 reminders queued." in page
    # Belize's only focal point is inactive; most countries have none at all.
    assert "No active focal point to remind for:" in page and "Belize" in page
    assert len(_reminders(app)) == 3


@pytest.mark.parametrize("visitor", ["focal_point", "facilitator", "facilitator_other"])
def test_only_organizers_send_reminders(app: Flask, world: World, visitor: str) -> None:
    client = _client(app, world.users[visitor])
    assert client.post(f"/staff/series/{world.slug}/quotas/remind").status_code == 403
    assert _reminders(app) == []


def test_reminders_from_the_page_are_refused_while_registration_is_closed(
    app: Flask, world: World
) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        series.registration_closes_at = datetime(2021, 1, 1, tzinfo=UTC)
        db.session.commit()
    client = _client(app, world.users["organizer"])
    page = client.get(f"/staff/series/{world.slug}/quotas").text
    assert "Remind the focal points" not in page
    response = client.post(f"/staff/series/{world.slug}/quotas/remind", follow_redirects=True)
    assert "Registration for this series is not open." in response.text
    assert _reminders(app) == []


def test_cli_remind(
    app: Flask, runner: FlaskCliRunner, world: World, focal_points: dict[str, str]
) -> None:
    result = runner.invoke(args=["quotas", "remind", world.slug])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    mexico = next(line for line in lines if line.startswith("Mexico"))
    assert "1 Prosecutors" in mexico and "2 queued" in mexico
    assert focal_points["mx"] in mexico and focal_points["mx2"] in mexico
    assert any(line.startswith("Belize") and "no active focal point" in line for line in lines)
    assert not any(line.startswith("Costa Rica") for line in lines)
    assert lines[-1] == f"{world.slug}: 3 reminder(s) queued for 10 country(ies)."
    assert {m.to_address for m in _reminders(app)} == {
        focal_points["mx"],
        focal_points["mx2"],
        focal_points["us"],
    }


def test_cli_unknown_slug_fails(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["quotas", "remind", "no-such-series"])
    assert result.exit_code != 0
    assert "No series with the address (slug) 'no-such-series'." in result.output
    assert _reminders(app) == []


def test_cli_closed_registration_fails(app: Flask, runner: FlaskCliRunner, world: World) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        series.status = SeriesStatus.CLOSED
        db.session.commit()
    result = runner.invoke(args=["quotas", "remind", world.slug])
    assert result.exit_code != 0
    assert "not open" in result.output
    assert _reminders(app) == []
