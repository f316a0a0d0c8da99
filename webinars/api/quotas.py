"""`/api/v1/series/<slug>/quotas`: the country x profile matrix, for staff with a token."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask_babel import gettext as _
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from werkzeug.exceptions import HTTPException

from webinars import policy
from webinars.accounts.access import country_scope
from webinars.accounts.models import User
from webinars.api.auth import staff_token_required
from webinars.api.errors import json_error
from webinars.api.registration_schemas import QuotasSchema
from webinars.registration.models import ACTIVE_STATUSES
from webinars.registration.services import OTHER_PROFILE
from webinars.registration.targets import Cell, TargetMatrix, target_matrix
from webinars.web_loaders import load_api_series

blp = Blueprint(
    "api_quotas",
    __name__,
    url_prefix="/api/v1",
    description="How far each country's delegation is from a series' targets (staff only).",
)
blp.register_error_handler(HTTPException, json_error)


def _cell(cell: Cell) -> dict[str, Any]:
    return {
        "confirmed": cell.confirmed,
        "pending": cell.pending,
        "waitlisted": cell.waitlisted,
        "min": cell.minimum,
        "max": cell.maximum,
        "met": cell.met,
    }


def quotas_body(matrix: TargetMatrix, *, scoped: bool) -> dict[str, Any]:
    """The matrix as `QuotasSchema` reads it; `scoped`: one country only, no observers."""
    countries = []
    for row in matrix.rows:
        profiles = {cell.profile.code: _cell(cell) for cell in row.cells if cell.profile}
        profiles[OTHER_PROFILE] = _cell(row.other)
        countries.append(
            {
                "code": row.country.code,
                "name": {"en": row.country.name_en, "es": row.country.name_es},
                "profiles": profiles,
                "lacking": [cell.profile.code for cell in row.lacking if cell.profile],
            }
        )
    observers = None
    if not scoped:
        observers = {status.value: matrix.observers[status] for status in ACTIVE_STATUSES}
    return {
        "series": matrix.series.slug,
        "profiles": matrix.profiles,
        "countries": countries,
        "observers": observers,
    }


@blp.route("/series/<slug>/quotas")
@staff_token_required(blp)
@blp.response(HTTPStatus.OK, QuotasSchema)
@blp.alt_response(
    HTTPStatus.FORBIDDEN,
    schema=ErrorSchema,
    description="The token's user may not see this series' registrations.",
)
@blp.alt_response(HTTPStatus.NOT_FOUND, schema=ErrorSchema, description="No series here.")
def get_quotas(slug: str, user: User) -> dict[str, Any]:
    """The quota matrix of a series

    Per member country and participant profile: registrations confirmed, pending and
    waitlisted, the target (`min`) and hard limit (`max`) per country, and whether the target
    is met. Organizers, admins and the series' facilitators see every country; a focal point
    sees their own.
    """
    series = load_api_series(
        slug,
        user=user,
        need=policy.may_see_registrations,
        refusal=_("You may not see the registrations of this series."),
    )
    scope = country_scope(user)
    return quotas_body(target_matrix(series, country_code=scope), scoped=scope is not None)
