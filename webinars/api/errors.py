"""JSON error bodies of the API blueprints.

Most are shaped like flask-smorest's documented `Error`; refused request bodies are flat field
errors and conflicts carry a code (see `FlatErrorsBlueprint`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from http import HTTPStatus
from typing import Any, NoReturn

from flask import Request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import Conflict, HTTPException, UnprocessableEntity

from webinars import bodies
from webinars.errors import FieldError


def json_error(error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
    """`{"code", "status", "message"}`, plus `errors` by location and field for a 422.

    flask-smorest's `abort(..., message=...)` and webargs' validation failures put their
    details in `error.data`; anything else falls back to the exception's description.
    """
    data: dict[str, Any] = getattr(error, "data", None) or {}
    body: dict[str, Any] = {
        "code": error.code,
        "status": error.name,
        "message": data.get("message") or error.description,
    }
    errors = data.get("errors") or data.get("messages")
    if errors:
        body["errors"] = errors
    return body, error.code or 500, data.get("headers") or {}


# --- request bodies: refusals as flat field errors, conflicts with a code -----------------------

#: The key of an error about the body as a whole (not JSON, not an object...), as in marshmallow.
BODY_KEY = "_schema"


class InvalidInput(UnprocessableEntity):
    """Refused input, answered as exactly `{"errors": {"field": ["message", ...]}}`.

    Field names are those of the request body; `BODY_KEY` is the body as a whole.
    """

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__()
        self.errors = dict(errors)


class RefusedByState(Conflict):
    """A well-formed request the current state refuses: `{"code", "message"}`, `code` a word
    such as `duplicate_registration` for clients to act on."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def field_refusal(error: FieldError, body_fields: Collection[str] | None = None) -> InvalidInput:
    """A service's refusal of a field as `InvalidInput`: its message under each field it
    names, or under `BODY_KEY` for a field the body does not have (`body_fields`)."""
    return InvalidInput(
        {
            (name if body_fields is None or name in body_fields else BODY_KEY): [str(error.message)]
            for name in error.fields
        }
    )


def invalid_input(error: InvalidInput) -> tuple[dict[str, Any], int]:
    return {"errors": error.errors}, HTTPStatus.UNPROCESSABLE_ENTITY


def refused_by_state(error: RefusedByState) -> tuple[dict[str, Any], int]:
    return {"code": error.reason, "message": error.message}, HTTPStatus.CONFLICT


def flat_errors(messages: Any) -> dict[str, list[str]]:
    """marshmallow's messages as `{"field": ["message", ...]}`.

    The messages of a list's items (`{"sessions": {0: [...]}}`) go to the list's field;
    lazy (translated) messages become text in the request's language.
    """
    if not isinstance(messages, Mapping):
        return {BODY_KEY: _texts(messages)}
    return {str(name): _texts(value) for name, value in messages.items()}


def _texts(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return list(dict.fromkeys(text for item in value for text in _texts(item)))
    return [str(value)]


class FlatErrorsParser(FlaskParser):
    """Reads JSON bodies and refuses them with `InvalidInput`, never by location.

    webargs files its messages under the location (`{"json": {...}}`) and answers a
    malformed body with a 400; here every refusal of the body is a 422 with flat errors, and a
    body sent with another content type is refused rather than read as an empty object.
    """

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            raise InvalidInput(
                {BODY_KEY: [_("Send the body as JSON, with Content-Type: application/json.")]}
            )
        # The body was bounded by `bodies` (API_BODY_MAX_BYTES: 413 past it); its depth and
        # numbers are checked in one pass before Python's parser sees it.
        try:
            return bodies.load_json(req.get_data(cache=True))
        except bodies.BodyRefused as refused:
            raise InvalidInput({BODY_KEY: [str(refused)]}) from refused

    def _handle_invalid_json_error(
        self, error: Exception, req: Request, *args: Any, **kwargs: Any
    ) -> NoReturn:
        raise InvalidInput({BODY_KEY: [_("The body is not valid JSON.")]}) from error

    def handle_error(
        self,
        error: ValidationError,
        req: Request,
        schema: Schema,
        *,
        error_status_code: int | None,
        error_headers: Mapping[str, str] | None,
    ) -> NoReturn:
        messages = error.messages
        if isinstance(messages, Mapping) and set(messages) == {"json"}:
            messages = messages["json"]
        raise InvalidInput(flat_errors(messages)) from error


class FlatErrorsBlueprint(Blueprint):
    """A blueprint whose JSON bodies are refused with flat field errors (`InvalidInput`) and
    whose conflicts carry a code (`RefusedByState`); every other error is `json_error`'s."""

    ARGUMENTS_PARSER = FlatErrorsParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register_error_handler(HTTPException, json_error)
        self.register_error_handler(InvalidInput, invalid_input)
        self.register_error_handler(RefusedByState, refused_by_state)
