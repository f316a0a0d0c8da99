"""Privacy: the purge of old series, deleting one's own registration, manage links that expire
and can be revoked, and the participant-list consent in every export."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token
from webinars.attendance.models import Attendance, AttendanceSource, AttendanceState
from webinars.audit.models import AuditEvent
from webinars.extensions import db
from webinars.invitations import flow
from webinars.invitations.models import Invitation
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import enqueue
from webinars.registration import notifications, services
from webinars.registration.anonymised import ANONYMISED_NAME, anonymised_email
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token
from webinars.reports.participants import ListScope, iter_participants
from webinars.reports.report import build_report, load_report_data, report_json
from webinars.series.models import Series

from .. import factories
from ..conftest import AuthActions, make_test_app
from ..openapi_check import assert_matches_document

S = RegistrationStatus
MANAGE_LINK = re.compile(r"https?://[^/\s\"]+/r/([A-Za-z0-9_.\-]+)")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _series(slug: str) -> Series:
    return db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one()


def _guest(session_id: int, name: str, key: str | None, **fields: Any) -> Attendance:
    values: dict[str, Any] = {
        "session_id": session_id,
        "state": AttendanceState.GUEST,
        "name": name,
        "email": key if key and "@" in key else "",
        "report_key": key,
        "country_code": "PA",
        "minutes": 120,
        "source": AttendanceSource.ZOOM,
    }
    values.update(fields)
    attendance = Attendance(**values)
    db.session.add(attendance)
    return attendance


# --- the purge -----------------------------------------------------------------------------------

#: Every personal detail the old series holds somewhere: none may survive the purge.
PERSONAL = [
    "Núñez",
    "janunez@migracion.gob.sv",
    "Sánchez",
    "msanchez@mp.gob.gt",
    "Oficial OIM",
    "oficial@iom.int",
    "Rechazado",
    "Ana Ruiz",
    "Esperando",
    "Fiscalía General",
    "Invitado Panamá",
    "invitado@pa.example",
    "Desconocido",
    "desconocido@example.org",
    "Anfitriona",
    "host@example.org",
    "speaker@example.org",
]


@dataclass(frozen=True)
class PurgeWorld:
    old: str
    recent: str
    undated: str
    old_tokens: list[str]
    recent_token: str


@pytest.fixture
def purge_world(app: Flask) -> PurgeWorld:
    """A series of September 2020 with every kind of personal row; a series that ended two
    months ago; a series without sessions."""
    with app.app_context():
        old = factories.make_series(timezone="America/El_Salvador")
        for day in (8, 9):
            factories.make_session(
                old,
                start_at=datetime(2020, 9, day, 15, tzinfo=UTC),
                end_at=datetime(2020, 9, day, 17, tzinfo=UTC),
            )
        db.session.refresh(old)
        one, two = old.sessions
        prosecutor = factories.make_profile(old, code="prosecutor", min_per_country=1)
        nunez = factories.make_registration(
            old,
            first_name="José",
            last_name="Núñez",
            email="janunez@migracion.gob.sv",
            country_code="SV",
            profile_id=prosecutor.id,
            consent_to_list=True,
        )
        sanchez = factories.make_registration(
            old,
            first_name="María",
            last_name="Sánchez",
            email="msanchez@mp.gob.gt",
            country_code="GT",
            sessions=[one],
        )
        observer = factories.make_registration(
            old,
            first_name="Oficial",
            last_name="OIM",
            email="oficial@iom.int",
            country_code=None,
            observer_organization="IOM",
        )
        rejected = factories.make_registration(
            old,
            last_name="Rechazado",
            status=S.REJECTED,
            rejection_reason="Ana Ruiz already registers for this unit.",
        )
        factories.make_registration(old, last_name="Esperando", status=S.WAITLISTED)
        factories.make_attendance(one, nunez)
        factories.make_attendance(two, nunez, minutes=100)
        factories.make_attendance(one, sanchez, minutes=30)
        factories.make_attendance(two, observer)
        # One unregistered attendee in both sessions (the report counts them once), one
        # without a key, a row nobody resolved and a host.
        _guest(one.id, "Invitado Panamá", "invitado@pa.example")
        _guest(two.id, "Invitado Panamá", "invitado@pa.example", minutes=90)
        _guest(one.id, "Zoom user Anfitriona", None, country_code="CR")
        _guest(
            two.id,
            "Desconocido",
            "desconocido@example.org",
            state=AttendanceState.UNMATCHED,
            country_code=None,
        )
        _guest(
            one.id,
            "Anfitriona",
            "host@example.org",
            state=AttendanceState.SPEAKER,
            country_code=None,
        )
        for registration in (nunez, sanchez, observer, rejected):
            notifications.notify(registration, "confirmed")
            flow.sync_registration(registration)
        enqueue(
            kind="session.updated",
            to_address="speaker@example.org",
            subject="Update",
            body_text="Dear speaker",
            body_html="<p>Dear speaker</p>",
            language="en",
            session_id=one.id,
        )

        recent = factories.make_series()
        end = datetime.now(UTC) - timedelta(days=60)
        factories.make_session(recent, start_at=end - timedelta(hours=2), end_at=end)
        db.session.refresh(recent)
        recent_reg = factories.make_registration(recent, email="recent@example.gov")
        notifications.notify(recent_reg, "confirmed")
        undated = factories.make_series()
        factories.make_registration(undated, email="undated@example.gov")
        db.session.commit()
        return PurgeWorld(
            old.slug,
            recent.slug,
            undated.slug,
            [public_token(r) for r in (nunez, sanchez, observer)],
            public_token(recent_reg),
        )


def _figures(slug: str) -> tuple[dict[str, Any], ...]:
    """The report of the series and of each session, and the participant list without the
    columns that name a person."""
    series = _series(slug)
    reports = [report_json(build_report(load_report_data(series)))]
    reports += [report_json(build_report(load_report_data(series, s))) for s in series.sessions]
    people = sorted(
        (p.origin, p.profile, p.status, tuple(p.sessions), tuple(p.attended), str(p.minutes))
        for p in iter_participants(ListScope(series))
    )
    return (*reports, {"people": people})


def _personal_text(slug: str) -> str:
    """Every text the series' registrations, attendance, invitations and messages hold."""
    series = _series(slug)
    session_ids = [s.id for s in series.sessions]
    registrations = list(db.session.scalars(db.select(Registration).filter_by(series_id=series.id)))
    registration_ids = [r.id for r in registrations]
    rows: list[Any] = list(registrations)
    rows += db.session.scalars(db.select(Attendance).where(Attendance.session_id.in_(session_ids)))
    rows += db.session.scalars(
        db.select(Invitation).where(Invitation.registration_id.in_(registration_ids))
    )
    rows += db.session.scalars(
        db.select(OutboxMessage).where(
            (OutboxMessage.series_id == series.id)
            | OutboxMessage.registration_id.in_(registration_ids)
            | OutboxMessage.session_id.in_(session_ids)
        )
    )
    texts = []
    for row in rows:
        for column in row.__table__.columns:
            value = getattr(row, column.key)
            if isinstance(value, str):
                texts.append(value)
    return "\n".join(texts)


