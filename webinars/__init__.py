"""The Webinars application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, INSTANCE_DIR
from webinars import startup_heap

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides the configuration read from the environment."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
    )
    app.config.from_object(CONFIGS[os.environ.get("WEBINARS_CONFIG", "development")])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (production refuses to start without it)")
    from webinars import deployment

    # `flask run --host 0.0.0.0` with the public key; gunicorn checks its binds itself.
    deployment.refuse_development_secret(app.config["SECRET_KEY"], deployment.flask_run_addresses())
    INSTANCE_DIR.mkdir(exist_ok=True)

    from webinars import bodies, extensions, proxy, query_cache, resilience, security, web
    from webinars.extensions import login_manager

    extensions.init_app(app)
    query_cache.cache_long_statements()
    # After the extensions: Flask runs end-of-request cleanup in reverse order, so this one's
    # runs first and survives a connection the database dropped.
    resilience.init_app(app)
    web.init_app(app)
    security.init_app(app)
    bodies.init_app(app)
    proxy.init_app(app)

    from webinars import receivers
    from webinars.accounts import bp as accounts_bp
    from webinars.accounts.sessions import current_user_for
    from webinars.api import register_api
    from webinars.health import bp as health_bp
    from webinars.public import bp as public_bp
    from webinars.public.calendar_views import bp as calendar_bp
    from webinars.public.registration_views import bp as registration_bp
    from webinars.staff import bp as staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(health_bp)
    register_api(app)
    extensions.drop_the_idle_limit_check(app)
    login_manager.user_loader(current_user_for)
    receivers.connect()

    from webinars.cli import register_commands

    register_commands(app)
    startup_heap.freeze_if_configured(app)
    return app
