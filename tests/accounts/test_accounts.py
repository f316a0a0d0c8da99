"""Staff log-in, log-out and `flask users create`."""

from __future__ import annotations

import pytest

from webinars.accounts.models import StaffRole, User
from webinars.extensions import db

from .. import factories


def _user(app, **fields) -> User:
    with app.app_context():
        user = factories.make_user(**fields)
        db.session.commit()
        return user.email


def test_login_and_logout(app, client, auth) -> None:
    email = _user(app, role=StaffRole.ORGANIZER)
    response = auth.login(email.upper())  # e-mails are case-insensitive
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    auth.logout()
    assert client.get("/staff/").status_code == 302


def test_wrong_password_shows_an_error_beside_the_field(app, client, auth) -> None:
    email = _user(app)
    response = auth.login(email, "not the password")
    assert response.status_code == 200
    assert b"Wrong e-mail or password." in response.data
    assert client.get("/staff/").status_code == 302


def test_inactive_user_cannot_log_in(app, client, auth) -> None:
    email = _user(app, active=False)
    assert auth.login(email).status_code == 200
    assert client.get("/staff/").status_code == 302


def test_anonymous_visitor_is_sent_to_the_login_page(client) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(app, auth, target: str) -> None:
    email = _user(app)
    response = auth._client.post(
        "/login?next=" + target, data={"email": email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"].endswith("/staff/")


def test_logout_needs_post(client) -> None:
    assert client.get("/logout").status_code == 405


def test_passwords_are_hashed_with_scrypt(ctx) -> None:
    user = factories.make_user()
    assert user.password_hash.startswith("scrypt:")
    assert factories.PASSWORD not in user.password_hash


def test_cli_creates_a_focal_point_from_standard_input(app, runner) -> None:
    result = runner.invoke(
        args=["users", "create", "Focal@Example.org", "--role", "focal_point", "--country", "mx"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert (user.email, user.role, user.country_code) == (
            "focal@example.org",
            StaffRole.FOCAL_POINT,
            "MX",
        )
        assert user.check_password("a long enough password")


def test_cli_assigns_a_facilitator_to_series(app, runner) -> None:
    with app.app_context():
        factories.make_series(slug="mass-flows")
        db.session.commit()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "f@example.org",
            "--role",
            "facilitator",
            "--series",
            "mass-flows",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert [s.slug for s in user.series] == ["mass-flows"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "focal_point"], "needs --country"),
        (["--role", "focal_point", "--country", "FR"], "unknown country"),
        (["--role", "organizer", "--country", "CR"], "only focal points"),
        (["--role", "organizer", "--series", "nope"], "only facilitators"),
        (["--role", "facilitator", "--series", "nope"], "unknown series"),
        (["--role", "wizard"], "Invalid value"),
    ],
)
def test_cli_refuses_bad_accounts_and_writes_nothing(app, runner, args, message) -> None:
    result = runner.invoke(
        args=["users", "create", "x@example.org", *args], input="a long enough password\n"
    )
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_cli_refuses_a_short_password_and_a_duplicate(app, runner) -> None:
    short = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "admin"], input="short\n"
    )
    assert short.exit_code != 0 and "at least" in short.output
    ok = ["users", "create", "x@example.org", "--role", "admin"]
    assert runner.invoke(args=ok, input="a long enough password\n").exit_code == 0
    again = runner.invoke(args=ok, input="a long enough password\n")
    assert again.exit_code != 0 and "exists already" in again.output
