"""Forms of the staff pages for series, sessions and participant profiles.

The forms check each field on its own (required, format, range); the rules that join fields
or need the database (end after start, a real time zone, a unique slug) live in
`webinars.series.services`, whose errors the views put beside the fields.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any, TypeVar

from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from webinars.catalog.collation import collated
from webinars.catalog.models import Country, Organization, WorkingGroup
from webinars.extensions import db
from webinars.folding import fold_name
from webinars.i18n import current_language
from webinars.series import labels
from webinars.series.models import ApprovalMode, Modality, Series, SeriesStatus
from webinars.series.services import (
    MAX_REMINDER_MINUTES,
    MAX_REMINDERS,
    DuplicateData,
    ProfileData,
    SeriesData,
    to_wall_clock,
)
from webinars.sessions.models import EventSession
from webinars.sessions.recurrence import MAX_OCCURRENCES, Frequency
from webinars.sessions.services import RecurrenceData, SessionData
from webinars.types import utcnow
from webinars.zones import zone_choices, zone_groups

D = TypeVar("D")

FREQUENCY_LABELS: dict[Frequency, LazyString] = {
    Frequency.DAILY: _l("Every day"),
    Frequency.WEEKLY: _l("Every week"),
    Frequency.MONTHLY: _l("Every month"),
    Frequency.QUARTERLY: _l("Every three months"),
}

_TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(
    label: LazyString, *, required: bool = False, max_length: int | None = None, area: bool = False
) -> Field:
    validators: list[Any] = [DataRequired()] if required else [Optional()]
    if max_length is not None:
        validators.append(Length(max=max_length))
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=validators, filters=[_strip], default="")


def _positive_or_empty(label: LazyString) -> IntegerField:
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=1, message=_l("A positive number, or empty."))],
        description=_l("Empty for no limit."),
    )


def _optional_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


#: A new series reminds its registrants a day and an hour before each session.
DEFAULT_REMINDER_MINUTES = (1440, 60)


#: Units a reminder may be written in, English and Spanish, accents folded: minutes in each.
_REMINDER_UNITS: dict[str, int] = {
    **dict.fromkeys(("", "m", "min", "mins", "minute", "minutes", "minuto", "minutos"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "hora", "horas"), 60),
    **dict.fromkeys(("d", "day", "days", "dia", "dias"), 24 * 60),
    **dict.fromkeys(("w", "week", "weeks", "semana", "semanas"), 7 * 24 * 60),
}
_REMINDER_PART = re.compile(r"^(\d+)\s*([a-z]*)$")


def parse_reminders(text: str) -> tuple[int, ...]:
    """ "1 day, 1 hour" (or "1 día; 1 hora", "1d, 90 min", "1440, 60") as minutes, largest
    first, each once. A bare number is minutes. Raises ValueError with the message to show."""
    minutes: set[int] = set()
    for part in re.split(r"[,;]", text):
        folded = fold_name(part)
        if not folded:
            continue
        # Folding drops signs and symbols: "-60" must not read as 60.
        match = None if re.search(r"[^\w\s.]", part) else _REMINDER_PART.match(folded)
        if match is None or match.group(2) not in _REMINDER_UNITS:
            raise ValueError(
                _(
                    "“%(part)s” is not a time before the session, e.g. 1 day, 1 hour.",
                    part=part.strip(),
                )
            )
        minutes.add(int(match.group(1)) * _REMINDER_UNITS[match.group(2)])
    return tuple(sorted(minutes, reverse=True))


def format_reminder(minutes: int) -> str:
    """One reminder in the largest whole unit: "1 day", "25 hours", "90 minutes"."""
    if minutes % (24 * 60) == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))
    if minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


class MinutesListField(StringField):
    """Reminders written as people say them ("1 day, 1 hour"), kept as minutes, largest first.

    Each from 1 minute to `MAX_REMINDER_MINUTES` (30 days), at most `MAX_REMINDERS`; repeats
    count once; empty means none. Shown back in the same words, in the reader's language.
    """

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return ", ".join(format_reminder(minutes) for minutes in self.data or ())

    def process_data(self, value: Any) -> None:
        self.data = tuple(value) if value is not None else ()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        minutes = parse_reminders(str(valuelist[0]))
        if any(not 1 <= value <= MAX_REMINDER_MINUTES for value in minutes):
            raise ValueError(_l("Each reminder between 1 minute and 30 days before."))
        if len(minutes) > MAX_REMINDERS:
            raise ValueError(_l("At most %(max)d reminders.", max=MAX_REMINDERS))
        self.data = minutes


def _enum_choices(names: dict[Any, LazyString]) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in names.items()]


def _working_group_choices() -> list[SelectChoice]:
    groups = db.session.scalars(db.select(WorkingGroup).order_by(WorkingGroup.id))
    return [SelectChoice("", "—")] + [SelectChoice(str(g.id), g.name) for g in groups]


def _country_choices() -> list[SelectChoice]:
    countries = collated(db.session.scalars(db.select(Country)), lambda c: c.name)
    return [SelectChoice("", "—")] + [SelectChoice(c.code, c.name) for c in countries]


def _organization_choices() -> list[SelectChoice]:
    """The catalog's organizations by acronym in the reader's language."""
    organizations = db.session.scalars(db.select(Organization))
    return [
        SelectChoice(o.id, f"{o.acronym} · {o.name}")
        for o in collated(organizations, lambda o: o.acronym)
    ]


def _zone_choices() -> list[SelectChoice]:
    """Every zone of the member countries (each country a group), then every other zone;
    labelled with their offset now."""
    countries = db.session.scalars(db.select(Country))
    now = utcnow()
    return [SelectChoice("", _l("Choose…"))] + zone_choices(
        zone_groups(countries, now), now, current_language()
    )


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes: easier than a multiple select (no Ctrl-click), and usable on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _data_of(cls: type[D], form: FlaskForm) -> D:
    """The service's data class filled from the form fields of the same names."""
    return cls(**{f.name: form[f.name].data for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


def _slug_field() -> StringField:
    """The address of a series; empty: proposed from the English title (on the server, and
    in the browser by `static/js/staff-forms.js` as the title is typed)."""
    return StringField(
        _l("Address (slug)"),
        validators=[
            Optional(),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l(
                    "Use lowercase letters, digits and hyphens, e.g. border-management-2020."
                ),
            ),
        ],
        filters=[_strip],
        default="",
        description=_l(
            "Part of the public address of the series. Empty: proposed from the English title."
        ),
        render_kw={"data-slug-from": "title_en"},
    )


class SeriesForm(FlaskForm):
    slug = _slug_field()
    title_en = _text(_l("Title in English"), required=True, max_length=300)
    title_es = _text(_l("Title in Spanish"), required=True, max_length=300)
    background_en = _text(_l("Background in English"), area=True)
    background_es = _text(_l("Background in Spanish"), area=True)
    objective_en = _text(_l("Objective in English"), area=True)
    objective_es = _text(_l("Objective in Spanish"), area=True)
    methodology_en = _text(_l("Methodology in English"), area=True)
    methodology_es = _text(_l("Methodology in Spanish"), area=True)
    modality = SelectField(
        _l("Modality"),
        choices=_enum_choices(labels.MODALITY),
        coerce=Modality,
        default=Modality.ONLINE,
    )
    venue_en = _text(_l("Venue in English"), max_length=300)
    venue_es = _text(_l("Venue in Spanish"), max_length=300)
    conference_url = URLField(
        _l("Conference link"),
        validators=[
            Optional(),
            URL(message=_l("Enter a full address, e.g. https://…")),
            Length(max=500),
        ],
        filters=[_strip],
        default="",
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=_zone_choices,
        validators=[DataRequired(message=_l("Choose the time zone of the host."))],
        # Checked on the server against every IANA zone (`series.services`).
        validate_choice=False,
        default="",
        description=_l("The host's zone: the sessions' times are typed in it."),
    )
    tentative_dates_en = _text(_l("Tentative dates in English"), max_length=200)
    tentative_dates_es = _text(_l("Tentative dates in Spanish"), max_length=200)
    registration_opens = DateTimeLocalField(
        _l("Registration opens"),
        format=_DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("Local time in the series' time zone."),
    )
    registration_closes = DateTimeLocalField(
        _l("Registration closes"),
        format=_DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("Local time in the series' time zone."),
    )
    approval_mode = SelectField(
        _l("Approval of registrations"),
        choices=_enum_choices(labels.APPROVAL_MODE),
        coerce=ApprovalMode,
        default=ApprovalMode.AUTOMATIC,
    )
    verify_email = BooleanField(
        _l("Verify e-mail addresses"),
        default=True,
        description=_l(
            "A registration made through the public form holds no seat and gets no other"
            " e-mail until its holder follows the link sent to the address given; unverified"
            " registrations expire. Registrations made by staff are verified by them."
        ),
    )
    status = SelectField(
        _l("Status"),
        choices=_enum_choices(labels.SERIES_STATUS),
        coerce=SeriesStatus,
        default=SeriesStatus.DRAFT,
    )
    capacity = _positive_or_empty(_l("Seats in the series"))
    reminder_minutes = MinutesListField(
        _l("Reminders before each session"),
        default=DEFAULT_REMINDER_MINUTES,
        description=_l(
            "Separated by commas: “1 day, 1 hour” reminds the confirmed registrants a day and"
            " an hour before each session (days, hours or minutes). Empty: no reminders."
        ),
    )
    attendance_threshold = IntegerField(
        _l("Attendance threshold (per cent of a session)"),
        default=50,
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("Between 1 and 100."))],
        filters=[lambda value: 50 if value is None else value],
        description=_l(
            "Present at least this share of a session counts as having attended it (reports,"
            " lists, certificates)."
        ),
    )
    certificate_sessions = IntegerField(
        _l("Certificates: sessions to attend"),
        validators=[Optional(), NumberRange(min=1, message=_l("A positive number, or empty."))],
        description=_l(
            "Participants who attended at least this many sessions can download a certificate"
            " from their registration page. Empty: no certificates."
        ),
    )
    working_group_id = SelectField(
        _l("Working group"), choices=_working_group_choices, coerce=_optional_int
    )
    host_country_code = SelectField(
        _l("Host country"), choices=_country_choices, coerce=_optional_str
    )
    partner_ids = MultiCheckboxField(
        _l("Partners"), choices=_organization_choices, coerce=int, default=list
    )

    @classmethod
    def for_series(cls, series: Series) -> SeriesForm:
        """The form filled from a series, registration times on its own wall clock."""
        return cls(
            obj=series,
            registration_opens=series.registration_opens_at
            and to_wall_clock(series.registration_opens_at, series.timezone),
            registration_closes=series.registration_closes_at
            and to_wall_clock(series.registration_closes_at, series.timezone),
            partner_ids=[p.id for p in series.partners],
        )

    def to_data(self) -> SeriesData:
        return _data_of(SeriesData, self)


