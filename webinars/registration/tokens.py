"""The private manage link of a registration.

The registration stores a random 192-bit secret; the link carries it signed with the app's
secret key, so a forged or mangled link is refused before any database lookup. Giving the
registration a new secret revokes the link: the old one then matches nothing.

A link expires `MANAGE_LINK_DAYS_AFTER_END` days (default 90) after the last session of its
series ended: every page and feed behind it then answers 410 Gone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from werkzeug.exceptions import Gone

from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.series.models import Series
from webinars.types import utcnow

_SALT = "registration-manage-link"
#: Days a manage link keeps working after the series' last session ended.
DEFAULT_DAYS_AFTER_END = 90


class ManageLinkExpired(Gone):
    """A valid link of a series that ended too long ago (410)."""

    def __init__(self, registration: Registration, expired_at: datetime) -> None:
        super().__init__(
            _(
                "This private link has expired: links stop working %(days)d days after the "
                "last session of their series.",
                days=days_after_end(),
            )
        )
        self.registration = registration
        self.expired_at = expired_at


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def public_token(registration: Registration) -> str:
    """The token in the manage link and the API's `manage_token`."""
    return _serializer().dumps(registration.manage_token)


def days_after_end() -> int:
    return int(current_app.config.get("MANAGE_LINK_DAYS_AFTER_END", DEFAULT_DAYS_AFTER_END))


def link_expires_at(registration: Registration) -> datetime | None:
    """When the registration's link stops working; None while its series has no session."""
    return link_expires_at_for_series(registration.series)


def link_expires_at_for_series(series: Series) -> datetime | None:
    """When the links of the series' registrations stop working; None while it has no session."""
    ends_at = series.ends_at
    return ends_at + timedelta(days=days_after_end()) if ends_at is not None else None


def find_by_public_token(token: str, *, now: datetime | None = None) -> Registration | None:
    """The registration the token belongs to, or None for a bad, unknown or revoked token.

    Raises `ManageLinkExpired` for the link of a series that ended too long ago.
    """
    try:
        secret = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(secret, str):
        return None
    registration = db.session.execute(
        db.select(Registration).filter_by(manage_token=secret)
    ).scalar_one_or_none()
    if registration is not None:
        expires_at = link_expires_at(registration)
        if expires_at is not None and (now or utcnow()) >= expires_at:
            raise ManageLinkExpired(registration, expires_at)
    return registration


# --- derived links: e-mail verification and the read-only view ----------------------------------
#
# Both carry the registration's id and a digest of its secret under their own salt, never the
# secret itself: neither can be turned into the manage link, and a new secret (`revoke`)
# cuts them off with it.

_VERIFY_SALT = "registration-verify-address"
_VIEW_SALT = "registration-read-only-view"


def _digest(registration: Registration, purpose: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}:{registration.id}:{registration.manage_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _derived_serializer(salt: str, *, timed: bool) -> URLSafeSerializer:
    """Timed (the verification link expires) or stable (the calendar's link, which is the
    same in every invitation and feed)."""
    kind = URLSafeTimedSerializer if timed else URLSafeSerializer
    return kind(current_app.config["SECRET_KEY"], salt=salt)


def _derived_token(registration: Registration, salt: str, *, timed: bool) -> str:
    return _derived_serializer(salt, timed=timed).dumps(
        [registration.id, _digest(registration, salt)]
    )


def _find_derived(token: str, salt: str, max_age: int | None = None) -> Registration | None:
    serializer = _derived_serializer(salt, timed=max_age is not None)
    try:
        if isinstance(serializer, URLSafeTimedSerializer):
            payload = serializer.loads(token, max_age=max_age)
        else:
            payload = serializer.loads(token)
    except BadSignature:  # SignatureExpired is one
        return None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
    ):
        return None
    registration = db.session.get(Registration, payload[0])
    if registration is None or not hmac.compare_digest(_digest(registration, salt), payload[1]):
        return None
    return registration


def verification_hours() -> int:
    return int(current_app.config["REGISTRATION_VERIFY_HOURS"])


def verification_token(registration: Registration) -> str:
    """The token of the link that verifies the registration's address (first e-mail only)."""
    return _derived_token(registration, _VERIFY_SALT, timed=True)


def find_by_verification_token(token: str) -> Registration | None:
    """The registration a verification link belongs to, while the link is young enough.

    Single use: the caller verifies only a registration that is still unverified.
    """
    return _find_derived(token, _VERIFY_SALT, max_age=verification_hours() * 3600)


def view_token(registration: Registration) -> str:
    """The token of the read-only link put in calendar events: it shows, it never changes."""
    return _derived_token(registration, _VIEW_SALT, timed=False)


def find_by_view_token(token: str, *, now: datetime | None = None) -> Registration | None:
    """The registration of a read-only link; `ManageLinkExpired` as for the manage link."""
    registration = _find_derived(token, _VIEW_SALT)
    if registration is not None:
        expires_at = link_expires_at(registration)
        if expires_at is not None and (now or utcnow()) >= expires_at:
            raise ManageLinkExpired(registration, expires_at)
    return registration
