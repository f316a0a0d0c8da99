"""Forms of the public registration page and of the registrant's manage page.

The forms check the shape of each field (required, length, a well-formed e-mail address). The
rules that need the series or the database (a member country, a profile or a session of this
series, the hard limits, one registration per address) belong to `registration.services`,
whose errors the views put beside the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webinars import zones
from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.i18n import current_language
from webinars.registration.labels import SEX
from webinars.registration.models import Registration
from webinars.registration.services import (
    DETAIL_FIELDS,
    MAX_LENGTHS,
    OTHER_PROFILE,
    RegistrationData,
    RegistrationError,
    normalize_email,
)
from webinars.series.models import Series
from webinars.types import utcnow

#: The value of the country select for an official of an observer organization.
OBSERVER = "observer"
#: Languages offered, each named in itself.
LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(label: Any, name: str, *, required: bool = True) -> StringField:
    # No `Optional()` when not required: it would stop the form's own `validate_<name>` too.
    validators: list[Any] = [DataRequired()] if required else []
    validators.append(Length(max=MAX_LENGTHS[name]))
    return StringField(label, validators=validators, filters=[_strip], default="")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: works without JavaScript, unlike a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _sessions_field() -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Sessions"),
        coerce=int,
        # The service says which sessions belong to the series, with a clearer message.
        validate_choice=False,
        invalid_value_message=_l("Choose sessions from the list."),
    )


def _profile_field() -> RadioField:
    return RadioField(_l("Participant profile"), validate_choice=False)


def _set_choice_fields(form: RegistrationForm | ChoiceForm, series: Series) -> None:
    """The series' profiles (plus "other") and sessions as the choices of the form."""
    form.profile.choices = [SelectChoice(p.code, p.label) for p in series.profiles] + [
        SelectChoice(OTHER_PROFILE, _("Other"))
    ]
    form.sessions.choices = [SelectChoice(s.id, s.topic) for s in series.sessions]


def _check_profile_chosen(form: RegistrationForm | ChoiceForm, field: Field) -> None:
    # Without profiles the field is not shown and the registration counts as "other".
    if form.series.profiles and not field.data:
        raise ValidationError(_("Choose the profile that fits you best, or Other."))


def zone_choices(series: Series, countries: Iterable[Country]) -> list[SelectChoice]:
    """Every zone of each member country (Tijuana, Cancún, Vancouver, Chicago...), the
    countries by name, then every other zone; named for people ("Tijuana time (UTC−8)") with
    their offset at the series' first session (or now); the series' own zone marked.
    """
    at: datetime = series.starts_at or utcnow()
    choices = [SelectChoice("", _("My country's zone"))]
    for choice in zones.zone_choices(zones.zone_groups(countries, at), at, current_language()):
        if choice.value == series.timezone:
            choice = SelectChoice(
                choice.value, f"{choice.label} · {_('the series')}", optgroup=choice.optgroup
            )
        choices.append(choice)
    if not any(choice.value == series.timezone for choice in choices):
        choices.insert(1, SelectChoice(series.timezone, f"{series.timezone} · {_('the series')}"))
    return choices


def country_choices(countries: Iterable[Country]) -> list[SelectChoice]:
    """The member countries by name in the page's language, then "Observer organization"."""
    return (
        [SelectChoice("", _("Choose…"))]
        + [SelectChoice(c.code, c.name) for c in collated(countries, lambda c: c.name)]
        + [SelectChoice(OBSERVER, _("Observer organization"))]
    )


