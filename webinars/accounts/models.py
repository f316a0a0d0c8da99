"""Staff users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.series.models import Series
from webinars.types import UTCDateTime, enum_column, utcnow

#: Member countries whose focal points are written to in English; the others in Spanish.
ENGLISH_SPEAKING = frozenset({"BZ", "CA", "US"})


def password_method() -> str:
    """How new passwords are hashed: the `PASSWORD_HASH_METHOD` setting, Werkzeug's scrypt at
    N=2**15, r=8, p=1 in production (the tests lower the cost)."""
    return str(current_app.config["PASSWORD_HASH_METHOD"])


class StaffRole(enum.StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    FACILITATOR = "facilitator"
    FOCAL_POINT = "focal_point"


facilitator_assignments = Table(
    "facilitator_assignments",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("series_id", ForeignKey("series.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """A member of staff. Officials register without an account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    #: The focal point's country; only focal points have one.
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: SHA-256 of the personal API token (`flask users token`); the token itself is never stored.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Raised to end every session of the account at once: "log out everywhere", a new
    #: password, a deactivation. A session remembers the value it started with
    #: (`accounts.sessions`).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The TOTP second factor's base32 secret (None: no second factor), the last time step
    #: accepted (a code works once), and the SHA-256 of each unused recovery code, one a line.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    totp_recovery_hashes: Mapped[str] = mapped_column(Text, default="", server_default="")

    country: Mapped[Country | None] = relationship()
    #: The series a facilitator is assigned to.
    series: Mapped[list[Series]] = relationship(secondary=facilitator_assignments)

    __table_args__ = (
        CheckConstraint(
            "(role = 'focal_point') = (country_code IS NOT NULL)", name="focal_point_country"
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def password_needs_rehash(self) -> bool:
        """Hashed by an older method or cost (e.g. pbkdf2): re-hashed at the next log-in."""
        return not self.password_hash.startswith(password_method() + "$")

    @property
    def mail_language(self) -> str:
        """The language of e-mails to this member of staff. An account has no language
        setting: a focal point's country decides (English for Belize, Canada and the United
        States), everyone else gets Spanish, the conference's first language."""
        return "en" if self.country_code in ENGLISH_SPEAKING else "es"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def needs_second_factor(self) -> bool:
        """Admins must have a second factor; other staff may."""
        return self.role == StaffRole.ADMIN

    @property
    def can_manage_series(self) -> bool:
        """Organizers and admins create and edit series."""
        return self.role in (StaffRole.ADMIN, StaffRole.ORGANIZER)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class EndedSession(db.Model):
    """A staff session ended by logging out, until it would have expired anyway.

    Sessions live in a signed cookie: logging out deletes it from the browser, but a copy of
    it stays valid unless the server remembers that it ended. The row goes once the session's
    absolute timeout has passed (`STAFF_SESSION_ABSOLUTE_SECONDS`).
    """

    __tablename__ = "ended_sessions"

    #: The random id the session was given at log-in.
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
