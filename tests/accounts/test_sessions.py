"""Staff sessions that end, and log-in that cannot be turned into a weapon (issue 12, items 4
and 5).

Before: a cookie copied before logging out opened staff pages for 31 days; logging in renewed
neither the session nor its CSRF token; 5 wrong passwords from anyone locked an organizer out
for 15 minutes, over and over; there was no second factor.
"""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts import services, sessions
from webinars.accounts.models import StaffRole, User
from webinars.extensions import db
from webinars.mail.models import OutboxMessage

from .. import factories
from ..conftest import AuthActions, make_test_app
from ..helpers import field_errors

LOCKED = "Too many failed log-ins with this e-mail address: try again in 15 minutes."
WRONG = "Wrong e-mail or password."


def _user(app: Flask, role: StaffRole = StaffRole.ORGANIZER, **fields: Any) -> str:
    with app.app_context():
        email = factories.make_user(role, **fields).email
        db.session.commit()
    return email


def _login(
    client: FlaskClient, email: str, password: str = factories.PASSWORD, address: str = "127.0.0.1"
) -> Any:
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _opens_staff(client: FlaskClient) -> bool:
    return client.get("/staff/").status_code == 200


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


# --- item 5: sessions end -----------------------------------------------------------------------


def test_a_cookie_copied_before_logout_no_longer_opens_staff_pages(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    email = _user(app)
    assert _login(client, email).status_code == 302
    stolen = _session_cookie(client)
    assert _opens_staff(_with_cookie(app, stolen))
    auth.logout()
    assert not _opens_staff(client)
    thief = _with_cookie(app, stolen)
    response = thief.get("/staff/")
    assert response.status_code == 302 and "/login" in response.location
    # The user logs in again: the old copy stays dead.
    assert _login(client, email).status_code == 302
    assert _opens_staff(client) and not _opens_staff(_with_cookie(app, stolen))


def test_log_in_renews_the_session_and_the_csrf_token(database_url: str) -> None:
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    email = _user(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before = _session_cookie(client)
    response = client.post(
        "/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") is None  # the anonymous session's token is gone
        assert session[sessions.SID]
    after_page = client.get("/staff/").get_data(as_text=True)
    new_token = re.search(r'name="csrf_token" value="([^"]+)"', after_page).group(1)
    assert new_token != token
    # The pre-login cookie (a fixation attempt) does not carry the new session.
    assert not _opens_staff(_with_cookie(app, before))
    _the_old_token_is_refused = client.post("/logout", data={"csrf_token": token})
    assert _the_old_token_is_refused.status_code == 400


def test_idle_and_absolute_timeouts(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    email = _user(app)
    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    _login(client, email)
    # Used every 100 minutes: under the 2-hour idle timeout, until 12 hours after log-in.
    for _ in range(7):
        now[0] += 100 * 60
        assert _opens_staff(client)
    now[0] += 100 * 60  # 13 h 20 min after log-in
    assert not _opens_staff(client)
    _login(client, email)
    now[0] += 2 * 3600 + 1
    assert not _opens_staff(client)


def test_log_out_everywhere_ends_the_other_devices(app: Flask) -> None:
    email = _user(app)
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, email)
    _login(phone, email)
    assert _opens_staff(laptop) and _opens_staff(phone)
    assert phone.get("/account").status_code == 200
    response = phone.post("/account/logout-everywhere")
    assert response.status_code == 302
    assert not _opens_staff(phone) and not _opens_staff(laptop)
    assert _login(laptop, email).status_code == 302 and _opens_staff(laptop)


def test_a_new_password_or_a_deactivation_ends_every_session(app: Flask) -> None:
    email = _user(app)
    client = app.test_client()
    _login(client, email)
    with app.app_context():
        user = services.find_user(email)
        services.set_password(user, "another long password")
        db.session.commit()
    assert not _opens_staff(client)
    _login(client, email, "another long password")
    assert _opens_staff(client)
    with app.app_context():
        services.deactivate(services.find_user(email))
        db.session.commit()
    assert not _opens_staff(client)


def test_an_account_deactivated_behind_the_sessions_back_is_out(app: Flask) -> None:
    """Even without the epoch (a direct database change), an inactive account is out."""
    email = _user(app)
    client = app.test_client()
    _login(client, email)
    with app.app_context():
        services.find_user(email).active = False
        db.session.commit()
    assert not _opens_staff(client)


# --- item 4: lockout per source, a ceiling, known devices, an unlock link -----------------------


def _error(response: Any) -> str:
    assert response.status_code == 200
    return field_errors(response, "password")


def test_failures_from_one_address_do_not_lock_the_owner_out(app: Flask) -> None:
    email = _user(app)
    attacker = app.test_client()
    errors = [_error(_login(attacker, email, "guess", "203.0.113.9")) for _ in range(6)]
    assert errors == [WRONG] * 4 + [LOCKED] * 2
    assert _error(_login(attacker, email, factories.PASSWORD, "203.0.113.9")) == LOCKED
    owner = app.test_client()
    assert _login(owner, email, address="198.51.100.4").status_code == 302
    assert _opens_staff(owner)


def test_a_known_device_gets_in_from_the_attackers_own_address(app: Flask) -> None:
    """Behind one NAT, attacker and owner share an address: the owner's browser, known from
    an earlier log-in, is its own source."""
    email = _user(app)
    owner = app.test_client()
    assert _login(owner, email).status_code == 302
    assert owner.get_cookie("staff_device", path="/login") is not None
    owner.post("/logout")
    attacker = app.test_client()
    for _ in range(5):
        _login(attacker, email, "guess")
    assert _error(_login(attacker, email)) == LOCKED
    assert _login(owner, email).status_code == 302


def test_the_ceiling_locks_unknown_sources_and_mails_an_unlock_link(database_url: str) -> None:
    app = make_test_app(database_url, LOGIN_ACCOUNT_MAX_FAILURES=8)
    email = _user(app)
    owner = app.test_client()
    assert _login(owner, email, address="198.51.100.4").status_code == 302
    owner.post("/logout")
    botnet = app.test_client()
    for n in range(8):
        _login(botnet, email, "guess", f"203.0.113.{n}")
    # A fresh address with the right password: locked by the ceiling.
    stranger = app.test_client()
    assert _error(_login(stranger, email, address="192.0.2.77")) == LOCKED
    # The owner's known browser, from anywhere, still gets in.
    assert _login(owner, email, address="192.0.2.200").status_code == 302
    owner.post("/logout")
    with app.app_context():
        mails = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "account.unlock")
        ).all()
        assert len(mails) == 1 and mails[0].to_address == email
        link = re.search(r"https?://\S+/login/unlock/\S+", mails[0].body_text).group(0)
    path = "/login/unlock/" + link.split("/login/unlock/")[1].split("?")[0]
    laptop = app.test_client()
    assert laptop.get(path).status_code == 200  # a page with a button: mail scanners open links
    assert laptop.get_cookie("staff_device", path="/login") is None
    assert laptop.post(path).status_code == 302
    assert _login(laptop, email, address="192.0.2.78").status_code == 302
    assert app.test_client().get("/login/unlock/forged").status_code == 410


