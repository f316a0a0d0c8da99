"""The staff list of registrations: who sees which rows, filters, approve / reject / cancel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series, SeriesStatus

from .. import factories
from ..conftest import AuthActions
from ..factories import registration_data

S = RegistrationStatus


@dataclass(frozen=True)
class World:
    slug: str
    other_slug: str
    draft_slug: str
    users: dict[str, str]  # visitor -> e-mail
    regs: dict[str, int]  # name -> registration id
    other_reg: int  # a registration of the other series


def _register(series: Series, **fields: Any) -> Registration:
    return services.register(series, registration_data(**fields))


@pytest.fixture
def world(app: Flask) -> World:
    """A series approved by the focal points, with pending registrations from two countries."""
    with app.app_context():
        series = factories.open_series(slug="smuggling", approval_mode=ApprovalMode.FOCAL_POINT)
        prosecutor = factories.make_profile(series, code="prosecutor", label_en="Prosecutors")
        factories.make_profile(series, code="investigator", label_en="Investigators")
        other = factories.open_series(slug="elsewhere")
        draft = factories.make_series(slug="draft", status=SeriesStatus.DRAFT)
        focal_cr = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
        users = {
            "focal_point": focal_cr.email,
            "focal_point_mx": factories.make_user(StaffRole.FOCAL_POINT, country_code="MX").email,
            "facilitator_other": factories.make_user(StaffRole.FACILITATOR, series=[other]).email,
            "facilitator": factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
            "organizer": factories.make_user(StaffRole.ORGANIZER).email,
            "admin": factories.make_user(StaffRole.ADMIN).email,
        }
        db.session.refresh(series)
        regs = {
            "cr_ana": _register(
                series,
                email="ana@cr.example",
                first_name="Ana",
                last_name="Mora",
                profile_code="prosecutor",
            ),
            "cr_luis": _register(
                series,
                email="luis@cr.example",
                first_name="Luis",
                last_name="Soto",
                language="en",
            ),
            "mx_eva": _register(
                series,
                email="eva@mx.example",
                first_name="Eva",
                last_name="Ruiz",
                country_code="MX",
                profile_code="prosecutor",
            ),
            "iom": _register(
                series,
                email="obs@iom.example",
                first_name="Olga",
                last_name="Bravo",
                country_code=None,
                observer_organization="IOM",
            ),
        }
        # A delegation registered by the focal point of Costa Rica.
        regs["cr_delegate"] = services.register(
            series,
            registration_data(
                email="delegate@cr.example",
                first_name="Dora",
                last_name="Vega",
                profile_code="prosecutor",
            ),
            registered_by=focal_cr,
        )
        services.approve(db.session.get(Registration, regs["cr_delegate"].id))
        other_reg = _register(other, email="ana@cr.example")
        assert prosecutor.id
        db.session.commit()
        return World(
            slug=series.slug,
            other_slug=other.slug,
            draft_slug=draft.slug,
            users=users,
            regs={name: reg.id for name, reg in regs.items()},
            other_reg=other_reg.id,
        )


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def _status(app: Flask, registration_id: int) -> S:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


def _mails(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(OutboxMessage.kind, OutboxMessage.to_address)
            .where(OutboxMessage.ical_method == "")
            .order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]


def _emails_listed(html: str) -> set[str]:
    return set(re.findall(r'<a class="email" href="mailto:([^"]+)">', html))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _url(world: World, name: str, action: str, **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/staff/series/{world.slug}/registrations/{world.regs[name]}/{action}" + (
        f"?{query}" if query else ""
    )


# --- access ---------------------------------------------------------------------------------

LIST_ACCESS = {
    "focal_point": 200,
    "facilitator_other": 403,
    "facilitator": 200,
    "organizer": 200,
    "admin": 200,
}


def test_anonymous_visitors_are_sent_to_log_in(client: FlaskClient, world: World) -> None:
    for url in (
        f"/staff/series/{world.slug}/registrations",
        _url(world, "cr_ana", "reject"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    for action in ("approve", "reject", "cancel"):
        response = client.post(_url(world, "cr_ana", action))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _status(client.application, world.regs["cr_ana"]) == S.PENDING


@pytest.mark.parametrize(("visitor", "expected"), LIST_ACCESS.items())
def test_who_may_see_the_list(app: Flask, world: World, visitor: str, expected: int) -> None:
    client = _client(app, world.users[visitor])
    assert client.get(f"/staff/series/{world.slug}/registrations").status_code == expected


def test_focal_points_do_not_see_draft_series_and_unknown_series_is_404(
    app: Flask, world: World
) -> None:
    focal = _client(app, world.users["focal_point"])
    assert focal.get(f"/staff/series/{world.draft_slug}/registrations").status_code == 403
    organizer = _client(app, world.users["organizer"])
    assert organizer.get("/staff/series/nope/registrations").status_code == 404


# --- what each one sees -------------------------------------------------------------------------


def test_organizer_sees_every_registration_with_its_details(app: Flask, world: World) -> None:
    response = _client(app, world.users["organizer"]).get(
        f"/staff/series/{world.slug}/registrations"
    )
    html = response.text
    assert _emails_listed(html) == {
        "ana@cr.example",
        "luis@cr.example",
        "eva@mx.example",
        "obs@iom.example",
        "delegate@cr.example",
    }
    row = re.search(rf'<tr id="registration-{world.regs["cr_delegate"]}">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = _text(row.group(1))
    assert "Dora Vega" in cells and "Costa Rica" in cells and "Prosecutors" in cells
    assert "Confirmed" in cells
    assert world.users["focal_point"] in cells  # who registered it
    assert re.search(r'class="number">\s*2\s*<', row.group(1))  # both sessions
    observer = re.search(rf'<tr id="registration-{world.regs["iom"]}">(.*?)</tr>', html, re.S)
    assert "IOM" in _text(observer.group(1)) and "Other" in _text(observer.group(1))
    assert "All (5)" in _text(html) and "Pending (4)" in _text(html)


def test_focal_point_sees_only_their_country_even_in_counts_and_filters(
    app: Flask, world: World
) -> None:
    client = _client(app, world.users["focal_point"])
    html = client.get(f"/staff/series/{world.slug}/registrations").text
    assert _emails_listed(html) == {"ana@cr.example", "luis@cr.example", "delegate@cr.example"}
    assert "All (3)" in _text(html) and "Pending (2)" in _text(html)
    assert 'name="country"' not in html  # no country filter for a focal point
    # Asking for another country's rows changes nothing.
    html = client.get(f"/staff/series/{world.slug}/registrations?country=MX").text
    assert _emails_listed(html) == {"ana@cr.example", "luis@cr.example", "delegate@cr.example"}


def test_facilitator_sees_every_row_but_no_action(app: Flask, world: World) -> None:
    html = (
        _client(app, world.users["facilitator"])
        .get(f"/staff/series/{world.slug}/registrations")
        .text
    )
    assert len(_emails_listed(html)) == 5
    assert "/approve" not in html and "/reject" not in html and "/cancel" not in html


def test_buttons_follow_the_permissions(app: Flask, world: World) -> None:
    focal_html = (
        _client(app, world.users["focal_point"])
        .get(f"/staff/series/{world.slug}/registrations")
        .text
    )
    assert _url(world, "cr_ana", "approve") in focal_html
    assert _url(world, "cr_ana", "reject") in focal_html
    assert "/cancel" not in focal_html  # cancelling is for organizers
    # The confirmed delegate has no "Approve", only "Reject".
    assert _url(world, "cr_delegate", "approve") not in focal_html
    assert _url(world, "cr_delegate", "reject") in focal_html
    organizer_html = (
        _client(app, world.users["organizer"]).get(f"/staff/series/{world.slug}/registrations").text
    )
    assert _url(world, "mx_eva", "approve") in organizer_html
    assert _url(world, "mx_eva", "cancel") in organizer_html


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=confirmed", {"delegate@cr.example"}),
        ("status=pending&country=CR", {"ana@cr.example", "luis@cr.example"}),
        ("country=MX", {"eva@mx.example"}),
        ("country=observers", {"obs@iom.example"}),
        ("profile=prosecutor", {"ana@cr.example", "eva@mx.example", "delegate@cr.example"}),
        ("profile=other", {"luis@cr.example", "obs@iom.example"}),
        ("profile=prosecutor&country=CR&status=pending", {"ana@cr.example"}),
        ("status=rejected", set()),
    ],
)
def test_filters(app: Flask, world: World, query: str, expected: set[str]) -> None:
    client = _client(app, world.users["organizer"])
    response = client.get(f"/staff/series/{world.slug}/registrations?{query}")
    assert response.status_code == 200
    assert _emails_listed(response.text) == expected


def test_an_unknown_filter_value_is_shown_as_an_error_and_ignored(app: Flask, world: World) -> None:
    client = _client(app, world.users["organizer"])
    response = client.get(f"/staff/series/{world.slug}/registrations?status=bogus&country=MX")
    assert response.status_code == 200
    assert 'id="status-errors"' in response.text
    assert _emails_listed(response.text) == {"eva@mx.example"}


@contextmanager
def _counted_queries(app: Flask) -> Iterator[list[str]]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_list_costs_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    client = _client(app, world.users["organizer"])
    url = f"/staff/series/{world.slug}/registrations"
    with _counted_queries(app) as few:
        assert len(_emails_listed(client.get(url).text)) == 5
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        focal_points = [
            factories.make_user(StaffRole.FOCAL_POINT, country_code=code)
            for code in ("GT", "HN", "SV")
        ]
        for n in range(15):
            services.register(
                series,
                registration_data(
                    country_code=("GT", "HN", "SV")[n % 3],
                    profile_code=("prosecutor", "investigator", "other")[n % 3],
                    session_ids=[series.sessions[n % 2].id],
                ),
                registered_by=focal_points[n % 3],
            )
        db.session.commit()
    with _counted_queries(app) as many:
        assert len(_emails_listed(client.get(url).text)) == 20
    assert len(many) == len(few), (few, many)


# --- approving --------------------------------------------------------------------------------


def test_focal_point_approves_their_country_and_the_registrant_is_mailed(
    app: Flask, world: World
) -> None:
    client = _client(app, world.users["focal_point"])
    response = client.post(_url(world, "cr_ana", "approve", status="pending", profile="prosecutor"))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"/staff/series/{world.slug}/registrations?")
    assert "status=pending" in location and "profile=prosecutor" in location
    assert _status(app, world.regs["cr_ana"]) == S.CONFIRMED
    assert _mails(app)[-1] == ("registration.confirmed", "ana@cr.example")
    page = client.get(location)
    assert "Ana Mora is confirmed." in page.text


def test_focal_point_cannot_approve_another_country(app: Flask, world: World) -> None:
    before = _mails(app)
    client = _client(app, world.users["focal_point"])
    assert client.post(_url(world, "mx_eva", "approve")).status_code == 403
    assert client.get(_url(world, "mx_eva", "reject")).status_code == 403
    assert client.post(_url(world, "mx_eva", "reject"), data={"reason": "x"}).status_code == 403
    assert _status(app, world.regs["mx_eva"]) == S.PENDING
    assert _mails(app) == before


def test_focal_point_cannot_approve_when_the_organizers_approve(app: Flask, world: World) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug=world.slug)).scalar_one()
        series.approval_mode = ApprovalMode.ORGANIZER
        db.session.commit()
    client = _client(app, world.users["focal_point"])
    assert client.post(_url(world, "cr_ana", "approve")).status_code == 403
    html = client.get(f"/staff/series/{world.slug}/registrations").text
    assert "/approve" not in html and "/reject" not in html
    assert _status(app, world.regs["cr_ana"]) == S.PENDING
    organizer = _client(app, world.users["organizer"])
    assert organizer.post(_url(world, "cr_ana", "approve")).status_code == 302
    assert _status(app, world.regs["cr_ana"]) == S.CONFIRMED


@pytest.mark.parametrize("visitor", ["facilitator", "facilitator_other", "focal_point_mx"])
def test_others_may_not_approve(app: Flask, world: World, visitor: str) -> None:
    client = _client(app, world.users[visitor])
    assert client.post(_url(world, "cr_ana", "approve")).status_code == 403
    assert _status(app, world.regs["cr_ana"]) == S.PENDING


def test_approving_a_confirmed_registration_changes_nothing(app: Flask, world: World) -> None:
    before = _mails(app)
    client = _client(app, world.users["organizer"])
    response = client.post(_url(world, "cr_delegate", "approve"), follow_redirects=True)
    assert response.status_code == 200
    assert "Only a pending registration can be approved." in response.text
    assert _status(app, world.regs["cr_delegate"]) == S.CONFIRMED
    assert _mails(app) == before


def test_a_registration_of_another_series_is_404(app: Flask, world: World) -> None:
    client = _client(app, world.users["organizer"])
    base = f"/staff/series/{world.slug}/registrations/{world.other_reg}"
    assert client.post(f"{base}/approve").status_code == 404
    assert client.get(f"{base}/reject").status_code == 404
    assert client.post(f"{base}/cancel").status_code == 404
    assert (
        client.post(f"/staff/series/{world.slug}/registrations/999999/approve").status_code == 404
    )
    assert _status(app, world.other_reg) == S.CONFIRMED


# --- rejecting --------------------------------------------------------------------------------


def test_reject_with_a_reason(app: Flask, world: World) -> None:
    client = _client(app, world.users["focal_point"])
    form = client.get(_url(world, "cr_luis", "reject", country="CR"))
    assert form.status_code == 200
    assert 'name="reason"' in form.text and "luis@cr.example" in form.text
    response = client.post(
        _url(world, "cr_luis", "reject", country="CR"),
        data={"reason": "  Not an official of an immigration authority.  "},
    )
    assert response.status_code == 302
    assert "country=CR" in response.headers["Location"]
    with app.app_context():
        reg = db.session.get(Registration, world.regs["cr_luis"])
        assert reg.status == S.REJECTED
        assert reg.rejection_reason == "Not an official of an immigration authority."
        mail = db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.ical_method == "")
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).one()
        assert (mail.kind, mail.to_address, mail.language) == (
            "registration.rejected",
            "luis@cr.example",
            "en",
        )
        assert "Not an official of an immigration authority." in mail.body_text


def test_a_reason_too_long_is_refused_beside_the_field(app: Flask, world: World) -> None:
    before = _mails(app)
    client = _client(app, world.users["organizer"])
    response = client.post(_url(world, "cr_luis", "reject"), data={"reason": "x" * 501})
    assert response.status_code == 200
    assert 'id="reason-errors"' in response.text
    assert _status(app, world.regs["cr_luis"]) == S.PENDING
    assert _mails(app) == before


def test_rejecting_a_closed_registration_changes_nothing(app: Flask, world: World) -> None:
    client = _client(app, world.users["organizer"])
    assert client.post(_url(world, "cr_luis", "reject"), data={"reason": ""}).status_code == 302
    before = _mails(app)
    again = client.post(_url(world, "cr_luis", "reject"), data={"reason": "again"})
    assert again.status_code == 302
    assert "already closed" in client.get(again.headers["Location"]).text
    page = client.get(_url(world, "cr_luis", "reject"), follow_redirects=True)
    assert "already closed" in page.text and 'name="reason"' not in page.text
    with app.app_context():
        assert db.session.get(Registration, world.regs["cr_luis"]).rejection_reason == ""
    assert _mails(app) == before


@pytest.fixture
def full_series(app: Flask) -> dict[str, Any]:
    """One seat, held by a pending registration; a second one waits."""
    with app.app_context():
        series = factories.open_series(
            slug="one-seat", capacity=1, approval_mode=ApprovalMode.ORGANIZER
        )
        holder = _register(series, email="holder@cr.example")
        waiting = _register(series, email="waiting@cr.example", language="en")
        assert (holder.status, waiting.status) == (S.PENDING, S.WAITLISTED)
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        return {
            "slug": series.slug,
            "holder": holder.id,
            "waiting": waiting.id,
            "organizer": organizer.email,
        }


def test_rejecting_gives_the_seat_to_the_waiting_list(app: Flask, full_series: dict) -> None:
    client = _client(app, full_series["organizer"])
    url = f"/staff/series/{full_series['slug']}/registrations/{full_series['holder']}/reject"
    response = client.post(url, data={"reason": ""}, follow_redirects=True)
    assert "1 registration moved up from the waiting list." in response.text
    assert _status(app, full_series["holder"]) == S.REJECTED
    assert _status(app, full_series["waiting"]) == S.PENDING
    assert _mails(app)[-2:] == [
        ("registration.rejected", "holder@cr.example"),
        ("registration.promoted", "waiting@cr.example"),
    ]


# --- cancelling -------------------------------------------------------------------------------


def test_organizer_cancels_and_the_waiting_list_moves_up(app: Flask, full_series: dict) -> None:
    client = _client(app, full_series["organizer"])
    url = f"/staff/series/{full_series['slug']}/registrations/{full_series['holder']}/cancel"
    response = client.post(url + "?status=pending")
    assert response.headers["Location"].endswith(
        f"/staff/series/{full_series['slug']}/registrations?status=pending"
    )
    assert _status(app, full_series["holder"]) == S.CANCELLED
    assert _status(app, full_series["waiting"]) == S.PENDING
    assert _mails(app)[-2:] == [
        ("registration.cancelled", "holder@cr.example"),
        ("registration.promoted", "waiting@cr.example"),
    ]
    before = _mails(app)
    again = client.post(url, follow_redirects=True)
    assert "already closed" in again.text
    assert _mails(app) == before


@pytest.mark.parametrize("visitor", ["focal_point", "facilitator"])
def test_only_organizers_cancel(app: Flask, world: World, visitor: str) -> None:
    client = _client(app, world.users[visitor])
    assert client.post(_url(world, "cr_ana", "cancel")).status_code == 403
    assert _status(app, world.regs["cr_ana"]) == S.PENDING


def test_admin_cancels_too(app: Flask, world: World) -> None:
    client = _client(app, world.users["admin"])
    assert client.post(_url(world, "mx_eva", "cancel")).status_code == 302
    assert _status(app, world.regs["mx_eva"]) == S.CANCELLED
    assert _mails(app)[-1] == ("registration.cancelled", "eva@mx.example")
