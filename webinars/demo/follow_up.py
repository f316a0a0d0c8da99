"""What the 2020 smuggling exchange asked of the countries, and its evaluation.

Seed 000 lists among the Working Group's activities "to present a country report on the
progress achieved on the implementation of recommendations 6.3 of the Guidelines for the
attention and protection of women in the context of migration", and seed 004 asks "the RCM
Member Countries that have not already done this to submit information about their advances"
on it. The request is dated by seed 004's deadline for the country comments it asked for
at the same meeting (28 October 2020); no country has answered in the demo.

The evaluation holds the conference's default questions and a few clearly fictitious,
anonymous answers from demo registrants who attended the first session (seeded random
generator: every load is identical).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from webinars.evaluations.models import (
    EvaluationAnswer,
    EvaluationReceipt,
    EvaluationResponse,
    QuestionKind,
)
from webinars.evaluations.services import attendees, ensure_questions
from webinars.extensions import db
from webinars.series.models import Series
from webinars.submissions.models import AnswerKind, SubmissionRequest

#: 28 October 2020, end of the day in Costa Rica (UTC-6).
DUE_AT = datetime(2020, 10, 29, 5, 59, tzinfo=UTC)
#: Demo answers to "What should the next webinars cover?" (fictitious).
TOPICS = (
    "Detección de documentos fraudulentos en puestos fronterizos.",
    "Cooperación entre fiscalías para investigar redes de tráfico ilícito de migrantes.",
    "Identification of irregular migrants: interview techniques.",
)
RESPONSES = 6


def add_follow_up(series: Series) -> None:
    """The country-report request and the evaluation of the 2020 smuggling exchange."""
    db.session.add(
        SubmissionRequest(
            series_id=series.id,
            title_en="Country report on the progress achieved on recommendation 6.3",
            title_es="Informe de país sobre los avances en la recomendación 6.3",
            instructions_en=(
                "Progress achieved on the implementation of recommendation 6.3 of the Guidelines "
                "for the attention and protection of women in the context of migration, and your "
                "country's input for Activity 1."
            ),
            instructions_es=(
                "Avances en la implementación de la recomendación 6.3 de los Lineamientos para la "
                "atención y protección de mujeres en el contexto de la migración, y los insumos "
                "de su país para la Actividad 1."
            ),
            answer_kind=AnswerKind.EITHER,
            due_at=DUE_AT,
        )
    )
    questions = ensure_questions(series)
    first = series.sessions[0]
    rng = random.Random(series.slug + "-evaluation")
    for n, registration in enumerate(attendees(series, first)[:RESPONSES]):
        response = EvaluationResponse(
            series_id=series.id, session_id=first.id, answered_on=first.end_at.date()
        )
        for question in questions:
            if question.kind == QuestionKind.RATING:
                response.answers.append(
                    EvaluationAnswer(question_id=question.id, rating=rng.choice((3, 4, 4, 5, 5)))
                )
            elif question.kind == QuestionKind.TEXT and n < len(TOPICS):
                response.answers.append(EvaluationAnswer(question_id=question.id, text=TOPICS[n]))
        db.session.add(response)
        db.session.add(EvaluationReceipt(registration_id=registration.id, scope=first.id))
    db.session.flush()
