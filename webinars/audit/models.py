"""One row per download of personal data or a report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.accounts.models import User
from webinars.extensions import db
from webinars.series.models import Series
from webinars.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """Who took what, when: kept even when the user or the series is later deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The user's e-mail at the time (the row outlives the account).
    actor: Mapped[str] = mapped_column(String(254))
    #: What was taken, e.g. "participants" or "report"; `detail` says which part and format.
    action: Mapped[str] = mapped_column(String(40))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL"), index=True
    )
    #: The series' slug at the time.
    series_slug: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")
    #: Where it came from: "web", "api" or "cli", and the client's address for the first two.
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User | None] = relationship()
    series: Mapped[Series | None] = relationship()
