"""Staff API calls: `Authorization: Bearer <token>` with a token from `flask users token`.

Never the session cookie: a browser logged in to the staff pages gets nothing from the API
without a token, so a page on another site cannot use that login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint, abort
from flask_smorest.error_handler import ErrorSchema

from webinars.accounts.models import User
from webinars.accounts.tokens import user_for_token

#: The name of the security scheme in the OpenAPI document.
SECURITY_SCHEME = "bearerAuth"
REALM = "webinars"

View = TypeVar("View", bound=Callable[..., Any])


def register_security_scheme(api: Api) -> None:
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A staff member's personal token, printed by `flask users token "
            "EMAIL`; a new token replaces the previous one.",
        },
    )


def _bearer_token() -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def authenticated_user() -> User:
    """The active staff user whose token the request carries; else a 401 that says how to
    authenticate (RFC 6750)."""
    token = _bearer_token()
    if not token:
        abort(
            HTTPStatus.UNAUTHORIZED,
            message=_("Send a staff API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'},
        )
    user = user_for_token(token)
    if user is None:
        abort(
            HTTPStatus.UNAUTHORIZED,
            message=_("This API token is not valid."),
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
        )
    return user


def staff_token_required(blp: Blueprint) -> Callable[[View], View]:
    """Decorator for a view of `blp`: authenticate by token, pass the user as `user=`, and
    document the security scheme and the 401."""

    def decorator(view: View) -> View:
        @wraps(view)
        def authenticated(*args: Any, **kwargs: Any) -> Any:
            return view(*args, user=authenticated_user(), **kwargs)

        documented = blp.doc(security=[{SECURITY_SCHEME: []}])(authenticated)
        return blp.alt_response(
            HTTPStatus.UNAUTHORIZED,
            schema=ErrorSchema,
            description="No token, or a token that is not valid (replaced, or of an "
            "inactive user).",
            headers={
                "WWW-Authenticate": {
                    "description": 'Bearer realm="webinars", with error="invalid_token" '
                    "for a token that is not valid.",
                    "schema": {"type": "string"},
                }
            },
        )(documented)

    return decorator
