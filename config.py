"""Configuration classes, read from the environment.

`WEBINARS_CONFIG` picks the class (`development`, the default, or `production`);
`create_app(test_config)` then overlays a mapping on top of it.
"""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"


def _sqlalchemy_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` spellings and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


#: The key `make run` signs with: public, so refused by a server bound beyond localhost
#: (webinars/deployment.py) and by the production configuration.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _sqlalchemy_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'webinars.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    LANGUAGES = ("en", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Flask-Login's "remember me" cookie (log-in does not set it today), as strict as the session.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: Strict-Transport-Security sent on every answer; None (development over plain HTTP): none.
    STRICT_TRANSPORT_SECURITY: str | None = None
    #: The largest request body (uploads included): past it a 413 page or JSON error.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    #: Smaller limits by kind of request (see webinars/bodies.py): API bodies; the public
    #: registration form, the registrant's pages and log-in; other forms that are not uploads.
    API_BODY_MAX_BYTES = int(os.environ.get("API_BODY_MAX_BYTES", str(16 * 1024)))
    SMALL_FORM_MAX_BYTES = int(os.environ.get("SMALL_FORM_MAX_BYTES", str(16 * 1024)))
    FORM_BODY_MAX_BYTES = int(os.environ.get("FORM_BODY_MAX_BYTES", str(512 * 1024)))
    #: The site's public address, for links in e-mails (never taken from a request's Host).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    #: No MAIL_SERVER (the `make run` default): messages wait in the outbox, shown to staff.
    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "webinars@crmsv.org")
    ORGANIZER_EMAIL = os.environ.get("ORGANIZER_EMAIL", "crmst@iom.int")
    #: Delivery: attempts before `failed`, and the first retry delay (doubled each time).
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
    OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "60"))
    #: Flask-Limiter: "swept-memory://" (`webinars.limiter_storage`) for one process;
    #: "redis://host:6379" for several.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "swept-memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Set explicitly: Flask-Limiter's one limiter object otherwise keeps the values of the
    # last app it was bound to (several apps in one process: the tests).
    RATELIMIT_ENABLED = True
    RATELIMIT_KEY_PREFIX = ""
    #: Redis unreachable: count in each process's memory until it answers, instead of a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Proxies in front of the app that add to X-Forwarded-For and set X-Forwarded-Proto
    #: (nginx alone: 1). 0: not behind a proxy, forwarded headers are ignored.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    #: Once built, set the app's own objects aside from the garbage collector's full passes
    #: (`webinars.startup_heap`): for long-lived server processes, not for the tests' apps.
    FREEZE_STARTUP_OBJECTS = False
    #: A registrant's private link stops working this many days after the series' last session.
    MANAGE_LINK_DAYS_AFTER_END = int(os.environ.get("MANAGE_LINK_DAYS_AFTER_END", "90"))
    #: Public registrations (the API and the HTML form together), per client address.
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "30 per minute")
    #: A registration whose address is not verified within this many hours is deleted (series
    #: that verify addresses; `flask registrations expire-unverified`, run by `outbox work`).
    REGISTRATION_VERIFY_HOURS = int(os.environ.get("REGISTRATION_VERIFY_HOURS", "48"))
    #: E-mails to one address in 24 hours, all kinds together; those past it are kept in the
    #: outbox as "suppressed" (organizers see them and may send them anyway).
    MAIL_PER_ADDRESS_PER_DAY = int(os.environ.get("MAIL_PER_ADDRESS_PER_DAY", "40"))
    #: Of those, the e-mails anyone can cause by typing the address (verification, "already
    #: registered", the link again): a flood of them never eats the others' allowance.
    MAIL_REQUESTED_PER_ADDRESS_PER_DAY = int(
        os.environ.get("MAIL_REQUESTED_PER_ADDRESS_PER_DAY", "5")
    )
    #: Log-in attempts (POST /login), per client address, whatever the account.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: This many failed log-ins with one e-mail address within the window lock it for
    #: LOGIN_LOCKOUT_SECONDS (counted in the rate limiter's storage, shared by every process).
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    LOGIN_LOCKOUT_SECONDS = 15 * 60
    #: Failures from all sources together that lock an account for every unknown source (a
    #: known device still gets in; the holder is e-mailed an unlock link, valid this long).
    LOGIN_ACCOUNT_MAX_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_MAX_FAILURES", "50"))
    UNLOCK_LINK_MAX_AGE_SECONDS = 60 * 60
    #: How long a browser stays a known device of an account after its last log-in.
    KNOWN_DEVICE_DAYS = 180
    #: Staff sessions end after this long without a request, and this long after log-in.
    STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(2 * 3600)))
    STAFF_SESSION_ABSOLUTE_SECONDS = int(
        os.environ.get("STAFF_SESSION_ABSOLUTE_SECONDS", str(12 * 3600))
    )
    #: How new staff passwords are hashed: Werkzeug's scrypt, N=2**15, r=8, p=1 (not read from
    #: the environment: only the tests lower it). A stored hash by another method or cost is
    #: replaced at its holder's next log-in.
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    #: Admins must set up the TOTP second factor before any staff page opens.
    ADMIN_SECOND_FACTOR_REQUIRED = True
    #: Between the password and the second factor's code, at most this long.
    SECOND_FACTOR_PENDING_SECONDS = 5 * 60
    #: Staff password reset: requests per client address, and per e-mail address (whether or
    #: not an account has it); how long a reset link works.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per 15 minutes")
    PASSWORD_RESET_PER_ADDRESS_LIMIT = "3 per hour"
    PASSWORD_RESET_MAX_AGE_SECONDS = int(os.environ.get("PASSWORD_RESET_MAX_AGE_SECONDS", "3600"))
    #: Uploaded files (country submissions, session materials): "local" keeps them under
    #: STORAGE_LOCAL_ROOT (default instance/uploads); "s3" in an S3-compatible bucket shared by
    #: every web host (STORAGE_S3_ENDPOINT_URL for a service other than AWS).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    STORAGE_LOCAL_ROOT = os.environ.get("STORAGE_LOCAL_ROOT") or None
    STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
    STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL") or None
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "us-east-1")
    #: Credentials: empty means boto3's own chain (environment, instance role...).
    STORAGE_S3_ACCESS_KEY = os.environ.get("STORAGE_S3_ACCESS_KEY") or None
    STORAGE_S3_SECRET_KEY = os.environ.get("STORAGE_S3_SECRET_KEY") or None
    #: The largest file a country may submit or a material may be (below MAX_CONTENT_LENGTH).
    SUBMISSION_MAX_BYTES = int(os.environ.get("SUBMISSION_MAX_BYTES", str(8 * 1024 * 1024)))
    # flask-smorest: where the OpenAPI document is served.
    API_TITLE = "Webinars API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    """`make run`: SQLite in instance/, a fixed development secret."""

    DEBUG = False


class ProductionConfig(Config):
    """Refuses to start without a real SECRET_KEY; cookies only over HTTPS, and HSTS; the
    start-up objects frozen (gunicorn's workers, the delivery worker)."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    FREEZE_STARTUP_OBJECTS = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}
