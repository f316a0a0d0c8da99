"""Country submissions in the staff area: organizers ask and review, focal points send.

Organizers and admins see every country; a focal point sees and answers only what is asked
of their own country, in the public series. Every download is written to the audit log.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webinars.accounts.access import organizer_required, roles_required
from webinars.accounts.models import StaffRole
from webinars.audit import services as audit
from webinars.catalog.models import Country
from webinars.errors import show_field_error
from webinars.extensions import db
from webinars.policy import may_see_submissions
from webinars.series.models import Series
from webinars.series.services import SchedulingError
from webinars.staff import bp
from webinars.staff.submission_forms import RequestForm, ReviewForm, SubmissionForm
from webinars.storage import get_storage
from webinars.storage.filetypes import CONTENT_TYPES, FileKind
from webinars.submissions import labels, queries, services
from webinars.submissions.models import Submission, SubmissionRequest
from webinars.types import utcnow
from webinars.web_loaders import load_series

#: Who works with submissions: never facilitators.
submissions_required = roles_required(StaffRole.ADMIN, StaffRole.ORGANIZER, StaffRole.FOCAL_POINT)


def _scope() -> str | None:
    return current_user.country_code if current_user.role == StaffRole.FOCAL_POINT else None


def _request(series: Series, request_id: int) -> SubmissionRequest:
    found = db.get_or_404(SubmissionRequest, request_id)
    if found.series_id != series.id:
        abort(404)
    return found


def _country(code: str) -> Country:
    scope = _scope()
    if scope is not None and code != scope:
        abort(403)
    return db.get_or_404(Country, code)


def _audit(series: Series, detail: str) -> None:
    audit.record(
        current_user._get_current_object(),
        audit.SUBMISSIONS,
        series,
        detail,
        channel="web",
        address=request.remote_addr or "",
    )
    db.session.commit()


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/series/<slug>/submissions")
@submissions_required
def submissions(slug: str) -> str:
    series = load_series(slug, need=may_see_submissions)
    scope = _scope()
    return render_template(
        "staff/submissions.html",
        series=series,
        matrix=queries.matrix(series, scope),
        scope=scope,
        labels=labels,
    )


@bp.route("/series/<slug>/submissions/new", methods=["GET", "POST"])
@organizer_required
def submission_request_new(slug: str) -> str | Response:
    series = load_series(slug, need=may_see_submissions)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            services.create_request(series, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The request was added: the focal points see it now."), "success")
            return redirect(url_for("staff.submissions", slug=series.slug))
    return render_template("staff/submission_request_form.html", form=form, series=series)


def _page(
    series: Series,
    asked: SubmissionRequest,
    country: Country,
    *,
    form: SubmissionForm | None = None,
    review_form: ReviewForm | None = None,
) -> str:
    submission = queries.submission_of(asked, country.code)
    now = utcnow()
    state = queries.state_of(asked, country.code, submission, now)
    return render_template(
        "staff/submission.html",
        series=series,
        asked=asked,
        country=country,
        submission=submission,
        state=state,
        form=form or SubmissionForm(formdata=None, text=submission.text if submission else ""),
        review_form=review_form or ReviewForm(formdata=None),
        may_send=services.may_submit(asked, submission, now),
        max_mb=services.max_bytes() // (1024 * 1024),
        labels=labels,
    )


@bp.route("/series/<slug>/submissions/<int:request_id>/<code>", methods=["GET", "POST"])
@submissions_required
def submission_page(slug: str, request_id: int, code: str) -> str | Response:
    series = load_series(slug, need=may_see_submissions)
    asked = _request(series, request_id)
    country = _country(code)
    if not asked.asks(country.code):
        abort(404)
    form = SubmissionForm()
    if request.method == "POST" and form.validate_on_submit():
        upload = None
        if form.file.data and form.file.data.filename:
            data = form.file.data.stream.read(services.max_bytes() + 1)
            upload = services.Upload(form.file.data.filename, data)
        try:
            replaced = services.submit(
                asked,
                country.code,
                current_user._get_current_object(),
                text=form.text.data or "",
                upload=upload,
            )[1]
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            if replaced:
                get_storage().delete(replaced)
            flash(_("Sent. The organizers see it now."), "success")
            return redirect(
                url_for("staff.submission_page", slug=slug, request_id=asked.id, code=country.code)
            )
    return _page(series, asked, country, form=form)


@bp.route("/series/<slug>/submissions/<int:request_id>/<code>/review", methods=["POST"])
@organizer_required
def submission_review(slug: str, request_id: int, code: str) -> str | Response:
    series = load_series(slug, need=may_see_submissions)
    asked = _request(series, request_id)
    country = _country(code)
    submission = queries.submission_of(asked, country.code)
    if submission is None:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review(submission, form.decision.data, form.comment.data or "")
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The review was saved."), "success")
            return redirect(url_for("staff.submissions", slug=slug))
    return _page(series, asked, country, review_form=form)


@bp.route("/series/<slug>/submissions/<int:request_id>/<code>/file")
@submissions_required
def submission_file(slug: str, request_id: int, code: str) -> Response:
    series = load_series(slug, need=may_see_submissions)
    asked = _request(series, request_id)
    country = _country(code)
    submission: Submission | None = queries.submission_of(asked, country.code)
    if submission is None or not submission.file_key:
        abort(404)
    body = services.read_file(submission)
    _audit(series, f"{asked.title_en} · {country.code} · {submission.file_name}")
    return _download(body, CONTENT_TYPES[FileKind(submission.file_kind)], submission.file_name)


@bp.route("/series/<slug>/submissions/<int:request_id>/archive.zip")
@organizer_required
def submission_archive(slug: str, request_id: int) -> Response:
    series = load_series(slug, need=may_see_submissions)
    asked = _request(series, request_id)
    found = queries.submissions_for_archive(asked)
    body = services.archive(asked, found)
    filename = f"{series.slug}-{asked.id}-submissions.zip"
    _audit(series, f"{asked.title_en} · {filename} ({len(found)})")
    return _download(body, "application/zip", filename)
