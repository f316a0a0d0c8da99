"""Forms of the country submissions: a request, a country's answer, a review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.staff.series_forms import _DATETIME_FORMATS, MultiCheckboxField, _enum_choices, _text
from webinars.submissions import labels
from webinars.submissions.models import AnswerKind, ReviewStatus
from webinars.submissions.services import RequestData


def _country_choices() -> list[SelectChoice]:
    countries = collated(db.session.execute(db.select(Country)).scalars(), lambda c: c.name)
    return [SelectChoice(c.code, c.name) for c in countries]


class RequestForm(FlaskForm):
    title_en = _text(_l("What is asked, in English"), required=True, max_length=300)
    title_es = _text(_l("What is asked, in Spanish"), required=True, max_length=300)
    instructions_en = _text(_l("Instructions in English"), area=True)
    instructions_es = _text(_l("Instructions in Spanish"), area=True)
    answer_kind = SelectField(
        _l("Countries answer with"),
        choices=_enum_choices(labels.ANSWER_KIND),
        coerce=AnswerKind,
        default=AnswerKind.FILE,
    )
    due = DateTimeLocalField(
        _l("Deadline"),
        format=_DATETIME_FORMATS,
        validators=[DataRequired(message=_l("Give the deadline."))],
        description=_l("Local time in the series' time zone."),
    )
    country_codes = MultiCheckboxField(
        _l("Countries asked"),
        choices=_country_choices,
        default=[],
        description=_l("None ticked: every member country."),
    )

    def to_data(self) -> RequestData:
        return RequestData(
            title_en=self.title_en.data,
            title_es=self.title_es.data,
            instructions_en=self.instructions_en.data,
            instructions_es=self.instructions_es.data,
            answer_kind=self.answer_kind.data,
            due=self.due.data,
            country_codes=tuple(self.country_codes.data or ()),
        )


class SubmissionForm(FlaskForm):
    file = FileField(_l("Document"))
    text = TextAreaField(_l("Answer"), validators=[Optional(), Length(max=20000)], default="")


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice(ReviewStatus.ACCEPTED.value, _l("Accept")),
            SelectChoice(ReviewStatus.RETURNED.value, _l("Return to the country")),
        ],
        coerce=ReviewStatus,
        validators=[DataRequired(message=_l("Choose accept or return."))],
    )
    comment = TextAreaField(
        _l("Comment to the country"), validators=[Optional(), Length(max=2000)], default=""
    )
