"""Forms of the delegation page: officials typed in rows, or a file; one choice of sessions.

The sessions are chosen once for the whole delegation (checkboxes, every session by default):
a delegation usually attends the whole series, and one choice keeps the rows short. The row
cells carry no validators: an empty row is ignored, and every other row is checked by the
registration rules (`webinars.registration.delegation`), whose errors go beside the cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.formatting import date_in, time_in
from webinars.i18n import current_language
from webinars.registration.delegation import DelegationRow, RowError
from webinars.registration.labels import SEX
from webinars.registration.services import OTHER_PROFILE
from webinars.series.models import Series

FIRST_ROWS = 5
MORE_ROWS = 5
MAX_FORM_ROWS = 100
#: The country choice of a row whose official belongs to an observer organization.
OBSERVER = "observer"


#: Labels of the columns and of the other fields an error may name.
FIELD_LABELS: dict[str, LazyString] = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("E-mail"),
    "institution": _l("Institution"),
    "position": _l("Position"),
    "profile": _l("Profile"),
    "language": _l("Language"),
    "consent_to_list": _l("Listed"),
    "sex": _l("Sex (optional)"),
    "country": _l("Country"),
    "observer_organization": _l("Observer organization"),
    "sessions": _l("Sessions"),
    "timezone": _l("Time zone"),
    "series": _l("Series"),
}

LANGUAGE_CHOICES = [SelectChoice("es", "Español"), SelectChoice("en", "English")]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class RowForm(Form):
    """One official of the delegation (a row of cells; no CSRF token of its own)."""

    TEXT_FIELDS = ("first_name", "last_name", "email", "institution", "position")

    first_name = StringField(FIELD_LABELS["first_name"], filters=[_strip])
    last_name = StringField(FIELD_LABELS["last_name"], filters=[_strip])
    email = StringField(FIELD_LABELS["email"], filters=[_strip])
    institution = StringField(FIELD_LABELS["institution"], filters=[_strip])
    position = StringField(FIELD_LABELS["position"], filters=[_strip])
    profile = SelectField(FIELD_LABELS["profile"], choices=[], validate_choice=False)
    language = SelectField(
        FIELD_LABELS["language"],
        choices=LANGUAGE_CHOICES,
        default=current_language,
        validate_choice=False,
    )
    consent_to_list = BooleanField(_l("Consents to be on the participant list"))
    sex = SelectField(
        FIELD_LABELS["sex"],
        choices=[
            SelectChoice("", "—"),
            *(SelectChoice(v.value, label) for v, label in SEX.items()),
        ],
        validate_choice=False,
        default="",
    )

    def is_empty(self) -> bool:
        """Nothing typed or ticked (the selects always hold a value)."""
        return not (any(self[name].data for name in self.TEXT_FIELDS) or self.consent_to_list.data)

    def values(self) -> dict[str, str]:
        values = {name: self[name].data or "" for name in self.TEXT_FIELDS}
        values["profile"] = self.profile.data or ""
        values["language"] = self.language.data or ""
        values["consent_to_list"] = "yes" if self.consent_to_list.data else "no"
        values["sex"] = self.sex.data or ""
        return values


class OriginRowForm(RowForm):
    """A row of an organizer, who chooses the country (or an observer organization)."""

    TEXT_FIELDS = (*RowForm.TEXT_FIELDS, "observer_organization")

    country = SelectField(FIELD_LABELS["country"], choices=[], validate_choice=False)
    observer_organization = StringField(FIELD_LABELS["observer_organization"], filters=[_strip])

    def is_empty(self) -> bool:
        return super().is_empty() and not self.country.data

    def values(self) -> dict[str, str]:
        values = super().values()
        values["country"] = "" if self.country.data == OBSERVER else self.country.data or ""
        return values


class _SessionChoice(FlaskForm):
    """The sessions of the whole delegation: every session by default."""

    sessions = SelectMultipleField(
        _l("Sessions"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def _choose_sessions(self, series: Series) -> None:
        zone = series.timezone
        self.sessions.choices = [
            SelectChoice(
                s.id,
                f"{number}. {date_in(s.start_at, zone, 'medium')} {time_in(s.start_at, zone)}"
                f" · {s.topic}",
            )
            for number, s in enumerate(series.sessions, start=1)
        ]

    def validate_sessions(self, field: SelectMultipleField) -> None:
        if field.choices and not field.data:
            raise ValidationError(_("Choose at least one session."))

    def chosen_sessions(self) -> list[int] | None:
        """The ids chosen, or None for every session (so "all" stays all)."""
        every = {choice.value for choice in self.sessions.choices or []}
        chosen = list(self.sessions.data or [])
        return None if set(chosen) == every else chosen


def _binding(bound: bool) -> dict[str, Any]:
    """Read the request (bound), or start from the defaults (the page's other form)."""
    return {} if bound else {"formdata": None}


def delegation_form(
    series: Series, *, countries: Sequence[Country] | None, bound: bool
) -> DelegationForm:
    """The rows form for this series; `countries` (organizers) adds a country cell per row."""
    if countries is None:
        return DelegationForm(series, **_binding(bound))
    return OriginDelegationForm(series, countries, **_binding(bound))


class DelegationForm(_SessionChoice):
    rows = FieldList(FormField(RowForm), min_entries=FIRST_ROWS, max_entries=MAX_FORM_ROWS)
    more = SubmitField(_l("More rows"))
    submit = SubmitField(_l("Register the delegation"))

    def __init__(self, series: Series, countries: Sequence[Country] = (), **kwargs: Any) -> None:
        super().__init__(sessions=[s.id for s in series.sessions], **kwargs)
        self._choose_sessions(series)
        profiles = [SelectChoice(p.code, p.label) for p in series.profiles]
        self._profile_choices = [
            *([SelectChoice("", _("Choose…"))] if profiles else []),
            *profiles,
            SelectChoice(OTHER_PROFILE, _("Other")),
        ]
        self._country_choices = [
            SelectChoice("", "—"),
            *(SelectChoice(c.code, c.name) for c in collated(countries, lambda c: c.name)),
            SelectChoice(OBSERVER, _("Observer organization")),
        ]
        #: Errors of a row that belong to no cell of it, by row number.
        self.row_messages: dict[int, list[str | LazyString]] = {}
        self._choose_in_rows()

    def _choose_in_rows(self) -> None:
        for entry in self.rows:
            entry.form.profile.choices = self._profile_choices
            if isinstance(entry.form, OriginRowForm):
                entry.form.country.choices = self._country_choices

    @property
    def with_origin(self) -> bool:
        return isinstance(self, OriginDelegationForm)

    def add_rows(self) -> None:
        """Five more empty rows, up to the maximum; the typed rows stay as they are."""
        for _n in range(min(MORE_ROWS, MAX_FORM_ROWS - len(self.rows))):
            self.rows.append_entry()
        self._choose_in_rows()

    def fill_rows(self, rows: Sequence[dict[str, str]]) -> None:
        """Rows filled from the directory first (the officials it knows), then empty rows
        up to the first page's number; only on a form not submitted yet."""
        while self.rows.entries:
            self.rows.pop_entry()
        for values in rows[:MAX_FORM_ROWS]:
            self.rows.append_entry(values)
        for _n in range(max(0, FIRST_ROWS - len(rows))):
            self.rows.append_entry()
        self._choose_in_rows()

    @property
    def can_add_rows(self) -> bool:
        return len(self.rows) < MAX_FORM_ROWS

    def delegation_rows(self) -> list[DelegationRow]:
        """The rows with something typed, numbered as on the page."""
        return [
            DelegationRow(line=number, values=entry.form.values())
            for number, entry in enumerate(self.rows, start=1)
            if not entry.form.is_empty()
        ]

    def show_errors(self, errors: Sequence[RowError]) -> None:
        """Each error beside its cell; errors of fields without a cell go to the row's start,
        an error on the sessions beside the shared choice."""
        for error in errors:
            if error.field == "sessions":
                if error.message not in self.sessions.errors:
                    self.sessions.errors = [*self.sessions.errors, error.message]
                continue
            row = self.rows[error.line - 1].form
            if error.field in row:
                row[error.field].errors = [*row[error.field].errors, error.message]
            else:
                self.row_messages.setdefault(error.line, []).append(error.message)


class OriginDelegationForm(DelegationForm):
    rows = FieldList(FormField(OriginRowForm), min_entries=FIRST_ROWS, max_entries=MAX_FORM_ROWS)


class DelegationUploadForm(_SessionChoice):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Upload and register"))

    def __init__(self, series: Series, **kwargs: Any) -> None:
        super().__init__(prefix="upload", sessions=[s.id for s in series.sessions], **kwargs)
        self._choose_sessions(series)


def upload_form(series: Series, *, bound: bool) -> DelegationUploadForm:
    return DelegationUploadForm(series, **_binding(bound))