class SessionForm(FlaskForm):
    topic_en = _text(_l("Topic in English"), required=True, max_length=300)
    topic_es = _text(_l("Topic in Spanish"), required=True, max_length=300)
    day = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), format=_TIME_FORMATS, validators=[InputRequired()])
    end_time = TimeField(_l("End time"), format=_TIME_FORMATS, validators=[InputRequired()])
    capacity = _positive_or_empty(_l("Seats"))
    track_en = _text(_l("Parallel track in English"), max_length=200)
    track_es = _text(_l("Parallel track in Spanish"), max_length=200)
    conference_url = URLField(
        _l("Connection link of this session"),
        validators=[
            Optional(),
            URL(message=_l("Enter a full address, e.g. https://…")),
            Length(max=500),
        ],
        filters=[_strip],
        default="",
        description=_l("Empty: the series' link."),
    )

    @classmethod
    def for_session(cls, event_session: EventSession) -> SessionForm:
        zone = event_session.series.timezone
        start = to_wall_clock(event_session.start_at, zone)
        return cls(
            obj=event_session,
            day=start.date(),
            start_time=start.time(),
            end_time=to_wall_clock(event_session.end_at, zone).time(),
        )

    def to_data(self) -> SessionData:
        return _data_of(SessionData, self)


class RecurrenceForm(FlaskForm):
    first_day = DateField(_l("First date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), format=_TIME_FORMATS, validators=[InputRequired()])
    end_time = TimeField(_l("End time"), format=_TIME_FORMATS, validators=[InputRequired()])
    frequency = SelectField(
        _l("Repeat"),
        choices=_enum_choices(FREQUENCY_LABELS),
        coerce=Frequency,
        default=Frequency.WEEKLY,
    )
    count = IntegerField(
        _l("Number of sessions"),
        validators=[Optional(), NumberRange(min=1, max=MAX_OCCURRENCES)],
        description=_l("Give a number of sessions or a last date, not both."),
    )
    until = DateField(_l("Last date"), validators=[Optional()])
    topic_en = _text(_l("Topic in English"), required=True, max_length=280)
    topic_es = _text(_l("Topic in Spanish"), required=True, max_length=280)
    track_en = _text(_l("Parallel track in English"), max_length=200)
    track_es = _text(_l("Parallel track in Spanish"), max_length=200)
    capacity = _positive_or_empty(_l("Seats"))
    preview = SubmitField(_l("Preview"))
    create = SubmitField(_l("Create the sessions"))

    def to_data(self) -> RecurrenceData:
        return _data_of(RecurrenceData, self)


class ProfileForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(
                r"^[a-z][a-z0-9_]*$",
                message=_l("Lowercase letters, digits and underscores, e.g. border_control."),
            ),
        ],
        filters=[_strip],
        default="",
    )
    label_en = _text(_l("Label in English"), required=True, max_length=200)
    label_es = _text(_l("Label in Spanish"), required=True, max_length=200)
    description_en = _text(_l("Description in English"), area=True)
    description_es = _text(_l("Description in Spanish"), area=True)
    min_per_country = IntegerField(
        _l("Minimum per country"),
        validators=[InputRequired(), NumberRange(min=0)],
        default=0,
        description=_l("A target shown to focal points; it never refuses anyone."),
    )
    max_per_country = IntegerField(
        _l("Maximum per country"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("A hard limit: past it registrations wait. Empty for no limit."),
    )
    position = IntegerField(_l("Position in lists"), validators=[InputRequired()], default=0)

    def to_data(self) -> ProfileData:
        return _data_of(ProfileData, self)


class DuplicateForm(FlaskForm):
    """The new edition of a series: its address, titles and first date."""

    slug = _slug_field()
    title_en = _text(_l("Title in English"), required=True, max_length=300)
    title_es = _text(_l("Title in Spanish"), required=True, max_length=300)
    first_day = DateField(
        _l("Date of the first session"),
        validators=[Optional()],
        description=_l("Every other session keeps its distance from the first one."),
    )

    @classmethod
    def for_series(cls, series: Series) -> DuplicateForm:
        """Proposed: the titles with their years moved on by one, the first session 52 weeks
        later (the same weekday)."""
        first = series.starts_at
        return cls(
            title_en=_next_year(series.title_en),
            title_es=_next_year(series.title_es),
            first_day=to_wall_clock(first, series.timezone).date() + timedelta(weeks=52)
            if first is not None
            else None,
        )

    def to_data(self) -> DuplicateData:
        return _data_of(DuplicateData, self)


def _next_year(title: str) -> str:
    """ "Webinar 2020" -> "Webinar 2021"."""
    return re.sub(r"\b(19|20)(\d\d)\b", lambda m: str(int(m.group(0)) + 1), title)


class DeleteSeriesForm(FlaskForm):
    """Deleting a series takes its name (either title) or its address, typed out."""

    confirmation = StringField(
        _l("Type the title or the address of the series to confirm"),
        validators=[DataRequired()],
        filters=[_strip],
        default="",
    )

    def __init__(self, series: Series) -> None:
        super().__init__()
        self._accepted = {
            " ".join(value.casefold().split())
            for value in (series.slug, series.title_en, series.title_es)
        }

    def validate_confirmation(self, field: Field) -> None:
        if " ".join((field.data or "").casefold().split()) not in self._accepted:
            raise ValidationError(_("This is not the title or the address of this series."))


class ConfirmForm(FlaskForm):
    """A confirmation button; the form exists for its CSRF token."""
