"""The focal point's work: told by e-mail what waits, the count on the dashboard, approving or
rejecting several registrations at once, quota cells that open their registrations, and the
staff session page's agenda."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.approvals import send_due_digests
from webinars.registration.models import ApprovalNotice, Registration, RegistrationStatus
from webinars.series.models import ApprovalMode, Series
from webinars.sessions.models import AgendaKind

from .. import factories
from ..conftest import AuthActions

S = RegistrationStatus
LIST = "/staff/series/smuggling/registrations"


@dataclass(frozen=True)
class World:
    focal_cr: str
    focal_mx: str
    focal_us: str
    organizer: str
    regs: dict[str, int]


def _register(series: Series, **fields: Any) -> Registration:
    return services.register(series, factories.registration_data(**fields))


def _messages(kind_prefix: str = "approval.") -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.kind.startswith(kind_prefix))
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def world(app: Flask) -> World:
    """A series approved by the focal points; Costa Rica has three pending registrations."""
    with app.app_context():
        series = factories.open_series(
            slug="smuggling", title_es="Intercambio", approval_mode=ApprovalMode.FOCAL_POINT
        )
        factories.make_profile(series, code="prosecutor", label_en="Prosecutors")
        factories.make_profile(series, code="investigator", label_en="Investigators")
        focal_cr = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR", name="Rosa")
        focal_mx = factories.make_user(StaffRole.FOCAL_POINT, country_code="MX")
        focal_us = factories.make_user(StaffRole.FOCAL_POINT, country_code="US")
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.refresh(series)
        regs = {
            "ana": _register(series, first_name="Ana", last_name="Mora", profile_code="prosecutor"),
            "luis": _register(series, first_name="Luis", last_name="Soto"),
            "eva": _register(series, first_name="Eva", last_name="Ríos", profile_code="prosecutor"),
            "mx": _register(series, country_code="MX", first_name="Juan", last_name="Paz"),
        }
        db.session.commit()
        return World(
            focal_cr=focal_cr.email,
            focal_mx=focal_mx.email,
            focal_us=focal_us.email,
            organizer=organizer.email,
            regs={name: r.id for name, r in regs.items()},
        )


def _status(app: Flask, registration_id: int) -> RegistrationStatus:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


# --- the e-mails ------------------------------------------------------------------------------


def test_the_first_waiting_registration_tells_the_focal_points_of_its_country_at_once(
    app: Flask, world: World
) -> None:
    with app.app_context():
        messages = _messages()
        # One e-mail for Costa Rica's first, one for Mexico's: the later ones wait for a digest.
        assert [(m.kind, m.to_address) for m in messages] == [
            ("approval.first", world.focal_cr),
            ("approval.first", world.focal_mx),
        ]
        first = messages[0]
        assert first.language == "es"
        assert "Ana Mora" in first.body_text and "Luis Soto" not in first.body_text
        assert "Fiscal, Fiscalía General" in first.body_text
        assert "espera su aprobación" in first.subject and "Costa Rica" in first.subject
        assert "/staff/series/smuggling/registrations?status=pending" in first.body_text
        assert "Ana Mora" in first.body_html


def test_english_for_the_focal_points_of_english_speaking_members(app: Flask, world: World) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug="smuggling")).scalar_one()
        _register(series, country_code="US", first_name="Joe", last_name="Doe", language="en")
        [message] = [m for m in _messages() if m.to_address == world.focal_us]
        assert message.language == "en"
        assert message.subject.startswith("A registration of United States waits for your")


def test_no_e_mail_when_the_focal_points_do_not_approve_or_the_official_is_confirmed(
    app: Flask,
) -> None:
    with app.app_context():
        factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
        by_organizer = factories.open_series(approval_mode=ApprovalMode.ORGANIZER)
        automatic = factories.open_series(approval_mode=ApprovalMode.AUTOMATIC)
        _register(by_organizer)
        _register(automatic)
        assert _messages() == []


def test_the_focal_point_who_registered_a_delegation_is_not_told_about_it(app: Flask) -> None:
    with app.app_context():
        series = factories.open_series(approval_mode=ApprovalMode.FOCAL_POINT)
        registrar = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
        colleague = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
        services.register(series, factories.registration_data(), registered_by=registrar)
        assert [m.to_address for m in _messages()] == [colleague.email]


def test_a_digest_at_most_once_a_day_and_only_when_something_new_waits(
    app: Flask, world: World
) -> None:
    with app.app_context():
        sent_at = db.session.scalars(
            db.select(ApprovalNotice.sent_at).where(ApprovalNotice.kind == "first")
        ).first()
        assert sent_at is not None
        # Within a day of the first e-mail: nothing, however often the worker runs.
        assert send_due_digests(sent_at + timedelta(hours=23)) == 0
        # A day later: one digest to Costa Rica's focal point with the three waiting.
        later = sent_at + timedelta(days=1, minutes=1)
        assert send_due_digests(later) == 1
        assert send_due_digests(later) == 0
        [digest] = _messages("approval.digest")
        assert digest.to_address == world.focal_cr
        assert "3 inscripciones de Costa Rica esperan su aprobación" in digest.subject
        for name in ("Ana Mora", "Luis Soto", "Eva Ríos"):
            assert name in digest.body_text
        assert "Juan Paz" not in digest.body_text  # Mexico's
        assert "2 nuevas desde nuestro último correo" in digest.body_text
        db.session.commit()
        # Nothing new since: no digest the next day either.
        assert send_due_digests(later + timedelta(days=2)) == 0


def test_the_worker_pass_sends_the_due_digests(
    app: Flask, world: World, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        db.session.execute(
            db.update(ApprovalNotice).values(
                sent_at=datetime(2020, 1, 1, tzinfo=UTC), day=datetime(2020, 1, 1).date()
            )
        )
        db.session.execute(db.update(Registration).values(updated_at=datetime.now(UTC)))
        db.session.commit()
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert "2 approval digest(s) queued." in result.output, result.output
    result = runner.invoke(args=["approvals", "digest"])
    assert "0 digest(s) queued." in result.output
    with app.app_context():
        assert {m.to_address for m in _messages("approval.digest")} == {
            world.focal_cr,
            world.focal_mx,
        }


# --- the dashboard and the quota matrix ----------------------------------------------------------


def test_the_dashboard_shows_what_waits_for_the_focal_point(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_cr)
    html = client.get("/staff/").get_data(as_text=True)
    assert "3 registrations of Costa Rica wait for your approval" in html
    assert f'href="{LIST}?status=pending"' in html
    assert "3 wait" in html
    auth.logout()
    auth.login(world.organizer)
    assert "wait for your approval" not in client.get("/staff/").get_data(as_text=True)


def test_quota_cells_open_the_registrations_behind_them(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    html = client.get("/staff/series/smuggling/quotas").get_data(as_text=True)
    assert f'href="{LIST}?country=CR&amp;profile=prosecutor"' in html
    assert f'href="{LIST}?country=MX&amp;profile=other"' in html
    assert f'href="{LIST}?profile=investigator"' in html  # the totals row
    listed = client.get(f"{LIST}?country=CR&profile=prosecutor").get_data(as_text=True)
    assert "Ana Mora" in listed and "Eva Ríos" in listed
    assert "Luis Soto" not in listed and "Juan Paz" not in listed
    auth.logout()
    auth.login(world.focal_cr)
    html = client.get("/staff/series/smuggling/quotas").get_data(as_text=True)
    assert f'href="{LIST}?profile=prosecutor"' in html  # their country goes without saying


# --- several at once ---------------------------------------------------------------------------


def test_the_focal_point_approves_two_at_once(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_cr)
    page = client.get(LIST).get_data(as_text=True)
    assert page.count('form="batch" name="registration"') == 3
    response = client.post(
        f"{LIST}/batch?status=pending",
        data={"action": "approve", "registration": [world.regs["ana"], world.regs["luis"]]},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{LIST}?status=pending")
    assert _status(app, world.regs["ana"]) == S.CONFIRMED
    assert _status(app, world.regs["luis"]) == S.CONFIRMED
    assert _status(app, world.regs["eva"]) == S.PENDING
    html = client.get(LIST).get_data(as_text=True)
    assert "2 registrations confirmed: Ana Mora, Luis Soto." in html
    with app.app_context():
        confirmed = {m.to_address for m in _messages("registration.confirmed")}
        assert len(confirmed) == 2


def test_ticking_all_and_skipping_what_cannot_change(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_cr)
    client.post(f"{LIST}/batch", data={"action": "approve", "registration": world.regs["ana"]})
    page = client.get(f"{LIST}?select=all").get_data(as_text=True)
    assert len(re.findall(r'name="registration" value="\d+"[^>]*\bchecked', page)) == 3
    client.post(
        f"{LIST}/batch",
        data={"action": "approve", "registration": [world.regs["ana"], world.regs["eva"]]},
    )
    html = client.get(LIST).get_data(as_text=True)
    assert "1 registration confirmed: Eva Ríos." in html
    assert "Left as they were (their status does not allow it): Ana Mora." in html


def test_rejecting_several_asks_first_then_tells_each_with_the_reason(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_cr)
    chosen = [world.regs["luis"], world.regs["eva"]]
    page = client.post(f"{LIST}/batch", data={"action": "reject", "registration": chosen})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Reject 2 registrations?" in html and "Luis Soto" in html and "Eva Ríos" in html
    assert 'name="reason"' in html
    assert _status(app, world.regs["luis"]) == S.PENDING  # nothing yet
    too_long = client.post(
        f"{LIST}/batch",
        data={"action": "confirm-reject", "registration": chosen, "reason": "x" * 501},
    )
    assert too_long.status_code == 200
    assert "Field cannot be longer than 500 characters." in too_long.get_data(as_text=True)
    assert _status(app, world.regs["luis"]) == S.PENDING
    done = client.post(
        f"{LIST}/batch",
        data={"action": "confirm-reject", "registration": chosen, "reason": "Not a prosecutor"},
    )
    assert done.status_code == 302
    with app.app_context():
        for name in ("luis", "eva"):
            registration = db.session.get(Registration, world.regs[name])
            assert registration.status == S.REJECTED
            assert registration.rejection_reason == "Not a prosecutor"
        rejected = _messages("registration.rejected")
        assert len(rejected) == 2 and all("Not a prosecutor" in m.body_text for m in rejected)


def test_nothing_ticked_is_a_clear_message(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_cr)
    response = client.post(f"{LIST}/batch", data={"action": "approve"}, follow_redirects=True)
    assert "Tick at least one registration, then choose what to do." in response.get_data(
        as_text=True
    )


def test_another_country_s_registrations_cannot_be_approved_in_a_batch(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.focal_mx)
    response = client.post(
        f"{LIST}/batch",
        data={"action": "approve", "registration": [world.regs["mx"], world.regs["ana"]]},
    )
    assert response.status_code == 403
    assert _status(app, world.regs["ana"]) == S.PENDING
    assert _status(app, world.regs["mx"]) == S.PENDING


# --- the staff session page --------------------------------------------------------------------


def test_the_staff_agenda_is_not_squeezed_into_the_public_two_column_grid(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.open_series(slug="agenda")
        sitting = series.sessions[0]
        factories.make_agenda_item(
            sitting, kind=AgendaKind.OPENING_REMARKS, title_en="Welcome", title_es="Bienvenida"
        )
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        url = f"/staff/series/agenda/sessions/{sitting.id}"
        email = organizer.email
    auth.login(email)
    html = client.get(url).get_data(as_text=True)
    assert 'class="card agenda-item"' not in html  # the public grid
    item = re.search(r'<li class="card staff-agenda-item"[^>]*>(.*?)</li>\s*</ol>', html, re.S)
    assert item is not None
    head = re.search(r'<p class="staff-agenda-head">(.*?)</p>', item.group(1), re.S)
    assert head is not None and "Opening remarks" in head.group(1)
    assert re.search(r'<dd lang="en">Welcome</dd>\s*<dt>Español</dt><dd lang="es">Bienvenida', html)
