"""A series (an event), its participant profiles and partners.

Times are stored in UTC (`UTCDateTime`) and shown in the series' IANA zone or the viewer's.
Its sittings are `sessions.models.EventSession`, named here by string: SQLAlchemy resolves the
relationship through its registry, so this module does not import the sessions package.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    FetchedValue,
    ForeignKey,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.catalog.models import Country, Organization, WorkingGroup
from webinars.extensions import db
from webinars.i18n import Bilingual
from webinars.types import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from webinars.sessions.models import EventSession


class Modality(enum.StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"


class ApprovalMode(enum.StrEnum):
    AUTOMATIC = "automatic"
    ORGANIZER = "organizer"
    FOCAL_POINT = "focal_point"


class SeriesStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


#: Statuses a visitor may see; drafts stay in the staff area.
PUBLIC_STATUSES = (SeriesStatus.PUBLISHED, SeriesStatus.CLOSED, SeriesStatus.ARCHIVED)


series_partners = Table(
    "series_partners",
    db.metadata,
    Column("series_id", ForeignKey("series.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)


class Series(Bilingual, db.Model):
    """A webinar series or workshop: one registration, several sessions."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    background_en: Mapped[str] = mapped_column(Text, default="")
    background_es: Mapped[str] = mapped_column(Text, default="")
    objective_en: Mapped[str] = mapped_column(Text, default="")
    objective_es: Mapped[str] = mapped_column(Text, default="")
    methodology_en: Mapped[str] = mapped_column(Text, default="")
    methodology_es: Mapped[str] = mapped_column(Text, default="")
    modality: Mapped[Modality] = mapped_column(enum_column(Modality))
    venue_en: Mapped[str] = mapped_column(String(300), default="")
    venue_es: Mapped[str] = mapped_column(String(300), default="")
    conference_url: Mapped[str] = mapped_column(String(500), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    #: Shown while no session is dated, e.g. "November 2020, date to be defined".
    tentative_dates_en: Mapped[str] = mapped_column(String(200), default="")
    tentative_dates_es: Mapped[str] = mapped_column(String(200), default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval_mode: Mapped[ApprovalMode] = mapped_column(
        enum_column(ApprovalMode), default=ApprovalMode.AUTOMATIC
    )
    status: Mapped[SeriesStatus] = mapped_column(
        enum_column(SeriesStatus), default=SeriesStatus.DRAFT
    )
    #: Total seats of the series; None means no limit (online series).
    capacity: Mapped[int | None] = mapped_column()
    #: A registration through the public form or API holds no seat and gets no further e-mail
    #: until its address is verified through the link of its first e-mail (see
    #: `registration.verification`). Registrations made by staff are verified by them.
    verify_email: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: Reminders before each session, in minutes (default: a day and an hour before).
    reminder_minutes: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1440, 60])
    #: Share of a session (in percent) a person must be present to count as having attended.
    attendance_threshold: Mapped[int] = mapped_column(default=50)
    #: Sessions a participant must have attended for a certificate; None: no certificates.
    certificate_sessions: Mapped[int | None] = mapped_column()
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )
    host_country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: A random number the database draws anew at every change of the series, its sessions
    #: or its profiles (triggers, migration 0014): what a copy kept between requests is
    #: checked against (`registration.snapshots`). Never written by the application.
    version: Mapped[int] = mapped_column(
        BigInteger, server_default=text("0"), server_onupdate=FetchedValue()
    )
    #: How many times a seat of the series was given back (PostgreSQL's triggers, migration
    #: 0015; no other change of the series): read under the series lock, it tells a
    #: registration put on the waiting list by a count made before the lock whether that
    #: count still holds (`seats.confirm_prediction`). Never written by the application.
    seats_released: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))

    working_group: Mapped[WorkingGroup | None] = relationship()
    host_country: Mapped[Country | None] = relationship()
    partners: Mapped[list[Organization]] = relationship(
        secondary=series_partners, order_by=Organization.acronym_en
    )
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        order_by="(EventSession.start_at, EventSession.id)",
    )
    profiles: Mapped[list[ParticipantProfile]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        order_by="(ParticipantProfile.position, ParticipantProfile.id)",
    )

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "attendance_threshold BETWEEN 1 AND 100", name="attendance_threshold_percent"
        ),
        CheckConstraint(
            "certificate_sessions IS NULL OR certificate_sessions > 0",
            name="certificate_sessions_positive",
        ),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window_ordered",
        ),
    )

    @property
    def title(self) -> str:
        return self.t("title")

    @property
    def venue(self) -> str:
        return self.t("venue")

    @property
    def tentative_dates(self) -> str:
        return self.t("tentative_dates")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def starts_at(self) -> datetime | None:
        return self.sessions[0].start_at if self.sessions else None

    @property
    def ends_at(self) -> datetime | None:
        return max((s.end_at for s in self.sessions), default=None)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def registration_is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        if self.status != SeriesStatus.PUBLISHED:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)

    def session_number(self, event_session: EventSession) -> int:
        """1-based position of a session in time order."""
        return self.sessions.index(event_session) + 1

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"


class ParticipantProfile(Bilingual, db.Model):
    """A kind of official a series asks every country for ("at least two prosecutors")."""

    __tablename__ = "participant_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_en: Mapped[str] = mapped_column(String(200))
    label_es: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    #: A target shown on the quota matrix; never refuses anyone.
    min_per_country: Mapped[int] = mapped_column(default=0)
    #: A hard limit; past it registrations wait. None means no limit.
    max_per_country: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    series: Mapped[Series] = relationship(back_populates="profiles")

    __table_args__ = (
        db.UniqueConstraint("series_id", "code"),
        CheckConstraint("min_per_country >= 0", name="min_not_negative"),
        CheckConstraint(
            "max_per_country IS NULL OR (max_per_country > 0 AND max_per_country >= min_per_country)",
            name="max_at_least_min",
        ),
    )

    @property
    def label(self) -> str:
        return self.t("label")

    @property
    def description(self) -> str:
        return self.t("description")
