"""Fixtures: the app on SQLite (default) or PostgreSQL (`TEST_DATABASE_URL`), clients, helpers.

The schema is built once per run by the Alembic migrations themselves, so every test run
also proves that `flask db upgrade` works on that database. Each test then starts from the
reference data only: every other row is deleted after the test.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from webinars import create_app
from webinars.catalog.reference import ensure_reference_data
from webinars.extensions import db, limiter

from . import factories
from .helpers import free_ports

#: Where the tests' uploads go (a test may give its own `STORAGE_LOCAL_ROOT`).
TEST_UPLOADS = Path(tempfile.gettempdir()) / f"webinars-test-uploads-{os.getpid()}"
TEST_PASSWORD_METHOD = "scrypt:1024:8:1"
REFERENCE_TABLES = {"countries", "organizations", "working_groups", "alembic_version"}
TRANSLATIONS = Path(__file__).resolve().parent.parent / "webinars" / "translations"


def compile_catalogs() -> None:
    """Compile each `messages.po` whose `messages.mo` is missing or older, as `make translations`
    does, so that plain `pytest` works from a fresh clone. The catalog is written to a temporary
    file and renamed into place, so that two test processes never read a half-written one."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po:
            catalog = read_po(po, locale=po_path.parent.parent.name)
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(handle, "wb") as mo:
                write_mo(mo, catalog)
            os.replace(temporary, mo_path)
        except BaseException:
            os.unlink(temporary)
            raise


def pytest_configure(config: pytest.Config) -> None:
    compile_catalogs()


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from config import _sqlalchemy_url

        return _sqlalchemy_url(url)
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory.mktemp("db"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        ensure_reference_data()
        db.session.commit()
        db.engine.dispose()
    return url


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_SUPPRESS_SEND": True,
        # scrypt at 1/32 of the production cost: at full cost, hashing was more than half of
        # the suite's time (a factory user, a log-in: 113 ms each).
        # tests/security/test_security.py checks the production setting.
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_METHOD,
        # Factories' admins have no second factor; tests/accounts/test_sessions.py turns it back on.
        "ADMIN_SECOND_FACTOR_REQUIRED": False,
        # Uploaded files of the tests, never in the project's instance/ folder.
        "STORAGE_LOCAL_ROOT": str(TEST_UPLOADS),
        # A production-configured app would freeze the test process's whole heap;
        # tests/app/test_startup_heap.py checks the production setting.
        "FREEZE_STARTUP_OBJECTS": False,
    }
    config.update(overrides)
    return create_app(config)


def _delete_test_rows(app: Flask, *, dispose: bool = True) -> None:
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                db.session.execute(table.delete())
        db.session.commit()
        if dispose:
            db.engine.dispose()


class SharedApp:
    """One app with the default test settings, lent to test after test: building an app takes
    a tenth of a second (its 130 routes compiled, its API documented), as long as many tests.

    Lent again only while nothing global has moved: the rate limiter is one object bound to
    the last app built (a test that builds its own app rebinds it), and a test that changed
    the app's settings gets a new app after it. A test that adds a route builds its own app
    (Flask refuses new routes once an app has answered a request).
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.app: Flask | None = None
        self._bound: tuple[object, bool] | None = None
        self._config: dict[str, Any] = {}

    def lend(self) -> Flask:
        if self.app is None or not self._still_bound():
            self.app = make_test_app(self.database_url)
            self._bound = (limiter.storage, limiter.enabled)
            self._config = dict(self.app.config)
        return self.app

    def take_back(self) -> None:
        assert self.app is not None
        reusable = self._still_bound() and dict(self.app.config) == self._config
        _delete_test_rows(self.app, dispose=not reusable)
        if reusable:
            limiter.reset()  # its memory storage: the next test starts with no count
        else:
            self.app = None

    def _still_bound(self) -> bool:
        return self._bound == (limiter.storage, limiter.enabled)


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> SharedApp:
    return SharedApp(database_url)


@pytest.fixture
def app(shared_app: SharedApp) -> Iterator[Flask]:
    yield shared_app.lend()
    shared_app.take_back()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for the whole test, for tests that work with models directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class AuthActions:
    """Log a staff user in and out through the real form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD) -> Any:
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The demo data of the seeds, loaded once into this test's database."""
    from webinars.demo.loader import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
    return app


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class LiveServer:
    """The test app served by werkzeug in a thread, for the browser."""

    def __init__(self, app: Flask) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask, database_url: str) -> Iterator[LiveServer]:
    """A server on the test database, with CSRF protection on as in production."""
    with LiveServer(make_test_app(database_url, WTF_CSRF_ENABLED=True)) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (its own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/ensure-chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page whose clock is in Costa Rica, like the demo's officials: the
    registration form takes its default zone from the browser."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id="America/Costa_Rica"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# --- a real SMTP server on localhost (aiosmtpd), for the mail outbox ----------------------------


class SmtpSink:
    """aiosmtpd handler: keeps every message it accepts, refuses on demand to simulate faults."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        #: A reply such as "451 4.3.0 Try again later" given to every DATA command instead of 250.
        self.refuse_data: str | None = None
        #: Per recipient address, a reply given to its RCPT command instead of 250.
        self.refuse_rcpt: dict[str, str] = {}
        #: Seconds to wait before accepting each message (a slow server).
        self.delay = 0.0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = self.refuse_rcpt.get(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        if self.refuse_data:
            return self.refuse_data
        if self.delay:
            await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on a free localhost port; `stop()` then `start()` simulate an outage."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        (self.port,) = free_ports(1)
        self.handler = SmtpSink()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.handler, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def config(self) -> dict[str, Any]:
        """App settings that deliver to this server."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_SUPPRESS_SEND": False}

    @property
    def messages(self) -> list[Any]:
        """What was accepted, parsed as `email.message.EmailMessage` objects."""
        from email import message_from_bytes, policy

        return [
            message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in list(self.handler.envelopes)
        ]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on localhost that collects what it receives."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
