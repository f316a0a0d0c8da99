"""JSON API under /api/v1, documented by an OpenAPI document generated from the code."""

from flask import Flask


def register_api(app: Flask) -> None:
    """Register the API blueprints with flask-smorest, without CSRF (clients send no cookies)."""
    from webinars.api.series import blp as series_blp
    from webinars.extensions import api, csrf

    for blp in (series_blp,):
        csrf.exempt(blp)
        api.register_blueprint(blp)
