"""Marshmallow schemas of the registration API and the quota matrix.

Request bodies refuse unknown fields and wrong types with messages in the request's language;
the rules about the values themselves (a valid address, a member country, a profile or a
session of this series, a seat left) are the registration service's.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from webinars.api.errors import BODY_KEY
from webinars.api.schemas import OutputSchema, ProfileSchema, TextSchema, Translated, UTCTime
from webinars.registration.models import RegistrationStatus, Sex
from webinars.registration.services import LANGUAGES, MAX_LENGTHS, OTHER_PROFILE

EMAIL_MAX_LENGTH = 254
CODE_MAX_LENGTH = 64
#: Unknown fields named in a refusal; past them the answer only says how many more there are.
MAX_UNKNOWN_LISTED = 20

#: marshmallow's messages for any field, translated. They are bound when a schema is built, so
#: lazy; validators run inside the request and translate at once (marshmallow iterates a
#: validator's message unless it is a real `str`).
_FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field may not be null."),
}
#: marshmallow's "invalid" message, by the type of the field.
_INVALID_MESSAGES = (
    (fields.Boolean, _l("Not a valid boolean: use true or false.")),
    (fields.Integer, _l("Not a valid integer.")),
    (fields.List, _l("Not a valid list.")),
    (fields.String, _l("Not a valid text.")),
)


def _no_nul(value: str) -> None:
    """PostgreSQL refuses NUL in text: refuse it here, beside the field, not with a 500."""
    if "\x00" in value:
        raise ValidationError(_("Contains a character that is not allowed."))


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        validate=[
            validate.Length(max=max_length, error=_l("At most {max} characters.")),
            _no_nul,
        ],
        **kwargs,
    )


class BodySchema(Schema):
    """A request body: a JSON object with known fields only, errors translated."""

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("The body must be a JSON object."),
    }

    @pre_load
    def _bounded_unknown_fields(self, data: Any, **_kwargs: Any) -> Any:
        """Refuse unknown fields at once, naming at most `MAX_UNKNOWN_LISTED` of them: the
        answer stays small however many the body holds (marshmallow would repeat each one)."""
        if not isinstance(data, dict):
            return data
        known = {f.data_key or name for name, f in self.load_fields.items()}
        unknown = [key for key in data if key not in known]
        if not unknown:
            return data
        errors: dict[str, list[str]] = {
            str(key)[:CODE_MAX_LENGTH]: [_("Unknown field.")]
            for key in unknown[:MAX_UNKNOWN_LISTED]
        }
        if len(unknown) > MAX_UNKNOWN_LISTED:
            errors[BODY_KEY] = [
                _("%(n)d more unknown fields.", n=len(unknown) - MAX_UNKNOWN_LISTED)
            ]
        raise ValidationError(errors)

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        messages = dict(_FIELD_MESSAGES)
        for kind, message in _INVALID_MESSAGES:
            if isinstance(field_obj, kind):
                messages["invalid"] = message
                break
        field_obj.error_messages = {**field_obj.error_messages, **messages}
        if isinstance(field_obj, fields.List):
            self.on_bind_field(field_name, field_obj.inner)


def _sessions_field(description: str) -> fields.List:
    return fields.List(
        fields.Integer(strict=True),
        allow_none=True,
        metadata={"description": description},
    )


def _profile_field(**kwargs: Any) -> fields.String:
    return _text(
        CODE_MAX_LENGTH,
        metadata={
            "description": "The code of one of the series' participant profiles "
            f"(see the series' `profiles`), or `{OTHER_PROFILE}`."
        },
        **kwargs,
    )


class RegistrationBodySchema(BodySchema):
    """An official's registration."""

    first_name = _text(MAX_LENGTHS["first_name"], required=True)
    last_name = _text(MAX_LENGTHS["last_name"], required=True)
    email = _text(EMAIL_MAX_LENGTH, required=True, metadata={"format": "email"})
    country = _text(
        CODE_MAX_LENGTH,
        allow_none=True,
        metadata={
            "description": "ISO 3166-1 alpha-2 code of a member country; absent or null for "
            "an observer organization (then `observer_organization`).",
            "example": "CR",
        },
    )
    observer_organization = _text(
        MAX_LENGTHS["observer_organization"],
        allow_none=True,
        metadata={"description": "The observer organization's name, without a `country`."},
    )
    institution = _text(MAX_LENGTHS["institution"], required=True)
    position = _text(MAX_LENGTHS["position"], required=True)
    profile = _profile_field(required=True)
    language = fields.String(
        required=True,
        validate=validate.OneOf(LANGUAGES, error=_l("Choose Spanish or English.")),
        metadata={"description": "The language of the e-mails."},
    )
    sessions = _sessions_field("Ids of the chosen sessions; absent or null for every session.")
    timezone = _text(
        CODE_MAX_LENGTH,
        allow_none=True,
        metadata={
            "description": "IANA time zone for the times in the e-mails; by default the "
            "country's (the series' for an observer).",
            "example": "America/Costa_Rica",
        },
    )
    consent_to_list = fields.Boolean(
        load_default=False,
        metadata={"description": "Whether the name may appear on the participant list."},
    )
    sex = fields.String(
        allow_none=True,
        validate=validate.OneOf(
            [s.value for s in Sex], error=_l("Choose one of the answers, or none.")
        ),
        metadata={
            "description": "Optional, never required: female, male, another or undisclosed "
            "(prefer not to say); absent or null when not answered. Reported only in totals."
        },
    )

    @validates_schema
    def _country_or_organization(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("country") and data.get("observer_organization"):
            raise ValidationError(
                _("Leave this empty when you give a country."), "observer_organization"
            )


class RegistrationChangeSchema(BodySchema):
    """Another profile or other sessions; what is absent stays as it is."""

    profile = _profile_field()
    sessions = _sessions_field("Ids of the chosen sessions; null for every session.")

    @validates_schema
    def _something_to_change(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ValidationError(_("Give a profile or sessions to change."), BODY_KEY)


class RegistrationReceivedSchema(OutputSchema):
    """A registration received: the same answer for a new address and a registered one."""

    status = fields.String(
        metadata={"description": "Always `received`: what happened is told to the address."}
    )
    verify_email = fields.Boolean(
        metadata={
            "description": "Whether the e-mail asks to verify the address first (the series' "
            "setting); until then the registration holds no seat."
        }
    )


class OptionalText(fields.String):
    """A text column left empty when unset, given as null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_none=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return value or None


class ChosenSessionSchema(OutputSchema):
    id = fields.Integer()
    number = fields.Integer(metadata={"description": "Position in time order, from 1."})
    title = Translated(attribute="topic")
    start = UTCTime(attribute="start_at")
    end = UTCTime(attribute="end_at")


class ManagedRegistrationSchema(OutputSchema):
    """A registration, as its holder sees it."""

    id = fields.Integer()
    series = fields.String(attribute="series.slug", metadata={"description": "The series' slug."})
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String()
    country = fields.String(
        attribute="country_code",
        allow_none=True,
        metadata={"description": "Null for an observer organization."},
    )
    observer_organization = OptionalText()
    institution = fields.String()
    position = fields.String()
    profile = fields.String(attribute="profile.code", dump_default=OTHER_PROFILE)
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    timezone = fields.String()
    consent_to_list = fields.Boolean()
    status = fields.Enum(RegistrationStatus, by_value=True)
    rejection_reason = OptionalText()
    sessions = fields.List(fields.Nested(ChosenSessionSchema))


class InvalidInputSchema(Schema):
    """Refused input: field names as in the request body, `_schema` for the body as a whole
    (not JSON, sent with another content type, not an object, nothing to change)."""

    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"example": {"email": ["Enter a valid e-mail address."]}},
    )


class ConflictSchema(OutputSchema):
    """What the registration's or the series' state refuses."""

    code = fields.String(
        validate=validate.OneOf(["duplicate_registration", "registration_closed", "invalid_status"])
    )
    message = fields.String()


class QuotaCellSchema(OutputSchema):
    """One country and one profile."""

    confirmed = fields.Integer()
    pending = fields.Integer()
    waitlisted = fields.Integer()
    min = fields.Integer(metadata={"description": "The target per country."})
    max = fields.Integer(
        allow_none=True, metadata={"description": "The hard limit per country; null: none."}
    )
    met = fields.Boolean(metadata={"description": "Whether `confirmed` reaches `min`."})


class CountryQuotaSchema(OutputSchema):
    code = fields.String()
    name = fields.Nested(TextSchema)
    profiles = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(QuotaCellSchema),
        metadata={"description": f"By profile code, plus `{OTHER_PROFILE}`."},
    )
    lacking = fields.List(
        fields.String(),
        metadata={"description": "Codes of the profiles whose target is not met yet."},
    )


class StatusCountsSchema(OutputSchema):
    confirmed = fields.Integer()
    pending = fields.Integer()
    waitlisted = fields.Integer()


class QuotasSchema(OutputSchema):
    """The country x profile matrix of a series."""

    series = fields.String()
    profiles = fields.List(fields.Nested(ProfileSchema))
    countries = fields.List(
        fields.Nested(CountryQuotaSchema),
        metadata={"description": "Every member country, or a focal point's own only."},
    )
    observers = fields.Nested(
        StatusCountsSchema,
        allow_none=True,
        metadata={"description": "Observer organizations; null for a focal point."},
    )
