"""Staff area: organizers schedule series, sessions, agendas, people and profiles."""

from flask import Blueprint
from werkzeug.wrappers import Response

bp = Blueprint("staff", __name__)


@bp.after_request
def _not_stored(response: Response) -> Response:
    """Staff pages and downloads (lists of people, `.eml` files with private links) are never
    kept by a browser's or a proxy's cache: after log-out, Back shows nothing."""
    response.headers["Cache-Control"] = "no-store"
    return response


from webinars.staff import (  # noqa: E402,F401
    agenda_views,
    attendance_views,
    delegation_views,
    directory_views,
    evaluation_views,
    invitation_views,
    material_views,
    outbox_views,
    participation_views,
    registration_views,
    report_views,
    series_views,
    submission_views,
    views,
)
