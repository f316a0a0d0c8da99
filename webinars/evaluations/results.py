"""The results of a series' evaluation: per question, for the series and per session.

`load_results` reads in three queries; `build_results` is pure. Results name nobody.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from webinars.evaluations.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    QuestionKind,
)
from webinars.extensions import db
from webinars.series.models import Series
from webinars.sessions.models import EventSession


@dataclass
class QuestionResult:
    question: EvaluationQuestion
    answered: int = 0
    #: Rating -> count (1..5), or choice index -> count.
    counts: Counter[int] = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        if self.question.kind != QuestionKind.RATING or not self.answered:
            return None
        return sum(k * v for k, v in self.counts.items()) / self.answered

    def bars(self, language: str | None = None) -> list[tuple[str, int]]:
        """(label, count) for a rating (5 down to 1) or a choice question."""
        if self.question.kind == QuestionKind.RATING:
            return [(str(k), self.counts[k]) for k in range(5, 0, -1)]
        if self.question.kind == QuestionKind.CHOICE:
            return [(c, self.counts[i]) for i, c in enumerate(self.question.choices(language))]
        return []


@dataclass
class SessionResult:
    session: EventSession | None  # None: answers about the whole series
    responses: int
    means: dict[int, float | None]  # question id -> mean rating


@dataclass
class Results:
    responses: int
    questions: list[QuestionResult]
    sessions: list[SessionResult]

    @property
    def rating_questions(self) -> list[EvaluationQuestion]:
        return [q.question for q in self.questions if q.question.kind == QuestionKind.RATING]


def build_results(
    questions: list[EvaluationQuestion],
    responses: list[tuple[int, int | None]],
    answers: list[tuple[int, int, int | None, int | None, str]],
    sessions: list[EventSession],
) -> Results:
    """`responses`: (response id, session id); `answers`: (response id, question id, rating,
    choice, text)."""
    by_question = {q.id: QuestionResult(q) for q in questions}
    session_of = dict(responses)
    per_session: dict[int | None, list[int]] = {}
    for response_id, session_id in responses:
        per_session.setdefault(session_id, []).append(response_id)
    ratings: dict[tuple[int | None, int], list[int]] = {}
    for response_id, question_id, rating, choice, text in answers:
        result = by_question.get(question_id)
        if result is None:
            continue
        result.answered += 1
        if rating is not None:
            result.counts[rating] += 1
            ratings.setdefault((session_of.get(response_id), question_id), []).append(rating)
        elif choice is not None:
            result.counts[choice] += 1
        elif text:
            result.texts.append(text)
    rating_ids = [q.id for q in questions if q.kind == QuestionKind.RATING]

    def means(session_id: int | None) -> dict[int, float | None]:
        return {
            qid: (sum(v) / len(v)) if (v := ratings.get((session_id, qid))) else None
            for qid in rating_ids
        }

    session_results = [
        SessionResult(s, len(per_session.get(s.id, [])), means(s.id))
        for s in sessions
        if per_session.get(s.id)
    ]
    if per_session.get(None):
        session_results.append(SessionResult(None, len(per_session[None]), means(None)))
    return Results(len(responses), list(by_question.values()), session_results)


def load_results(series: Series, event_session: EventSession | None = None) -> Results:
    """The results of the series, or of the answers about one session."""
    questions = list(
        db.session.execute(
            db.select(EvaluationQuestion)
            .filter_by(series_id=series.id)
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        ).scalars()
    )
    query = db.select(EvaluationResponse.id, EvaluationResponse.session_id).filter_by(
        series_id=series.id
    )
    if event_session is not None:
        query = query.filter_by(session_id=event_session.id)
    responses = [tuple(row) for row in db.session.execute(query.order_by(EvaluationResponse.id))]
    answers = [
        tuple(row)
        for row in db.session.execute(
            db.select(
                EvaluationAnswer.response_id,
                EvaluationAnswer.question_id,
                EvaluationAnswer.rating,
                EvaluationAnswer.choice,
                EvaluationAnswer.text,
            )
            .join(EvaluationResponse)
            .where(EvaluationResponse.id.in_(query.with_only_columns(EvaluationResponse.id)))
            .order_by(EvaluationAnswer.id)
        )
    ]
    sessions = [event_session] if event_session is not None else list(series.sessions)
    return build_results(questions, responses, answers, sessions)  # type: ignore[arg-type]


def results_json(results: Results) -> dict[str, Any]:
    """The `evaluation` key of the JSON report: question texts in both languages, counts, means
    and comments; no one's identity."""
    return {
        "responses": results.responses,
        "questions": [
            {
                "id": r.question.id,
                "kind": r.question.kind.value,
                "text": {"en": r.question.text_en, "es": r.question.text_es},
                "answered": r.answered,
                "mean": r.mean,
                "counts": (
                    {str(k): r.counts[k] for k in range(1, 6)}
                    if r.question.kind == QuestionKind.RATING
                    else {label: count for label, count in r.bars("en")}
                    if r.question.kind == QuestionKind.CHOICE
                    else {}
                ),
                "comments": r.texts,
            }
            for r in results.questions
        ],
        "sessions": [
            {
                "number": s.session.number if s.session is not None else None,
                "responses": s.responses,
                "mean_ratings": {str(k): v for k, v in s.means.items()},
            }
            for s in results.sessions
        ],
    }
