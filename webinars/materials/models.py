"""A material: one stored file attached to a session (and optionally one of its agenda items)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.extensions import db
from webinars.i18n import Bilingual
from webinars.sessions.models import AgendaItem, EventSession
from webinars.types import UTCDateTime, enum_column, utcnow


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    REGISTRANTS = "registrants"  # confirmed registrants (private link) and staff


class Material(Bilingual, db.Model):
    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility))
    file_key: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    file_kind: Mapped[str] = mapped_column(String(10))
    file_size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event_session: Mapped[EventSession] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()

    @property
    def title(self) -> str:
        return self.t("title")

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC
