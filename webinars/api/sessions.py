"""`PATCH /api/v1/series/<slug>/sessions/<id>`: move, relink or cancel a session from an
organizer's own tools (staff token).

The change goes through `series.services.reschedule_session`, as from the staff pages, so the
calendar invitations follow the same way: a new time, link or status raises the session's
SEQUENCE and sends everyone invited an update, or a cancellation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema
from marshmallow import ValidationError, fields, validate, validates_schema

from webinars.accounts.models import User
from webinars.api.auth import staff_token_required
from webinars.api.errors import (
    BODY_KEY,
    FlatErrorsBlueprint,
    RefusedByState,
    field_refusal,
)
from webinars.api.registration_schemas import BodySchema, InvalidInputSchema
from webinars.api.schemas import OutputSchema, UTCTime
from webinars.extensions import db
from webinars.series.services import SchedulingError
from webinars.sessions import services
from webinars.sessions.models import EventSession, SessionStatus
from webinars.sessions.queries import session_by_id

#: The length of `EventSession.conference_url`.
URL_MAX_LENGTH = 500
#: The code of the 409 answered for any change of a cancelled session.
SESSION_CANCELLED = "session_cancelled"
#: The body's fields, as a `SchedulingError` of `reschedule_session` names them.
_BODY_FIELDS = frozenset({"start", "end", "conference_url", "status"})
#: The largest id an INTEGER column holds: a larger one in the path names no session (404)
#: rather than failing in the database.
MAX_ID = 2**31 - 1
#: The times a session may be moved to: the years 2000 to 2099 (UTC). Outside them a time is a
#: mistake, and near the ends of `datetime`'s range it cannot even be converted to UTC.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

blp = FlatErrorsBlueprint(
    "api_sessions",
    __name__,
    url_prefix="/api/v1",
    description="Changes to a series' sessions by its organizers (staff token); the calendar "
    "invitations follow.",
)


def _no_nul(value: str) -> None:
    """PostgreSQL refuses NUL in text: refuse it beside the field, not with a 500."""
    if "\x00" in value:
        raise ValidationError(_("Contains a character that is not allowed."))


def _url_or_empty(value: str) -> None:
    if value:
        validate.URL(
            schemes={"http", "https"},
            error=_("Enter a full address, e.g. https://…"),
        )(value)


def _plausible(value: datetime) -> None:
    if not EARLIEST <= value < LATEST:
        raise ValidationError(_("Give a time in the years 2000 to 2099."))


def _instant(description: str) -> fields.AwareDateTime:
    return fields.AwareDateTime(
        format="iso",
        validate=_plausible,
        error_messages={
            "invalid": _l("Not a valid date and time: use ISO 8601, e.g. 2030-03-04T15:00:00Z."),
            "invalid_awareness": _l(
                "Give the time's offset from UTC or Z, e.g. 2030-03-04T09:00:00-06:00."
            ),
        },
        metadata={"description": description, "example": "2030-03-04T15:00:00Z"},
    )


class SessionChangeSchema(BodySchema):
    """What changes in a session; what is absent stays as it is."""

    start = _instant("The new start: ISO 8601 with an offset from UTC or `Z`, years 2000 to 2099.")
    end = _instant("The new end: ISO 8601 with an offset from UTC or `Z`, years 2000 to 2099.")
    conference_url = fields.String(
        validate=[
            validate.Length(max=URL_MAX_LENGTH, error=_l("At most {max} characters.")),
            _no_nul,
            _url_or_empty,
        ],
        metadata={
            "description": "This session's own join link (http or https); empty for the "
            "series' link.",
            "example": "https://zoom.us/j/123456789",
        },
    )
    status = fields.String(
        validate=validate.OneOf(
            [s.value for s in SessionStatus], error=_l("Use scheduled or cancelled.")
        ),
        metadata={"description": "`cancelled` cancels the session; it cannot be undone."},
    )

    @validates_schema
    def _something_to_change(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ValidationError(
                _("Give a start, an end, a conference_url or a status to change."), BODY_KEY
            )

    @validates_schema
    def _ends_after_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError(_("The session must end after it starts."), "end")


class SessionScheduleSchema(OutputSchema):
    """A session's time, link and calendar identity."""

    id = fields.Integer()
    number = fields.Integer(metadata={"description": "Position in time order, from 1."})
    start = UTCTime(attribute="start_at")
    end = UTCTime(attribute="end_at")
    conference_url = fields.String(
        metadata={"description": "This session's own join link; empty: the series' link."}
    )
    status = fields.Enum(SessionStatus, by_value=True)
    sequence = fields.Integer(
        attribute="ical_sequence",
        metadata={"description": "The iCalendar SEQUENCE of the session's invitations."},
    )
    uid = fields.String(
        attribute="ical_uid",
        metadata={"description": "The iCalendar UID of the session's invitations and feeds."},
    )


