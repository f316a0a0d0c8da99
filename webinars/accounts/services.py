"""Staff accounts: creation and authentication."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from webinars.accounts import devices, lockout, second_factor, sessions
from webinars.accounts.models import StaffRole, User, password_method
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.series.queries import series_by_slug

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A staff account cannot be created as asked."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    email: str,
    password: str,
    role: StaffRole,
    *,
    name: str = "",
    country_code: str | None = None,
    series_slugs: tuple[str, ...] = (),
) -> User:
    """A new staff user; focal points need a country, facilitators may get series."""
    email = normalize_email(email)
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise AccountError(f"a user with the e-mail {email} exists already")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role == StaffRole.FOCAL_POINT:
        if not country_code:
            raise AccountError("a focal point needs --country")
        if db.session.get(Country, country_code.upper()) is None:
            raise AccountError(f"unknown country {country_code}")
        country_code = country_code.upper()
    elif country_code:
        raise AccountError("only focal points have a country")
    if series_slugs and role != StaffRole.FACILITATOR:
        raise AccountError("only facilitators are assigned to series")
    series = []
    for slug in series_slugs:
        found = series_by_slug(slug)
        if found is None:
            raise AccountError(f"unknown series {slug}")
        series.append(found)
    user = User(email=email, name=name, role=role, country_code=country_code, series=series)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


class LoginLocked(Exception):
    """Too many failed log-ins with this address (see `accounts.lockout`)."""


@cache
def _decoy_hash(method: str) -> str:
    """Checked when no account has the address, so that the answer takes as long."""
    return generate_password_hash("no account has this address", method=method)


@dataclass(frozen=True)
class LoginSource:
    """Where a log-in comes from: the client's address, and the browser's device cookie
    (account id, device id) if it has one (`accounts.devices`)."""

    address: str
    device: tuple[int, str] | None = None

    def for_user(self, user: User | None) -> tuple[str, bool]:
        """The lockout's source for this account, and whether it is a known device."""
        if user is not None and self.device is not None and self.device[0] == user.id:
            return f"device:{self.device[1]}", True
        return f"address:{self.address}", False


def find_user(email: str) -> User | None:
    return db.session.execute(
        db.select(User).filter_by(email=normalize_email(email))
    ).scalar_one_or_none()


def authenticate(email: str, password: str, source: LoginSource, language: str) -> User | None:
    """The active user with this e-mail and password, else None (a counted failure).

    Raises `LoginLocked` while this source is locked out of the account, without checking
    the password, and on the failure that locks it (`accounts.lockout`). When the failures
    from everywhere reach the account's ceiling, its holder is e-mailed an unlock link. A
    password hashed by an older method is hashed again on success (the caller commits).
    """
    user = find_user(email)
    key, known = source.for_user(user)
    if lockout.is_locked(email, key, known_device=known):
        raise LoginLocked
    if user is None:
        check_password_hash(_decoy_hash(password_method()), password)
    elif user.check_password(password) and user.active:
        lockout.clear_failures(email, key)
        if user.password_needs_rehash:
            user.set_password(password)
        return user
    record_failed_login(email, user, source, language)
    return None


def check_second_factor(user: User, code: str, source: LoginSource, language: str) -> bool:
    """The second step of a log-in: True for a valid code; a wrong one is a counted failure,
    like a wrong password. Raises `LoginLocked` while the source is locked out (the code is
    not checked) and on the failure that locks it."""
    key, known = source.for_user(user)
    if lockout.is_locked(user.email, key, known_device=known):
        raise LoginLocked
    if second_factor.verify(user, code):
        lockout.clear_failures(user.email, key)
        return True
    record_failed_login(user.email, user, source, language)
    return False


def record_failed_login(email: str, user: User | None, source: LoginSource, language: str) -> None:
    """Count a wrong password or second-factor code; `LoginLocked` when it locks."""
    key, known = source.for_user(user)
    source_locked, account_locked = lockout.record_failure(email, key, known_device=known)
    if account_locked and user is not None and user.active:
        devices.send_unlock_link(user, language)
    if source_locked or (account_locked and not known):
        raise LoginLocked


def set_password(user: User, password: str) -> None:
    """A new password: every session of the account ends, and every lock of it is lifted."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"at least {MIN_PASSWORD_LENGTH} characters")
    user.set_password(password)
    sessions.end_everywhere(user)
    lockout.clear_failures(user.email)


def deactivate(user: User) -> None:
    """The account can no longer log in, and its sessions end now."""
    user.active = False
    sessions.end_everywhere(user)
