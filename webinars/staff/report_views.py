"""Participant lists, reports, certificates and the audit log of those downloads.

Lists and reports are for organizers, admins, the series' facilitators and focal points (their
own country's list only); every download is written to the audit log before it is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from webinars.accounts.access import country_scope, organizer_required, staff_required
from webinars.accounts.models import User
from webinars.audit import services as audit
from webinars.audit.models import AuditEvent
from webinars.evaluations.exports import evaluation_blocks, evaluation_tables
from webinars.evaluations.results import load_results, results_json
from webinars.exports import csv_chunks, pdf_document, pdf_table, xlsx_bytes
from webinars.extensions import db
from webinars.policy import may_see_registrations
from webinars.reports import certificates
from webinars.reports.certificate_pdf import certificates_zip
from webinars.reports.participants import (
    ListScope,
    iter_participants,
    list_filename,
    list_title,
    participant_cells,
    participant_header,
    participant_table,
)
from webinars.reports.report import SEX_KEYS, build_report, load_report_data, report_json
from webinars.reports.report_tables import (
    attended_label,
    countries_by_name,
    country_name,
    organizations_by_name,
    profile_codes,
    profile_label,
    rate_label,
    report_blocks,
    report_tables,
    sex_label,
    summary_figures,
)
from webinars.reports.titles import document_subtitle, report_title
from webinars.series.models import Series
from webinars.sessions.models import EventSession
from webinars.sessions.queries import session_by_id, session_by_ordinal
from webinars.staff import bp
from webinars.web import parse_id
from webinars.web_loaders import load_series

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_MIMETYPE,
    "pdf": "application/pdf",
    "json": "application/json",
    "zip": "application/zip",
}
#: Rows shown on the list page; the downloads hold everyone.
PAGE_ROWS = 1000


def _session_of_address(series: Series) -> EventSession | None:
    """The session the address names: `?session=N`, its number in the series (1 = the first in
    time order), or `?session_id=ID`, its database id; None for the whole series. A session
    the series does not have, or both arguments at once, is not found."""
    number, session_id = request.args.get("session", ""), request.args.get("session_id", "")
    if not number and not session_id:
        return None
    if number and session_id:
        abort(404)
    if session_id:
        parsed_id = parse_id(session_id)
        found = session_by_id(series.slug, parsed_id) if parsed_id is not None else None
    else:
        parsed_number = parse_id(number)
        found = session_by_ordinal(series, parsed_number) if parsed_number is not None else None
    if found is None:
        abort(404)
    return found


def _user() -> User:
    return current_user._get_current_object()


def _audit(action: str, series: Series, detail: str) -> None:
    audit.record(_user(), action, series, detail, channel="web", address=request.remote_addr or "")
    db.session.commit()


def _attachment(body: object, fmt: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _scope(series: Series) -> ListScope:
    return ListScope(series, _session_of_address(series), country_scope(current_user))


@bp.route("/series/<slug>/participants")
@staff_required
def participants(slug: str) -> str:
    series = load_series(slug, need=may_see_registrations)
    scope = _scope(series)
    rows = []
    for participant in iter_participants(scope):
        if len(rows) == PAGE_ROWS:
            break
        rows.append(participant_cells(scope, participant))
    return render_template(
        "staff/participants.html",
        series=series,
        scope=scope,
        header=participant_header(scope),
        rows=rows,
        truncated=len(rows) == PAGE_ROWS,
        title=list_title(scope),
    )


@bp.route("/series/<slug>/participants.<any(csv, xlsx, pdf):fmt>")
@staff_required
def participants_download(slug: str, fmt: str) -> Response:
    series = load_series(slug, need=may_see_registrations)
    scope = _scope(series)
    filename = list_filename(scope, fmt)
    _audit(audit.PARTICIPANTS, series, filename)
    if fmt == "csv":
        session_id = scope.session.id if scope.session is not None else None
        body: object = stream_with_context(_csv_stream(series.id, session_id, scope.country_code))
    elif fmt == "xlsx":
        body = xlsx_bytes([participant_table(scope)])
    else:
        body = pdf_table(
            list_title(scope), document_subtitle(series, scope.session), participant_table(scope)
        )
    return _attachment(body, fmt, filename)


def _csv_stream(
    series_id: int, session_id: int | None, country_code: str | None
) -> Iterator[bytes]:
    """The list as CSV chunks, read as they are sent. It runs after the view has returned,
    when the view's rows are detached: it loads the series again."""
    series = db.session.get(Series, series_id)
    assert series is not None
    event_session = db.session.get(EventSession, session_id) if session_id else None
    scope = ListScope(series, event_session, country_code)
    rows = (participant_cells(scope, p) for p in iter_participants(scope))
    yield from csv_chunks(participant_header(scope), rows)


