"""Names that break e-mail, and the smaller leaks of issue 12 (items 9 and 10).

Each test reproduces what an attacker (or an unlucky Alt+Enter) did before the fix.
"""

from __future__ import annotations

import io
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from config import DEVELOPMENT_SECRET_KEY
from webinars import deployment
from webinars.accounts.models import StaffRole
from webinars.attendance import services as attendance
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import UnsendableAddress, enqueue
from webinars.registration import delegation, services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token, view_token

from .. import factories
from ..conftest import AuthActions
from ..factories import registration_data

ROOT = Path(__file__).resolve().parent.parent.parent
S = RegistrationStatus


def _series_with_profile(**fields: Any) -> Any:
    series = factories.open_series(**fields)
    factories.make_profile(series, code="prosecutor")
    db.session.refresh(series)
    return series


def _form(series: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana.perez@example.gov",
        "country": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "prosecutor",
        "language": "en",
        "sessions": [s.id for s in series.sessions],
        "privacy_accepted": "y",
    }
    data.update(overrides)
    return data


def _count(model: type) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# --- item 9: control characters -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Ana\nBcc: x@evil.example", "Ana\rB", "Ana\tMaría", "A\u2028B"])
def test_the_form_refuses_a_name_with_a_line_break_beside_the_field(
    app: Flask, client: FlaskClient, name: str
) -> None:
    with app.app_context():
        series = _series_with_profile()
        slug, form = series.slug, _form(series, first_name=name)
        db.session.commit()
    response = client.post(f"/series/{slug}/register", data=form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="first_name-errors"' in html and "without line breaks" in html
    with app.app_context():
        assert _count(Registration) == 0 and _count(OutboxMessage) == 0


def test_the_api_refuses_control_characters_with_a_422_on_the_field(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        series = _series_with_profile()
        slug = series.slug
        db.session.commit()
    response = client.post(
        f"/api/v1/series/{slug}/registrations",
        json={
            "first_name": "Ana",
            "last_name": "Pérez\r\nX-Header: 1",
            "email": "ana@example.gov",
            "institution": "I",
            "position": "P",
            "language": "en",
            "country": "CR",
            "profile": "prosecutor",
            "consent_to_list": False,
        },
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["last_name"]
    with app.app_context():
        assert _count(Registration) == 0


def test_a_registrant_cannot_correct_a_name_into_two_lines(ctx: Flask) -> None:
    series = _series_with_profile()
    registration = services.register(series, registration_data())
    values = {
        "first_name": "Ana\nB",
        "last_name": "Pérez",
        "institution": "I",
        "position": "P",
    }
    with pytest.raises(services.RegistrationError) as refused:
        services.correct_details(registration, values)
    assert refused.value.field == "first_name"


def test_delegation_cells_typed_with_alt_enter_are_folded_to_spaces() -> None:
    csv_file = (
        "email,first_name,last_name,institution,position,profile,language\n"
        'ana@example.gov,"Ana\nMaría","Pérez\r\nSolís",Fiscalía\tGeneral,Fiscal,other,es\n'
    ).encode()
    [row] = delegation.parse_file("d.csv", csv_file, require_origin=False)
    assert row.values["first_name"] == "Ana María"
    assert row.values["last_name"] == "Pérez Solís"
    assert row.values["institution"] == "Fiscalía General"

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["email", "first_name", "last_name", "institution", "position", "profile", "language"]
    )
    sheet.append(["b@example.gov", "Bea\nTriz", "Ruiz", "X", "Y", "other", "es"])
    out = io.BytesIO()
    workbook.save(out)
    [row] = delegation.parse_file("d.xlsx", out.getvalue(), require_origin=False)
    assert row.values["first_name"] == "Bea Triz"


def test_the_outbox_never_holds_an_address_it_cannot_send(ctx: Flask) -> None:
    for address in ("a@example.org\nBcc: b@example.org", "not an address", ""):
        with pytest.raises(UnsendableAddress):
            enqueue(
                kind="reminder",
                to_address=address,
                subject="s",
                body_text="t",
                body_html="h",
                language="en",
            )
    message = enqueue(
        kind="reminder",
        to_address="a@example.org",
        to_name="Ana\r\nBcc: b@example.org",
        subject="s",
        body_text="t",
        body_html="h",
        language="en",
    )
    assert message.to_name == "Ana Bcc: b@example.org"


# --- item 10: smaller leaks ---------------------------------------------------------------------


def test_the_manage_token_is_not_kept_in_the_session_cookie(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        series = _series_with_profile()
        slug, form = series.slug, _form(series)
        db.session.commit()
    client.post(f"/series/{slug}/register", data=form)
    with app.app_context():
        token = public_token(db.session.scalars(db.select(Registration)).one())
        secret = db.session.scalars(db.select(Registration.manage_token)).one()
    with client.session_transaction() as session:
        stored = repr(dict(session))
    assert token not in stored and secret not in stored


def test_a_cancelled_registration_cannot_be_checked_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = factories.make_series()
        event_session = factories.make_session(series)
        cancelled = factories.make_registration(series, status=S.CANCELLED)
        organizer = factories.make_user(StaffRole.ORGANIZER)
        with pytest.raises(attendance.AttendanceError):
            attendance.check_in(event_session, cancelled, None)
        db.session.commit()
        url = f"/staff/series/{series.slug}/sessions/{event_session.id}/check-in/{cancelled.id}"
        ids = (event_session.id, cancelled.id)
        email = organizer.email
    auth.login(email)
    response = client.post(url, data={"present": "1"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Only a confirmed or pending registration can be checked in" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert attendance.session_attendance(db.session.get(attendance.EventSession, ids[0])) == []


def test_profile_labels_in_the_delegation_template_are_never_formulas(ctx: Flask) -> None:
    series = factories.open_series()
    factories.make_profile(series, code="prosecutor", label_en='=HYPERLINK("http://x","a")')
    db.session.refresh(series)
    data = delegation.template_xlsx(series, with_origin=False, language="en")
    workbook = load_workbook(io.BytesIO(data))
    profiles = workbook.worksheets[1]
    cell = profiles["B2"]
    assert cell.data_type != "f"
    assert cell.value == '\'=HYPERLINK("http://x","a")'


def test_staff_pages_eml_and_the_registration_api_are_never_cached(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        series = _series_with_profile()
        registration = services.register(series, registration_data())
        token = public_token(registration)
        message = db.session.scalars(db.select(OutboxMessage)).first()
        organizer = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        message_id, email, slug = message.id, organizer.email, series.slug
    assert client.get(f"/api/v1/registrations/{token}").headers["Cache-Control"] == "no-store"
    auth.login(email)
    for url in ("/staff/", f"/staff/series/{slug}", f"/staff/outbox/{message_id}.eml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_the_development_secret_is_refused_beyond_localhost(app: Flask, database_url: str) -> None:
    deployment.refuse_development_secret(DEVELOPMENT_SECRET_KEY, ["127.0.0.1:8000", "[::1]:80"])
    deployment.refuse_development_secret("a-real-secret", ["0.0.0.0:8000"])
    for address in ("0.0.0.0:8000", "[::]:8000", "192.0.2.1:80", "example.org:80"):
        with pytest.raises(deployment.DevelopmentSecretRefused):
            deployment.refuse_development_secret(DEVELOPMENT_SECRET_KEY, [address])

    # gunicorn: the configuration's start hook.
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    server = SimpleNamespace(cfg=SimpleNamespace(bind=["0.0.0.0:8000"]))
    with pytest.raises(SystemExit, match="Refusing to start"):
        settings["on_starting"](server)

    # flask run --host 0.0.0.0, without SECRET_KEY.
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url, "FLASK_APP": "webinars"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "run", "--host", "0.0.0.0", "--port", "5999"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr + result.stdout


def test_api_urls_come_from_the_public_base_url_not_the_host_header(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        slug = factories.open_series().slug
        db.session.commit()
    answer = client.get(f"/api/v1/series/{slug}", headers={"Host": "evil.example"})
    assert answer.get_json()["url"] == f"http://127.0.0.1:5000/series/{slug}"


def test_calendar_events_carry_a_read_only_link_not_the_manage_link(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        series = _series_with_profile()
        registration = services.register(series, registration_data())
        token, view = public_token(registration), view_token(registration)
        invitations = [m.ical for m in db.session.scalars(db.select(OutboxMessage)) if m.ical]
        db.session.commit()
    assert invitations
    for ical in invitations:
        unfolded = ical.replace("\r\n ", "")
        assert token not in unfolded
        assert f"/r/view/{view}" in unfolded
    feed = client.get(f"/r/{token}/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    assert token not in feed.replace(f"/r/{token}/calendar.ics", "")
    assert f"/r/view/{view}" in feed

    page = client.get(f"/r/view/{view}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert token not in html and "/cancel" not in html and "<form" not in html.split("<main")[-1]
    # The read-only token opens no manage page, and a tampered one nothing at all.
    assert client.get(f"/r/{view}").status_code == 404
    assert client.get(f"/r/view/{view[:-2]}xx").status_code == 404


def test_the_gunicorn_access_log_masks_tokens() -> None:
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["logger_class"] is settings["MaskingLogger"]
    for path in (
        "/r/abc.def/cancel",
        "/r/view/abc.def",
        "/verify/abc.def",
        "/api/v1/registrations/abc.def",
        "/login/reset/abc.def",
    ):
        masked = deployment.mask_tokens(f'"GET {path}?lang=es HTTP/1.1"')
        assert "abc.def" not in masked and "***" in masked
    assert deployment.mask_tokens("/series/x/register") == "/series/x/register"
