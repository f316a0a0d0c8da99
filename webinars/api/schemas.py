"""Marshmallow schemas of the read API; the OpenAPI document is generated from them.

Content kept in both languages in the model (titles, concept notes...) is given as
`{"en": ..., "es": ...}`. The few single strings built from names (a role's person or
organization, partner acronyms) follow the request's language (Accept-Language or `?lang=`).
The series' `conference_url` is never part of any schema: the join link is for confirmed
registrants only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, validate
from marshmallow.utils import missing

from webinars.formatting import iso_utc
from webinars.series.models import PUBLIC_STATUSES, Modality, Series
from webinars.sessions.models import AgendaKind, EventSession, RoleKind
from webinars.web import external_url

#: Upcoming: at least one session still to end, or no date yet. Past: every session has ended.
WHEN_CHOICES = ("upcoming", "past")

UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class OutputSchema(Schema):
    """A response body: every key is always present (null when there is no value).

    Marking every field required makes the generated document say so to API clients.
    """

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.required = True


class TextSchema(OutputSchema):
    """A text in both languages."""

    en = fields.String()
    es = fields.String()


class UTCTime(fields.DateTime):
    """An aware UTC datetime as ISO 8601 ending in `Z`: `2020-09-08T15:00:00Z`."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": UTC_PATTERN, "example": "2020-09-08T15:00:00Z"}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else iso_utc(value)


class Translated(fields.Nested):
    """`{"en", "es"}` read from the model's `<name>_en` and `<name>_es` columns.

    `<name>` is the field's `attribute` (or its name) and may go through a relationship
    (`working_group.name`); a missing related row gives null. With `null_when_empty`, two
    empty texts give null too (a session outside any parallel track).
    """

    def __init__(self, *, null_when_empty: bool = False, **kwargs: Any) -> None:
        self.null_when_empty = null_when_empty
        kwargs.setdefault("allow_none", null_when_empty)
        super().__init__(TextSchema, **kwargs)

    def get_value(
        self,
        obj: Any,
        attr: str,
        accessor: Callable[[Any, str, Any], Any] | None = None,
        default: Any = missing,
    ) -> dict[str, str] | None:
        *path, name = (self.attribute or attr).split(".")
        for step in path:
            obj = getattr(obj, step)
            if obj is None:
                return None
        en, es = getattr(obj, f"{name}_en"), getattr(obj, f"{name}_es")
        if self.null_when_empty and not (en or es):
            return None
        return {"en": en, "es": es}


