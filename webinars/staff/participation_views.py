"""Participation across series: a person's page, the suggested links, the yearly report.

Organizers and admins see everyone; a focal point sees their own country's registrations only
(`accounts.access.country_scope`). The yearly report holds only figures, for organizers and admins.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from webinars.accounts.access import country_scope, organizer_required, staff_required
from webinars.exports import pdf_document, xlsx_bytes
from webinars.extensions import db
from webinars.participation import services as participation
from webinars.policy import may_follow_participants
from webinars.registration.labels import STATUS as STATUS_LABELS
from webinars.reports.yearly import build_yearly, load_year_data, yearly_json
from webinars.reports.yearly_tables import (
    by_country_table,
    by_group_table,
    profile_labels,
    series_table,
    summary_rows,
    yearly_tables,
)
from webinars.sessions.models import EventSession
from webinars.staff import bp
from webinars.staff.report_views import MIMETYPES
from webinars.types import utcnow

#: Years the yearly report may be asked for.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _follower() -> None:
    if not may_follow_participants(current_user):
        abort(403)


@bp.route("/participants/<int:participant_id>")
@staff_required
def participant(participant_id: int) -> str:
    _follower()
    scope = country_scope(current_user)
    entries = participation.history(participant_id, country_code=scope)
    if not entries:
        # Someone else's official: forbidden; nobody (or only anonymised rows): not found.
        abort(403 if scope is not None and participation.history(participant_id) else 404)
    return render_template(
        "staff/participant.html",
        entries=entries,
        latest=entries[-1].registration,
        attended=sum(len(entry.attended) for entry in entries),
        status_labels=STATUS_LABELS,
    )


@bp.route("/participants/suggestions")
@staff_required
def participant_suggestions() -> str:
    _follower()
    return render_template(
        "staff/participant_suggestions.html",
        suggestions=participation.suggestions(country_scope(current_user)),
        scope=country_scope(current_user),
    )


def _pair() -> tuple[int, int]:
    try:
        return int(request.form.get("first", "")), int(request.form.get("second", ""))
    except ValueError:
        abort(400)


@bp.post("/participants/suggestions/same")
@staff_required
def participant_same() -> BaseResponse:
    _follower()
    first, second = _pair()
    try:
        kept = participation.confirm_same_person(
            first, second, country_code=country_scope(current_user)
        )
    except participation.ParticipationError:
        flash(_("That suggestion is no longer open."), "error")
        return redirect(url_for("staff.participant_suggestions"))
    db.session.commit()
    flash(_("The registrations are now linked as one person."), "success")
    return redirect(url_for("staff.participant", participant_id=kept))


@bp.post("/participants/suggestions/distinct")
@staff_required
def participant_distinct() -> BaseResponse:
    _follower()
    first, second = _pair()
    try:
        participation.mark_distinct(first, second, country_code=country_scope(current_user))
    except participation.ParticipationError:
        flash(_("That suggestion is no longer open."), "error")
        return redirect(url_for("staff.participant_suggestions"))
    db.session.commit()
    flash(_("Noted: two different people. They will not be suggested again."), "success")
    return redirect(url_for("staff.participant_suggestions"))


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


@bp.route("/participation")
@organizer_required
def yearly_index() -> str:
    """The yearly report of `?year=`, or of the latest year with a session (not a future one)."""
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR else None
    if year is None:
        last = db.session.scalar(db.select(db.func.max(EventSession.start_at)))
        year = min(last.year, utcnow().year) if last is not None else utcnow().year
    return _yearly_page(year)


@bp.route("/participation/<int:year>")
@organizer_required
def yearly_report(year: int) -> str:
    return _yearly_page(_year(year))


def _yearly_page(year: int) -> str:
    report = build_yearly(load_year_data(year))
    return render_template(
        "staff/yearly.html",
        year=year,
        report=report,
        summary=summary_rows(report),
        by_group=by_group_table(report),
        by_country=by_country_table(report),
        series=series_table(report),
        profiles=profile_labels(report.total),
    )


@bp.route("/participation/<int:year>.<any(xlsx, pdf, json):fmt>")
@organizer_required
def yearly_download(year: int, fmt: str) -> Response:
    report = build_yearly(load_year_data(_year(year)))
    filename = f"participation-{year}.{fmt}"
    if fmt == "json":
        body: object = json.dumps(yearly_json(report), ensure_ascii=False, indent=2)
    elif fmt == "xlsx":
        body = xlsx_bytes(yearly_tables(report))
    else:
        title = _("Participation in %(year)d", year=year)
        body = pdf_document(title, _("Regional Conference on Migration"), yearly_tables(report))
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
