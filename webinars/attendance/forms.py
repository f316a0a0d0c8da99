"""Forms of the attendance pages: the report upload, its confirmation, resolving a row."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

#: The largest attendance report accepted (a Zoom report of 3,000 joins is about 600 KB).
MAX_REPORT_BYTES = 5 * 1024 * 1024

FORMAT_CHOICES = [
    SelectChoice("auto", _l("Recognise it by itself")),
    SelectChoice("zoom", _l("Zoom webinar attendee report")),
    SelectChoice("teams", _l("Microsoft Teams attendance list")),
    SelectChoice("csv", _l("CSV: e-mail, name, minutes or join and leave times")),
]


class ImportForm(FlaskForm):
    file = FileField(
        _l("Attendance report"), validators=[FileRequired(_l("Choose the report file."))]
    )
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="auto")
    submit = SubmitField(_l("Preview the import"))


class ConfirmImportForm(FlaskForm):
    """The previewed file travels back in the form: nothing is stored before the import."""

    payload = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    format = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))


class LinkForm(FlaskForm):
    registration = SelectField(
        _l("Registration"),
        coerce=int,
        validators=[InputRequired(_l("Choose a registration."))],
    )
    link = SubmitField(_l("Link to this registration"))


class GuestForm(FlaskForm):
    country = SelectField(
        _l("Country"), validators=[DataRequired(_l("Choose the attendee's country."))]
    )
    guest = SubmitField(_l("Record as an unregistered attendee"))


class DismissForm(FlaskForm):
    dismiss = SubmitField(_l("Do not count this row"))


class ReopenForm(FlaskForm):
    reopen = SubmitField(_l("Undo the resolution"))


class CheckInForm(FlaskForm):
    """Tick or untick one registrant; `present` is "1" or "0"."""

    present = HiddenField(validators=[DataRequired()])
