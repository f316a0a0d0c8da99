"""Staff accounts: creation and authentication."""

from __future__ import annotations

from webinars.accounts.models import StaffRole, User
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.series.models import Series

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
        found = db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one_or_none()
        if found is None:
            raise AccountError(f"unknown series {slug}")
        series.append(found)
    user = User(email=email, name=name, role=role, country_code=country_code, series=series)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None."""
    user = db.session.execute(
        db.select(User).filter_by(email=normalize_email(email))
    ).scalar_one_or_none()
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
