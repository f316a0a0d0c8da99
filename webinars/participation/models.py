"""The person behind several registrations, and the pairs staff said are two people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from webinars.extensions import db
from webinars.types import UTCDateTime, utcnow


class Participant(db.Model):
    """One person across series. No name, no address: those stay on the registrations, so the
    privacy purge, which anonymises the registrations, removes the person and keeps the
    number that lets the yearly figures count them once."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class DistinctParticipants(db.Model):
    """Two participants a member of staff said are different people despite the same name and
    country: never suggested again. Stored with the smaller id first."""

    __tablename__ = "distinct_participants"

    first_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("first_id < second_id", name="ordered_pair"),)
