"""Submission requests, the countries' submissions and the reminders sent about them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.accounts.models import User
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.i18n import Bilingual
from webinars.series.models import Series
from webinars.types import UTCDateTime, enum_column, utcnow


class AnswerKind(enum.StrEnum):
    FILE = "file"
    TEXT = "text"
    EITHER = "either"


class ReviewStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class SubmissionRequest(Bilingual, db.Model):
    """What the organizers ask of every member country, or of some, before `due_at`."""

    __tablename__ = "submission_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    instructions_en: Mapped[str] = mapped_column(Text, default="")
    instructions_es: Mapped[str] = mapped_column(Text, default="")
    answer_kind: Mapped[AnswerKind] = mapped_column(enum_column(AnswerKind))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Space-separated country codes asked; empty: every member country.
    country_codes: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[Series] = relationship()

    @property
    def title(self) -> str:
        return self.t("title")

    @property
    def instructions(self) -> str:
        return self.t("instructions")

    @property
    def asked_codes(self) -> frozenset[str]:
        """The codes named; empty means every member country."""
        return frozenset(self.country_codes.split())

    def asks(self, country_code: str) -> bool:
        return not self.country_codes or country_code in self.asked_codes

    @property
    def takes_file(self) -> bool:
        return self.answer_kind in (AnswerKind.FILE, AnswerKind.EITHER)

    @property
    def takes_text(self) -> bool:
        return self.answer_kind in (AnswerKind.TEXT, AnswerKind.EITHER)


class Submission(db.Model):
    """One country's answer to one request: a stored file, a text, or both."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("submission_requests.id", ondelete="CASCADE")
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    #: The storage key (`webinars.storage`); empty when no file was sent.
    file_key: Mapped[str] = mapped_column(String(200), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_kind: Mapped[str] = mapped_column(String(10), default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), default=ReviewStatus.SUBMITTED
    )
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[SubmissionRequest] = relationship()
    country: Mapped[Country] = relationship()
    submitted_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("request_id", "country_code"),)

    @property
    def late(self) -> bool:
        return self.submitted_at > self.request.due_at


class SubmissionReminder(db.Model):
    """A reminder e-mailed about a request to one country's focal points, at most one a day."""

    __tablename__ = "submission_reminders"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("submission_requests.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
