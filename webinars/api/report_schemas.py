"""Schemas of the attendance report (`GET /api/v1/series/<slug>/report`)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from webinars.api.schemas import OutputSchema
from webinars.web import DB_INT_MAX


class ReportQuerySchema(Schema):
    session = fields.Integer(
        validate=validate.Range(min=1),
        metadata={
            "description": "Only this session, by its number in the series (1 = the first in"
            " time order)."
        },
    )
    session_id = fields.Integer(
        validate=validate.Range(min=1, max=DB_INT_MAX),
        metadata={
            "description": "Only this session, by its database id (as in the sessions' PATCH"
            " address); not with `session`."
        },
    )

    @validates_schema
    def _one_way(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "session" in data and "session_id" in data:
            raise ValidationError("Give session or session_id, not both.", "session_id")


class TallySchema(OutputSchema):
    registered = fields.Integer()
    attended = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "attended / registered"})


def _tallies(description: str) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Nested(TallySchema),
        metadata={"description": description},
    )


class BilingualSchema(OutputSchema):
    en = fields.String()
    es = fields.String()


class SessionReportSchema(OutputSchema):
    number = fields.Integer()
    start_at = fields.String(metadata={"description": "UTC, ISO 8601"})
    topic = fields.Nested(BilingualSchema)
    minutes_to_attend = fields.Integer()
    registered = fields.Integer(metadata={"description": "Confirmed registrations that chose it."})
    attended = fields.Integer(metadata={"description": "Present past the series' threshold."})
    cancelled = fields.Boolean(
        metadata={"description": "The session was cancelled: no rate, in no average."}
    )
    attendance_rate = fields.Float(
        allow_none=True,
        metadata={"description": "attended / registered; null when cancelled or nobody chose it"},
    )
    by_country = _tallies("ISO code of a member country -> figures.")
    by_organization = _tallies("Observer organization -> figures.")
    by_profile = _tallies("Profile code ('other', 'unregistered') -> figures.")


class MinimumSchema(OutputSchema):
    profile = fields.String()
    minimum = fields.Integer()
    countries_met = fields.List(fields.String())
    countries_missing = fields.List(fields.String())


class EvaluationQuestionSchema(OutputSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "rating (1-5), choice or text"})
    text = fields.Nested(BilingualSchema)
    answered = fields.Integer()
    mean = fields.Float(allow_none=True, metadata={"description": "Ratings only."})
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Rating ('1'..'5') or choice (English) -> answers."},
    )
    comments = fields.List(fields.String(), metadata={"description": "Text answers, anonymous."})


class EvaluationSessionSchema(OutputSchema):
    number = fields.Integer(
        allow_none=True, metadata={"description": "null: answers about the whole series."}
    )
    responses = fields.Integer()
    mean_ratings = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        metadata={"description": "Question id -> average rating."},
    )


class EvaluationSchema(OutputSchema):
    """The anonymous results of the series' evaluation (of one session with `?session=N`)."""

    responses = fields.Integer()
    questions = fields.List(fields.Nested(EvaluationQuestionSchema))
    sessions = fields.List(fields.Nested(EvaluationSessionSchema))


class ReportSchema(OutputSchema):
    """Registered and attended, by session, country and profile, and the paragraph for the
    meeting report."""

    series = fields.String()
    threshold_percent = fields.Integer()
    registered = fields.Integer()
    unique_participants = fields.Integer(
        metadata={
            "description": "People present in at least one session, registrants and "
            "unregistered attendees alike, each once."
        }
    )
    attendance_rate = fields.Float(
        allow_none=True,
        metadata={
            "description": "unique_participants / registered (kept for existing clients; "
            "it counts unregistered attendees too: prefer the two rates below)."
        },
    )
    registrants_attended = fields.Integer(
        metadata={"description": "Confirmed registrants present in at least one session."}
    )
    attended_at_least_one_session_rate = fields.Float(
        allow_none=True,
        metadata={"description": "registrants_attended / registered."},
    )
    average_session_attendance_rate = fields.Float(
        allow_none=True,
        metadata={
            "description": "Mean of the sessions' attendance rates, cancelled sessions left out."
        },
    )
    sessions_held = fields.Integer(metadata={"description": "Sessions not cancelled."})
    by_country = _tallies("Each person once across the series.")
    by_organization = _tallies("Observer organizations.")
    by_profile = _tallies("Each person once across the series.")
    by_sex = _tallies(
        "Answers to the optional question on sex (female, male, another, undisclosed, "
        "not_stated), each person once; totals only."
    )
    women_share = fields.Float(
        allow_none=True,
        metadata={
            "description": "Women among the participants who stated female, male or another; "
            "null when none did."
        },
    )
    attended_matrix = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "Country -> profile -> people who attended."},
    )
    sessions_per_person = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Number of sessions attended -> people."},
    )
    profile_minimums = fields.List(fields.Nested(MinimumSchema))
    countries_represented = fields.List(fields.String())
    organizations_represented = fields.List(fields.String())
    sessions = fields.List(fields.Nested(SessionReportSchema))
    narrative = fields.Nested(BilingualSchema)
    evaluation = fields.Nested(EvaluationSchema)
