"""Registrations of officials to a series, and the sessions each one chose."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.catalog.collation import sort_key
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.i18n import current_language
from webinars.series.models import ParticipantProfile, Series
from webinars.sessions.models import EventSession
from webinars.types import UTCDateTime, enum_column, utcnow


class RegistrationStatus(enum.StrEnum):
    #: Made through the public form or API of a series that verifies addresses, and not yet
    #: verified: holds no seat, gets no e-mail but the verification; expires.
    UNVERIFIED = "unverified"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Sex(enum.StrEnum):
    """The registrant's answer to the optional question on sex; never required, and shown
    only in aggregate (reports, the yearly report, the quota matrix). No answer is None."""

    FEMALE = "female"
    MALE = "male"
    ANOTHER = "another"
    UNDISCLOSED = "undisclosed"


#: Statuses that hold a seat: counted against every hard limit.
HOLDING_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)
#: The same as SQL with the values written out: a partial index's condition, and the counts'
#: (`seats`) that must match it in a prepared statement's generic plan, where a bound value
#: would not prove that the index applies.
HOLDING_CONDITION = f"status IN ({', '.join(repr(s.value) for s in HOLDING_STATUSES)})"
#: Registrations closed for good: no approval, rejection, cancellation or change applies any more.
CLOSED_STATUSES = (RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED)
#: Verified registrations that are not closed (the order in which they are shown): what the
#: quota matrix counts and the participant list shows whatever the attendance.
ACTIVE_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
)

registration_sessions = Table(
    "registration_sessions",
    db.metadata,
    Column("registration_id", ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True),
    Column("session_id", ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_registration_sessions_session_id", "session_id"),
)


class Registration(db.Model):
    """One official in one series. One per (series, e-mail); the e-mail is stored lower-case."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by (series_id, status) below.
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    #: A member country, or None for an observer organization (then `observer_organization`).
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    observer_organization: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    #: None means "other": a profile the series did not ask for.
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant_profiles.id"), index=True
    )
    language: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    consent_to_list: Mapped[bool] = mapped_column(default=False)
    #: Optional; None when the registrant did not answer.
    sex: Mapped[Sex | None] = mapped_column(enum_column(Sex))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    rejection_reason: Mapped[str] = mapped_column(String(500), default="")
    #: Random secret of the private manage link (the link carries it signed).
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: The focal point who registered this official with a delegation, if any.
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: The person across series (`webinars.participation`); None until linked.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    #: When the registration joined the waiting list: its place in the queue.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship()
    country: Mapped[Country | None] = relationship()
    profile: Mapped[ParticipantProfile | None] = relationship()
    sessions: Mapped[list[EventSession]] = relationship(
        secondary=registration_sessions, order_by="(EventSession.start_at, EventSession.id)"
    )

    __table_args__ = (
        UniqueConstraint("series_id", "email"),
        CheckConstraint(
            "(country_code IS NULL) <> (observer_organization = '')", name="country_or_observer"
        ),
        CheckConstraint("language IN ('en', 'es')", name="language_known"),
        Index("ix_registrations_series_id_status", "series_id", "status"),
        # The seats held (`seats`' counts): only the holders of a series, of one profile in
        # one country, are read, not the waiting list or the whole series (migration 0016).
        Index(
            "ix_registrations_holding",
            "series_id",
            "profile_id",
            "country_code",
            postgresql_where=text(HOLDING_CONDITION),
            sqlite_where=text(HOLDING_CONDITION),
        ),
        # A new registration looks its address up in every series (the person it joins).
        Index("ix_registrations_email", "email"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def holds_seat(self) -> bool:
        return self.status in HOLDING_STATUSES

    @property
    def is_closed(self) -> bool:
        """Rejected or cancelled: nothing changes it any more."""
        return self.status in CLOSED_STATUSES

    @property
    def origin(self) -> str:
        """The country's name, or the observer organization's."""
        return self.country.name if self.country is not None else self.observer_organization

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} {self.status.value}>"


def in_reading_order(
    registrations: Iterable[Registration], language: str | None = None
) -> list[Registration]:
    """Registrations as lists show them: countries, then observer organizations, each by its
    name, then by surname and first name, all in the reader's collation (`language`, default
    the reader's); twins keep the order they came in. Each registration's country must be
    loaded already (one query for the list, not one per row)."""
    language = language or current_language()

    def key(registration: Registration) -> tuple[object, ...]:
        origin = (
            registration.country.t("name", language)
            if registration.country is not None
            else registration.observer_organization
        )
        return (
            registration.country is None,
            sort_key(origin, language),
            sort_key(registration.last_name, language),
            sort_key(registration.first_name, language),
        )

    return sorted(registrations, key=key)


class ApprovalNotice(db.Model):
    """An e-mail that told a focal point that registrations of their country wait for their
    approval in a series: the one sent at once for the first, or a later digest.

    The key (focal point, series, UTC day) makes sending idempotent and bounds it: at most one
    such e-mail a day per focal point and series, whoever sends it and however often.
    """

    __tablename__ = "approval_notices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: "first" (sent with the first registration waiting) or "digest".
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeatsTaken(db.Model):
    """How many times a seat of a series was taken, kept by PostgreSQL's triggers at each
    commit (migration 0020): a registration written holding a seat, made to hold one, or
    moved to the series, a profile or a country while holding one. What a `SeatTally` may
    have grown by since it was made. Never written by the application (SQLite: never
    written at all, nothing reads it there)."""

    __tablename__ = "series_seats_taken"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    taken: Mapped[int] = mapped_column(BigInteger)


class SeatTally(db.Model):
    """A count of the seats held under one hard limit of a series, kept by the database to
    spare the next counts (`seat_limit_reached()`, migration 0020): the holders were `held`
    when the series' seats taken (`SeatsTaken`) were `taken`, so now they are at most `held`
    plus the seats taken since. Written under the series lock by the function that counts;
    never by the application."""

    __tablename__ = "seat_tallies"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    #: "series" (its capacity) or "pair <profile id> <country code>" (a profile's maximum).
    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    held: Mapped[int] = mapped_column()
    taken: Mapped[int] = mapped_column(BigInteger)
