"""The organizers' tools of a series: dashboard, duplicate, publish, slug, zones, reminders,
deletion by name, people without an e-mail; the outbox search; the staff password reset."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxStatus
from webinars.mail.outbox import enqueue
from webinars.registration.models import RegistrationStatus
from webinars.series.dashboard import series_dashboard
from webinars.series.models import Series, SessionStatus

from . import factories
from .conftest import AuthActions

NOW = datetime(2030, 3, 1, tzinfo=UTC)


def _mail(series: Series, status: OutboxStatus, to: str = "someone@example.org") -> None:
    message = enqueue(
        kind="reminder",
        to_address=to,
        subject="Subject",
        body_text="text",
        body_html="<p>html</p>",
        language="en",
        series_id=series.id,
    )
    message.status = status


def _organizer(app: Flask, auth: AuthActions, role: StaffRole = StaffRole.ORGANIZER) -> str:
    with app.app_context():
        email = factories.make_user(role).email
        db.session.commit()
    auth.login(email)
    return email


# --- dashboard -----------------------------------------------------------------------------


def test_dashboard_counts_what_needs_attention(ctx: Flask) -> None:
    series = factories.open_series()
    factories.make_profile(series, code="prosecutor", min_per_country=2)
    factories.make_profile(series, code="police", min_per_country=0)
    db.session.refresh(series)
    first, second = series.sessions
    first.status = SessionStatus.CANCELLED
    factories.make_registration(series, status=RegistrationStatus.PENDING)
    factories.make_registration(series, status=RegistrationStatus.PENDING, country_code="MX")
    factories.make_registration(series, profile=series.profiles[0])
    factories.make_registration(series, profile=series.profiles[0])
    _mail(series, OutboxStatus.FAILED)
    _mail(series, OutboxStatus.PENDING)
    _mail(series, OutboxStatus.SENT)
    other = factories.make_series()
    _mail(other, OutboxStatus.FAILED)

    dashboard = series_dashboard(series, now=NOW)

    assert dashboard.pending == 2
    assert dashboard.by_status[RegistrationStatus.CONFIRMED] == 2
    assert dashboard.total == 4
    # Costa Rica has its two prosecutors; the ten other countries lack them (police: no minimum).
    assert dashboard.unmet_minimums == 10
    assert dashboard.countries_lacking == 10
    assert dashboard.next_session is second  # the first is cancelled
    assert dashboard.undelivered == {OutboxStatus.PENDING: 1, OutboxStatus.FAILED: 1}
    assert series_dashboard(series, now=second.end_at).next_session is None


def test_dashboard_links_to_the_pages_behind_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.open_series(slug="with-dashboard")
        factories.make_registration(series, status=RegistrationStatus.PENDING)
        session_id = series.sessions[0].id
        series_id = series.id
        db.session.commit()
    _organizer(app, auth)
    html = client.get("/staff/series/with-dashboard").get_data(as_text=True)
    assert 'id="dashboard-heading"' in html
    assert "/staff/series/with-dashboard/registrations?status=pending" in html
    assert "/staff/series/with-dashboard/quotas" in html
    assert f"/staff/series/with-dashboard/sessions/{session_id}" in html
    assert f"/staff/outbox?series={series_id}&amp;status=failed" in html


def test_dashboard_is_for_organizers_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.open_series(slug="for-facilitator")
        facilitator = factories.make_user(StaffRole.FACILITATOR, series=[series])
        db.session.commit()
        email = facilitator.email
    auth.login(email)
    html = client.get("/staff/series/for-facilitator").get_data(as_text=True)
    assert "dashboard-heading" not in html
    assert "/staff/outbox" not in html


# --- outbox ----------------------------------------------------------------------------------


def test_outbox_searches_by_recipient_and_names_kinds(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.make_series()
        _mail(series, OutboxStatus.PENDING, to="ana.perez@fiscalia.go.cr")
        _mail(series, OutboxStatus.PENDING, to="bob@state.gov")
        _mail(series, OutboxStatus.PENDING, to="x_y%z@example.org")
        db.session.commit()
    _organizer(app, auth)
    html = client.get("/staff/outbox?recipient=FISCALIA").get_data(as_text=True)
    assert "ana.perez@fiscalia.go.cr" in html
    assert "bob@state.gov" not in html
    assert "Session reminder" in html  # the kind's label, not "reminder"
    assert "<code>reminder</code>" not in html
    # LIKE wildcards are matched as they are.
    html = client.get("/staff/outbox?recipient=_y%25").get_data(as_text=True)
    assert "x_y%z@example.org" in html
    assert "bob@state.gov" not in html
    html = client.get("/staff/outbox?recipient=%25", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    assert "bob@state.gov" not in html
    assert "Recordatorio de sesión" in html


def test_outbox_pages_keep_the_search(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    with app.app_context():
        series = factories.make_series()
        for n in range(55):
            _mail(series, OutboxStatus.PENDING, to=f"person{n}@example.org")
        db.session.commit()
    _organizer(app, auth)
    html = client.get("/staff/outbox?recipient=person").get_data(as_text=True)
    assert "recipient=person" in html and "page=2" in html
    html = client.get("/staff/outbox?recipient=person&page=2").get_data(as_text=True)
    assert html.count("@example.org</span>") == 5
