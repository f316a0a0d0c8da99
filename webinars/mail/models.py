"""Outbox messages, delivered after the commit by `flask outbox send` / `work`."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.extensions import db
from webinars.mail.rendering import Rendered, render
from webinars.types import UTCDateTime, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    #: Not sent: its address had received its daily allowance (`delivery.daily_cap_reached`).
    SUPPRESSED = "suppressed"


#: Messages that still need someone's attention: waiting to be sent, or failed.
UNDELIVERED_STATUSES = (OutboxStatus.PENDING, OutboxStatus.FAILED)


class OutboxMessage(db.Model):
    """One e-mail to one recipient, with its delivery state."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What caused it, e.g. "registration.confirmed": for the organizers' view and the tests.
    kind: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254))
    #: The name when the message was written (the outbox list shows and searches it); a
    #: deferred message goes to the name at delivery, which the row then keeps.
    to_name: Mapped[str] = mapped_column(String(200), default="")
    #: The texts as stored: empty while the message is deferred. Read `subject`, `body_text`
    #: and `body_html`, which render a deferred message on demand.
    stored_subject: Mapped[str] = mapped_column("subject", String(300), default="")
    stored_text: Mapped[str] = mapped_column("body_text", Text, default="")
    stored_html: Mapped[str] = mapped_column("body_html", Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    #: The renderer that writes a deferred message at delivery (`rendering`); "" when the
    #: texts are stored.
    renderer: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: The Message-ID header, fixed at enqueue time so a retried message keeps it.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    #: A calendar message (iTIP, RFC 6047): the iCalendar body and its METHOD, for one session.
    stored_ical: Mapped[str] = mapped_column("ical", Text, default="")
    ical_method: Mapped[str] = mapped_column(String(10), default="")
    #: The SEQUENCE sent (stored) or, while deferred, the one the address stood at when the
    #: message was written; `ical_sequence` adds the session's rises since (`session_sequence`).
    stored_sequence: Mapped[int | None] = mapped_column("ical_sequence")
    #: A deferred calendar message: the session's SEQUENCE when it was written.
    session_sequence: Mapped[int | None] = mapped_column()
    #: A deferred update: the note it carries, in the recipient's language.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set while a delivery worker holds the message (claimed in a batch, not sent yet): no
    #: other worker claims it before then. A worker that dies leaves it: the message is
    #: claimable again once that time has passed (`delivery.LEASE`).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: An organizer sent it again after it was suppressed: the daily allowance does not apply.
    over_cap_allowed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration = relationship("Registration")
    event_session = relationship("EventSession")

    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # The daily allowance counts the messages sent to one address in the last day: only
        # sent ones, so a message enters the index when it is sent, not when a request
        # queues it (three B-tree entries fewer for a confirmed registration, migration 0022).
        Index(
            "ix_outbox_messages_to_address_sent_at",
            "to_address",
            "sent_at",
            postgresql_where=text("sent_at IS NOT NULL"),
            sqlite_where=text("sent_at IS NOT NULL"),
        ),
    )

    def content(self) -> Rendered:
        """What the message says now: stored, or rendered on demand when deferred."""
        return render(self)

    @property
    def subject(self) -> str:
        return self.content().subject if self.renderer else self.stored_subject

    @subject.setter
    def subject(self, value: str) -> None:
        self.stored_subject = value

    @property
    def body_text(self) -> str:
        return self.content().body_text if self.renderer else self.stored_text

    @body_text.setter
    def body_text(self, value: str) -> None:
        self.stored_text = value

    @property
    def body_html(self) -> str:
        return self.content().body_html if self.renderer else self.stored_html

    @body_html.setter
    def body_html(self, value: str) -> None:
        self.stored_html = value

    @property
    def ical(self) -> str:
        return self.content().ical if self.renderer else self.stored_ical

    @ical.setter
    def ical(self, value: str) -> None:
        self.stored_ical = value

    @property
    def ical_sequence(self) -> int | None:
        """The SEQUENCE the message carries: a deferred one counts the session's rises since
        it was written, since it describes the session as it is when it goes out."""
        if self.session_sequence is None or self.event_session is None:
            return self.stored_sequence
        return self.sequence_at(self.event_session.ical_sequence)

    @ical_sequence.setter
    def ical_sequence(self, value: int | None) -> None:
        self.stored_sequence = value

    def sequence_at(self, session_sequence: int) -> int | None:
        """The SEQUENCE of this message rendered from its session at `session_sequence`: the
        address's when written, plus the session's rises since."""
        if self.session_sequence is None or self.stored_sequence is None:
            return self.stored_sequence
        return self.stored_sequence + max(session_sequence - self.session_sequence, 0)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.to_address} {self.status.value}>"