class RegistrationForm(FlaskForm):
    """The public registration form of one series; build it with `for_series`."""

    first_name = _text(_l("First name"), "first_name")
    last_name = _text(_l("Last name"), "last_name")
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)], filters=[_strip], default=""
    )
    country = SelectField(
        _l("Country"),
        # An unknown code gets the service's message ("Choose a member country.").
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose your country, or Observer organization."))],
    )
    observer_organization = _text(
        _l("Organization (observers only)"), "observer_organization", required=False
    )
    institution = _text(_l("Institution"), "institution")
    position = _text(_l("Position"), "position")
    profile = _profile_field()
    language = RadioField(
        _l("Language of the e-mails"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=False,
    )
    timezone = SelectField(_l("Time zone"), validate_choice=False, default="")
    sessions = _sessions_field()
    sex = RadioField(
        _l("Sex (optional)"),
        choices=[SelectChoice(value.value, label) for value, label in SEX.items()],
        # No answer is an answer; an unknown value gets the service's message.
        validate_choice=False,
        default="",
    )
    consent_to_list = BooleanField(_l("I agree to appear on the list of participants"))
    privacy_accepted = BooleanField(
        _l("I have read the privacy notice"),
        validators=[
            DataRequired(message=_l("Please confirm that you have read the privacy notice."))
        ],
    )

    series: Series

    @classmethod
    def for_series(
        cls,
        series: Series,
        countries: Sequence[Country],
        *,
        language: str,
        zone: str | None = None,
    ) -> RegistrationForm:
        """The form of `series`; on a first visit in `language`, with every session ticked
        and `zone` (the one the visitor chose on the series' page, if any) chosen."""
        form = cls(
            language=language,
            sessions=[s.id for s in series.sessions],
            timezone=zone if zone and zones.is_known_zone(zone) else "",
        )
        form.series = series
        form.country.choices = country_choices(countries)
        form.timezone.choices = zone_choices(series, countries)
        _set_choice_fields(form, series)
        return form

    def validate_email(self, field: Field) -> None:
        try:
            normalize_email(field.data)
        except RegistrationError as error:
            raise ValidationError(str(error.message)) from error

    def validate_observer_organization(self, field: Field) -> None:
        if self.country.data == OBSERVER and not field.data:
            raise ValidationError(_("Give the name of your organization."))

    def validate_profile(self, field: Field) -> None:
        _check_profile_chosen(self, field)

    def validate_sessions(self, field: Field) -> None:
        # Checked here too, not only by the service, so that this error shows with the
        # others of the form at once (the service's check stays the rule).
        if self.series.sessions and not field.data:
            raise ValidationError(_("Choose at least one session."))

    def to_data(self) -> RegistrationData:
        observer = self.country.data == OBSERVER
        return RegistrationData(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data,
            institution=self.institution.data,
            position=self.position.data,
            language=self.language.data or "",
            country_code=None if observer else self.country.data,
            observer_organization=self.observer_organization.data if observer else "",
            profile_code=self.profile.data or OTHER_PROFILE,
            # No session to choose (dates to be defined): the service takes "all" of none.
            session_ids=self.sessions.data if self.series.sessions else None,
            timezone=self.timezone.data or None,
            consent_to_list=self.consent_to_list.data,
            sex=self.sex.data or None,
        )


class ChoiceForm(FlaskForm):
    """What a registrant may change on their manage page: profile and sessions."""

    profile = _profile_field()
    sessions = _sessions_field()

    series: Series

    @classmethod
    def for_registration(cls, registration: Registration) -> ChoiceForm:
        """The form filled with the registration's current choice."""
        form = cls(
            profile=registration.profile.code if registration.profile else OTHER_PROFILE,
            sessions=[s.id for s in registration.sessions],
        )
        form.series = registration.series
        _set_choice_fields(form, registration.series)
        return form

    def validate_profile(self, field: Field) -> None:
        _check_profile_chosen(self, field)

    def changes(self, registration: Registration) -> bool:
        """Whether the submitted choice differs from the registration's."""
        current = registration.profile.code if registration.profile else OTHER_PROFILE
        return self.profile_code != current or set(self.sessions.data) != {
            s.id for s in registration.sessions
        }

    @property
    def profile_code(self) -> str:
        return self.profile.data or OTHER_PROFILE

    @property
    def session_ids(self) -> list[int] | None:
        """None (every session, that is none) while the series has no session yet."""
        return self.sessions.data if self.series.sessions else None


class DetailsForm(FlaskForm):
    """The registrant corrects their name, institution and position (manage page)."""

    first_name = _text(_l("First name"), "first_name")
    last_name = _text(_l("Last name"), "last_name")
    institution = _text(_l("Institution"), "institution")
    position = _text(_l("Position"), "position")

    @classmethod
    def for_registration(cls, registration: Registration) -> DetailsForm:
        """The form filled with the registration's details (a submitted form keeps its own)."""
        return cls(
            prefix="details",
            **{name: getattr(registration, name) for name in DETAIL_FIELDS},
        )

    @property
    def values(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in DETAIL_FIELDS}


class ResendLinkForm(FlaskForm):
    """The address to send a private manage link to, if it is registered."""

    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)], filters=[_strip], default=""
    )

    def validate_email(self, field: Field) -> None:
        try:
            field.data = normalize_email(field.data)
        except RegistrationError as error:
            raise ValidationError(str(error.message)) from error


class ResendAnyLinkForm(ResendLinkForm):
    """The private link again, from a page that does not know the series (a broken link)."""

    series = SelectField(
        _l("Series you registered for"),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the series you registered for."))],
    )

    @classmethod
    def for_series(cls, choices: Sequence[Series]) -> ResendAnyLinkForm:
        form = cls()
        form.series.choices = [SelectChoice("", _("Choose…"))] + [
            SelectChoice(s.slug, s.title) for s in choices
        ]
        return form

    def validate_series(self, field: Field) -> None:
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(_("Choose the series you registered for."))


class ConfirmForm(FlaskForm):
    """A confirmation button; the form exists for its CSRF token."""
