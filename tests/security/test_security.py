"""Web security: headers and CSP on every answer, cookies, log-in lockout and rate limit,
password hashing, upload limits, escaping of user text, the join link, and `/healthz`."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from config import Config
from webinars import create_app
from webinars.accounts.models import StaffRole, User
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token
from webinars.security import CONTENT_SECURITY_POLICY
from webinars.series.models import Modality, Series
from webinars.sessions.models import EventSession, RoleKind

from .. import factories
from ..conftest import TEST_PASSWORD_METHOD, AuthActions, make_test_app
from ..helpers import field_errors

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
#: The payloads as they must appear once escaped by Jinja.
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")
JOIN_HOST = "meet.example.org"
SERIES_LINK = f"https://{JOIN_HOST}/j/series-secret"
SESSION_LINK = f"https://{JOIN_HOST}/j/session-secret"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(64)
LOCKED = "Too many failed log-ins with this e-mail address: try again in 15 minutes."
WRONG = "Wrong e-mail or password."


# --- the world: a published online series with an official whose text is an attack ----------


@dataclass(frozen=True)
class World:
    slug: str
    session_ids: list[int]
    item_id: int
    role_id: int
    profile_id: int
    person_id: int
    registration_id: int
    attendance_id: int
    message_id: int
    token: str  # the confirmed official's private token
    pending_token: str
    organizer: str
    documents: dict[str, Any]


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    """Registered through the public form by `client`, which can then see the thank-you page."""
    with app.app_context():
        series = factories.open_series(modality=Modality.ONLINE, conference_url=SERIES_LINK)
        first = series.sessions[0]
        first.conference_url = SESSION_LINK
        item = factories.make_agenda_item(first)
        person = factories.make_person()
        role = factories.make_role(kind=RoleKind.MODERATOR, event_session=first, person=person)
        profile = factories.make_profile(series, code="prosecutor")
        pending = factories.make_registration(series, status=RegistrationStatus.PENDING)
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        documents = factories.make_documents(series, first, title=PAYLOADS[0])
        db.session.commit()
        slug, session_ids = series.slug, [s.id for s in series.sessions]
        ids = (item.id, role.id, profile.id, person.id)
        pending_token = public_token(pending)
    response = client.post(
        f"/series/{slug}/register?lang=en",
        data={
            "first_name": PAYLOADS[0],
            "last_name": PAYLOADS[1],
            "email": "attacker@example.gov",
            "country": "CR",
            "institution": " ".join(PAYLOADS),
            "position": PAYLOADS[1],
            "profile": "prosecutor",
            "language": "en",
            "sessions": session_ids,
            "privacy_accepted": "y",
            "consent_to_list": "y",
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        registration = db.session.scalars(
            db.select(Registration).filter_by(email="attacker@example.gov")
        ).one()
        assert registration.status == RegistrationStatus.CONFIRMED
        attendance = factories.make_attendance(
            db.session.get(EventSession, session_ids[0]), registration
        )
        message = db.session.scalars(
            db.select(OutboxMessage).where(
                OutboxMessage.to_address == registration.email, OutboxMessage.ical_method == ""
            )
        ).one()
        db.session.commit()
        return World(
            slug=slug,
            session_ids=session_ids,
            item_id=ids[0],
            role_id=ids[1],
            profile_id=ids[2],
            person_id=ids[3],
            registration_id=registration.id,
            attendance_id=attendance.id,
            message_id=message.id,
            token=public_token(registration),
            pending_token=pending_token,
            organizer=organizer,
            documents=documents,
        )


def _organizer(app: Flask, world: World) -> FlaskClient:
    staff = app.test_client()
    assert AuthActions(staff).login(world.organizer).status_code == 302
    return staff


# --- what a page may contain -----------------------------------------------------------------


class _Markup(HTMLParser):
    """The elements and attributes the Content-Security-Policy would refuse, as problems."""

    def __init__(self, *, allow_style: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_style = allow_style
        self.problems: list[str] = []
        self.iframes: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("an inline <script>")
        source = dict(attrs).get("src") or ""
        if tag == "script" and "src" in names and not source.startswith("/static/js/"):
            # This site's own static scripts are allowed ('self'); nothing from elsewhere.
            self.problems.append(f"a <script> from {source}")
        if not self.allow_style and (tag == "style" or "style" in names):
            self.problems.append(f"an inline style on <{tag}>")
        self.problems += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]
        self.problems += [
            f"a javascript: URL on <{tag}>"
            for _, value in attrs
            if value and value.strip().lower().startswith("javascript:")
        ]
        if tag == "iframe":
            self.iframes.append(dict(attrs))

    handle_startendtag = handle_starttag


def _markup(html: str, *, allow_style: bool = False) -> _Markup:
    parser = _Markup(allow_style=allow_style)
    parser.feed(html)
    parser.close()
    return parser


def _assert_safe_page(url: str, response: TestResponse) -> None:
    body = response.get_data(as_text=True)
    assert 'style="' not in body, url
    parsed = _markup(body)
    assert parsed.problems == [], (url, parsed.problems)
    for frame in parsed.iframes:
        # A frame showing an e-mail: sandboxed, scripts not allowed, its HTML free of scripts.
        assert "sandbox" in frame and "allow-scripts" not in (frame["sandbox"] or ""), url
        assert _markup(frame.get("srcdoc") or "", allow_style=True).problems == [], url


#: The one page allowed its own, stricter policy: an e-mail's HTML, framed by the outbox page.
EMAIL_PREVIEW = re.compile(r"^/staff/outbox/\d+/body\.html$")


def _assert_security_headers(url: str, response: TestResponse) -> None:
    headers = response.headers
    if EMAIL_PREVIEW.match(url) and response.status_code == 200:
        assert headers["Content-Security-Policy"].startswith("default-src 'none';"), url
        assert "script-src" not in headers["Content-Security-Policy"], url
        assert headers["X-Frame-Options"] == "SAMEORIGIN", url
    else:
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert headers["X-Frame-Options"] == "DENY", url
    assert headers["X-Content-Type-Options"] == "nosniff", url
    assert "camera=()" in headers["Permissions-Policy"], url
    assert headers["Referrer-Policy"] in (
        "strict-origin-when-cross-origin",
        "same-origin",
        "no-referrer",
    ), url
    assert "Strict-Transport-Security" not in headers, url  # development: plain HTTP


def test_the_policy_allows_nothing_inline_and_no_framing() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }


# --- every page it can reach ----------------------------------------------------------------

#: Endpoints whose `fmt` is not "csv".
FORMATS = {
    "staff.report_download": "json",
    "staff.yearly_download": "json",
    "staff.directory_download": "vcf",
}


def _fetched(visitor: FlaskClient, url: str) -> TestResponse:
    response = visitor.get(url)
    response.close()  # a streamed download keeps its request context until closed
    return response


def _participant_id(app: Flask, registration_id: int) -> int | None:
    from webinars.registration.models import Registration

    with app.app_context():
        return db.session.get(Registration, registration_id).participant_id


def _entry_id(app: Flask) -> int:
    with app.app_context():
        entry = factories.make_directory_entry(first_name="<script>alert(1)</script>")
        db.session.commit()
        return entry.id


def _get_urls(app: Flask, world: World) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET route, built with the world's ids."""
    values: dict[str, Any] = {
        "slug": world.slug,
        "session_id": world.session_ids[0],
        "item_id": world.item_id,
        "role_id": world.role_id,
        "profile_id": world.profile_id,
        "person_id": world.person_id,
        "registration_id": world.registration_id,
        "attendance_id": world.attendance_id,
        "message_id": world.message_id,
        "token": world.token,
        "manage_token": world.token,
        "number": 1,
        "filename": "css/app.css",
        "participant_id": _participant_id(app, world.registration_id),
        "year": 2030,
        "entry_id": _entry_id(app),
        "code": "CR",
        **world.documents,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        arguments = {name: values.get(name) for name in rule.arguments}
        if rule.endpoint == "public.material":
            arguments["filename"] = world.documents["material_file"]
        if "fmt" in arguments:
            arguments["fmt"] = FORMATS.get(rule.endpoint, "csv")
        urls.append((rule.endpoint, rule.build(arguments, append_unknown=False)[1]))
    return urls


def test_every_page_has_the_headers_and_no_inline_script_or_style(
    app: Flask, client: FlaskClient, world: World
) -> None:
    staff = _organizer(app, world)
    pages: set[str] = set()
    for visitor in (client, staff):
        for endpoint, url in _get_urls(app, world):
            response = _fetched(visitor, url)
            assert response.status_code < 500, url
            if visitor is staff and endpoint.startswith("staff."):
                assert response.status_code == 200, url
            _assert_security_headers(url, response)
            if response.mimetype == "text/html" and EMAIL_PREVIEW.match(url):
                assert _markup(response.text, allow_style=True).problems == [], url
            elif response.mimetype == "text/html":
                _assert_safe_page(url, response)
                if response.status_code == 200:
                    pages.add(endpoint)
    # The pages with a form or a list, with the attack's data on them, were really rendered.
    assert {
        "public.index",
        "public.series_detail",
        "registration.register",
        "registration.registered",
        "registration.manage",
        "registration.cancel",
        "accounts.login",
        "staff.registrations",
        "staff.participants",
        "staff.session_attendance",
        "staff.session_invitations",
        "staff.attendance_resolve",
        "staff.outbox_message",
        "staff.delegation",
        "staff.report",
    } <= pages
    for url in ("/no-such-page", f"/series/{world.slug}/register?sessions=x"):
        response = client.get(url)
        _assert_security_headers(url, response)
        _assert_safe_page(url, response)


def test_error_pages_downloads_and_the_api_carry_the_headers_too(
    app: Flask, client: FlaskClient, world: World
) -> None:
    staff = _organizer(app, world)
    answers = [
        (client, "/no-such-page"),
        (client, "/api/v1/series/nope"),
        (client, "/api/v1/series"),
        (client, "/static/css/app.css"),
        (client, "/logout"),  # 405
        (staff, f"/staff/series/{world.slug}/participants.csv"),
        (staff, f"/staff/series/{world.slug}/report.pdf"),
        (client, "/healthz"),
    ]
    for visitor, url in answers:
        response = _fetched(visitor, url)
        _assert_security_headers(url, response)
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url


def test_private_registration_pages_keep_their_own_referrer_policy(
    client: FlaskClient, world: World
) -> None:
    # The page has forms, which Flask-WTF checks against a same-site Referer over HTTPS.
    for url, policy in (
        (f"/r/{world.token}", "same-origin"),
        (f"/r/{world.token}/calendar.ics", "no-referrer"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Referrer-Policy"] == policy
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_no_page_template_has_inline_script_style_or_handler() -> None:
    """Pages the crawl cannot reach are covered too; e-mails (templates/email) are not pages."""
    templates = PROJECT_DIR / "templates"
    offences = []
    for path in sorted(templates.rglob("*.html")):
        if path.relative_to(templates).parts[0] == "email":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\ssrc=)",
            r"<style\b",
            r"\sstyle\s*=",
            r"\son[a-z]+\s*=",
            r"javascript:",
        ):
            offences += [f"{path.name}: {m.group(0)!r}" for m in re.finditer(pattern, text, re.I)]
    assert offences == []


def test_production_adds_strict_transport_security(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = _production_app(database_url, monkeypatch)
    response = production.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


# --- cookies ---------------------------------------------------------------------------------


def _production_app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The production configuration class, on the test database."""
    monkeypatch.setenv("WEBINARS_CONFIG", "production")
    return make_test_app(database_url, SECRET_KEY="a-production-like-secret-of-some-length")


def _cookie(response: TestResponse, name: str) -> list[str]:
    """The attributes of one Set-Cookie header, lower-cased, without the value."""
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return [part.strip().lower() for part in header.split(";")[1:]]


def test_the_session_cookie_is_secure_httponly_and_lax_in_production(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = _production_app(database_url, monkeypatch)
    with production.app_context():
        email = factories.make_user().email
        db.session.commit()
    response = AuthActions(production.test_client()).login(email)
    assert response.status_code == 302
    attributes = _cookie(response, "session")
    assert {"secure", "httponly", "samesite=lax"} <= set(attributes)
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_the_session_cookie_is_httponly_and_lax_but_not_secure_in_development(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        email = factories.make_user().email
        db.session.commit()
    attributes = _cookie(auth.login(email), "session")
    assert {"httponly", "samesite=lax"} <= set(attributes)
    assert "secure" not in attributes


def test_a_remember_cookie_would_be_as_strict_as_the_session(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = _production_app(database_url, monkeypatch)
    with production.app_context():
        user_id = factories.make_user().id
        db.session.commit()

    @production.post("/test-remember")
    def remember() -> str:
        login_user(db.session.get(User, user_id), remember=True)
        return "ok"

    response = production.test_client().post("/test-remember")
    assert {"secure", "httponly", "samesite=lax"} <= set(_cookie(response, "remember_token"))


# --- log-in: lockout, rate limit, password hashes ----------------------------------------------


def _login_error(client: FlaskClient, email: str, password: str, address: str = "127.0.0.1") -> str:
    response = client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    assert response.status_code == 200
    return field_errors(response, "password")


def _is_logged_in(client: FlaskClient) -> bool:
    return client.get("/staff/").status_code == 200


def test_five_failures_lock_the_account_even_against_the_right_password(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        email = factories.make_user().email
        db.session.commit()
    errors = [_login_error(client, email, "wrong password") for _ in range(5)]
    assert errors == [WRONG] * 4 + [LOCKED]
    assert _login_error(client, email, factories.PASSWORD) == LOCKED
    assert not _is_logged_in(client)
    # Another address is not locked by them.
    with app.app_context():
        other = factories.make_user().email
        db.session.commit()
    assert AuthActions(client).login(other).status_code == 302


def test_an_unknown_address_gets_exactly_the_same_answers(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.make_user().email
        db.session.commit()
    known = [_login_error(client, email, "wrong password") for _ in range(6)]
    # From another address: each has its own allowance of attempts per minute.
    unknown = [
        _login_error(client, "nobody@example.org", "wrong password", "192.0.2.8") for _ in range(6)
    ]
    assert known == unknown == [WRONG] * 4 + [LOCKED] * 2


def test_the_lock_ends_after_its_time(app: Flask, database_url: str) -> None:
    short = make_test_app(database_url, LOGIN_LOCKOUT_SECONDS=1)
    with short.app_context():
        email = factories.make_user().email
        db.session.commit()
    visitor = short.test_client()
    for _ in range(5):
        _login_error(visitor, email, "wrong password")
    assert "Too many failed log-ins" in _login_error(visitor, email, factories.PASSWORD)
    time.sleep(1.2)
    assert AuthActions(visitor).login(email).status_code == 302
    assert _is_logged_in(visitor)


def test_a_successful_log_in_resets_the_count(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.make_user().email
        db.session.commit()
    auth = AuthActions(client)
    for _ in range(2):
        assert [_login_error(client, email, "wrong password") for _ in range(4)] == [WRONG] * 4
        assert auth.login(email).status_code == 302
        auth.logout()


def test_log_in_attempts_are_rate_limited_per_address(app: Flask, database_url: str) -> None:
    limited = make_test_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    visitor = limited.test_client()
    for n in range(3):
        assert AuthActions(visitor).login(f"x{n}@example.org", "wrong").status_code == 200
    response = AuthActions(visitor).login("x9@example.org", "wrong")
    assert response.status_code == 429
    assert "Too many log-in attempts from your address" in response.text
    assert "Retry-After" in response.headers
    _assert_safe_page("/login (429)", response)
    assert visitor.get("/login").status_code == 200  # only POST is limited
    other = visitor.post(
        "/login",
        data={"email": "x9@example.org", "password": "wrong"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert other.status_code == 200


REDIS_URL = os.environ.get("TEST_REDIS_URL")
FAIL_IN_ANOTHER_PROCESS = """
import sys
from tests.conftest import make_test_app
app = make_test_app(sys.argv[1], RATELIMIT_STORAGE_URI=sys.argv[2])
client = app.test_client()
for _ in range(5):
    client.post("/login", data={"email": sys.argv[3], "password": "wrong password"})
"""


@pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
def test_failures_in_one_process_lock_the_account_in_another(app: Flask, database_url: str) -> None:
    """With Redis as the limiter's storage, as in production with several web processes."""
    shared = make_test_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
    with shared.app_context():
        email = factories.make_user(email=f"redis-{time.time_ns()}@example.org").email
        db.session.commit()
    subprocess.run(
        [sys.executable, "-c", FAIL_IN_ANOTHER_PROCESS, database_url, REDIS_URL, email],
        cwd=PROJECT_DIR,
        check=True,
        timeout=60,
    )
    assert _login_error(shared.test_client(), email, factories.PASSWORD) == LOCKED


def test_passwords_are_hashed_with_scrypt_at_the_production_cost(database_url: str) -> None:
    assert Config.PASSWORD_HASH_METHOD == "scrypt:32768:8:1"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with app.app_context():
        user = User(email="cost@example.org", role=StaffRole.ORGANIZER)
        user.set_password(factories.PASSWORD)
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert user.check_password(factories.PASSWORD)
        assert not user.password_needs_rehash


def test_an_old_hash_is_replaced_at_log_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = factories.make_user()
        user.password_hash = generate_password_hash(factories.PASSWORD, method="pbkdf2:sha256")
        email, user_id = user.email, user.id
        db.session.commit()
    assert AuthActions(client).login(email).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.password_hash.startswith(TEST_PASSWORD_METHOD + "$")
        assert user.check_password(factories.PASSWORD)


# --- uploads ---------------------------------------------------------------------------------


def test_a_png_renamed_csv_is_refused_with_a_form_error(app: Flask, world: World) -> None:
    staff = _organizer(app, world)
    base = f"/staff/series/{world.slug}"
    for name in ("delegation.csv", "delegation.xlsx"):
        response = staff.post(
            f"{base}/delegation/upload",
            data={
                "upload-file": (io.BytesIO(PNG), name),
                "upload-sessions": [str(i) for i in world.session_ids],
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 200, name
        assert 'class="flash flash-error" role="alert"' in response.text, name
        assert "Nothing was registered." in response.text
    response = staff.post(
        f"{base}/sessions/{world.session_ids[0]}/attendance/preview",
        data={"file": (io.BytesIO(PNG), "report.csv"), "format": "auto"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'id="import-error"' in response.text


def test_a_body_over_the_limit_gets_a_413_page_or_json(app: Flask, world: World) -> None:
    staff = _organizer(app, world)
    too_big = b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    page = staff.post(
        f"/staff/series/{world.slug}/delegation/upload",
        data={"upload-file": (io.BytesIO(too_big), "delegation.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 413
    assert page.mimetype == "text/html"
    assert "What you sent is larger than 10 MB." in page.text
    _assert_security_headers("413 page", page)
    api = app.test_client().post(
        f"/api/v1/series/{world.slug}/registrations",
        data=too_big,
        content_type="application/json",
    )
    assert api.status_code == 413
    assert api.get_json()["code"] == 413


# --- user text escaped everywhere ----------------------------------------------------------------


def _assert_escaped(where: str, html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html, where
    assert any(escaped in html for escaped in ESCAPED), where


def test_the_attack_in_names_and_institution_is_shown_only_escaped(
    app: Flask, world: World
) -> None:
    staff = _organizer(app, world)
    base = f"/staff/series/{world.slug}"
    session = f"{base}/sessions/{world.session_ids[0]}"
    for url in (
        f"{base}/registrations",
        f"{base}/participants",
        f"{session}/attendance",
        f"{session}/invitations",
        f"/staff/outbox/{world.message_id}",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        _assert_escaped(url, response.text)
        _assert_safe_page(url, response)
    preview = staff.get(f"/staff/outbox/{world.message_id}/body.html")
    assert preview.status_code == 200
    policy = preview.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    _assert_escaped("the e-mail preview", preview.text)
    with app.app_context():
        messages = db.session.scalars(
            db.select(OutboxMessage).filter_by(to_address="attacker@example.gov")
        ).all()
        assert len(messages) >= 2  # the registration e-mail and the invitations
        for message in messages:
            _assert_escaped(f"e-mail {message.kind}", message.body_html)
            assert _markup(message.body_html, allow_style=True).problems == []


# --- the join link ---------------------------------------------------------------------------


def _text(response: TestResponse) -> str:
    """The body, with iCalendar's folded lines joined again."""
    return response.get_data(as_text=True).replace("\r\n ", "")


def test_the_join_link_never_reaches_the_public(client: FlaskClient, world: World) -> None:
    public = [
        "/",
        f"/series/{world.slug}",
        f"/series/{world.slug}/register",
        f"/series/{world.slug}/registered",
        f"/series/{world.slug}/calendar.ics",
        f"/series/{world.slug}/sessions/1.ics",
        f"/series/{world.slug}/sessions/2.ics",
        "/api/v1/series",
        f"/api/v1/series/{world.slug}",
        # A registrant still pending approval gets no link either.
        f"/r/{world.pending_token}",
        f"/r/{world.pending_token}/calendar.ics",
    ]
    for lang in ("en", "es"):
        for url in public:
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, url
            assert JOIN_HOST not in _text(response), url


def test_the_join_link_reaches_the_confirmed_registrant_and_staff(
    app: Flask, client: FlaskClient, world: World
) -> None:
    feed = _text(client.get(f"/r/{world.token}/calendar.ics"))
    assert SESSION_LINK in feed and SERIES_LINK in feed  # session 1's own, session 2 the series'
    staff = _organizer(app, world)
    assert SERIES_LINK in staff.get(f"/staff/series/{world.slug}").text
    invitations = f"/staff/series/{world.slug}/sessions/{world.session_ids[0]}/invitations"
    assert SESSION_LINK in staff.get(invitations).text
    with app.app_context():
        registration = db.session.get(Registration, world.registration_id)
        mails = db.session.scalars(
            db.select(OutboxMessage).filter_by(to_address=registration.email)
        ).all()
        assert any(SERIES_LINK in m.body_html for m in mails)
        assert any(SESSION_LINK in m.body_text for m in mails)
        series = db.session.scalars(db.select(Series).filter_by(slug=world.slug)).one()
        assert series.conference_url == SERIES_LINK


# --- /healthz --------------------------------------------------------------------------------


def test_health_is_ok_with_the_database(client: FlaskClient) -> None:
    for _ in range(30):  # polled often: never rate limited
        response = client.get("/healthz")
        assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers
    assert not any(name.lower().startswith("x-ratelimit") for name, _ in response.headers.items())
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_503_without_the_database(
    app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = make_test_app(f"sqlite:///{tmp_path / 'missing' / 'nothing.sqlite3'}")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
    assert "Set-Cookie" not in response.headers
    assert "database unavailable" in caplog.text


def test_health_needs_no_log_in_even_with_csrf_on(app: Flask, database_url: str) -> None:
    protected = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    response = protected.test_client().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.data)["database"] == "ok"
