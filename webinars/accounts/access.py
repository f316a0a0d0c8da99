"""Who may see what in the staff area, by the account alone.

Anonymous visitors are sent to the login page; an admin without a second factor to set it up
(`ADMIN_SECOND_FACTOR_REQUIRED`); staff without the right role get 403. A focal point sees one
country (`country_scope`). The rules that read a series or a registration are in
`webinars.policy`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from webinars.accounts import second_factor
from webinars.accounts.models import StaffRole, User

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: StaffRole) -> Callable[[F], F]:
    """Log in first; then only these roles pass."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if second_factor.setup_required(current_user):
                return redirect(url_for("accounts.two_factor_setup"))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


#: Any member of staff.
staff_required = roles_required(*StaffRole)
#: Those who create and edit series: organizers and admins.
organizer_required = roles_required(StaffRole.ADMIN, StaffRole.ORGANIZER)


def country_scope(user: User) -> str | None:
    """The only country whose registrations `user` may see, or None for every country."""
    return user.country_code if user.role == StaffRole.FOCAL_POINT else None