@bp.route("/series/<slug>/report")
@staff_required
def report(slug: str) -> str:
    series = load_series(slug, need=may_see_registrations)
    event_session = _session_of_address(series)
    scope = country_scope(current_user)
    built = build_report(load_report_data(series, event_session, country_code=scope))
    countries = countries_by_name(built)
    widest = max(
        [t.registered for t in built.figures.by_country.values()]
        + [t.attended for t in built.figures.by_country.values()]
        + [1]
    )
    heat = max((max(c.values(), default=0) for c in built.figures.matrix.values()), default=0)
    return render_template(
        "staff/report.html",
        series=series,
        event_session=event_session,
        report=built,
        scope_country=scope,
        countries=countries,
        widest=widest,
        heat=heat,
        codes=profile_codes(built),
        country_name=lambda code: country_name(built, code),
        names=lambda codes: [country_name(built, code) for code in countries_by_name(built, codes)],
        organizations=organizations_by_name(built.figures),
        summary=summary_figures(built),
        attended_label=attended_label(built),
        rate_label=rate_label(built),
        profile_label=lambda code: profile_label(built, code),
        sex_keys=SEX_KEYS,
        sex_label=sex_label,
        results=load_results(series, event_session),
    )


@bp.route("/series/<slug>/report.<any(xlsx, pdf, json):fmt>")
@staff_required
def report_download(slug: str, fmt: str) -> Response:
    series = load_series(slug, need=may_see_registrations)
    event_session = _session_of_address(series)
    built = build_report(
        load_report_data(series, event_session, country_code=country_scope(current_user))
    )
    suffix = f"-session-{event_session.number}" if event_session is not None else ""
    filename = f"report-{series.slug}{suffix}.{fmt}"
    _audit(audit.REPORT, series, filename)
    results = load_results(series, event_session)
    if fmt == "json":
        data = {**report_json(built), "evaluation": results_json(results)}
        return _attachment(json.dumps(data, ensure_ascii=False, indent=2), fmt, filename)
    if fmt == "xlsx":
        tables = report_tables(built) + evaluation_tables(results)
        return _attachment(xlsx_bytes(tables), fmt, filename)
    body = pdf_document(
        report_title(series, event_session),
        document_subtitle(series, event_session),
        report_blocks(built) + evaluation_blocks(results),
    )
    return _attachment(body, fmt, filename)


class CertificatesForm(FlaskForm):
    minimum = IntegerField(
        "",
        validators=[InputRequired(), NumberRange(min=1)],
    )
    submit = SubmitField()


@bp.route("/series/<slug>/certificates", methods=["GET", "POST"])
@organizer_required
def certificates_page(slug: str) -> str | Response:
    series = load_series(slug)
    form = CertificatesForm(data={"minimum": series.certificate_sessions or 1})
    form.minimum.label.text = _("Sessions attended, at least")
    form.minimum.validators[1].max = max(1, len(series.sessions))
    form.submit.label.text = _("Download the certificates (zip)")
    if form.validate_on_submit():
        files = list(certificates.certificate_files(series, form.minimum.data))
        if files:
            filename = f"certificates-{series.slug}.zip"
            _audit(audit.CERTIFICATES, series, f"{filename} ({len(files)})")
            return _attachment(certificates_zip(files), "zip", filename)
        form.minimum.errors = [_("Nobody attended that many sessions.")]
    earned = certificates.earned(series, form.minimum.data or 1) if not form.errors else []
    return render_template("staff/certificates.html", series=series, form=form, earned=earned)


@bp.route("/audit")
@organizer_required
def audit_log() -> str:
    query = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    slug = request.args.get("series", "")
    if slug:
        query = query.where(AuditEvent.series_slug == slug)
    events = db.session.scalars(query.limit(500)).all()
    return render_template("staff/audit.html", events=events, slug=slug)
