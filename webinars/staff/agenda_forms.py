"""Forms of the agenda, role and people pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from webinars.catalog.collation import collated
from webinars.catalog.models import Country, Organization, Person
from webinars.i18n import current_language
from webinars.sessions import labels
from webinars.sessions.models import AgendaItem, AgendaKind, RoleKind

NONE_CHOSEN = ("", "—")


def optional_id(value: Any) -> int | None:
    """Coerce a select's value: the empty choice means none."""
    if value in ("", None):
        return None
    return int(value)


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _organization_choices(organizations: Iterable[Organization]) -> list[tuple[Any, str]]:
    """Sorted as read in the current language (IOM is OIM in Spanish)."""
    labelled = sorted((f"{o.acronym} · {o.name}", o.id) for o in organizations)
    return [NONE_CHOSEN] + [(org_id, label) for label, org_id in labelled]


class DeleteForm(FlaskForm):
    """The confirmation of a delete: only its CSRF token."""


class AgendaItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), coerce=AgendaKind, validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=500)])
    title_es = StringField(_l("Title (Spanish)"), validators=[DataRequired(), Length(max=500)])
    sub_points_en = TextAreaField(_l("Sub-points (English), one per line"))
    sub_points_es = TextAreaField(_l("Sub-points (Spanish), one per line"))
    position = IntegerField(
        _l("Order in the agenda"), validators=[Optional(), NumberRange(min=0)], default=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind, labels.AGENDA_KIND[kind]) for kind in AgendaKind]

    @staticmethod
    def data_of(item: AgendaItem) -> dict[str, Any]:
        """The form's initial values for an existing item, times in the series' zone.

        Where some Spanish sub-points are missing, the English text that stands in for them
        fills the line, so both textareas keep the same number of lines.
        """
        zone = item.event_session.series.zone
        points = item.sub_points or []
        any_spanish = any(p.get("es") for p in points)
        return {
            "kind": item.kind,
            "start_time": item.start_at.astimezone(zone).time(),
            "end_time": item.end_at.astimezone(zone).time(),
            "title_en": item.title_en,
            "title_es": item.title_es,
            "sub_points_en": "\n".join(p.get("en", "") for p in points),
            "sub_points_es": (
                "\n".join(p.get("es") or p.get("en", "") for p in points) if any_spanish else ""
            ),
            "position": item.position,
        }


class RoleForm(FlaskForm):
    kind = SelectField(_l("Role"), coerce=RoleKind, validators=[InputRequired()])
    person = SelectField(_l("Person"), coerce=optional_id)
    organization = SelectField(_l("Organization"), coerce=optional_id)
    note_en = StringField(_l("Note (English)"), validators=[Length(max=300)])
    note_es = StringField(_l("Note (Spanish)"), validators=[Length(max=300)])

    def __init__(
        self, people: Iterable[Person], organizations: Iterable[Organization], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.kind.choices = [(kind, labels.ROLE_KIND[kind]) for kind in RoleKind]
        self.person.choices = [NONE_CHOSEN] + [
            (p.id, f"{p.name} · {p.organization.acronym}" if p.organization else p.name)
            for p in people
        ]
        self.organization.choices = _organization_choices(organizations)


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title or position (English)"), validators=[Length(max=300)])
    title_es = StringField(_l("Title or position (Spanish)"), validators=[Length(max=300)])
    organization = SelectField(_l("Organization"), coerce=optional_id)
    country = SelectField(_l("Country"), default="")
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])

    def __init__(
        self, organizations: Iterable[Organization], countries: Iterable[Country], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.organization.choices = _organization_choices(organizations)
        language = current_language()
        self.country.choices = [NONE_CHOSEN] + [
            (c.code, c.t("name", language))
            for c in collated(countries, lambda c: c.t("name", language), language)
        ]

    @staticmethod
    def data_of(person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "title_en": person.title_en,
            "title_es": person.title_es,
            "organization": person.organization_id,
            "country": person.country_code or "",
            "email": person.email or "",
        }
