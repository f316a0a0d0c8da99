"""The form that attaches a presentation or a document to a session."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from webinars.materials.models import Visibility
from webinars.staff.series_forms import _optional_int, _text

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Public: listed on the series' page"),
    Visibility.REGISTRANTS: _l("Confirmed registrants only (their private link) and staff"),
}


class MaterialForm(FlaskForm):
    title_en = _text(_l("Title in English"), required=True, max_length=300)
    title_es = _text(_l("Title in Spanish"), required=True, max_length=300)
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose the file."))])
    visibility = RadioField(
        _l("Who may download it"),
        choices=[SelectChoice(v.value, label) for v, label in VISIBILITY_LABELS.items()],
        coerce=Visibility,
        default=Visibility.REGISTRANTS,
    )
    #: Choices: "" (the whole session) and the session's agenda items.
    agenda_item_id = SelectField(
        _l("Agenda item"), coerce=_optional_int, validate_choice=False, default=""
    )
