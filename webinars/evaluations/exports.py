"""The evaluation results as tables and charts of the report's XLSX and PDF (pure)."""

from __future__ import annotations

from flask_babel import gettext as _

from webinars.evaluations.models import QuestionKind
from webinars.evaluations.results import Results
from webinars.exports import Bar, BarChart, Table


def _mean(value: float | None) -> object:
    return round(value, 2) if value is not None else ""


def evaluation_tables(results: Results) -> list[Table]:
    """Per question (counts, average), per session (averages), then every comment."""
    questions = Table(
        _("Evaluation"),
        [_("Question"), _("Answers"), _("Average (1-5)"), *[str(k) for k in range(1, 6)]],
        [
            [
                r.question.text,
                r.answered,
                _mean(r.mean),
                *(
                    [r.counts[k] for k in range(1, 6)]
                    if r.question.kind == QuestionKind.RATING
                    else [""] * 5
                ),
            ]
            for r in results.questions
            if r.question.kind != QuestionKind.TEXT
        ],
    )
    choices = Table(
        _("Evaluation: choices"),
        [_("Question"), _("Choice"), _("Answers")],
        [
            [r.question.text, label, count]
            for r in results.questions
            if r.question.kind == QuestionKind.CHOICE
            for label, count in r.bars()
        ],
    )
    rating_questions = results.rating_questions
    sessions = Table(
        _("Evaluation by session"),
        [_("Answers about"), _("Responses"), *[q.text for q in rating_questions]],
        [
            [
                _("Session %(number)d", number=s.session.number)
                if s.session is not None
                else _("The whole series"),
                s.responses,
                *[_mean(s.means[q.id]) for q in rating_questions],
            ]
            for s in results.sessions
        ],
    )
    comments = Table(
        _("Evaluation: comments"),
        [_("Question"), _("Comment")],
        [
            [r.question.text, text]
            for r in results.questions
            if r.question.kind == QuestionKind.TEXT
            for text in r.texts
        ],
        widths=(40, 100),
    )
    tables = [questions]
    if any(r.question.kind == QuestionKind.CHOICE for r in results.questions):
        tables.append(choices)
    return [*tables, sessions, comments]


def evaluation_blocks(results: Results) -> list[Table | BarChart | str]:
    """The PDF's evaluation part: one chart per rating or choice question, then the tables."""
    if not results.responses:
        return [_("Nobody has answered the evaluation yet.")]
    blocks: list[Table | BarChart | str] = [
        _("Evaluation: %(num)d anonymous responses.", num=results.responses)
    ]
    for r in results.questions:
        if r.question.kind == QuestionKind.TEXT:
            continue
        bars = [Bar(label, r.answered, count, str(count)) for label, count in r.bars()]
        blocks.append(BarChart(r.question.text, (_("answers"), _("chose this")), bars))
    return blocks + evaluation_tables(results)
