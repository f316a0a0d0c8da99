"""The TOTP second factor of staff accounts (RFC 6238, any authenticator app), and its
one-time recovery codes.

Any member of staff may turn it on; admins must (they are sent to set it up after logging
in). A code works once: the time step of the last accepted code is stored, and a code of that
step or an earlier one is refused. Recovery codes are random (50 bits), shown once, and only
their SHA-256 is stored; each works once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
from flask import current_app

from webinars.accounts.models import User
from webinars.extensions import db

ISSUER = "RCM Webinars"
RECOVERY_CODES = 10
#: Codes of the step before and after the current one are accepted (clocks drift).
VALID_WINDOW = 1
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def is_required(user: User) -> bool:
    """Admins must have a second factor (`ADMIN_SECOND_FACTOR_REQUIRED`); others may."""
    return user.needs_second_factor and current_app.config["ADMIN_SECOND_FACTOR_REQUIRED"]


def setup_required(user: User) -> bool:
    """The account must set up its second factor before any staff page opens."""
    return is_required(user) and not user.has_second_factor


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The `otpauth://` address an authenticator app reads (typed, or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _normalize(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step whose code is `code`, within the window and after `after`, else None."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirming_step(secret: str, code: str) -> int | None:
    """Setting up: the first code from the app proves it holds the secret; its time step."""
    return _matching_step(secret, _normalize(code), None)


def enable(user: User, secret: str, step: int | None = None) -> list[str]:
    """Turn the second factor on with `secret` (the code of `step` used up); the new recovery
    codes, to show once."""
    user.totp_secret = secret
    user.totp_last_step = step
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_recovery_hashes = ""
    db.session.flush()


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the earlier ones stop working."""
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    user.totp_recovery_hashes = "\n".join(_digest(code) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def remaining_recovery_codes(user: User) -> int:
    return len(user.totp_recovery_hashes.split())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def verify(user: User, code: str) -> bool:
    """A current TOTP code not used before, or an unused recovery code (then spent)."""
    if user.totp_secret is None:
        return False
    code = _normalize(code)
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    digest = _digest(code)
    hashes = user.totp_recovery_hashes.split()
    if len(code) == 10 and any(hmac.compare_digest(digest, h) for h in hashes):
        user.totp_recovery_hashes = "\n".join(h for h in hashes if h != digest)
        db.session.flush()
        return True
    return False
