"""Staff pages for series, their sessions and participant profiles.

Every view is thin: validate the form, call a service, commit once. A `SchedulingError` from a
service is rolled back and shown beside the field it names, so bad input writes nothing.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from webinars.accounts.access import organizer_required, staff_required
from webinars.errors import show_field_error
from webinars.extensions import db
from webinars.mail.labels import STATUS as OUTBOX_STATUS_LABELS
from webinars.mail.models import OutboxStatus
from webinars.policy import may_view_series, may_work_on_sessions
from webinars.registration import profiles
from webinars.registration.labels import STATUS as REGISTRATION_STATUS_LABELS
from webinars.reports.series_dashboard import series_contents, series_dashboard
from webinars.series import services
from webinars.series.models import ParticipantProfile, Series, SeriesStatus
from webinars.series.services import SchedulingError
from webinars.sessions import services as session_services
from webinars.staff import bp
from webinars.staff.series_forms import (
    ConfirmForm,
    DeleteSeriesForm,
    DuplicateForm,
    ProfileForm,
    RecurrenceForm,
    SeriesForm,
    SessionForm,
)
from webinars.web_loaders import load_series, load_session


def _profile_or_404(series: Series, profile_id: int) -> ParticipantProfile:
    profile = db.get_or_404(ParticipantProfile, profile_id)
    if profile.series_id != series.id:
        abort(404)
    return profile


# --- series ----------------------------------------------------------------------------------


@bp.route("/series/<slug>")
@staff_required
def series_detail(slug: str) -> str:
    series = load_series(slug, need=may_view_series)
    dashboard = series_dashboard(series) if current_user.can_manage_series else None
    return render_template(
        "staff/series_detail.html",
        series=series,
        works_on_sessions=may_work_on_sessions(current_user, series),
        dashboard=dashboard,
        registration_status_labels=REGISTRATION_STATUS_LABELS,
        outbox_status_labels=OUTBOX_STATUS_LABELS,
        outbox_statuses=OutboxStatus,
    )


@bp.route("/series/new", methods=["GET", "POST"])
@organizer_required
def series_new() -> str | Response:
    form = SeriesForm()
    if form.validate_on_submit():
        try:
            series = services.create_series(form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The series was created."), "success")
            return redirect(url_for("staff.series_detail", slug=series.slug))
    return render_template("staff/series_form.html", form=form, series=None)


@bp.route("/series/<slug>/edit", methods=["GET", "POST"])
@organizer_required
def series_edit(slug: str) -> str | Response:
    series = load_series(slug)
    form = SeriesForm.for_series(series)
    if form.validate_on_submit():
        try:
            services.update_series(series, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The series was saved."), "success")
            return redirect(url_for("staff.series_detail", slug=series.slug))
    return render_template("staff/series_form.html", form=form, series=series)


@bp.route("/series/<slug>/delete", methods=["GET", "POST"])
@organizer_required
def series_delete(slug: str) -> str | Response:
    series = load_series(slug)
    form = DeleteSeriesForm(series)
    if form.validate_on_submit():
        services.delete_series(series)
        db.session.commit()
        flash(_("The series and everything in it were deleted."), "success")
        return redirect(url_for("staff.dashboard"))
    contents = series_contents(series)
    consequences = [
        ngettext("%(num)d session", "%(num)d sessions", contents.sessions),
        ngettext("%(num)d agenda item", "%(num)d agenda items", contents.agenda_items),
        ngettext("%(num)d participant profile", "%(num)d participant profiles", contents.profiles),
        ngettext("%(num)d registration", "%(num)d registrations", contents.registrations),
    ]
    return render_template(
        "staff/confirm_delete.html",
        form=form,
        heading=_("Delete the series “%(title)s”?", title=series.title),
        consequences=consequences,
        confirm_hint=_("Its address is %(slug)s.", slug=series.slug),
        cancel_url=url_for("staff.series_detail", slug=series.slug),
    )


@bp.route("/series/<slug>/publication", methods=["GET", "POST"])
@organizer_required
def series_publication(slug: str) -> str | Response:
    """Publish a draft or unpublish a published series, after a confirmation page."""
    series = load_series(slug)
    if series.status not in (SeriesStatus.DRAFT, SeriesStatus.PUBLISHED):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        status = services.toggle_publication(series)
        db.session.commit()
        if status == SeriesStatus.PUBLISHED:
            flash(_("The series is published: visitors see it and may register."), "success")
        else:
            flash(_("The series is a draft again: visitors no longer see it."), "success")
        return redirect(url_for("staff.series_detail", slug=series.slug))
    return render_template(
        "staff/series_publication.html",
        form=form,
        series=series,
        contents=series_contents(series),
    )


@bp.route("/series/<slug>/duplicate", methods=["GET", "POST"])
@organizer_required
def series_duplicate(slug: str) -> str | Response:
    series = load_series(slug)
    form = DuplicateForm.for_series(series)
    if form.validate_on_submit():
        try:
            copy = services.duplicate_series(series, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The copy was created as a draft: check it, then publish it."), "success")
            return redirect(url_for("staff.series_detail", slug=copy.slug))
    return render_template(
        "staff/series_duplicate.html",
        form=form,
        series=series,
        contents=series_contents(series),
    )


# --- sessions --------------------------------------------------------------------------------


@bp.route("/series/<slug>/sessions/new", methods=["GET", "POST"])
@organizer_required
def session_new(slug: str) -> str | Response:
    series = load_series(slug)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            session_services.create_session(series, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The session was added."), "success")
            return redirect(url_for("staff.series_detail", slug=series.slug))
    return render_template("staff/session_form.html", form=form, series=series, event_session=None)


@bp.route("/series/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@organizer_required
def session_edit(slug: str, session_id: int) -> str | Response:
    series = load_series(slug)
    event_session = load_session(series.slug, session_id)
    form = SessionForm.for_session(event_session)
    if form.validate_on_submit():
        try:
            session_services.update_session(event_session, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The session was saved."), "success")
            return redirect(url_for("staff.series_detail", slug=series.slug))
    return render_template(
        "staff/session_form.html", form=form, series=series, event_session=event_session
    )


@bp.route("/series/<slug>/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@organizer_required
def session_delete(slug: str, session_id: int) -> str | Response:
    series = load_series(slug)
    event_session = load_session(series.slug, session_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        session_services.delete_session(event_session)
        db.session.commit()
        flash(_("The session was deleted."), "success")
        return redirect(url_for("staff.series_detail", slug=series.slug))
    return render_template(
        "staff/confirm_delete.html",
        form=form,
        heading=_(
            "Delete session %(number)d, “%(topic)s”?",
            number=event_session.number,
            topic=event_session.topic,
        ),
        consequences=[
            ngettext("%(num)d agenda item", "%(num)d agenda items", len(event_session.agenda_items))
        ],
        cancel_url=url_for("staff.series_detail", slug=series.slug),
    )


@bp.route("/series/<slug>/sessions/recurring", methods=["GET", "POST"])
@organizer_required
def sessions_recurring(slug: str) -> str | Response:
    series = load_series(slug)
    form = RecurrenceForm()
    preview: list[session_services.PlannedSitting] = []
    if form.validate_on_submit():
        try:
            if not form.create.data:
                preview = session_services.plan_recurring(series, form.to_data())
            else:
                created = session_services.create_recurring(series, form.to_data())
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d session was added.", "%(num)d sessions were added.", len(created)
                    ),
                    "success",
                )
                return redirect(url_for("staff.series_detail", slug=series.slug))
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
    return render_template(
        "staff/session_recurring.html", form=form, series=series, preview=preview
    )


# --- participant profiles --------------------------------------------------------------------


@bp.route("/series/<slug>/profiles/new", methods=["GET", "POST"])
@organizer_required
def profile_new(slug: str) -> str | Response:
    series = load_series(slug)
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.create_profile(series, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The participant profile was added."), "success")
            return redirect(url_for("staff.series_detail", slug=series.slug, _anchor="profiles"))
    return render_template("staff/profile_form.html", form=form, series=series, profile=None)


@bp.route("/series/<slug>/profiles/<int:profile_id>/edit", methods=["GET", "POST"])
@organizer_required
def profile_edit(slug: str, profile_id: int) -> str | Response:
    series = load_series(slug)
    profile = _profile_or_404(series, profile_id)
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        try:
            services.update_profile(profile, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The participant profile was saved."), "success")
            return redirect(url_for("staff.series_detail", slug=series.slug, _anchor="profiles"))
    return render_template("staff/profile_form.html", form=form, series=series, profile=profile)


@bp.route("/series/<slug>/profiles/<int:profile_id>/delete", methods=["GET", "POST"])
@organizer_required
def profile_delete(slug: str, profile_id: int) -> str | Response:
    series = load_series(slug)
    profile = _profile_or_404(series, profile_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            profiles.delete_profile(profile)
        except SchedulingError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The participant profile was deleted."), "success")
        return redirect(url_for("staff.series_detail", slug=series.slug, _anchor="profiles"))
    return render_template(
        "staff/confirm_delete.html",
        form=form,
        heading=_("Delete the participant profile “%(label)s”?", label=profile.label),
        consequences=[],
        cancel_url=url_for("staff.series_detail", slug=series.slug),
    )
