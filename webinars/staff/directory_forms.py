"""Forms of the directory of national authorities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from webinars.authorities.labels import TOPIC
from webinars.authorities.models import DirectoryEntry
from webinars.authorities.services import LANGUAGES, MAX_LENGTHS, EntryData
from webinars.catalog.collation import collated
from webinars.catalog.models import Country, WorkingGroup
from webinars.registration.forms import LANGUAGE_NAMES, MultiCheckboxField


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(label: Any, name: str, *, required: bool = True) -> StringField:
    validators: list[Any] = [DataRequired()] if required else []
    validators.append(Length(max=MAX_LENGTHS[name]))
    return StringField(label, validators=validators, filters=[_strip], default="")


def country_choices(countries: Sequence[Country]) -> list[SelectChoice]:
    return [SelectChoice("", _("Choose…"))] + [
        SelectChoice(c.code, c.name) for c in collated(countries, lambda c: c.name)
    ]


class EntryForm(FlaskForm):
    """An entry; the country only for organizers (a focal point keeps their own)."""

    country = SelectField(
        _l("Country"),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the country."))],
    )
    first_name = _text(_l("First name"), "first_name")
    last_name = _text(_l("Last name"), "last_name")
    position = _text(_l("Position"), "position")
    institution = _text(_l("Institution"), "institution")
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)], filters=[_strip], default=""
    )
    phone = _text(_l("Phone (optional)"), "phone", required=False)
    languages = MultiCheckboxField(
        _l("Languages"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        validate_choice=False,
    )
    topic = SelectField(_l("Topic"), validate_choice=False)
    working_group = SelectField(_l("Working group"), validate_choice=False, default="")
    is_focal_point = BooleanField(_l("Focal point for information exchange on this topic"))

    @classmethod
    def build(
        cls,
        countries: Sequence[Country] | None,
        groups: Sequence[WorkingGroup],
        entry: DirectoryEntry | None = None,
        **kwargs: Any,
    ) -> EntryForm:
        """`countries`: the organizer's choice; None drops the field (a focal point)."""
        if entry is not None:
            kwargs.setdefault("obj", entry)
            kwargs.setdefault("languages", entry.language_list)
            kwargs.setdefault(
                "working_group", entry.working_group.code if entry.working_group else ""
            )
            kwargs.setdefault("country", entry.country_code)
            kwargs.setdefault("topic", entry.topic.value)
        else:
            kwargs.setdefault("languages", ["es"])
        form = cls(**kwargs)
        if countries is None:
            del form.country
        else:
            form.country.choices = country_choices(countries)
        form.topic.choices = [SelectChoice(t.value, label) for t, label in TOPIC.items()]
        form.working_group.choices = [SelectChoice("", "—")] + [
            SelectChoice(g.code, g.name) for g in collated(groups, lambda g: g.name)
        ]
        return form

    def to_data(self) -> EntryData:
        return EntryData(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            position=self.position.data,
            institution=self.institution.data,
            email=self.email.data,
            topic=self.topic.data or "",
            phone=self.phone.data or "",
            languages=list(self.languages.data or []),
            working_group_code=self.working_group.data or "",
            is_focal_point=self.is_focal_point.data,
        )


class ImportForm(FlaskForm):
    country = SelectField(
        _l("Country"),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the country."))],
    )
    file = FileField(_l("Excel workbook (.xlsx)"), validators=[FileRequired(_l("Choose a file."))])

    @classmethod
    def build(cls, countries: Sequence[Country] | None) -> ImportForm:
        form = cls()
        if countries is None:
            del form.country
        else:
            form.country.choices = country_choices(countries)
        return form


class ConfirmForm(FlaskForm):
    """A button; the form exists for its CSRF token."""
