"""JSON API under /api/v1, documented by an OpenAPI document generated from the code."""

from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

API_PATH_PREFIX = "/api/"


class _DetachedSession(SecureCookieSession):
    """The session of an API call: empty, never read from nor written to a cookie."""


class ApiSessionInterface(SecureCookieSessionInterface):
    """The pages' cookie session, except for API calls: they authenticate with tokens only
    and never set a cookie, even when something writes to `session` (`?lang=` does)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PATH_PREFIX):
            return _DetachedSession()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if isinstance(session, _DetachedSession):
            return
        super().save_session(app, session, response)


def register_api(app: Flask) -> None:
    """Register the API blueprints with flask-smorest, without CSRF (clients send no cookies)."""
    from webinars.api.auth import register_security_scheme
    from webinars.api.documents import blp as documents_blp
    from webinars.api.quotas import blp as quotas_blp
    from webinars.api.registrations import blp as registrations_blp
    from webinars.api.reports import blp as reports_blp
    from webinars.api.series import blp as series_blp
    from webinars.api.sessions import blp as sessions_blp
    from webinars.extensions import api, csrf

    app.session_interface = ApiSessionInterface()
    register_security_scheme(api)
    blueprints = (
        series_blp,
        registrations_blp,
        quotas_blp,
        sessions_blp,
        reports_blp,
        documents_blp,
    )
    for blp in blueprints:
        csrf.exempt(blp)
        api.register_blueprint(blp)
