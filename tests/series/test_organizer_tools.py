"""The organizers' tools of a series: dashboard, duplicate, publish, slug, zones, reminders,
deletion by name, people without an e-mail; the outbox search; the staff password reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxStatus
from webinars.mail.outbox import enqueue
from webinars.registration.models import RegistrationStatus
from webinars.reports.series_dashboard import series_dashboard
from webinars.series.models import Series, SeriesStatus
from webinars.sessions.models import SessionStatus

from .. import factories
from ..conftest import AuthActions

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


# --- duplicating a series --------------------------------------------------------------------


def _edition_2020() -> Series:
    """Two sessions a week apart, on either side of New York's change of clocks (1 November
    2020), a cancelled third one, a moderator, an agenda with a panelist, a registration."""
    from webinars.catalog.models import Person
    from webinars.sessions.models import AgendaKind, RoleKind

    series = factories.make_series(
        slug="smuggling-2020",
        title_en="Smuggling webinar 2020",
        title_es="Webinario sobre tráfico 2020",
        timezone="America/New_York",
        registration_opens_at=datetime(2020, 10, 1, 13, tzinfo=UTC),
        registration_closes_at=datetime(2020, 10, 27, 4, tzinfo=UTC),
        partners=[factories.organization("IOM")],
    )
    profile = factories.make_profile(series, code="prosecutor", min_per_country=2)
    # 28 October 2020 09:00 EDT (13:00 UTC) and 4 November 2020 09:00 EST (14:00 UTC).
    first = factories.make_session(series, start_at=datetime(2020, 10, 28, 13, tzinfo=UTC))
    second = factories.make_session(series, start_at=datetime(2020, 11, 4, 14, tzinfo=UTC))
    cancelled = factories.make_session(
        series, start_at=datetime(2020, 11, 11, 14, tzinfo=UTC), status=SessionStatus.CANCELLED
    )
    person = factories.make_person(name="Laura Chinchilla")
    assert isinstance(person, Person)
    factories.make_role(kind=RoleKind.MODERATOR, session_id=first.id, person_id=person.id)
    item = factories.make_agenda_item(
        second,
        kind=AgendaKind.PANEL,
        start_at=second.start_at,
        end_at=second.start_at + timedelta(hours=1),
        sub_points=[{"en": "Point", "es": "Punto"}],
    )
    factories.make_role(kind=RoleKind.PANELIST, agenda_item_id=item.id, person_id=person.id)
    registration = factories.make_registration(series, profile=profile)
    factories.make_attendance(first, registration)
    assert cancelled.id
    db.session.refresh(series)
    return series


def test_duplicate_moves_sessions_and_keeps_the_format(ctx: Flask) -> None:
    from webinars.series.services import DuplicateData, duplicate_series

    series = _edition_2020()
    copy = duplicate_series(
        series,
        DuplicateData(
            slug="",
            title_en="Smuggling webinar 2021",
            title_es="Tráfico 2021",
            first_day=datetime(2021, 10, 27).date(),
        ),
    )
    db.session.commit()
    db.session.expire_all()
    copy = db.session.get(Series, copy.id)
    assert copy.slug == "smuggling-webinar-2021"
    assert copy.status == SeriesStatus.DRAFT
    assert [p.acronym_en for p in copy.partners] == ["IOM"]
    assert [(p.code, p.min_per_country) for p in copy.profiles] == [("prosecutor", 2)]
    # 27 October 2021 09:00 EDT, and a week later 09:00 EST (after the clocks changed).
    assert [(s.start_at, s.end_at - s.start_at) for s in copy.sessions] == [
        (datetime(2021, 10, 27, 13, tzinfo=UTC), timedelta(hours=2)),
        (datetime(2021, 11, 3, 13, tzinfo=UTC), timedelta(hours=2)),
    ]
    moderators = copy.sessions[0].roles
    assert [(r.kind.value, r.person.name) for r in moderators] == [
        ("moderator", "Laura Chinchilla")
    ]
    (item,) = copy.sessions[1].agenda_items
    assert item.start_at == copy.sessions[1].start_at
    assert item.sub_points == [{"en": "Point", "es": "Punto"}]
    assert [r.person.name for r in item.roles] == ["Laura Chinchilla"]
    assert copy.registration_opens_at == datetime(2021, 9, 30, 13, tzinfo=UTC)
    assert copy.registration_closes_at == datetime(2021, 10, 26, 4, tzinfo=UTC)
    # New calendar events; nothing of the people who registered.
    assert {s.ical_uid for s in copy.sessions}.isdisjoint({s.ical_uid for s in series.sessions})
    from webinars.attendance.models import Attendance
    from webinars.registration.models import Registration

    assert (
        db.session.scalar(
            db.select(db.func.count(Registration.id)).where(Registration.series_id == copy.id)
        )
        == 0
    )
    copy_sessions = [s.id for s in copy.sessions]
    assert (
        db.session.scalar(
            db.select(db.func.count(Attendance.id)).where(Attendance.session_id.in_(copy_sessions))
        )
        == 0
    )
    # The original is untouched.
    assert len(series.sessions) == 3 and len(series.sessions[0].roles) == 1


def test_duplicate_page(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    with app.app_context():
        _edition_2020()
        db.session.commit()
    _organizer(app, auth)
    html = client.get("/staff/series/smuggling-2020/duplicate").get_data(as_text=True)
    assert 'value="Smuggling webinar 2021"' in html
    assert 'value="2021-10-27"' in html  # 52 weeks later: the same weekday
    assert "js/staff-forms.js" in html
    # A slug taken: shown beside the field, nothing written.
    response = client.post(
        "/staff/series/smuggling-2020/duplicate",
        data={
            "slug": "smuggling-2020",
            "title_en": "A",
            "title_es": "B",
            "first_day": "2021-10-27",
        },
    )
    assert response.status_code == 200
    assert "Another series already uses this address." in response.get_data(as_text=True)
    response = client.post(
        "/staff/series/smuggling-2020/duplicate",
        data={
            "slug": "",
            "title_en": "Smuggling webinar 2021",
            "title_es": "B",
            "first_day": "2021-10-27",
        },
    )
    assert response.headers["Location"].endswith("/staff/series/smuggling-webinar-2021")
    with app.app_context():
        copy = db.session.scalars(db.select(Series).filter_by(slug="smuggling-webinar-2021")).one()
        assert copy.status == SeriesStatus.DRAFT and len(copy.sessions) == 2


def test_duplicate_needs_a_first_date_when_there_are_sessions(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        _edition_2020()
        db.session.commit()
    _organizer(app, auth)
    response = client.post(
        "/staff/series/smuggling-2020/duplicate",
        data={"slug": "x-2021", "title_en": "A", "title_es": "B", "first_day": ""},
    )
    assert "Give the date of the first session." in response.get_data(as_text=True)


# --- publishing, slugs ------------------------------------------------------------------------


def test_publish_and_unpublish_after_a_confirmation(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        factories.make_series(slug="to-publish", status=SeriesStatus.DRAFT)
        db.session.commit()
    _organizer(app, auth)
    html = client.get("/staff/series/to-publish").get_data(as_text=True)
    assert "/staff/series/to-publish/publication" in html
    page = client.get("/staff/series/to-publish/publication").get_data(as_text=True)
    assert "Publish “Series" in page
    client.post("/staff/series/to-publish/publication")
    assert client.get("/series/to-publish").status_code == 200
    page = client.get("/staff/series/to-publish/publication").get_data(as_text=True)
    assert "Unpublish “Series" in page
    client.post("/staff/series/to-publish/publication")
    assert client.get("/series/to-publish").status_code == 404


def test_publication_is_for_organizers(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    with app.app_context():
        series = factories.make_series(slug="not-yours", status=SeriesStatus.DRAFT)
        email = factories.make_user(StaffRole.FACILITATOR, series=[series]).email
        db.session.commit()
    auth.login(email)
    assert client.post("/staff/series/not-yours/publication").status_code == 403
    assert client.get("/staff/series/not-yours/duplicate").status_code == 403


def test_slug_is_proposed_from_the_title(ctx: Flask) -> None:
    from webinars.series.services import available_slug, slugify

    assert (
        slugify("Gestión de Fronteras: ¿qué sigue? 2021") == "gestion-de-fronteras-que-sigue-2021"
    )
    assert len(slugify("palabra " * 30)) <= 80
    assert not slugify("palabra " * 30).endswith("-")
    factories.make_series(slug="gestion-2021")
    assert available_slug("Gestión 2021") == "gestion-2021-2"
    assert available_slug("New") == "new-2"  # "new" is a staff URL
    assert available_slug("¡¿?!") == "series"


def test_new_series_without_a_slug_gets_one(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _organizer(app, auth)
    response = client.post(
        "/staff/series/new",
        data={
            "slug": "",
            "title_en": "Border Management Webinar",
            "title_es": "Webinario de Gestión de Fronteras",
            "modality": "online",
            "timezone": "America/Costa_Rica",
            "approval_mode": "automatic",
            "status": "draft",
            "reminder_minutes": "1440, 60",
        },
    )
    assert response.headers["Location"].endswith("/staff/series/border-management-webinar")


# --- reminders in words, zones and partners from lists, languages side by side ---------------


def test_reminders_are_read_and_written_in_words(ctx: Flask) -> None:
    import pytest
    from flask_babel import force_locale

    from webinars.staff.series_forms import format_reminder, parse_reminders

    assert parse_reminders("1 day, 1 hour") == (1440, 60)
    assert parse_reminders("1 día; 2 horas, 30 minutos") == (1440, 120, 30)
    assert parse_reminders("1d, 90 min, 1440") == (1440, 90)
    assert parse_reminders(" ") == ()
    with pytest.raises(ValueError, match="1.5 hours"):
        parse_reminders("1.5 hours")
    with force_locale("en"):
        assert [format_reminder(m) for m in (1440, 1500, 90, 2880)] == [
            "1 day",
            "25 hours",
            "90 minutes",
            "2 days",
        ]
    with force_locale("es"):
        assert format_reminder(60) == "1 hora"


def test_series_form_takes_reminders_in_words(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series_id = factories.make_series(slug="reminded", reminder_minutes=[1440, 60]).id
        db.session.commit()
    _organizer(app, auth)
    html = client.get("/staff/series/reminded/edit").get_data(as_text=True)
    assert 'value="1 day, 1 hour"' in html
    html = client.get("/staff/series/reminded/edit?lang=es").get_data(as_text=True)
    assert 'value="1 día, 1 hora"' in html
    form = {
        "slug": "reminded",
        "title_en": "T",
        "title_es": "T",
        "modality": "online",
        "timezone": "America/Tijuana",
        "approval_mode": "automatic",
        "status": "draft",
        "reminder_minutes": "2 days, 30 min",
        "partner_ids": [str(factories_org_id(app, "IOM"))],
    }
    response = client.post("/staff/series/reminded/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        series = db.session.get(Series, series_id)
        assert series.reminder_minutes == [2880, 30]
        assert series.timezone == "America/Tijuana"
        assert [p.acronym_en for p in series.partners] == ["IOM"]
    form["reminder_minutes"] = "31 days"
    html = client.post("/staff/series/reminded/edit?lang=en", data=form).get_data(as_text=True)
    assert "Each reminder between 1 minute and 30 days before." in html


def factories_org_id(app: Flask, acronym: str) -> int:
    with app.app_context():
        return factories.organization(acronym).id


def test_series_form_offers_zones_and_partners_from_lists(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _organizer(app, auth)
    html = client.get("/staff/series/new").get_data(as_text=True)
    # Member countries first, each with every zone: Mexico's Tijuana and Cancún.
    assert html.index('<optgroup label="Belize">') < html.index('<optgroup label="Other zones">')
    assert 'value="America/Tijuana">Tijuana time (UTC−8)' in html
    assert 'value="America/Cancun">Cancún time (UTC−5)' in html
    assert 'value="Europe/Madrid"' in html
    assert 'type="checkbox"' in html and "UNODC" in html
    assert 'class="lang-pair"' in html
    html = client.get("/staff/series/new?lang=es").get_data(as_text=True)
    assert "Hora de Tijuana (UTC−8)" in html
    assert '<optgroup label="México">' in html


def test_deleting_a_series_takes_its_name_typed_out(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        factories.make_series(slug="doomed", title_en="Doomed webinar", title_es="Webinario")
        db.session.commit()
    _organizer(app, auth)
    page = client.get("/staff/series/doomed/delete").get_data(as_text=True)
    assert 'name="confirmation"' in page and "Its address is doomed." in page
    for wrong in ("", "doom", "other"):
        response = client.post("/staff/series/doomed/delete", data={"confirmation": wrong})
        assert response.status_code == 200
        assert client.get("/staff/series/doomed").status_code == 200
    assert "This is not the title or the address of this series." in response.get_data(as_text=True)
    response = client.post("/staff/series/doomed/delete", data={"confirmation": " doomed  WEBINAR"})
    assert response.status_code == 302
    assert client.get("/staff/series/doomed").status_code == 404


def test_session_page_flags_people_without_an_email(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    from webinars.sessions.models import RoleKind

    with app.app_context():
        series = factories.make_series(slug="flagged")
        event_session = factories.make_session(series)
        no_mail = factories.make_person(name="Moderadora Sin Correo", email=None)
        with_mail = factories.make_person(name="Con Correo", email="con@example.org")
        factories.make_role(
            kind=RoleKind.MODERATOR, session_id=event_session.id, person_id=no_mail.id
        )
        item = factories.make_agenda_item(event_session)
        factories.make_role(kind=RoleKind.PANELIST, agenda_item_id=item.id, person_id=no_mail.id)
        factories.make_role(kind=RoleKind.PANELIST, agenda_item_id=item.id, person_id=with_mail.id)
        url = f"/staff/series/flagged/sessions/{event_session.id}"
        person_id = no_mail.id
        db.session.commit()
    _organizer(app, auth)
    html = client.get(url).get_data(as_text=True)
    block = html[
        html.index('id="without-email"') : html.index(
            "</section>", html.index('id="without-email"')
        )
    ]
    assert "Moderadora Sin Correo" in block and "Moderator, Panelist" in block
    assert "Con Correo" not in block
    assert f"/staff/people/{person_id}/edit" in block


# --- staff password reset --------------------------------------------------------------------


def _reset_link(app: Flask, address: str) -> str:
    from webinars.mail.models import OutboxMessage

    with app.app_context():
        message = db.session.scalars(
            db.select(OutboxMessage)
            .filter_by(kind="account.password_reset", to_address=address)
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None
        link = next(w for w in message.body_text.split() if "/login/reset/" in w)
    return link.split("http://127.0.0.1:5000", 1)[-1] if "127.0.0.1:5000" in link else link


def test_password_reset_by_email_link(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    from webinars.mail.models import OutboxMessage

    with app.app_context():
        email = factories.make_user(StaffRole.ORGANIZER).email
        db.session.commit()
    assert "/login/forgot" in client.get("/login").get_data(as_text=True)
    known = client.post("/login/forgot", data={"email": email.upper()})
    unknown = client.post("/login/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    # The same answer, but for the address typed.
    assert known.get_data(as_text=True).replace(email.upper(), "X") == unknown.get_data(
        as_text=True
    ).replace("nobody@example.org", "X")
    with app.app_context():
        kinds = db.session.scalars(db.select(OutboxMessage.to_address)).all()
        assert kinds == [email]  # through the outbox, only to the real account
    link = _reset_link(app, email)
    path = link[link.index("/login/reset/") :]
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert "At least 10 characters." in response.get_data(as_text=True)
    response = client.post(path, data={"password": "a new long password", "confirm": "another"})
    assert "The two passwords differ." in response.get_data(as_text=True)
    response = client.post(
        path, data={"password": "a new long password", "confirm": "a new long password"}
    )
    assert response.headers["Location"].endswith("/login")
    # Single use: the password changed, the link died.
    assert client.get(path).status_code == 410
    assert "Wrong e-mail or password." in auth.login(email).get_data(as_text=True)
    assert auth.login(email, "a new long password").status_code == 302


def test_password_reset_link_expires_and_refuses_forgery(app: Flask) -> None:
    from unittest import mock

    from webinars.accounts import reset

    with app.test_request_context():
        user = factories.make_user(StaffRole.FOCAL_POINT)
        token = reset.reset_token(user)
        assert reset.user_for_token(token) is user
        assert reset.user_for_token(token[:-2] + "xx") is None
        assert reset.user_for_token("garbage") is None
        later = __import__("time").time() + app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] + 5
        with mock.patch("itsdangerous.timed.time.time", return_value=later):
            assert reset.user_for_token(token) is None
        user.active = False
        assert reset.user_for_token(token) is None


def test_password_reset_requests_are_rate_limited(database_url: str) -> None:
    from ..conftest import make_test_app

    app = make_test_app(database_url, PASSWORD_RESET_RATE_LIMIT="2 per minute")
    client = app.test_client()
    answers = [
        client.post("/login/forgot", data={"email": f"a{n}@example.org"}).status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]
    assert client.get("/login/forgot").status_code == 200
    # One mailbox cannot be flooded from many client addresses.
    answers = [
        client.post(
            "/login/forgot",
            data={"email": "target@example.org"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]


# --- defect 10: the registration form ---------------------------------------------------------


def test_an_observer_without_organization_and_sessions_sees_both_errors_at_once(
    app: Flask, client: FlaskClient
) -> None:
    from ..helpers import field_errors

    with app.app_context():
        factories.open_series(slug="both-errors")
        db.session.commit()
    response = client.post(
        "/series/both-errors/register?lang=en",
        data={
            "first_name": "Ana",
            "last_name": "Pérez",
            "email": "ana@unhcr.org",
            "country": "observer",
            "observer_organization": "",
            "institution": "ACNUR",
            "position": "Oficial",
            "language": "es",
            "timezone": "",
            "privacy_accepted": "y",
        },
    )
    assert response.status_code == 200
    assert "name of your organization" in field_errors(response, "observer_organization")
    assert "at least one session" in field_errors(response, "sessions")


# --- defect 11: every zone of a country -------------------------------------------------------


def test_registration_offers_every_zone_of_each_country(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        factories.open_series(slug="zones", timezone="America/Costa_Rica")
        db.session.commit()
    html = client.get("/series/zones/register?lang=en").get_data(as_text=True)
    start = html.index('id="timezone"')
    select = html[start : html.index("</select>", start)]
    for zone, label in (
        ("America/Tijuana", "Tijuana time (UTC−8)"),
        ("America/Cancun", "Cancún time (UTC−5)"),
        ("America/Chicago", "Chicago time (UTC−6)"),
        ("America/Vancouver", "Vancouver time (UTC−8)"),
        ("America/Costa_Rica", "Costa Rica time (UTC−6) · the series"),
    ):
        assert f'<option value="{zone}">{label}</option>' in select
    assert select.index('<optgroup label="Mexico">') < select.index(
        '<optgroup label="Other zones">'
    )
    assert 'data-browser-zone="default"' in html
    assert "/static/js/browser-zone.js" in html
    spanish = client.get("/series/zones/register?lang=es").get_data(as_text=True)
    assert "Hora de Tijuana (UTC−8)" in spanish and '<optgroup label="México">' in spanish


def test_a_registrant_in_tijuana_gets_tijuana_times(app: Flask, client: FlaskClient) -> None:
    from webinars.registration.models import Registration

    with app.app_context():
        series = factories.open_series(slug="tijuana")
        sessions = [str(s.id) for s in series.sessions]
        db.session.commit()
    response = client.post(
        "/series/tijuana/register",
        data={
            "first_name": "Ana",
            "last_name": "López",
            "email": "ana@inm.gob.mx",
            "country": "MX",
            "institution": "INM",
            "position": "Delegada",
            "language": "es",
            "timezone": "America/Tijuana",
            "sessions": sessions,
            "privacy_accepted": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.scalars(db.select(Registration)).one()
        assert registration.timezone == "America/Tijuana"


def test_registration_times_follow_the_chosen_zone(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        factories.open_series(
            slug="window",
            registration_opens_at=datetime(2020, 1, 1, 15, tzinfo=UTC),
            registration_closes_at=datetime(2030, 3, 1, 18, tzinfo=UTC),
        )
        db.session.commit()
    html = client.get("/series/window?tz=America/Tijuana&lang=en").get_data(as_text=True)
    # 1 March 2030 18:00 UTC: 12:00 in Costa Rica, 10:00 in Tijuana (UTC−8).
    assert "March 1, 2030, 10:00" in html and "Tijuana time (UTC−8)" in html
    assert "/series/window/register?lang=en&amp;tz=America/Tijuana" in html
    assert "/series/window/register?lang=en&amp;tz=America/Tijuana" in html
    register = client.get("/series/window/register?lang=en&tz=America/Tijuana").get_data(
        as_text=True
    )
    assert '<option selected value="America/Tijuana">' in register
    assert "That is March 1, 2030 at 10:00, Tijuana time (UTC−8)." in register
    # A country code still works as before.
    assert "Mexico, UTC-06:00" in client.get("/series/window?tz=MX").get_data(as_text=True)
