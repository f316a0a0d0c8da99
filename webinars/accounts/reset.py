"""Staff password reset by e-mail.

The link carries a token signed with the app's secret key (itsdangerous, timed): the user's
id and a digest of their current password hash. It works for `PASSWORD_RESET_MAX_AGE_SECONDS`
and once only: setting the new password changes the hash, and with it every link sent before.
Nothing is stored. Asking for a link gives the same answer whether or not an account has the
address; the e-mail goes through the outbox.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webinars.accounts import services
from webinars.accounts.models import User
from webinars.accounts.services import normalize_email
from webinars.extensions import db
from webinars.mail.outbox import enqueue_template
from webinars.web import external_url

_SALT = "staff-password-reset"
KIND = "account.password_reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _password_digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def max_age_minutes() -> int:
    return max(1, current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60)


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _password_digest(user)})


def user_for_token(token: str) -> User | None:
    """The active user a valid, unexpired, unused token belongs to; else None."""
    try:
        payload = _serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
        )
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        return None
    user = db.session.get(User, payload["user"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(payload.get("password", "")), _password_digest(user)):
        return None  # used already, or the password changed since
    return user


def request_reset(email: str, language: str) -> None:
    """E-mail a reset link to the active account with this address, if there is one."""
    user = db.session.execute(
        db.select(User).filter_by(email=normalize_email(email))
    ).scalar_one_or_none()
    if user is None or not user.active:
        return
    enqueue_template(
        "password_reset",
        kind=KIND,
        to_address=user.email,
        to_name=user.name,
        language=language,
        user=user,
        reset_url=external_url("accounts.reset_password", token=reset_token(user), lang=language),
        minutes=max_age_minutes(),
    )


def reset_password(user: User, password: str) -> None:
    """The new password; the link that led here stops working, every session of the account
    ends, and earlier failed log-ins no longer count towards a lockout."""
    services.set_password(user, password)
    db.session.flush()
