"""JSON error bodies of the API blueprints, shaped like flask-smorest's documented `Error`."""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException


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
