"""A session (one sitting of a series), its agenda items and who does what in them (roles).

Times are stored in UTC (`UTCDateTime`). The model of one sitting is `EventSession`: `Session`
would collide with `db.session`.
"""

from __future__ import annotations

import enum
import math
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.catalog.models import Organization, Person
from webinars.extensions import db
from webinars.i18n import Bilingual, current_language, pick
from webinars.series.models import Series
from webinars.types import UTCDateTime, enum_column, utcnow


class AgendaKind(enum.StrEnum):
    OPENING_REMARKS = "opening_remarks"
    INTRODUCTION = "introduction"
    TECHNICAL_EXCHANGE = "technical_exchange"
    PANEL = "panel"
    PRESENTATION = "presentation"
    QUESTIONS_AND_ANSWERS = "questions_and_answers"
    GUIDED_DIALOGUE = "guided_dialogue"
    PLENARY = "plenary"
    GROUP_WORK = "group_work"
    CLOSING_REMARKS = "closing_remarks"
    BREAK = "break"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


def new_ical_uid() -> str:
    """A session's calendar UID: stable for its whole life, unique everywhere (RFC 5545)."""
    return f"{uuid.uuid4()}@webinars.crmsv.org"


class RoleKind(enum.StrEnum):
    PANELIST = "panelist"
    MODERATOR = "moderator"
    FACILITATOR = "facilitator"
    SPEAKER = "speaker"
    RAPPORTEUR = "rapporteur"
    OPENING_REMARKS = "opening_remarks"


class EventSession(Bilingual, db.Model):
    """One sitting of a series, with its own time, topic and agenda."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    topic_en: Mapped[str] = mapped_column(String(300))
    topic_es: Mapped[str] = mapped_column(String(300))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Seats in the room (in-person); None means no limit.
    capacity: Mapped[int | None] = mapped_column()
    #: A parallel track, e.g. "Working group 2: Field operations"; empty for plenary sittings.
    track_en: Mapped[str] = mapped_column(String(200), default="")
    track_es: Mapped[str] = mapped_column(String(200), default="")
    #: This sitting's own join link; empty means the series' `conference_url`.
    conference_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus), default=SessionStatus.SCHEDULED
    )
    #: Calendar identity (RFC 5545): the same UID in every invitation, update and feed;
    #: SEQUENCE rises with each significant change (time, link, status).
    ical_uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_ical_uid)
    ical_sequence: Mapped[int] = mapped_column(default=0)
    #: LAST-MODIFIED of the calendar event: any change invitees should see.
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[Series] = relationship(back_populates="sessions")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="event_session",
        cascade="all, delete-orphan",
        order_by="(AgendaItem.start_at, AgendaItem.position, AgendaItem.id)",
    )
    roles: Mapped[list[Role]] = relationship(
        back_populates="event_session",
        cascade="all, delete-orphan",
        order_by="(Role.kind, Role.id)",
        foreign_keys="Role.session_id",
    )

    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    @property
    def topic(self) -> str:
        return self.t("topic")

    @property
    def track(self) -> str:
        return self.t("track")

    @property
    def number(self) -> int:
        return self.series.session_number(self)

    @property
    def join_url(self) -> str:
        """The link to join online: the session's own, else the series'."""
        return self.conference_url or self.series.conference_url

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def duration_minutes(self) -> int:
        return round((self.end_at - self.start_at).total_seconds() / 60)

    @property
    def minutes_to_attend(self) -> int:
        """Minutes of presence that count as having attended: the series' threshold share of
        the session, rounded up (at least one minute)."""
        return max(1, math.ceil(self.duration_minutes * self.series.attendance_threshold / 100))

    def __repr__(self) -> str:
        return f"<EventSession {self.id} {self.start_at:%Y-%m-%d %H:%M}Z>"


class AgendaItem(Bilingual, db.Model):
    """A slot inside a session: opening remarks, a panel, questions and answers..."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AgendaKind] = mapped_column(enum_column(AgendaKind))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title_en: Mapped[str] = mapped_column(String(500))
    title_es: Mapped[str] = mapped_column(String(500))
    #: Ordered list of {"en": ..., "es": ...}.
    sub_points: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    event_session: Mapped[EventSession] = relationship(back_populates="agenda_items")
    roles: Mapped[list[Role]] = relationship(
        back_populates="agenda_item",
        cascade="all, delete-orphan",
        order_by="(Role.kind, Role.id)",
        foreign_keys="Role.agenda_item_id",
    )

    __table_args__ = (CheckConstraint("end_at > start_at", name="ends_after_start"),)

    @property
    def title(self) -> str:
        return self.t("title")

    def sub_point_texts(self, language: str | None = None) -> list[str]:
        language = language or current_language()
        return [pick(p.get("en"), p.get("es"), language) for p in self.sub_points or []]


class Role(Bilingual, db.Model):
    """Who does what in a session or an agenda item.

    The seeds often name an organization rather than a person ("Facilitator: UNODC") or a
    position still to be filled ("a high-ranking official of a Member Country"), so a role
    has a person, an organization, a note, or several of them.
    """

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RoleKind] = mapped_column(enum_column(RoleKind))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    note_en: Mapped[str] = mapped_column(String(300), default="")
    note_es: Mapped[str] = mapped_column(String(300), default="")

    event_session: Mapped[EventSession | None] = relationship(
        back_populates="roles", foreign_keys=[session_id]
    )
    agenda_item: Mapped[AgendaItem | None] = relationship(
        back_populates="roles", foreign_keys=[agenda_item_id]
    )
    person: Mapped[Person | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (
        CheckConstraint("(session_id IS NULL) <> (agenda_item_id IS NULL)", name="one_place"),
        CheckConstraint(
            "person_id IS NOT NULL OR organization_id IS NOT NULL OR note_en <> ''",
            name="someone",
        ),
    )

    @property
    def note(self) -> str:
        return self.t("note")

    @property
    def effective_organization(self) -> Organization | None:
        if self.organization is not None:
            return self.organization
        return self.person.organization if self.person is not None else None

    @property
    def display_name(self) -> str:
        """The person's name, else the organization's, else the note."""
        if self.person is not None:
            return self.person.name
        if self.organization is not None:
            return self.organization.name
        return self.note

    @property
    def owning_session(self) -> EventSession:
        if self.event_session is not None:
            return self.event_session
        assert self.agenda_item is not None
        return self.agenda_item.event_session

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        org = self.effective_organization
        return {
            "name": self.display_name,
            "role": self.kind.value,
            "organization": org.t("acronym", language) if org else None,
        }
