"""Who attended which session, and the reports that told us.

An `Attendance` row is one person in one session. It names a registration when the person is
known; a row of an imported report that matches nobody is kept as `UNMATCHED` until a person
links it to a registration, records it as an unregistered attendee with a country, or dismisses
it (a "Zoom user" with no name): rows of a report are never dropped silently.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.sessions.models import EventSession
from webinars.types import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    # Not imported at run time: the registration package's views use these models.
    from webinars.registration.models import Registration


class AttendanceSource(enum.StrEnum):
    ZOOM = "zoom"
    TEAMS = "teams"
    MEET = "meet"
    CSV = "csv"
    MANUAL = "manual"


class AttendeeRole(enum.StrEnum):
    HOST = "host"
    PANELIST = "panelist"
    ATTENDEE = "attendee"


class AttendanceState(enum.StrEnum):
    #: Linked to a registration of the series.
    REGISTERED = "registered"
    #: Someone who attended without registering, recorded with a country.
    GUEST = "guest"
    #: A host or panelist of the report who is not a registrant: not a participant.
    SPEAKER = "speaker"
    #: A report row nobody has resolved yet.
    UNMATCHED = "unmatched"
    #: A report row a person decided not to count.
    DISMISSED = "dismissed"


#: States that count as participants in lists and reports.
PARTICIPANT_STATES = (AttendanceState.REGISTERED, AttendanceState.GUEST)


class AttendanceImport(db.Model):
    """One attendance report brought in for a session, and what it did."""

    __tablename__ = "attendance_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[AttendanceSource] = mapped_column(enum_column(AttendanceSource))
    filename: Mapped[str] = mapped_column(String(255))
    #: SHA-256 of the file, so that a second import of the same file can say so.
    checksum: Mapped[str] = mapped_column(String(64))
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Join rows read, people after merging, and how they matched.
    rows_read: Mapped[int] = mapped_column(default=0)
    people: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)
    #: Attendance rows created and changed by this import (0 and 0: nothing new).
    created: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    #: Rows of the file that could not be read and were left out.
    skipped: Mapped[int] = mapped_column(default=0, server_default="0")

    event_session: Mapped[EventSession] = relationship()

    @property
    def merged(self) -> int:
        return self.rows_read - self.people


class AttendanceColumnMapping(db.Model):
    """The columns a facilitator chose for a report nobody foresaw, kept per series so that
    the next session's file of the same platform is read the same way."""

    __tablename__ = "attendance_column_mappings"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    #: `parsers.ColumnMapping.as_dict()`: header texts, date order, zone.
    mapping: Mapped[dict[str, str]] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Attendance(db.Model):
    """One person present in one session, for `minutes`."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[AttendanceState] = mapped_column(enum_column(AttendanceState))
    #: The name and e-mail as the report wrote them (or the registrant's, for a check-in).
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    #: The person's identity in imported reports (e-mail, else folded name): a later import of
    #: a report finds the row again, resolved or not.
    report_key: Mapped[str | None] = mapped_column(String(300))
    #: An unregistered attendee's country.
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    role: Mapped[AttendeeRole] = mapped_column(
        enum_column(AttendeeRole), default=AttendeeRole.ATTENDEE
    )
    minutes: Mapped[int] = mapped_column(default=0)
    first_join: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_leave: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[AttendanceSource] = mapped_column(enum_column(AttendanceSource))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendance_imports.id", ondelete="SET NULL"), index=True
    )
    #: Who checked the person in or resolved the row.
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event_session: Mapped[EventSession] = relationship()
    registration: Mapped[Registration | None] = relationship()
    country: Mapped[Country | None] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "registration_id"),
        UniqueConstraint("session_id", "report_key"),
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint(
            "(state = 'registered') = (registration_id IS NOT NULL)", name="registered_has_row"
        ),
        CheckConstraint("state <> 'guest' OR country_code IS NOT NULL", name="guest_has_country"),
    )

    def __repr__(self) -> str:
        return f"<Attendance {self.id} session={self.session_id} {self.state.value}>"
