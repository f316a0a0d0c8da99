"""Known devices: a browser an account logged in from, remembered by a signed cookie.

The cookie (`DEVICE_COOKIE`) is set at each successful log-in, or by the unlock link e-mailed
when the account's ceiling of failed log-ins locks it. It holds the account's id and a random
device id, signed with the secret key; it grants nothing by itself (the password and the second
factor are still asked), but a known device is its own source for the lockout and is not
locked out by the ceiling that failures from elsewhere reach (`accounts.lockout`).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from webinars.accounts.models import User
from webinars.extensions import db
from webinars.mail.outbox import enqueue_template
from webinars.web import external_url

DEVICE_COOKIE = "staff_device"
_DEVICE_SALT = "staff-device"
_UNLOCK_SALT = "staff-unlock"
UNLOCK_KIND = "account.unlock"


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def device_cookie() -> tuple[int, str] | None:
    """(account id, device id) of this browser's valid device cookie, else None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        payload: Any = _device_serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, device = payload.get("u"), payload.get("d")
    if not isinstance(user_id, int) or not isinstance(device, str):
        return None
    return user_id, device


def remember_device(response: Response, user: User) -> Response:
    """Set (or renew) the device cookie of `user` on this browser."""
    cookie = device_cookie()
    device = cookie[1] if cookie is not None and cookie[0] == user.id else None
    device = device or secrets.token_urlsafe(16)
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"u": user.id, "d": device}),
        max_age=config["KNOWN_DEVICE_DAYS"] * 86400,
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
        path="/login",
    )
    return response


def _unlock_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_UNLOCK_SALT)


def send_unlock_link(user: User, language: str) -> None:
    """E-mail the account holder a link that makes their browser a known device."""
    token = _unlock_serializer().dumps({"u": user.id, "e": user.session_epoch})
    enqueue_template(
        "account_unlock",
        kind=UNLOCK_KIND,
        to_address=user.email,
        to_name=user.name,
        language=language,
        user=user,
        unlock_url=external_url("accounts.unlock", token=token, lang=language),
        minutes=current_app.config["UNLOCK_LINK_MAX_AGE_SECONDS"] // 60,
    )


def user_for_unlock_token(token: str) -> User | None:
    try:
        payload: Any = _unlock_serializer().loads(
            token, max_age=current_app.config["UNLOCK_LINK_MAX_AGE_SECONDS"]
        )
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or payload.get("e") != user.session_epoch:
        return None
    return user
