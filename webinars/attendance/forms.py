"""Forms of the attendance pages: the report upload, its confirmation, resolving a row."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from webinars.attendance.parsers import ColumnMapping

#: The largest attendance report accepted (a Zoom report of 3,000 joins is about 600 KB).
MAX_REPORT_BYTES = 5 * 1024 * 1024

FORMAT_CHOICES = [
    SelectChoice("auto", _l("Recognise it by itself")),
    SelectChoice("zoom", _l("Zoom: webinar attendee report or meeting participants")),
    SelectChoice("teams", _l("Microsoft Teams: attendance list or report, webinar, live event")),
    SelectChoice("meet", _l("Google Meet: attendance report or sheet")),
    SelectChoice("csv", _l("CSV: e-mail, name, minutes or join and leave times")),
]
DATE_ORDER_CHOICES = [
    SelectChoice("auto", _l("Work it out from the dates")),
    SelectChoice("day_first", _l("Day first (08/01/2027 is 8 January)")),
    SelectChoice("month_first", _l("Month first (01/08/2027 is 8 January)")),
]


class ImportForm(FlaskForm):
    file = FileField(
        _l("Attendance report"), validators=[FileRequired(_l("Choose the report file."))]
    )
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="auto")
    #: Choices are the series' zone first, then the zones of the member countries; absent
    #: means the series' zone (the view checks the choice).
    zone = SelectField(_l("Times in the report are in"), validate_choice=False)
    submit = SubmitField(_l("Preview the import"))


class MappingForm(FlaskForm):
    """Which column holds what, for a report whose layout was not recognised. The choices
    are the column names of the file (a column the file lacks reads no row, and says so);
    the previewed file travels in `payload`."""

    payload = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    name = SelectField(_l("Whole name"), validate_choice=False)
    first_name = SelectField(_l("First name"), validate_choice=False)
    last_name = SelectField(_l("Last name"), validate_choice=False)
    email = SelectField(_l("E-mail"), validate_choice=False)
    minutes = SelectField(_l("Minutes or duration"), validate_choice=False)
    join = SelectField(_l("Join time"), validate_choice=False)
    leave = SelectField(_l("Leave time"), validate_choice=False)
    date_order = SelectField(_l("Dates"), choices=DATE_ORDER_CHOICES, default="auto")
    zone = SelectField(_l("Times in the report are in"), validate_choice=False)
    submit = SubmitField(_l("Preview the import with these columns"))

    #: One field per column of the mapping, named as the mapping names them.
    COLUMN_FIELDS = ColumnMapping.COLUMNS


class ConfirmImportForm(FlaskForm):
    """The previewed file travels back in the form: nothing is stored before the import."""

    payload = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    format = HiddenField(validators=[DataRequired()])
    zone = HiddenField()
    #: The column mapping as JSON, when the facilitator chose the columns.
    mapping = HiddenField()
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
