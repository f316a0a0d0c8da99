"""Downloading a session's material: a public one by anyone, a restricted one through a
confirmed registrant's private link or by staff who may see the series."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from webinars.materials.queries import material_in_series
from webinars.policy import may_view_series
from webinars.public import bp
from webinars.registration.models import RegistrationStatus
from webinars.registration.tokens import find_by_public_token
from webinars.storage import get_storage
from webinars.storage.filetypes import CONTENT_TYPES, FileKind


def _staff_may_see(series) -> bool:
    return current_user.is_authenticated and may_view_series(current_user, series)


@bp.get("/series/<slug>/materials/<int:material_id>/<filename>")
def material(slug: str, material_id: int, filename: str) -> Response:
    found = material_in_series(slug, material_id)
    if found is None or found.file_name != filename:
        abort(404)
    series = found.event_session.series
    if found.is_public:
        if not (series.is_public or _staff_may_see(series)):
            abort(404)
    elif not _staff_may_see(series):
        token = request.args.get("token", "")
        registration = find_by_public_token(token) if token else None
        if (
            registration is None
            or registration.series_id != series.id
            or registration.status != RegistrationStatus.CONFIRMED
        ):
            raise Forbidden(
                _(
                    "This document is for the registrants of the series: open it from the "
                    "link in your e-mail, or log in."
                )
            )
    body = get_storage().read(found.file_key)
    return Response(
        body,
        mimetype=CONTENT_TYPES[FileKind(found.file_kind)],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.file_name)}",
            "Cache-Control": "public, max-age=300" if found.is_public else "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
