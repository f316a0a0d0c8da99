"""The questionnaire, sending it to those who attended, and recording an answer.

Functions flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from webinars.attendance.models import Attendance, AttendanceState
from webinars.evaluations import links
from webinars.evaluations.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
    QuestionKind,
)
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import enqueue_to_registrant
from webinars.registration.models import Registration, RegistrationStatus
from webinars.series.models import Series
from webinars.series.services import SchedulingError
from webinars.sessions.models import EventSession
from webinars.types import utcnow

#: The questions the conference asks after each webinar (kind, English, Spanish).
DEFAULT_QUESTIONS: tuple[tuple[QuestionKind, str, str], ...] = (
    (
        QuestionKind.RATING,
        "How useful was the webinar?",
        "¿Qué tan útil fue el webinario?",
    ),
    (
        QuestionKind.RATING,
        "How relevant was it to your work?",
        "¿Qué tan pertinente fue para su trabajo?",
    ),
    (
        QuestionKind.RATING,
        "How would you rate the quality of the panelists?",
        "¿Cómo calificaría la calidad de las personas panelistas?",
    ),
    (
        QuestionKind.TEXT,
        "What should the next webinars cover?",
        "¿Qué temas deberían abordar los próximos webinarios?",
    ),
)
EMAIL_KIND = "evaluation"


class AlreadyAnswered(Exception):
    """This registrant has answered for this scope already."""


@dataclass(frozen=True)
class QuestionData:
    kind: QuestionKind
    text_en: str
    text_es: str
    choices_en: str
    choices_es: str


def questions_of(series: Series) -> list[EvaluationQuestion]:
    return list(
        db.session.execute(
            db.select(EvaluationQuestion)
            .filter_by(series_id=series.id)
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        ).scalars()
    )


def ensure_questions(series: Series) -> list[EvaluationQuestion]:
    """The series' questions; the default set when it has none yet."""
    questions = questions_of(series)
    if questions:
        return questions
    for position, (kind, english, spanish) in enumerate(DEFAULT_QUESTIONS, start=1):
        db.session.add(
            EvaluationQuestion(
                series_id=series.id, position=position, kind=kind, text_en=english, text_es=spanish
            )
        )
    db.session.flush()
    return questions_of(series)


def add_question(series: Series, data: QuestionData) -> EvaluationQuestion:
    questions = ensure_questions(series)
    if data.kind == QuestionKind.CHOICE:
        english = [c for c in data.choices_en.splitlines() if c.strip()]
        spanish = [c for c in data.choices_es.splitlines() if c.strip()]
        if len(english) < 2:
            raise SchedulingError("choices_en", _("Give at least two choices, one a line."))
        if len(spanish) != len(english):
            raise SchedulingError(
                "choices_es", _("Give as many choices in Spanish as in English, in the same order.")
            )
    question = EvaluationQuestion(
        series_id=series.id,
        position=max((q.position for q in questions), default=0) + 1,
        kind=data.kind,
        text_en=data.text_en,
        text_es=data.text_es,
        choices_en=data.choices_en if data.kind == QuestionKind.CHOICE else "",
        choices_es=data.choices_es if data.kind == QuestionKind.CHOICE else "",
    )
    db.session.add(question)
    db.session.flush()
    return question


def has_answers(series: Series) -> bool:
    return (
        db.session.execute(
            db.select(EvaluationResponse.id).filter_by(series_id=series.id).limit(1)
        ).first()
        is not None
    )


def delete_question(question: EvaluationQuestion) -> None:
    """Only before the first answer: the results would otherwise lose what people said."""
    if has_answers(db.session.get(Series, question.series_id)):
        raise SchedulingError("question", _("People have answered already: questions stay."))
    db.session.delete(question)
    db.session.flush()


def attendees(series: Series, event_session: EventSession | None) -> list[Registration]:
    """Confirmed registrants present at least the series' threshold of the session (of any
    session of the series when None)."""
    sessions = [event_session] if event_session is not None else list(series.sessions)
    threshold = {s.id: s.minutes_to_attend for s in sessions}
    if not threshold:
        return []
    rows = db.session.execute(
        db.select(Attendance.registration_id, Attendance.session_id, func.sum(Attendance.minutes))
        .where(Attendance.session_id.in_(threshold))
        .where(Attendance.state == AttendanceState.REGISTERED)
        .where(Attendance.registration_id.is_not(None))
        .group_by(Attendance.registration_id, Attendance.session_id)
    ).all()
    ids = {reg for reg, session_id, minutes in rows if minutes >= threshold[session_id]}
    if not ids:
        return []
    return list(
        db.session.execute(
            db.select(Registration)
            .where(Registration.id.in_(ids))
            .where(Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.id)
        ).scalars()
    )


def send(series: Series, event_session: EventSession | None) -> int:
    """E-mail the evaluation link to those who attended and were not sent it yet for this
    scope. Returns the number of e-mails written."""
    ensure_questions(series)
    already = set(
        db.session.execute(
            db.select(OutboxMessage.registration_id)
            .filter_by(kind=EMAIL_KIND, series_id=series.id)
            .where(
                OutboxMessage.session_id == event_session.id
                if event_session is not None
                else OutboxMessage.session_id.is_(None)
            )
        ).scalars()
    )
    written = 0
    for registration in attendees(series, event_session):
        if registration.id in already:
            continue
        enqueue_to_registrant(
            registration,
            "evaluation",
            kind=EMAIL_KIND,
            session_id=event_session.id if event_session is not None else None,
            event_session=event_session,
            url=links.url_for_registrant(registration, event_session),
        )
        written += 1
    return written


def has_answered(registration: Registration, scope: int) -> bool:
    return db.session.get(EvaluationReceipt, (registration.id, scope)) is not None


def answer(
    registration: Registration,
    scope: int,
    questions: list[EvaluationQuestion],
    raw: dict[int, str],
    now: datetime | None = None,
) -> EvaluationResponse:
    """Record one anonymous response. `raw` maps question ids to what the form sent; a
    rating outside 1-5 or an unknown choice is refused beside its question."""
    if has_answered(registration, scope):
        raise AlreadyAnswered()
    response = EvaluationResponse(
        series_id=registration.series_id,
        session_id=scope or None,
        answered_on=(now or utcnow()).date(),
    )
    for question in questions:
        value = (raw.get(question.id) or "").strip()
        if not value:
            continue
        answer = EvaluationAnswer(question_id=question.id)
        if question.kind == QuestionKind.TEXT:
            answer.text = value[:5000]
        else:
            allowed = (
                range(1, 6)
                if question.kind == QuestionKind.RATING
                else range(len(question.choices("en")))
            )
            if not value.isdigit() or int(value) not in allowed:
                raise SchedulingError(f"q{question.id}", _("Choose one of the answers."))
            if question.kind == QuestionKind.RATING:
                answer.rating = int(value)
            else:
                answer.choice = int(value)
        response.answers.append(answer)
    try:
        # A savepoint: two answers sent at once meet at the receipt's primary key.
        with db.session.begin_nested():
            db.session.add(EvaluationReceipt(registration_id=registration.id, scope=scope))
            db.session.add(response)
    except IntegrityError as error:
        raise AlreadyAnswered() from error
    return response
