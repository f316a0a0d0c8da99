"""Temporary lockout after repeated failed log-ins with one e-mail address.

`LOGIN_MAX_FAILURES` failures within `LOGIN_FAILURE_WINDOW_SECONDS` (a moving window) lock the
address for `LOGIN_LOCKOUT_SECONDS`; while it is locked no password is even checked, and a
successful log-in clears the count. Failures are counted per address whether or not a staff
account has it, so the answer never tells who has an account.

The counts live in the rate limiter's storage (`RATELIMIT_STORAGE_URI`: Redis when several
processes serve the site), keyed by a digest of the address: no e-mail address is stored there.
With the rate limiter disabled (`RATELIMIT_ENABLED = False`) there is no lockout either.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.strategies import MovingWindowRateLimiter

from webinars.extensions import limiter

_FAILURES = "login-failures"
_LOCK = "login-lock"


def _address_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _failures() -> tuple[MovingWindowRateLimiter, RateLimitItemPerSecond]:
    config = current_app.config
    window = RateLimitItemPerSecond(
        config["LOGIN_MAX_FAILURES"], config["LOGIN_FAILURE_WINDOW_SECONDS"]
    )
    return MovingWindowRateLimiter(limiter.storage), window


def lockout_minutes() -> int:
    """The length of a lockout, for the message that announces it."""
    return max(1, round(current_app.config["LOGIN_LOCKOUT_SECONDS"] / 60))


def is_locked(email: str) -> bool:
    if not limiter.enabled:
        return False
    return limiter.storage.get(f"{_LOCK}/{_address_key(email)}") > 0


def record_failure(email: str) -> bool:
    """Count one failed log-in; True when this failure locks the address."""
    if not limiter.enabled:
        return False
    key = _address_key(email)
    strategy, window = _failures()
    strategy.hit(window, _FAILURES, key)
    if strategy.test(window, _FAILURES, key):
        return False
    limiter.storage.incr(f"{_LOCK}/{key}", current_app.config["LOGIN_LOCKOUT_SECONDS"])
    strategy.clear(window, _FAILURES, key)
    return True


def clear_failures(email: str) -> None:
    """After a successful log-in: earlier failures no longer count."""
    if limiter.enabled:
        strategy, window = _failures()
        strategy.clear(window, _FAILURES, _address_key(email))
