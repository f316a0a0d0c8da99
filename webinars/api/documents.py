"""`/api/v1/series/<slug>/submissions` (staff) and `/api/v1/series/<slug>/materials` (public)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask_babel import gettext as _
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from werkzeug.exceptions import HTTPException

from webinars.accounts.models import StaffRole, User
from webinars.api.auth import staff_token_required
from webinars.api.document_schemas import MaterialsSchema, SubmissionsSchema
from webinars.api.errors import json_error
from webinars.formatting import iso_utc
from webinars.materials.queries import public_materials
from webinars.materials.services import download_url
from webinars.policy import may_see_submissions
from webinars.public import queries as public_queries
from webinars.submissions import queries
from webinars.web_loaders import load_api_series

blp = Blueprint(
    "api_documents",
    __name__,
    url_prefix="/api/v1",
    description="Country submissions (staff only) and session materials (public).",
)
blp.register_error_handler(HTTPException, json_error)


def _file(name: str, kind: str, size: int) -> dict[str, Any]:
    return {"name": name, "kind": kind, "size": size}


@blp.route("/series/<slug>/submissions")
@staff_token_required(blp)
@blp.response(HTTPStatus.OK, SubmissionsSchema)
@blp.alt_response(
    HTTPStatus.FORBIDDEN, schema=ErrorSchema, description="Facilitators see no submissions."
)
@blp.alt_response(HTTPStatus.NOT_FOUND, schema=ErrorSchema, description="No such series.")
def get_submissions(slug: str, user: User) -> dict[str, Any]:
    """What the countries were asked for and what each sent

    Organizers and admins see every country; a focal point only their own, in the public
    series. Files are described, not sent: download them in the staff area (audited).
    """
    series = load_api_series(
        slug,
        user=user,
        need=may_see_submissions,
        refusal=_("You may not see the submissions of this series."),
    )
    focal = user.role == StaffRole.FOCAL_POINT
    matrix = queries.matrix(series, user.country_code if focal else None)
    requests = []
    for index, asked in enumerate(matrix.requests):
        countries = []
        for row in matrix.rows:
            cell = row.cells[index]
            if cell.state == queries.CellState.NOT_ASKED:
                continue
            sent = cell.submission
            countries.append(
                {
                    "country": row.country.code,
                    "state": cell.state.value,
                    "submitted_at": iso_utc(sent.submitted_at) if sent else None,
                    "review_comment": sent.review_comment if sent else "",
                    "file": _file(sent.file_name, sent.file_kind, sent.file_size)
                    if sent and sent.file_key
                    else None,
                    "has_text": bool(sent and sent.text),
                }
            )
        requests.append(
            {
                "id": asked.id,
                "title": {"en": asked.title_en, "es": asked.title_es},
                "instructions": {"en": asked.instructions_en, "es": asked.instructions_es},
                "answer_kind": asked.answer_kind.value,
                "due_at": iso_utc(asked.due_at),
                "countries_asked": sorted(asked.asked_codes) or None,
                "countries": countries,
            }
        )
    return {"series": series.slug, "requests": requests}


@blp.route("/series/<slug>/materials")
@blp.response(HTTPStatus.OK, MaterialsSchema)
@blp.alt_response(HTTPStatus.NOT_FOUND, schema=ErrorSchema, description="No such public series.")
def get_materials(slug: str) -> dict[str, Any]:
    """The public presentations and documents of a series

    Materials for registrants only are not listed: registrants get their links by e-mail.
    """
    series = load_api_series(slug, public=True, options=public_queries.SERIES_PAGE)
    numbers = {s.id: s.number for s in series.sessions}
    materials = [m for found in public_materials(series).values() for m in found]
    return {
        "series": series.slug,
        "materials": [
            {
                "id": m.id,
                "session": numbers[m.session_id],
                "agenda_item_id": m.agenda_item_id,
                "title": {"en": m.title_en, "es": m.title_es},
                "file": _file(m.file_name, m.file_kind, m.file_size),
                "url": download_url(m),
            }
            for m in sorted(materials, key=lambda m: (numbers[m.session_id], m.id))
        ],
    }
