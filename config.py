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


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY", "dev-only-not-secret")
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
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "webinars@crmsv.org")
    ORGANIZER_EMAIL = os.environ.get("ORGANIZER_EMAIL", "crmst@iom.int")
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
    """Refuses to start without a real SECRET_KEY."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}