class _Computed:
    """Mixin: the value is `getter(obj)` rather than an attribute of `obj`.

    The field keeps its own type (list, nested, boolean...) so the document describes it.
    """

    def __init__(self, *args: Any, getter: Callable[[Any], Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.getter = getter

    def get_value(
        self,
        obj: Any,
        attr: str,
        accessor: Callable[[Any, str, Any], Any] | None = None,
        default: Any = missing,
    ) -> Any:
        return self.getter(obj)


class ComputedList(_Computed, fields.List):
    pass


class ComputedNested(_Computed, fields.Nested):
    pass


class ComputedBoolean(_Computed, fields.Boolean):
    pass


class ComputedInteger(_Computed, fields.Integer):
    pass


class ComputedUrl(_Computed, fields.Url):
    pass


def _series_url(series: Series) -> str:
    """On `PUBLIC_BASE_URL`: a forged Host header never turns into a link in an answer."""
    return external_url("public.series_detail", slug=series.slug)


def _text_pairs(texts: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [{"en": t.get("en", ""), "es": t.get("es", "")} for t in texts or []]


def _session_people(event_session: EventSession) -> list[dict[str, Any]]:
    """Session-level roles, then those of each agenda item in order, without repeats."""
    people: list[dict[str, Any]] = []
    roles = [*event_session.roles, *(r for item in event_session.agenda_items for r in item.roles)]
    for role in roles:
        person = role.as_dict()
        if person not in people:
            people.append(person)
    return people


class PersonSchema(OutputSchema):
    """Someone who speaks, moderates, facilitates or reports."""

    name = fields.String(
        metadata={
            "description": "The person's name, else the organization's, else a note such as "
            "'a high-ranking official of a Member Country' (in the request's language)."
        }
    )
    role = fields.String(validate=validate.OneOf([kind.value for kind in RoleKind]))
    organization = fields.String(
        allow_none=True,
        metadata={"description": "Acronym of the organization (in the request's language)."},
    )


class AgendaItemSchema(OutputSchema):
    kind = fields.Enum(AgendaKind, by_value=True)
    start = UTCTime(attribute="start_at")
    end = UTCTime(attribute="end_at")
    title = Translated()
    sub_points = ComputedList(
        fields.Nested(TextSchema), getter=lambda item: _text_pairs(item.sub_points)
    )
    people = ComputedList(
        fields.Nested(PersonSchema),
        getter=lambda item: [role.as_dict() for role in item.roles],
    )


class SessionSchema(OutputSchema):
    """One sitting of a series."""

    id = fields.Integer()
    number = fields.Integer(metadata={"description": "Position in time order, from 1."})
    title = Translated(attribute="topic")
    start = UTCTime(attribute="start_at")
    end = UTCTime(attribute="end_at")
    track = Translated(
        null_when_empty=True,
        metadata={"description": "Parallel track; null for a plenary sitting."},
    )
    capacity = fields.Integer(
        allow_none=True, metadata={"description": "Seats in the room; null means no limit."}
    )
    agenda = fields.List(fields.Nested(AgendaItemSchema), attribute="agenda_items")
    people = ComputedList(
        fields.Nested(PersonSchema),
        getter=_session_people,
        metadata={"description": "Everyone with a role in the session or in its agenda."},
    )


class ProfileSchema(OutputSchema):
    """A kind of official the series asks every country for."""

    code = fields.String()
    label = Translated()
    min_per_country = fields.Integer(
        metadata={"description": "A target per country; never refuses anyone."}
    )
    max_per_country = fields.Integer(
        allow_none=True,
        metadata={"description": "A hard limit per country; null means no limit."},
    )


class RegistrationSchema(OutputSchema):
    opens = UTCTime(attribute="registration_opens_at", allow_none=True)
    closes = UTCTime(attribute="registration_closes_at", allow_none=True)
    open = ComputedBoolean(
        getter=lambda series: series.registration_is_open(),
        metadata={"description": "Whether a registration is accepted now."},
    )


class ConceptNoteSchema(OutputSchema):
    background = Translated()
    objective = Translated()
    methodology = Translated()


class SeriesSummarySchema(OutputSchema):
    """A public series in the list."""

    slug = fields.String()
    title = Translated()
    timezone = fields.String(metadata={"description": "IANA time zone of the host."})
    modality = fields.Enum(Modality, by_value=True)
    status = fields.String(validate=validate.OneOf([status.value for status in PUBLIC_STATUSES]))
    start = UTCTime(
        attribute="starts_at",
        allow_none=True,
        metadata={"description": "Start of the first session; null while undated."},
    )
    end = UTCTime(
        attribute="ends_at",
        allow_none=True,
        metadata={"description": "End of the last session; null while undated."},
    )
    tentative_dates = Translated(
        null_when_empty=True,
        metadata={"description": "Dates announced before the sessions are scheduled."},
    )
    session_count = ComputedInteger(getter=lambda series: len(series.sessions))
    url = ComputedUrl(getter=_series_url, metadata={"description": "The public page."})


class SeriesDetailSchema(SeriesSummarySchema):
    """A public series with its concept note, sessions, agenda and participant profiles."""

    working_group = Translated(attribute="working_group.name", allow_none=True)
    partners = ComputedList(
        fields.String(),
        getter=lambda series: [org.acronym for org in series.partners],
        metadata={"description": "Acronyms of the partner organizations."},
    )
    venue = Translated()
    registration = ComputedNested(RegistrationSchema, getter=lambda series: series)
    concept_note = ComputedNested(ConceptNoteSchema, getter=lambda series: series)
    sessions = fields.List(fields.Nested(SessionSchema))
    profiles = fields.List(fields.Nested(ProfileSchema))


class SeriesQuerySchema(Schema):
    """Filters of the series list."""

    when = fields.String(
        validate=validate.OneOf(WHEN_CHOICES),
        metadata={
            "description": "upcoming: a session is still to end, or no date is set yet; "
            "past: every session has ended."
        },
    )
