"""Outbox messages, delivered after the commit by `flask outbox send` / `work`."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.extensions import db
from webinars.types import UTCDateTime, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    #: Not sent: its address had received its daily allowance (`delivery.daily_cap_reached`).
    SUPPRESSED = "suppressed"


class OutboxMessage(db.Model):
    """One e-mail to one recipient, with its delivery state."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What caused it, e.g. "registration.confirmed": for the organizers' view and the tests.
    kind: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    #: The Message-ID header, fixed at enqueue time so a retried message keeps it.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    #: A calendar message (iTIP, RFC 6047): the iCalendar body and its METHOD, for one session.
    ical: Mapped[str] = mapped_column(Text, default="")
    ical_method: Mapped[str] = mapped_column(String(10), default="")
    ical_sequence: Mapped[int | None] = mapped_column()
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: An organizer sent it again after it was suppressed: the daily allowance does not apply.
    over_cap_allowed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration = relationship("Registration")

    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # The daily allowance counts the messages sent to one address in the last day.
        Index("ix_outbox_messages_to_address_sent_at", "to_address", "sent_at"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.to_address} {self.status.value}>"