class SessionConflictSchema(OutputSchema):
    """What the session's state refuses."""

    code = fields.String(validate=validate.OneOf([SESSION_CANCELLED]))
    message = fields.String()


def _locked_session(slug: str, session_id: int) -> EventSession:
    """The session of series `slug`, locked until the commit (PostgreSQL) so that concurrent
    changes each raise the SEQUENCE in turn."""
    event_session = session_by_id(slug, session_id, lock=True)
    if event_session is None:
        abort(HTTPStatus.NOT_FOUND, message=_("This series has no session with this id."))
    return event_session


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


@blp.route(f"/series/<slug>/sessions/<int(max={MAX_ID}):session_id>", methods=["PATCH"])
@staff_token_required(blp)
@blp.arguments(SessionChangeSchema, description="What changes.")
@blp.response(HTTPStatus.OK, SessionScheduleSchema)
@blp.alt_response(
    HTTPStatus.FORBIDDEN,
    schema=ErrorSchema,
    description="The token's user is not an organizer or an admin.",
)
@blp.alt_response(
    HTTPStatus.NOT_FOUND, schema=ErrorSchema, description="No such session in this series."
)
@blp.alt_response(
    HTTPStatus.CONFLICT,
    schema=SessionConflictSchema,
    description=f"`{SESSION_CANCELLED}`: the session is cancelled; it cannot be changed or "
    "scheduled again.",
)
@blp.alt_response(
    HTTPStatus.UNPROCESSABLE_ENTITY,
    schema=InvalidInputSchema,
    description="Refused fields (a time without an offset, an end before the start, an agenda "
    "item that would fall outside the session, a link that is not http or https, an unknown "
    "status), or a body that is not a JSON object sent as `application/json`. Nothing is "
    "written.",
)
def patch_session(body: dict[str, Any], slug: str, session_id: int, user: User) -> EventSession:
    """Change a session's time, link or status

    Organizers and admins only. A new `start` or `end` moves the session (its agenda moves
    with it when its length is kept); a new `conference_url` relinks it; `status: cancelled`
    cancels it. Each such change raises the session's `sequence` and sends every invited
    registrant and speaker an iTIP update (`REQUEST`) or, for a cancellation, a `CANCEL`,
    exactly as the staff pages do. Values equal to the current ones change nothing and send
    nothing. A cancelled session cannot be changed again (cancelling it again is answered with
    the session, unchanged).
    """
    if not user.can_manage_series:
        abort(HTTPStatus.FORBIDDEN, message=_("Only organizers and admins may change sessions."))
    event_session = _locked_session(slug, session_id)
    if event_session.is_cancelled:
        if body == {"status": SessionStatus.CANCELLED.value}:
            return event_session  # cancelling again changes nothing: PATCH is idempotent
        raise RefusedByState(
            SESSION_CANCELLED,
            _("This session is cancelled; it cannot be changed or scheduled again."),
        )
    try:
        services.reschedule_session(
            event_session,
            start=_utc(body.get("start")),
            end=_utc(body.get("end")),
            conference_url=body.get("conference_url"),
            status=SessionStatus(body["status"]) if "status" in body else None,
        )
    except SchedulingError as error:
        db.session.rollback()
        raise field_refusal(error, _BODY_FIELDS) from error
    db.session.commit()
    return event_session
