"""Who is invited to which session, and which reminders went out.

An `Invitation` is the current state for one address and one session: the last method sent
(REQUEST or CANCEL) and its SEQUENCE. The history of what was sent, and whether it was
delivered, is the outbox (`OutboxMessage.session_id`, `ical_method`, `ical_sequence`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.catalog.models import Person
from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.sessions.models import EventSession
from webinars.types import UTCDateTime, enum_column, utcnow


class ICalMethod(enum.StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class Invitation(db.Model):
    """One address invited to one session: a registrant, or a speaker with an e-mail."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Found through the unique key (session, address), whose first column it is: an index
    #: of its own would be one more to write at every registration (migration 0021).
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    #: Moderators and facilitators are invited as ROLE=CHAIR, everyone else REQ-PARTICIPANT.
    chair: Mapped[bool] = mapped_column(default=False)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[ICalMethod] = mapped_column(enum_column(ICalMethod))
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event_session: Mapped[EventSession] = relationship()
    registration: Mapped[Registration | None] = relationship()
    person: Mapped[Person | None] = relationship()

    __table_args__ = (UniqueConstraint("session_id", "email"),)

    @property
    def active(self) -> bool:
        return self.method == ICalMethod.REQUEST


class ReminderSent(db.Model):
    """A reminder that went out: the unique key makes `flask reminders send` idempotent."""

    __tablename__ = "reminders_sent"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    minutes_before: Mapped[int] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