# --- item 4: the second factor ------------------------------------------------------------------


def _enable_totp(app: Flask, email: str) -> tuple[str, list[str]]:
    from webinars.accounts import second_factor

    with app.app_context():
        user = services.find_user(email)
        secret = second_factor.new_secret()
        codes = second_factor.enable(user, secret)
        db.session.commit()
    return secret, codes


def test_a_second_factor_is_asked_after_the_password(app: Flask) -> None:
    email = _user(app)
    secret, codes = _enable_totp(app, email)
    client = app.test_client()
    response = _login(client, email)
    assert response.status_code == 302 and response.location.endswith("/login/two-factor")
    assert not _opens_staff(client)  # the password alone opens nothing
    wrong = client.post("/login/two-factor", data={"code": "000000"})
    assert "This code is not valid" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    assert client.post("/login/two-factor", data={"code": code}).status_code == 302
    assert _opens_staff(client)
    # The same code does not work twice.
    again = app.test_client()
    _login(again, email)
    assert client.post("/logout").status_code == 302
    assert "This code is not valid" in again.post("/login/two-factor", data={"code": code}).text
    # A recovery code works once.
    assert again.post("/login/two-factor", data={"code": codes[0].upper()}).status_code == 302
    assert _opens_staff(again)
    other = app.test_client()
    _login(other, email)
    assert "This code is not valid" in other.post("/login/two-factor", data={"code": codes[0]}).text
    with app.app_context():
        stored = services.find_user(email).totp_recovery_hashes
        assert len(stored.split()) == 9
        assert not any(code.replace("-", "") in stored for code in codes)


def test_wrong_codes_count_towards_the_lockout(app: Flask) -> None:
    email = _user(app)
    secret, _codes = _enable_totp(app, email)
    client = app.test_client()
    _login(client, email)
    texts = [client.post("/login/two-factor", data={"code": "123456"}).text for _ in range(5)]
    assert LOCKED in texts[-1]
    code = pyotp.TOTP(secret).now()
    assert LOCKED in client.post("/login/two-factor", data={"code": code}).text


def test_an_admin_without_a_second_factor_is_sent_to_set_it_up(database_url: str) -> None:
    app = make_test_app(database_url, ADMIN_SECOND_FACTOR_REQUIRED=True)
    email = _user(app, StaffRole.ADMIN)
    client = app.test_client()
    response = _login(client, email)
    assert response.location.endswith("/account/two-factor")
    staff = client.get("/staff/")
    assert staff.status_code == 302 and staff.location.endswith("/account/two-factor")
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert f"secret={secret}" in page  # the otpauth:// address
    assert (
        "This code is not valid" in client.post("/account/two-factor", data={"code": "000000"}).text
    )
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert _opens_staff(client)
    account = client.get("/account").get_data(as_text=True)
    assert "10 recovery codes left." in account
    assert "Turn off the second factor" not in account  # required for admins
    with app.app_context():
        user = db.session.scalars(db.select(User).filter_by(email=email)).one()
        assert user.totp_secret == secret


def test_other_staff_may_turn_it_on_and_off(app: Flask) -> None:
    email = _user(app)
    client = app.test_client()
    _login(client, email)
    assert "Off:" in client.get("/account").text
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert "On:" in client.get("/account").text
    assert client.post("/account/two-factor/off").status_code == 302
    assert "Off:" in client.get("/account").text


def test_the_commands_end_sessions(app: Flask, runner) -> None:
    email = _user(app)
    client = app.test_client()
    _login(client, email)
    assert runner.invoke(args=["users", "logout-everywhere", email]).exit_code == 0
    assert not _opens_staff(client)
    _enable_totp(app, email)
    assert runner.invoke(args=["users", "reset-second-factor", email]).exit_code == 0
    assert _login(client, email).status_code == 302 and _opens_staff(client)
    result = runner.invoke(args=["users", "deactivate", email])
    assert result.exit_code == 0, result.output
    assert not _opens_staff(client)
    assert _error(_login(client, email)) == WRONG
