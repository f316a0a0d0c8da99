"""Abuse of the public registration form and API (issue 12, items 1 and 7).

Each test reproduces an attack that worked before: a flood of the HTML form, fake
registrations that took capped seats, e-mails sent to someone who never registered, and the
manage link shown to whoever typed the address.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.delivery import deliver_due
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.outbox import enqueue
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token
from webinars.series.models import Series
from webinars.types import utcnow

from .. import factories
from ..conftest import AuthActions, SmtpServer, make_test_app
from ..factories import registration_data

S = RegistrationStatus
VERIFY_LINK = re.compile(r"https?://[^/\s\"]+(/verify/[A-Za-z0-9_.\-]+)")


def _form(series: Series, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana.perez@example.gov",
        "country": "CR",
        "observer_organization": "",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "prosecutor",
        "language": "en",
        "timezone": "",
        "sessions": [s.id for s in series.sessions],
        "privacy_accepted": "y",
    }
    data.update(overrides)
    return data


def _capped_series(**fields: Any) -> Series:
    """An open series that verifies addresses, whose profile takes one official per country."""
    series = factories.open_series(verify_email=True, **fields)
    factories.make_profile(series, code="prosecutor", min_per_country=1, max_per_country=1)
    db.session.refresh(series)
    return series


def _mails(kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.filter_by(kind=kind)
    if to:
        query = query.filter_by(to_address=to)
    return list(db.session.scalars(query))


def _registration(email: str) -> Registration:
    return db.session.scalars(db.select(Registration).filter_by(email=email)).one()


def _verify_path(email: str) -> str:
    [mail] = _mails("registration.verify", email)
    found = VERIFY_LINK.search(mail.body_text)
    assert found
    return found.group(1)


# --- the form shares the API's rate limit -------------------------------------------------------


def test_flooding_the_form_is_answered_429_and_shares_the_api_budget(
    app: Flask, database_url: str
) -> None:
    """Before: 60 registrations in 5 s through the form, which had no limit at all."""
    limited = make_test_app(database_url, REGISTRATION_RATE_LIMIT="3 per minute")
    with limited.app_context():
        series = _capped_series()
        slug = series.slug
        form = _form(series)
        db.session.commit()
        client = limited.test_client()
        for n in range(2):
            answer = client.post(f"/series/{slug}/register", data={**form, "email": f"a{n}@x.org"})
            assert answer.status_code == 302
        api = client.post(
            f"/api/v1/series/{slug}/registrations",
            json={
                "first_name": "B",
                "last_name": "C",
                "email": "api@x.org",
                "institution": "I",
                "position": "P",
                "language": "en",
                "country": "CR",
                "profile": "other",
                "consent_to_list": False,
            },
        )
        assert api.status_code == 201
        flooded = client.post(f"/series/{slug}/register", data={**form, "email": "z@x.org"})
        assert flooded.status_code == 429
        assert "Too many requests from your address" in flooded.get_data(as_text=True)
        assert client.get(f"/series/{slug}/register").status_code == 200  # reading is free
        assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 3


# --- verification of the address ------------------------------------------------------------


def test_fake_registrations_take_no_seat_and_the_real_official_is_confirmed(
    app: Flask, client: FlaskClient
) -> None:
    """Before: three fake pending registrations took the three seats of a capped profile and
    put the real official on the waiting list."""
    with app.app_context():
        series = _capped_series()
        slug, form = series.slug, _form(series)
        db.session.commit()
    for n in range(3):
        client.post(f"/series/{slug}/register", data={**form, "email": f"fake{n}@example.org"})
    client.post(f"/series/{slug}/register", data=form)

    with app.app_context():
        statuses = set(db.session.scalars(db.select(Registration.status)))
        assert statuses == {S.UNVERIFIED}
        # Only the verification e-mail went out, and it holds no manage link.
        assert {m.kind for m in _mails()} == {"registration.verify"}
        for mail in _mails():
            assert "/r/" not in mail.body_text and "/r/" not in mail.body_html
        path = _verify_path("ana.perez@example.gov")

    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Confirm my e-mail address" in page.get_data(as_text=True)
    with app.app_context():
        assert _registration("ana.perez@example.gov").status == S.UNVERIFIED  # GET changes nothing

    done = client.post(path)
    assert done.status_code == 302 and done.headers["Location"].startswith("/r/")
    with app.app_context():
        registration = _registration("ana.perez@example.gov")
        assert registration.status == S.CONFIRMED
        assert done.headers["Location"] == f"/r/{public_token(registration)}"
        kinds = [m.kind for m in _mails(to=registration.email)]
        assert kinds[:2] == ["registration.verify", "registration.confirmed"]
        assert any(k.startswith("invitation.") for k in kinds)

    # Single use: the link does nothing the second time.
    again = client.post(path)
    assert again.status_code == 200
    assert "this link has been used" in again.get_data(as_text=True)
    with app.app_context():
        assert len(_mails("registration.confirmed")) == 1


def test_verifying_when_the_seat_is_taken_goes_to_the_waiting_list(ctx: Flask) -> None:
    series = _capped_series()
    late = services.register(series, registration_data(profile_code="prosecutor"))
    early = services.register(series, registration_data(profile_code="prosecutor"))
    services.verify_address(early)
    services.verify_address(late)
    assert (early.status, late.status) == (S.CONFIRMED, S.WAITLISTED)
    with pytest.raises(services.VerificationLinkUsed):
        services.verify_address(late)


def test_a_bad_or_tampered_verification_link_is_not_found(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        series = _capped_series()
        registration = services.register(series, registration_data())
        db.session.commit()
        path = _verify_path(registration.email)
    assert client.get(path[:-2] + "xx").status_code == 404
    assert client.get("/verify/nothing").status_code == 404


def test_registrations_made_by_staff_are_verified_by_them(ctx: Flask) -> None:
    series = _capped_series()
    focal_point = factories.make_user(StaffRole.FOCAL_POINT)
    registration = services.register(series, registration_data(), registered_by=focal_point)
    assert registration.status == S.CONFIRMED
    assert [m.kind for m in _mails()][0] == "registration.confirmed"


def test_unverified_registrations_expire_and_free_their_address(
    app: Flask, runner: Any, client: FlaskClient
) -> None:
    with app.app_context():
        series = _capped_series(capacity=1)
        stale = services.register(series, registration_data(email="victim@example.org"))
        fresh = services.register(series, registration_data())
        # A seat freed while someone waited, as a cancellation leaves it (direct write).
        waiting = factories.make_registration(
            series, status=S.WAITLISTED, waitlisted_at=utcnow() - timedelta(days=1)
        )
        stale.created_at = utcnow() - timedelta(hours=49)
        db.session.commit()
        stale_id, fresh_id, waiting_id = stale.id, fresh.id, waiting.id
        slug, form = series.slug, _form(series, email="victim@example.org")

    result = runner.invoke(args=["registrations", "expire-unverified"])
    assert result.exit_code == 0 and "1 unverified registration(s) expired" in result.output
    again = runner.invoke(args=["registrations", "expire-unverified"])
    assert "0 unverified registration(s) expired" in again.output  # idempotent

    with app.app_context():
        assert db.session.get(Registration, stale_id) is None
        assert db.session.get(Registration, fresh_id).status == S.UNVERIFIED
        # The waiting list had its pass: the free seat went to the first in line.
        assert db.session.get(Registration, waiting_id).status == S.CONFIRMED
    # The address is free again for its owner.
    client.post(f"/series/{slug}/register", data=form)
    with app.app_context():
        assert _registration("victim@example.org").status == S.UNVERIFIED


def test_the_worker_pass_expires_unverified_registrations(app: Flask, runner: Any) -> None:
    with app.app_context():
        series = _capped_series()
        stale = services.register(series, registration_data())
        stale.created_at = utcnow() - timedelta(hours=49)
        db.session.commit()
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert "1 unverified registration(s) expired" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


# --- e-mails to someone who never registered ----------------------------------------------------


def test_a_stranger_cannot_make_an_address_receive_more_than_its_daily_allowance(
    app: Flask, database_url: str, smtp_server: SmtpServer
) -> None:
    """Before: register a victim's address, cancel through the link shown, repeat: 20
    "registration cancelled" e-mails in 5 s. Now the link never reaches the stranger, and
    typing the address again and again mails it at most MAIL_REQUESTED_PER_ADDRESS_PER_DAY
    times; the rest is kept, visibly, as suppressed."""
    mail_app = make_test_app(database_url, **smtp_server.config)
    client = mail_app.test_client()
    with mail_app.app_context():
        series = _capped_series()
        slug, form = series.slug, _form(series, email="victim@example.org")
        db.session.commit()
    for _ in range(8):
        answer = client.post(f"/series/{slug}/register", data=form)
        assert answer.status_code == 302
        assert "/r/" not in client.get(answer.headers["Location"]).get_data(as_text=True)
    with mail_app.app_context():
        report = deliver_due()
        assert (report.sent, report.suppressed) == (5, 3)
        mails = _mails(to="victim@example.org")
        assert [m.status for m in mails] == [OutboxStatus.SENT] * 5 + [OutboxStatus.SUPPRESSED] * 3
        assert "Daily allowance reached" in mails[-1].last_error
        # Mails a verified registrant or the staff cause keep their own allowance.
        enqueue(
            kind="registration.confirmed",
            to_address="victim@example.org",
            subject="s",
            body_text="t",
            body_html="h",
            language="en",
        )
        db.session.commit()
        assert deliver_due().sent == 1
    assert len(smtp_server.messages) == 6


def test_every_kind_counts_in_the_daily_cap_and_organizers_see_what_was_held(
    app: Flask, database_url: str, smtp_server: SmtpServer
) -> None:
    capped = make_test_app(database_url, MAIL_PER_ADDRESS_PER_DAY=3, **smtp_server.config)
    with capped.app_context():
        organizer = factories.make_user(StaffRole.ORGANIZER)
        for _ in range(4):
            message = enqueue(
                kind="reminder",
                to_address="someone@example.org",
                subject="s",
                body_text="t",
                body_html="h",
                language="en",
            )
        db.session.commit()
        assert deliver_due().suppressed == 1
        client = capped.test_client()
        AuthActions(client).login(organizer.email)
        page = client.get("/staff/outbox?status=suppressed").get_data(as_text=True)
        assert "Not sent: daily limit" in page
        assert "reached its daily limit" in page
        # "Send again" releases it past the allowance.
        client.post(f"/staff/outbox/{message.id}/resend")
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.PENDING
        assert deliver_due().sent == 1
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT
