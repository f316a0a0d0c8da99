"""Staff pages of a session's attendance: import a report (preview, then import), resolve the
rows that matched nobody, and check people in by hand in the room.

For those who work on the sessions: organizers, admins and the series' facilitators.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from webinars import zones
from webinars.accounts.access import staff_required
from webinars.accounts.models import User
from webinars.attendance import parsers, queries, services
from webinars.attendance.forms import (
    MAX_REPORT_BYTES,
    CheckInForm,
    ConfirmImportForm,
    DismissForm,
    GuestForm,
    ImportForm,
    LinkForm,
    MappingForm,
    ReopenForm,
)
from webinars.attendance.labels import ROLE_LABELS, SOURCE_LABELS, STATE_LABELS
from webinars.attendance.models import Attendance, AttendanceImport, AttendanceState
from webinars.attendance.parsers import (
    ColumnMapping,
    ParsedReport,
    ReportError,
    ReportFormat,
    UnknownLayout,
)
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.folding import fold_name
from webinars.i18n import current_language
from webinars.policy import may_work_on_sessions
from webinars.registration.labels import STATUS as STATUS_LABELS
from webinars.registration.models import Registration
from webinars.sessions.models import EventSession
from webinars.staff import bp
from webinars.textfiles import Record
from webinars.web_loaders import load_session

SESSION_URL = "/series/<slug>/sessions/<int:session_id>"


def _work_session(slug: str, session_id: int, *, lock: bool = False) -> EventSession:
    event_session = load_session(slug, session_id, lock=lock)
    if not may_work_on_sessions(current_user, event_session.series):
        abort(403)
    return event_session


def _attendance_or_404(event_session: EventSession, attendance_id: int) -> Attendance:
    """A row of this session only: an id of another session's row is not found."""
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.session_id != event_session.id:
        abort(404)
    return attendance


def _back(event_session: EventSession, endpoint: str = "staff.session_attendance") -> Response:
    return redirect(url_for(endpoint, slug=event_session.series.slug, session_id=event_session.id))


def _user() -> User:
    return current_user._get_current_object()


def _import_form(event_session: EventSession) -> ImportForm:
    form = ImportForm(formdata=None)
    form.zone.choices = _zone_choices(event_session)
    form.zone.data = event_session.series.timezone
    return form


def _page(event_session: EventSession, form: ImportForm | None = None, *, error: str = "") -> str:
    rows = services.session_attendance(event_session)
    imports = list(
        db.session.scalars(
            db.select(AttendanceImport)
            .where(AttendanceImport.session_id == event_session.id)
            .order_by(AttendanceImport.imported_at.desc(), AttendanceImport.id.desc())
        )
    )
    by_state: dict[AttendanceState, list[Attendance]] = {state: [] for state in AttendanceState}
    for row in rows:
        by_state[row.state].append(row)
    participants = by_state[AttendanceState.REGISTERED] + by_state[AttendanceState.GUEST]
    participants.sort(key=lambda a: fold_name(a.name))
    attended = sum(1 for a in participants if services.attended(a, event_session))
    return render_template(
        "staff/attendance.html",
        event_session=event_session,
        series=event_session.series,
        form=form or _import_form(event_session),
        error=error,
        participants=participants,
        attended_count=attended,
        unmatched=by_state[AttendanceState.UNMATCHED],
        speakers=by_state[AttendanceState.SPEAKER],
        dismissed=by_state[AttendanceState.DISMISSED],
        imports=imports,
        attended=services.attended,
        source_labels=SOURCE_LABELS,
        state_labels=STATE_LABELS,
        role_labels=ROLE_LABELS,
    )


@bp.route(f"{SESSION_URL}/attendance")
@staff_required
def session_attendance(slug: str, session_id: int) -> str:
    return _page(_work_session(slug, session_id))


