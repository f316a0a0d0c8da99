"""Personal API tokens of staff users (`Authorization: Bearer <token>`).

A user has at most one token. Only its SHA-256 is stored, so a copy of the database gives no
working token; the token is random (256 bits), so a plain hash is enough (no salt, no slow hash)
and the lookup by hash needs no constant-time comparison.
"""

from __future__ import annotations

import hashlib
import secrets

from webinars.accounts.models import User
from webinars.extensions import db


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new token for `user`; the previous one, if any, stops working."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = _digest(token)
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user the token belongs to, else None."""
    if not token:
        return None
    user = db.session.execute(
        db.select(User).filter_by(api_token_hash=_digest(token))
    ).scalar_one_or_none()
    return user if user is not None and user.active else None
