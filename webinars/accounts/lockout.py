"""Lockout after repeated failed log-ins, without handing attackers a way to lock staff out.

Failures are counted per (account, source). The source is the client's address, or, on a
browser the account logged in from before (a signed device cookie, `accounts.devices`), that
device. `LOGIN_MAX_FAILURES` failures from one source within `LOGIN_FAILURE_WINDOW_SECONDS`
lock that source out of that account for `LOGIN_LOCKOUT_SECONDS`; other sources still get in.

Above them, a ceiling per account: `LOGIN_ACCOUNT_MAX_FAILURES` failures from anywhere within
the window lock the account for every unknown source (a distributed guess). A known device
still gets in, and the account holder is e-mailed a link that makes their browser a known
device (`accounts.devices.unlock_token`).

While locked no password is checked; a successful log-in clears the source's count. Failures
are counted whether or not an account has the address, so the answer never tells who has one.
Wrong second-factor codes count as failures too.

The counts live in the rate limiter's storage (`RATELIMIT_STORAGE_URI`: Redis when several
processes serve the site), keyed by digests: no address is stored there. With the rate
limiter disabled (`RATELIMIT_ENABLED = False`) there is no lockout either.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.strategies import MovingWindowRateLimiter

from webinars.extensions import limiter

_FAILURES = "login-failures"
_LOCK = "login-lock"
_ACCOUNT_FAILURES = "login-account-failures"
_ACCOUNT_LOCK = "login-account-lock"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _account(email: str) -> str:
    return _digest(email.strip().lower())


def _pair(email: str, source: str) -> str:
    return _digest(email.strip().lower(), source)


def _window(limit_setting: str) -> tuple[MovingWindowRateLimiter, RateLimitItemPerSecond]:
    config = current_app.config
    item = RateLimitItemPerSecond(config[limit_setting], config["LOGIN_FAILURE_WINDOW_SECONDS"])
    return MovingWindowRateLimiter(limiter.storage), item


def lockout_minutes() -> int:
    """The length of a lockout, for the message that announces it."""
    return max(1, round(current_app.config["LOGIN_LOCKOUT_SECONDS"] / 60))


def is_locked(email: str, source: str, *, known_device: bool) -> bool:
    """This source may not try this account now."""
    if not limiter.enabled:
        return False
    if limiter.storage.get(f"{_LOCK}/{_pair(email, source)}") > 0:
        return True
    return not known_device and limiter.storage.get(f"{_ACCOUNT_LOCK}/{_account(email)}") > 0


def record_failure(email: str, source: str, *, known_device: bool) -> tuple[bool, bool]:
    """Count one failure: (this source is now locked out, the account was locked just now)."""
    if not limiter.enabled:
        return False, False
    seconds = current_app.config["LOGIN_LOCKOUT_SECONDS"]
    pair = _pair(email, source)
    strategy, window = _window("LOGIN_MAX_FAILURES")
    strategy.hit(window, _FAILURES, pair)
    source_locked = not strategy.test(window, _FAILURES, pair)
    if source_locked:
        limiter.storage.incr(f"{_LOCK}/{pair}", seconds)
        strategy.clear(window, _FAILURES, pair)
    account_locked_now = False
    if not known_device:
        account = _account(email)
        strategy, window = _window("LOGIN_ACCOUNT_MAX_FAILURES")
        strategy.hit(window, _ACCOUNT_FAILURES, account)
        if not strategy.test(window, _ACCOUNT_FAILURES, account):
            account_locked_now = limiter.storage.get(f"{_ACCOUNT_LOCK}/{account}") == 0
            limiter.storage.incr(f"{_ACCOUNT_LOCK}/{account}", seconds)
            strategy.clear(window, _ACCOUNT_FAILURES, account)
    return source_locked, account_locked_now


def clear_failures(email: str, source: str | None = None) -> None:
    """After a successful log-in (that source's failures) or a new password (every count and
    lock of the account that can be found: the account's, and the source's when given)."""
    if not limiter.enabled:
        return
    if source is not None:
        strategy, window = _window("LOGIN_MAX_FAILURES")
        strategy.clear(window, _FAILURES, _pair(email, source))
        limiter.storage.clear(f"{_LOCK}/{_pair(email, source)}")
    else:
        strategy, window = _window("LOGIN_ACCOUNT_MAX_FAILURES")
        strategy.clear(window, _ACCOUNT_FAILURES, _account(email))
        limiter.storage.clear(f"{_ACCOUNT_LOCK}/{_account(email)}")
