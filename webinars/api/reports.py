"""`/api/v1/series/<slug>/report`: the attendance report, for staff with a token."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from flask_smorest.error_handler import ErrorSchema
from werkzeug.exceptions import HTTPException

from webinars import policy
from webinars.accounts.access import country_scope
from webinars.accounts.models import User
from webinars.api.auth import staff_token_required
from webinars.api.errors import json_error
from webinars.api.report_schemas import ReportQuerySchema, ReportSchema
from webinars.audit import services as audit
from webinars.evaluations.results import load_results, results_json
from webinars.extensions import db
from webinars.reports.report import build_report, load_report_data, report_json
from webinars.sessions.queries import session_by_id, session_by_ordinal
from webinars.web_loaders import load_api_series

blp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/api/v1",
    description="Attendance reports of a series (staff only).",
)
blp.register_error_handler(HTTPException, json_error)


@blp.route("/series/<slug>/report")
@staff_token_required(blp)
@blp.arguments(ReportQuerySchema, location="query", as_kwargs=True)
@blp.response(HTTPStatus.OK, ReportSchema)
@blp.alt_response(
    HTTPStatus.FORBIDDEN,
    schema=ErrorSchema,
    description="The token's user may not see this series' registrations.",
)
@blp.alt_response(
    HTTPStatus.NOT_FOUND, schema=ErrorSchema, description="No such series or session."
)
def get_report(
    slug: str, user: User, session: int | None = None, session_id: int | None = None
) -> dict[str, Any]:
    """The attendance report of a series

    Per session: confirmed registrations that chose it and people present past the series'
    threshold, by country (ISO code) and by profile; for the series, each person once; the
    countries that met each profile minimum by attendance, and the paragraph for the meeting
    report in English and Spanish. `?session=N` restricts it to the N-th session (1 = the first
    in time order), `?session_id=ID` to the session with this database id. Each call is
    written to the audit log. A focal point's report holds their own country only (no other
    country, no observer organization), as their quota matrix does.
    """
    series = load_api_series(
        slug,
        user=user,
        need=policy.may_see_registrations,
        refusal=_("You may not see the registrations of this series."),
    )
    if session is not None:
        event_session = session_by_ordinal(series, session)
    elif session_id is not None:
        event_session = session_by_id(slug, session_id)
    else:
        event_session = None
    if (session is not None or session_id is not None) and event_session is None:
        abort(HTTPStatus.NOT_FOUND, message=_("This series has no such session."))
    data = load_report_data(series, event_session, country_code=country_scope(user))
    body = report_json(build_report(data))
    body["evaluation"] = results_json(load_results(series, event_session))
    detail = f"report.json (API){f' session {event_session.number}' if event_session else ''}"
    audit.record(
        user, audit.REPORT, series, detail, channel="api", address=request.remote_addr or ""
    )
    db.session.commit()
    return body
