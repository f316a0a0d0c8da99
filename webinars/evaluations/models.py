"""Questions, anonymous responses and the receipts that keep one answer per person.

A response carries no registration: the receipt (who answered, for which session) is a
separate row, so that the results can never name anyone.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.extensions import db
from webinars.i18n import Bilingual, current_language
from webinars.types import enum_column


class QuestionKind(enum.StrEnum):
    RATING = "rating"  # 1 to 5
    CHOICE = "choice"  # one of the listed choices
    TEXT = "text"  # free text


class EvaluationQuestion(Bilingual, db.Model):
    __tablename__ = "evaluation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    text_en: Mapped[str] = mapped_column(String(300))
    text_es: Mapped[str] = mapped_column(String(300))
    #: A choice question's choices, one a line, in the same order in both languages.
    choices_en: Mapped[str] = mapped_column(Text, default="")
    choices_es: Mapped[str] = mapped_column(Text, default="")

    @property
    def text(self) -> str:
        return self.t("text")

    def choices(self, language: str | None = None) -> list[str]:
        english = [c.strip() for c in self.choices_en.splitlines() if c.strip()]
        spanish = [c.strip() for c in self.choices_es.splitlines() if c.strip()]
        language = language or current_language()
        return spanish if language == "es" and len(spanish) == len(english) else english


class EvaluationResponse(db.Model):
    """One anonymous set of answers, for one session or (session None) the whole series."""

    __tablename__ = "evaluation_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="SET NULL"), index=True
    )
    #: The day only: a time would let anyone match a response with its receipt.
    answered_on: Mapped[date] = mapped_column(Date)

    answers: Mapped[list[EvaluationAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class EvaluationAnswer(db.Model):
    __tablename__ = "evaluation_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_questions.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int | None] = mapped_column(Integer)
    #: Index of the chosen choice.
    choice: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[EvaluationResponse] = relationship(back_populates="answers")


class EvaluationReceipt(db.Model):
    """This registrant has answered for this scope (a session's id, or 0 for the series)."""

    __tablename__ = "evaluation_receipts"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[int] = mapped_column(Integer, primary_key=True)
