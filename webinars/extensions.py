"""Flask extensions, created unbound and initialised in `create_app`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase

from webinars import limiter_storage  # noqa: F401  (registers `swept-memory://`)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
api = Api()
#: Rate limits; storage from RATELIMIT_STORAGE_URI (`swept-memory://` by default, a scheme
#: that importing `limiter_storage` registers; Redis in production).
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    """Bind every extension to the app."""
    from webinars import models  # noqa: F401  (every model must be known to Alembic)
    from webinars.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app)
    limiter.init_app(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)


def drop_the_idle_limit_check(app: Flask) -> None:
    """Flask-Limiter checks, before every request, the limits that no view's decorator
    checks: default, application-wide, meta and blueprint-wide limits. This app sets none
    (each limited view has its decorator, which checks its limits itself), so the check
    found nothing, at 3 % of the instructions of a registration through the API (callgrind).
    It is dropped while none is set; call it once every blueprint is registered."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or app.config.get("RATELIMIT_META"):
        return
    if any(manager.blueprint_limits(app, name) for name in app.blueprints):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not when the limiter is disabled
        hooks.remove(limiter._check_request_limit)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
