"""Forms of the evaluation page: a new question, sending the questionnaire."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from webinars.evaluations.models import QuestionKind
from webinars.evaluations.services import QuestionData
from webinars.staff.series_forms import _text

KIND_LABELS = {
    QuestionKind.RATING: _l("Rating from 1 to 5"),
    QuestionKind.CHOICE: _l("One of several choices"),
    QuestionKind.TEXT: _l("Free text"),
}


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        coerce=QuestionKind,
        default=QuestionKind.RATING,
    )
    text_en = _text(_l("Question in English"), required=True, max_length=300)
    text_es = _text(_l("Question in Spanish"), required=True, max_length=300)
    choices_en = _text(_l("Choices in English, one a line"), area=True)
    choices_es = _text(_l("Choices in Spanish, one a line, in the same order"), area=True)

    def to_data(self) -> QuestionData:
        return QuestionData(
            kind=self.kind.data,
            text_en=self.text_en.data,
            text_es=self.text_es.data,
            choices_en=self.choices_en.data,
            choices_es=self.choices_es.data,
        )


class SendForm(FlaskForm):
    #: "" for the whole series, else a session's number.
    session = SelectField(_l("Send it about"), validate_choice=False, default="")
