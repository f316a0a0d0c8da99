"""The rate limit of public registrations, one budget for the HTML form and the API.

Flooding either one answers 429 once the client address has spent `REGISTRATION_RATE_LIMIT`
(Flask-Limiter's shared limit: both routes count in the same bucket).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from webinars.extensions import limiter


def registration_limit() -> str:
    """Registrations per client address, from the configuration."""
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _too_many_requests() -> str:
    return _("Too many requests from your address; try again in a minute.")


#: Decorates the form's view (POST only) and `POST /api/v1/series/<slug>/registrations`.
registrations_limited = limiter.shared_limit(
    registration_limit,
    scope="registrations",
    methods=["POST"],
    error_message=_too_many_requests,
)
