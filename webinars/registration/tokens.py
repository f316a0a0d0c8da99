"""The private manage link of a registration.

The registration stores a random 192-bit secret; the link carries it signed with the app's
secret key, so a forged or mangled link is refused before any database lookup.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from webinars.extensions import db
from webinars.registration.models import Registration

_SALT = "registration-manage-link"


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def public_token(registration: Registration) -> str:
    """The token in the manage link and the API's `manage_token`."""
    return _serializer().dumps(registration.manage_token)


def find_by_public_token(token: str) -> Registration | None:
    """The registration the token belongs to, or None for a bad or unknown token."""
    try:
        secret = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(secret, str):
        return None
    return db.session.execute(
        db.select(Registration).filter_by(manage_token=secret)
    ).scalar_one_or_none()
