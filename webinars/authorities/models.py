"""An entry of the directory of national authorities."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.catalog.models import Country, WorkingGroup
from webinars.extensions import db
from webinars.types import UTCDateTime, enum_column, utcnow


class Topic(enum.StrEnum):
    """What the person or institution answers for."""

    SMUGGLING = "smuggling"
    TRAFFICKING = "trafficking"
    BORDER_MANAGEMENT = "border_management"
    PROTECTION = "protection"
    IRREGULAR_MIGRATION = "irregular_migration"
    OTHER = "other"


class DirectoryEntry(db.Model):
    """A person at a national authority; one per (country, e-mail)."""

    __tablename__ = "directory_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL")
    )
    topic: Mapped[Topic] = mapped_column(enum_column(Topic))
    #: The entry is the country's focal point for information exchange on its topic.
    is_focal_point: Mapped[bool] = mapped_column(default=False)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case
    phone: Mapped[str] = mapped_column(String(50), default="")
    #: Language codes, comma-separated ("es", "en", "es,en").
    languages: Mapped[str] = mapped_column(String(20), default="es")
    #: Last time its country's focal point (or an organizer) said it is still right.
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last reminder sent about it being out of date; None once confirmed again.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    country: Mapped[Country] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()

    __table_args__ = (UniqueConstraint("country_code", "email"),)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    def __repr__(self) -> str:
        return f"<DirectoryEntry {self.id} {self.country_code} {self.email}>"