def _purge(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["privacy", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_purge_anonymises_an_old_series_and_keeps_its_figures(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, purge_world: PurgeWorld
) -> None:
    with app.test_request_context():
        before = _figures(purge_world.old)
        personal = _personal_text(purge_world.old)
    assert all(text in personal for text in PERSONAL)  # the world holds them all

    output = _purge(runner, "--older-than", "12")
    assert f"{purge_world.old} (ended 2020-09-09): purged 5 registration(s)" in output
    assert "9 attendance row(s)" in output and "outbox message(s) deleted" in output
    assert purge_world.recent not in output and purge_world.undated not in output
    assert "1 series ended before" in output

    with app.test_request_context():
        assert _figures(purge_world.old) == before
        personal = _personal_text(purge_world.old)
        assert [text for text in PERSONAL if text in personal] == []
        series = _series(purge_world.old)
        registrations = db.session.scalars(
            db.select(Registration).filter_by(series_id=series.id).order_by(Registration.id)
        ).all()
        for registration in registrations:
            assert registration.full_name.strip() == ANONYMISED_NAME
            assert registration.email == anonymised_email(registration.id)
            assert (registration.institution, registration.position) == ("—", "—")
            assert registration.rejection_reason == "" and not registration.consent_to_list
            assert registration.timezone == "America/Costa_Rica"
        assert [r.status for r in registrations] == [S.CONFIRMED] * 3 + [S.REJECTED, S.WAITLISTED]
        assert [r.observer_organization for r in registrations][2] == "IOM"
        keys = db.session.scalars(
            db.select(Attendance.report_key)
            .where(Attendance.state != AttendanceState.REGISTERED)
            .order_by(Attendance.id)
        ).all()
        # The guest of both sessions keeps one key across them; the keyless row stays keyless.
        assert keys[0] == keys[1] and keys[0].startswith("anonymised:") and keys[2] is None
        assert (
            db.session.scalar(
                db.select(db.func.count(OutboxMessage.id)).where(
                    OutboxMessage.series_id == series.id
                )
            )
            == 0
        )
        [event] = db.session.scalars(db.select(AuditEvent)).all()
        assert (event.action, event.channel, event.series_slug) == ("purge", "cli", series.slug)
        assert event.actor.startswith("cli:") and "5 registration(s)" in event.detail
        # The other series keep everything.
        assert (
            db.session.scalar(
                db.select(db.func.count(Registration.id)).where(Registration.email.like("%.gov"))
            )
            == 2
        )
        assert (
            db.session.scalar(
                db.select(db.func.count(OutboxMessage.id)).where(
                    OutboxMessage.to_address == "recent@example.gov"
                )
            )
            == 1
        )

    # The old links die with the old secrets; the recent series' link still works.
    for token in purge_world.old_tokens:
        assert client.get(f"/r/{token}").status_code == 404
    assert client.get(f"/r/{purge_world.recent_token}").status_code == 200


def test_a_second_purge_changes_nothing(
    app: Flask, runner: FlaskCliRunner, purge_world: PurgeWorld
) -> None:
    _purge(runner, "--older-than", "12")
    with app.test_request_context():
        first = (_figures(purge_world.old), _personal_text(purge_world.old))
        tokens = db.session.scalars(db.select(Registration.manage_token)).all()
    output = _purge(runner, "--older-than", "12")
    assert f"{purge_world.old} (ended 2020-09-09): nothing left to purge." in output
    assert "purged 0 registration(s), 0 attendance row(s), 0 invitation(s)" in output
    with app.test_request_context():
        assert (_figures(purge_world.old), _personal_text(purge_world.old)) == first
        assert db.session.scalars(db.select(Registration.manage_token)).all() == tokens
        assert len(db.session.scalars(db.select(AuditEvent)).all()) == 1


def test_a_dry_run_counts_and_writes_nothing(
    app: Flask, runner: FlaskCliRunner, purge_world: PurgeWorld
) -> None:
    with app.test_request_context():
        before = _personal_text(purge_world.old)
    output = _purge(runner, "--older-than", "12", "--dry-run")
    assert f"{purge_world.old} (ended 2020-09-09): would purge 5 registration(s)" in output
    assert "would delete" in output
    with app.test_request_context():
        assert _personal_text(purge_world.old) == before
        assert db.session.scalars(db.select(AuditEvent)).all() == []


def test_purge_age_is_in_months_and_at_least_one(
    runner: FlaskCliRunner, purge_world: PurgeWorld
) -> None:
    output = _purge(runner, "--older-than", "1", "--dry-run")
    assert purge_world.old in output and purge_world.recent in output
    assert purge_world.undated not in output  # no session: it has not ended
    assert purge_world.recent not in _purge(runner, "--older-than", "3", "--dry-run")
    assert runner.invoke(args=["privacy", "purge", "--older-than", "0"]).exit_code != 0
    assert runner.invoke(args=["privacy", "purge"]).exit_code != 0


# --- a registrant deletes their own registration -------------------------------------------------


@pytest.fixture
def full_series(app: Flask) -> dict[str, Any]:
    """An open series of one seat: a holder who attended, and someone on the waiting list."""
    with app.app_context():
        series = factories.open_series(capacity=1)
        holder = services.register(series, factories.registration_data(email="holder@cr.example"))
        waiting = services.register(series, factories.registration_data(email="wait@cr.example"))
        factories.make_attendance(series.sessions[0], holder)
        db.session.commit()
        assert (holder.status, waiting.status) == (S.CONFIRMED, S.WAITLISTED)
        return {
            "slug": series.slug,
            "token": public_token(holder),
            "holder": holder.id,
            "waiting": waiting.id,
        }


def _messages_to(address: str) -> list[tuple[str, str]]:
    return [
        (kind, method)
        for kind, method in db.session.execute(
            db.select(OutboxMessage.kind, OutboxMessage.ical_method)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    ]


def test_deleting_ones_registration_frees_the_seat_and_leaves_nothing(
    app: Flask, client: FlaskClient, full_series: dict[str, Any]
) -> None:
    token = full_series["token"]
    manage = client.get(f"/r/{token}?lang=en").text
    assert f"/r/{token}/delete" in manage
    confirm = client.get(f"/r/{token}/delete?lang=en")
    assert confirm.status_code == 200 and "Yes, delete my registration and my data" in confirm.text
    assert confirm.headers["Cache-Control"] == "no-store"
    with app.app_context():  # a GET deletes nothing
        assert db.session.get(Registration, full_series["holder"]) is not None

    done = client.post(f"/r/{token}/delete?lang=en")
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/series/{full_series['slug']}")
    assert "personal data are deleted" in client.get(done.headers["Location"]).text
    with app.app_context():
        assert db.session.get(Registration, full_series["holder"]) is None
        assert db.session.get(Registration, full_series["waiting"]).status == S.CONFIRMED
        assert db.session.scalars(db.select(Attendance)).all() == []
        assert (
            db.session.scalars(
                db.select(Invitation).where(Invitation.email == "holder@cr.example")
            ).all()
            == []
        )
        # Only the cancellation and the calendar cancellations are left, to be delivered.
        assert _messages_to("holder@cr.example") == [
            ("registration.cancelled", ""),
            ("invitation.withdrawn", "CANCEL"),
            ("invitation.withdrawn", "CANCEL"),
        ]
        assert ("registration.promoted", "") in _messages_to("wait@cr.example")
    assert client.get(f"/r/{token}").status_code == 404
    assert client.post(f"/r/{token}/delete").status_code == 404


def test_a_cancelled_registration_can_be_deleted_too(
    app: Flask, client: FlaskClient, full_series: dict[str, Any]
) -> None:
    token = full_series["token"]
    client.post(f"/r/{token}/cancel")
    with app.app_context():
        cancelled = len(_messages_to("holder@cr.example"))
    assert client.post(f"/r/{token}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Registration, full_series["holder"]) is None
        assert _messages_to("holder@cr.example") == []  # no second cancellation
        assert cancelled > 0


def test_deleting_needs_the_csrf_token(
    app: Flask, database_url: str, full_series: dict[str, Any]
) -> None:
    client = make_test_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    token = full_series["token"]
    assert client.post(f"/r/{token}/delete").status_code == 400
    with app.app_context():
        assert db.session.get(Registration, full_series["holder"]) is not None
    csrf = CSRF.search(client.get(f"/r/{token}/delete").text)
    assert csrf is not None
    assert client.post(f"/r/{token}/delete", data={"csrf_token": csrf[1]}).status_code == 302
    with app.app_context():
        assert db.session.get(Registration, full_series["holder"]) is None


# --- manage links expire after the series ----------------------------------------------------------


def _ended(days_ago: int, **series_fields: Any) -> str:
    """The token of a registrant who attended a series that ended `days_ago` days ago."""
    series = factories.make_series(certificate_sessions=1, **series_fields)
    end = datetime.now(UTC) - timedelta(days=days_ago)
    event_session = factories.make_session(series, start_at=end - timedelta(hours=2), end_at=end)
    db.session.refresh(series)
    registration = factories.make_registration(series)
    factories.make_attendance(event_session, registration)
    db.session.commit()
    return public_token(registration)


PRIVATE_URLS = ("", "/cancel", "/delete", "/certificate.pdf", "/calendar.ics")


def test_links_work_until_90_days_after_the_series_then_answer_gone(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        fresh, stale = _ended(80), _ended(100)
        undated = factories.make_registration(factories.make_series())
        db.session.commit()
        undated_token = public_token(undated)
    page = client.get(f"/r/{fresh}?lang=en").text
    assert "It works until" in page and "Download it before" in page
    for suffix in PRIVATE_URLS:
        assert client.get(f"/r/{fresh}{suffix}").status_code == 200, suffix
    assert client.get(f"/r/{undated_token}").status_code == 200  # no session: no end

    for suffix in PRIVATE_URLS:
        assert client.get(f"/r/{stale}{suffix}").status_code == 410, suffix
    gone = client.get(f"/r/{stale}?lang=en")
    assert "This link has expired" in gone.text and "90 days" in gone.text
    assert gone.headers["Cache-Control"] == "no-store"
    assert client.post(f"/r/{stale}/cancel").status_code == 410
    assert client.post(f"/r/{stale}/delete").status_code == 410
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 3
        assert db.session.scalars(db.select(Registration.status)).all() == [S.CONFIRMED] * 3
    api = client.get(f"/api/v1/registrations/{stale}")
    assert api.status_code == 410 and api.get_json()["code"] == 410
    document = client.get("/api/v1/openapi.json").get_json()
    assert_matches_document(document, f"/api/v1/registrations/{stale}", 410, api.get_json())


def test_the_delay_is_a_setting(app: Flask, database_url: str) -> None:
    with app.app_context():
        token = _ended(20)
    client = make_test_app(database_url, MANAGE_LINK_DAYS_AFTER_END=10).test_client()
    response = client.get(f"/r/{token}?lang=en")
    assert response.status_code == 410 and "10 days" in response.text
    assert app.test_client().get(f"/r/{token}").status_code == 200


# --- organizers revoke a link ------------------------------------------------------------------


@pytest.fixture
def revoke_world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        series = factories.open_series()
        registration = services.register(
            series, factories.registration_data(email="leaked@cr.example", language="en")
        )
        cancelled = services.register(series, factories.registration_data())
        services.cancel(cancelled)
        users = {
            role.value: factories.make_user(role).email
            for role in (StaffRole.ADMIN, StaffRole.ORGANIZER, StaffRole.FACILITATOR)
        }
        users["focal_point"] = factories.make_user(StaffRole.FOCAL_POINT).email
        db.session.commit()
        return {
            "slug": series.slug,
            "id": registration.id,
            "cancelled": cancelled.id,
            "token": public_token(registration),
            "users": users,
        }


def _revoke_url(world: dict[str, Any], key: str = "id") -> str:
    return f"/staff/series/{world['slug']}/registrations/{world[key]}/revoke-link"


def test_an_organizer_revokes_a_link_and_a_new_one_is_sent(
    app: Flask, client: FlaskClient, auth: AuthActions, revoke_world: dict[str, Any]
) -> None:
    old = revoke_world["token"]
    auth.login(revoke_world["users"]["organizer"])
    listing = client.get(f"/staff/series/{revoke_world['slug']}/registrations").text
    assert _revoke_url(revoke_world) in listing
    assert _revoke_url(revoke_world, "cancelled") in listing  # closed, but its link still works

    response = client.post(_revoke_url(revoke_world) + "?status=confirmed")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/registrations?status=confirmed")
    assert "no longer works" in client.get(response.headers["Location"]).text
    assert client.get(f"/r/{old}").status_code == 404
    with app.app_context():
        [message] = db.session.scalars(
            db.select(OutboxMessage).filter_by(kind="registration.manage_link")
        ).all()
        registration = db.session.get(Registration, revoke_world["id"])
        assert message.to_address == "leaked@cr.example"
        assert registration.status == S.CONFIRMED
        new = MANAGE_LINK.search(message.body_text)
    assert new is not None and new[1] != old
    assert client.get(f"/r/{new[1]}").status_code == 200


@pytest.mark.parametrize(("role", "expected"), [("admin", 302), ("facilitator", 403)])
def test_only_organizers_and_admins_revoke(
    app: Flask, role: str, expected: int, revoke_world: dict[str, Any]
) -> None:
    client = app.test_client()
    AuthActions(client).login(revoke_world["users"][role])
    assert client.post(_revoke_url(revoke_world)).status_code == expected
    assert (client.get(f"/r/{revoke_world['token']}").status_code == 200) == (expected == 403)


def test_focal_points_and_visitors_cannot_revoke(
    app: Flask, client: FlaskClient, revoke_world: dict[str, Any]
) -> None:
    assert client.post(_revoke_url(revoke_world)).status_code == 302  # to the login page
    AuthActions(client).login(revoke_world["users"]["focal_point"])
    assert client.post(_revoke_url(revoke_world)).status_code == 403
    listing = client.get(f"/staff/series/{revoke_world['slug']}/registrations").text
    assert "revoke-link" not in listing
    assert client.get(f"/r/{revoke_world['token']}").status_code == 200


def test_revoking_needs_the_csrf_token(
    app: Flask, database_url: str, revoke_world: dict[str, Any]
) -> None:
    client = make_test_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    login = CSRF.search(client.get("/login").text)
    assert login is not None
    client.post(
        "/login",
        data={
            "email": revoke_world["users"]["organizer"],
            "password": factories.PASSWORD,
            "csrf_token": login[1],
        },
    )
    assert client.post(_revoke_url(revoke_world)).status_code == 400
    assert client.get(f"/r/{revoke_world['token']}").status_code == 200
    listing = client.get(f"/staff/series/{revoke_world['slug']}/registrations").text
    csrf = CSRF.search(listing)
    assert csrf is not None
    assert client.post(_revoke_url(revoke_world), data={"csrf_token": csrf[1]}).status_code == 302
    assert client.get(f"/r/{revoke_world['token']}").status_code == 404


def test_an_anonymised_registration_has_no_link_to_revoke(
    app: Flask, client: FlaskClient, auth: AuthActions, revoke_world: dict[str, Any]
) -> None:
    with app.app_context():
        registration = db.session.get(Registration, revoke_world["id"])
        registration.email = anonymised_email(registration.id)
        db.session.commit()
    auth.login(revoke_world["users"]["organizer"])
    listing = client.get(f"/staff/series/{revoke_world['slug']}/registrations").text
    assert _revoke_url(revoke_world) not in listing
    page = client.post(_revoke_url(revoke_world), follow_redirects=True).text
    assert "it has no link to send" in page
    with app.app_context():
        assert (
            db.session.scalars(
                db.select(OutboxMessage).filter_by(kind="registration.manage_link")
            ).all()
            == []
        )


# --- the participant-list consent in every list and export -------------------------------------

WITH_CONSENT = "consents@example.gov"
WITHOUT_CONSENT = "private.person@example.gov"


@pytest.fixture
def consent_world(app: Flask) -> dict[str, str]:
    """A past series of two sessions with one registrant who consented, one who did not;
    both attended both sessions."""
    with app.app_context():
        series = factories.make_series(certificate_sessions=1)
        for day in (8, 9):
            factories.make_session(series, start_at=datetime(2020, 9, day, 15, tzinfo=UTC))
        db.session.refresh(series)
        profile = factories.make_profile(series, code="prosecutor")
        for email, consent in ((WITH_CONSENT, True), (WITHOUT_CONSENT, False)):
            registration = factories.make_registration(
                series, email=email, consent_to_list=consent, profile_id=profile.id
            )
            for event_session in series.sessions:
                factories.make_attendance(event_session, registration)
        organizer = factories.make_user(StaffRole.ORGANIZER)
        token = issue_token(organizer)
        db.session.commit()
        return {"slug": series.slug, "organizer": organizer.email, "token": token}


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _pdf_text(data: bytes) -> str:
    """The PDF's text without any white space, so that a wrapped address is still found."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def _text(data: bytes, fmt: str) -> str:
    if fmt == "xlsx":
        return _xlsx_text(data)
    if fmt == "pdf":
        return _pdf_text(data)
    return data.decode("utf-8-sig")


def test_no_list_export_or_api_answer_has_an_address_without_consent(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    runner: FlaskCliRunner,
    consent_world: dict[str, str],
    tmp_path: Path,
) -> None:
    slug = consent_world["slug"]
    auth.login(consent_world["organizer"])
    texts: dict[str, str] = {}
    for query in ("", "?session=1"):
        texts[f"list{query}"] = client.get(f"/staff/series/{slug}/participants{query}").text
        texts[f"report{query}"] = client.get(f"/staff/series/{slug}/report{query}").text
        for fmt in ("csv", "xlsx", "pdf"):
            response = client.get(f"/staff/series/{slug}/participants.{fmt}{query}")
            assert response.status_code == 200, (fmt, query)
            texts[f"list.{fmt}{query}"] = _text(response.get_data(), fmt)
        for fmt in ("xlsx", "pdf", "json"):
            response = client.get(f"/staff/series/{slug}/report.{fmt}{query}")
            assert response.status_code == 200, (fmt, query)
            texts[f"report.{fmt}{query}"] = _text(response.get_data(), fmt)
    headers = {"Authorization": f"Bearer {consent_world['token']}"}
    for url in (
        "/api/v1/series",
        f"/api/v1/series/{slug}",
        f"/api/v1/series/{slug}/quotas",
        f"/api/v1/series/{slug}/report",
        f"/api/v1/series/{slug}/report?session=1",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        texts[url] = json.dumps(response.get_json(), ensure_ascii=False)
    for fmt in ("csv", "xlsx", "pdf"):
        path = tmp_path / f"list.{fmt}"
        result = runner.invoke(args=["participants", slug, "--format", fmt, "-o", str(path)])
        assert result.exit_code == 0, result.output
        texts[f"cli list.{fmt}"] = _text(path.read_bytes(), fmt)
    for fmt in ("xlsx", "pdf", "json"):
        path = tmp_path / f"report.{fmt}"
        result = runner.invoke(args=["report", slug, "--format", fmt, "-o", str(path)])
        assert result.exit_code == 0, result.output
        texts[f"cli report.{fmt}"] = _text(path.read_bytes(), fmt)

    assert [name for name, text in texts.items() if WITHOUT_CONSENT in text] == []
    # The search finds an address where one is: the consenting registrant is on every list.
    lists = [name for name in texts if name.startswith(("list", "cli list"))]
    assert [name for name in lists if WITH_CONSENT not in texts[name]] == []