def _read(form: ImportForm) -> bytes | None:
    data = form.file.data.stream.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        form.file.errors = [
            _("The file is larger than %(size)d MB.", size=MAX_REPORT_BYTES // (1024 * 1024))
        ]
        return None
    return data


def _chosen_format(value: str) -> ReportFormat | None:
    return None if value in ("auto", "") else ReportFormat(value)


def _zone_choices(event_session: EventSession) -> list[SelectChoice]:
    """The series' zone first, then every zone of the member countries and the others, named
    for people ("Hora de Tijuana (UTC−8)") with their offset on the session's day."""
    series, at = event_session.series, event_session.start_at
    countries = db.session.scalars(db.select(Country))
    language = current_language()
    first = SelectChoice(series.timezone, zones.zone_label(series.timezone, at, language))
    others = zones.zone_choices(zones.zone_groups(countries, at), at, language)
    return [first, *(choice for choice in others if choice.value != series.timezone)]


def _mapping_page(
    event_session: EventSession, records: list[Record], form: MappingForm, *, error: str
) -> str:
    return render_template(
        "staff/attendance_mapping.html",
        event_session=event_session,
        series=event_session.series,
        records=records,
        form=form,
        error=error,
    )


def _mapping_form(
    event_session: EventSession,
    records: list[Record],
    *,
    payload: str,
    filename: str,
    formdata: bool,
) -> MappingForm:
    """The mapping form, its choices the column names of the file's likeliest header row,
    filled in from this series' last mapping."""
    header = max(records, key=lambda record: len(record[1]), default=(0, []))[1]
    columns = [SelectChoice("", "—")] + [SelectChoice(cell, cell) for cell in header if cell]
    saved = services.saved_mapping(event_session.series)
    form = MappingForm() if formdata else MappingForm(formdata=None)
    for name in MappingForm.COLUMN_FIELDS:
        form[name].choices = columns
        if not formdata and saved is not None and getattr(saved, name) in header:
            form[name].data = getattr(saved, name)
    form.zone.choices = _zone_choices(event_session)
    if not formdata:
        form.payload.data, form.filename.data = payload, filename
        if saved is not None:
            form.date_order.data = saved.date_order
            form.zone.data = saved.zone or event_session.series.timezone
    return form


def _preview(
    event_session: EventSession,
    data: bytes,
    filename: str,
    report: ParsedReport,
    *,
    zone: str,
    mapping: ColumnMapping | None,
) -> str:
    plan = services.plan_import(event_session, report)
    confirm = ConfirmImportForm(
        formdata=None,
        payload=base64.b64encode(data).decode("ascii"),
        filename=filename,
        format=report.format.value,
        zone=zone,
        mapping=json.dumps(mapping.as_dict()) if mapping else "",
    )
    return render_template(
        "staff/attendance_preview.html",
        event_session=event_session,
        series=event_session.series,
        plan=plan,
        filename=filename,
        confirm=confirm,
        mapping=mapping,
        state_labels=STATE_LABELS,
        role_labels=ROLE_LABELS,
    )


@bp.route(f"{SESSION_URL}/attendance/preview", methods=["POST"])
@staff_required
def attendance_preview(slug: str, session_id: int) -> str:
    event_session = _work_session(slug, session_id)
    if "payload" in request.form:
        return _preview_mapped(event_session)
    form = ImportForm()
    form.zone.choices = _zone_choices(event_session)
    if not form.validate_on_submit():
        return _page(event_session, form)
    data = _read(form)
    if data is None:
        return _page(event_session, form)
    filename = form.file.data.filename or "report.csv"
    zone = form.zone.data or event_session.series.timezone
    if zone not in {choice.value for choice in form.zone.choices}:
        form.zone.errors = [_("Choose a time zone from the list.")]
        return _page(event_session, form)
    try:
        report, mapping = services.read_report(
            event_session, data, report_format=_chosen_format(form.format.data), zone=zone
        )
    except UnknownLayout as unknown:
        payload = base64.b64encode(data).decode("ascii")
        mapping_form = _mapping_form(
            event_session, unknown.records, payload=payload, filename=filename, formdata=False
        )
        return _mapping_page(event_session, unknown.records, mapping_form, error=unknown.message)
    except ReportError as error:
        return _page(event_session, form, error=str(error))
    return _preview(event_session, data, filename, report, zone=zone, mapping=mapping)


def _payload(value: str | None) -> bytes | None:
    try:
        data = base64.b64decode(value or "", validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(data) > MAX_REPORT_BYTES:
        abort(413)
    return data or None


def _preview_mapped(event_session: EventSession) -> str:
    """The preview of an unknown layout read with the columns the facilitator chose."""
    data = _payload(request.form.get("payload"))
    if data is None:
        return _page(event_session, error=_("The preview expired: choose the file again."))
    try:
        records = parsers.preview_records(data)
    except ReportError as error:
        return _page(event_session, error=str(error))
    filename = request.form.get("filename") or "report.csv"
    form = _mapping_form(event_session, records, payload="", filename=filename, formdata=True)
    if not form.validate_on_submit():
        return _mapping_page(event_session, records, form, error="")
    if form.zone.data and form.zone.data not in {c.value for c in form.zone.choices}:
        form.zone.errors = [_("Choose a time zone from the list.")]
        return _mapping_page(event_session, records, form, error="")
    mapping = ColumnMapping.from_dict(
        {
            **{name: form[name].data for name in form.COLUMN_FIELDS},
            "date_order": form.date_order.data,
            "zone": form.zone.data,
        }
    )
    if problem := mapping.problem():
        return _mapping_page(event_session, records, form, error=problem)
    try:
        report, _used = services.read_report(event_session, data, mapping=mapping)
    except ReportError as error:
        return _mapping_page(event_session, records, form, error=str(error))
    return _preview(event_session, data, filename, report, zone=form.zone.data, mapping=mapping)


@bp.route(f"{SESSION_URL}/attendance/import", methods=["POST"])
@staff_required
def attendance_import(slug: str, session_id: int) -> str | Response:
    event_session = _work_session(slug, session_id, lock=True)
    form = ConfirmImportForm()
    expired = _("The preview expired: choose the file again.")
    if not form.validate_on_submit():
        return _page(event_session, error=expired)
    data = _payload(form.payload.data)
    options = _import_options(form)
    if data is None or options is None:
        return _page(event_session, error=expired)
    report_format, mapping, zone = options
    try:
        report, used = services.read_report(
            event_session, data, report_format=report_format, mapping=mapping, zone=zone
        )
    except ReportError as error:
        return _page(event_session, error=str(error))
    plan = services.plan_import(event_session, report)
    record = services.apply_import(
        plan,
        filename=form.filename.data or "report.csv",
        digest=services.checksum(data),
        user=_user(),
    )
    if used is not None:
        services.remember_mapping(event_session.series, used, _user())
    db.session.commit()
    _flash_outcome(record)
    return _back(event_session)


def _import_options(
    form: ConfirmImportForm,
) -> tuple[ReportFormat, ColumnMapping | None, str] | None:
    """The format, column mapping and time zone the preview carried over; None when one of
    them was altered on the way (then the preview is treated as expired)."""
    try:
        report_format = ReportFormat(form.format.data)
        mapping = (
            ColumnMapping.from_dict(json.loads(form.mapping.data)) if form.mapping.data else None
        )
        zone = form.zone.data or ""
        if zone:
            ZoneInfo(zone)
    except (ValueError, TypeError, AttributeError, ZoneInfoNotFoundError):
        return None
    return report_format, mapping, zone


def _flash_outcome(record: AttendanceImport | None) -> None:
    """Tell what the import did: nothing (the same report again), or its counts."""
    if record is None:
        flash(_("Nothing changed: this report was imported already."), "info")
    elif record.skipped:
        flash(
            _(
                "Imported: %(matched)d matched, %(merged)d join rows merged, %(unmatched)d to"
                " resolve, %(skipped)d rows left out.",
                matched=record.matched,
                merged=record.merged,
                unmatched=record.unmatched,
                skipped=record.skipped,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Imported: %(matched)d matched, %(merged)d join rows merged, %(unmatched)d to"
                " resolve.",
                matched=record.matched,
                merged=record.merged,
                unmatched=record.unmatched,
            ),
            "success",
        )


def _countries() -> list[tuple[str, str]]:
    countries = db.session.scalars(db.select(Country)).all()
    return [("", _("Choose…"))] + sorted(((c.code, c.name) for c in countries), key=lambda c: c[1])


def _select(pairs: Sequence[tuple[object, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _resolve_page(
    event_session: EventSession,
    attendance: Attendance,
    *,
    link_form: LinkForm | None = None,
    guest_form: GuestForm | None = None,
    error: str = "",
) -> str:
    choices = queries.registration_choices(event_session)
    link_form = link_form or LinkForm(formdata=None)
    link_form.registration.choices = _select([(0, _("Choose…")), *choices])
    guest_form = guest_form or GuestForm(formdata=None)
    guest_form.country.choices = _select(_countries())
    suggested = queries.name_suggestions(attendance, choices)
    labels = dict(choices)
    return render_template(
        "staff/attendance_resolve.html",
        event_session=event_session,
        series=event_session.series,
        row=attendance,
        link_form=link_form,
        guest_form=guest_form,
        dismiss_form=DismissForm(formdata=None),
        reopen_form=ReopenForm(formdata=None),
        suggestions=[(rid, labels[rid]) for rid in suggested],
        error=error,
        state_labels=STATE_LABELS,
        source_labels=SOURCE_LABELS,
        role_labels=ROLE_LABELS,
        attended=services.attended(attendance, event_session),
    )


@bp.route(f"{SESSION_URL}/attendance/<int:attendance_id>", methods=["GET", "POST"])
@staff_required
def attendance_resolve(slug: str, session_id: int, attendance_id: int) -> str | Response:
    event_session = _work_session(slug, session_id, lock=request.method == "POST")
    attendance = _attendance_or_404(event_session, attendance_id)
    if request.method == "GET":
        return _resolve_page(event_session, attendance)
    link_form, guest_form = LinkForm(), GuestForm()
    link_form.registration.choices = _select(
        [(0, ""), *queries.registration_choices(event_session)]
    )
    guest_form.country.choices = _select(_countries())
    try:
        if "link" in request.form:
            if not link_form.validate_on_submit() or not link_form.registration.data:
                if not link_form.registration.errors:
                    link_form.registration.errors = [_("Choose a registration.")]
                return _resolve_page(event_session, attendance, link_form=link_form)
            registration = db.session.get(Registration, link_form.registration.data)
            assert registration is not None  # one of the choices
            services.link(attendance, registration, _user())
            message = _("Linked to %(name)s.", name=registration.full_name)
        elif "guest" in request.form:
            if not guest_form.validate_on_submit():
                return _resolve_page(event_session, attendance, guest_form=guest_form)
            services.record_guest(attendance, guest_form.country.data, _user())
            message = _("Recorded as an unregistered attendee.")
        elif "dismiss" in request.form and DismissForm().validate_on_submit():
            services.dismiss(attendance, _user())
            message = _("This row is no longer counted.")
        elif "reopen" in request.form and ReopenForm().validate_on_submit():
            services.reopen(attendance, _user())
            message = _("The row waits for a person again.")
        else:
            abort(400)
    except services.AttendanceError as error:
        db.session.rollback()
        attendance = _attendance_or_404(event_session, attendance_id)
        return _resolve_page(event_session, attendance, error=str(error.message))
    db.session.commit()
    flash(message, "success")
    return _back(event_session)


@bp.route(f"{SESSION_URL}/check-in")
@staff_required
def session_check_in(slug: str, session_id: int) -> str:
    event_session = _work_session(slug, session_id)
    query = request.args.get("q", "").strip()[:100]
    country = request.args.get("country", "")
    found = queries.check_in_list(event_session, query=query, country=country)
    return render_template(
        "staff/check_in.html",
        event_session=event_session,
        series=event_session.series,
        registrations=found.registrations,
        chosen=found.chosen,
        present=found.present,
        query=query,
        country=country,
        countries=_countries(),
        form=CheckInForm(formdata=None),
        status_labels=STATUS_LABELS,
        present_count=len(found.present),
    )


@bp.route(f"{SESSION_URL}/check-in/<int:registration_id>", methods=["POST"])
@staff_required
def session_check_in_toggle(slug: str, session_id: int, registration_id: int) -> Response:
    event_session = _work_session(slug, session_id, lock=True)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.series_id != event_session.series_id:
        abort(404)
    form = CheckInForm()
    if not form.validate_on_submit() or form.present.data not in ("0", "1"):
        abort(400)
    if form.present.data == "1":
        try:
            services.check_in(event_session, registration, _user())
        except services.AttendanceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_("%(name)s is checked in.", name=registration.full_name), "success")
    else:
        services.undo_check_in(event_session, registration)
        flash(_("%(name)s is no longer checked in.", name=registration.full_name), "info")
    db.session.commit()
    return redirect(
        url_for(
            "staff.session_check_in",
            slug=event_session.series.slug,
            session_id=event_session.id,
            q=request.args.get("q") or None,
            country=request.args.get("country") or None,
            _anchor=f"registration-{registration.id}",
        )
    )
