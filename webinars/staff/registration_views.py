"""Staff pages for the registrations of a series and its country x profile quota matrix.

Who sees what comes from `webinars.policy`: organizers, admins and the series'
facilitators see every country; a focal point sees their own country only, on every page
and in every count (`country_scope`). Approving and rejecting follow `may_approve`;
cancelling a registration and revoking its private link are for organizers and admins.

Each action calls a service, commits once, flashes, and goes back to the list with its
filters. A refused change (wrong status, a reason too long) is rolled back and shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from webinars import policy
from webinars.accounts.access import country_scope, organizer_required, staff_required
from webinars.extensions import db
from webinars.registration import queries, services
from webinars.registration.anonymised import is_anonymised_email
from webinars.registration.delegation_reminders import remind_by_country
from webinars.registration.exports import matrix_csv, met_counts
from webinars.registration.labels import SEX, SEX_NOT_STATED
from webinars.registration.labels import STATUS as STATUS_LABELS
from webinars.registration.models import ACTIVE_STATUSES, Registration
from webinars.registration.services import RegistrationError
from webinars.registration.targets import target_matrix
from webinars.series.models import Series
from webinars.staff import bp
from webinars.staff.registration_forms import (
    FILTER_KEYS,
    RegistrationFilterForm,
    RejectForm,
)
from webinars.web import parse_id
from webinars.web_loaders import load_series

REGISTRATION_URL = "/series/<slug>/registrations/<int:registration_id>"


def _registration_or_404(series: Series, registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.series_id != series.id:
        abort(404)
    return registration


def _approvable(slug: str, registration_id: int) -> tuple[Series, Registration]:
    series = load_series(slug, need=policy.may_see_registrations)
    registration = _registration_or_404(series, registration_id)
    if not policy.may_approve(current_user, registration):
        abort(403)
    return series, registration


def _kept_filters() -> dict[str, str]:
    """The list's filters, carried in the query string of every action."""
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


def _back_to_list(series: Series) -> Response:
    return redirect(url_for("staff.registrations", slug=series.slug, **_kept_filters()))


def _refused(error: RegistrationError) -> None:
    db.session.rollback()
    flash(str(error.message), "error")


def _flash_promoted(promoted: Sequence[Registration]) -> None:
    if promoted:
        flash(
            ngettext(
                "%(num)d registration moved up from the waiting list.",
                "%(num)d registrations moved up from the waiting list.",
                len(promoted),
            ),
            "success",
        )


# --- the list --------------------------------------------------------------------------------


@bp.route("/series/<slug>/registrations")
@staff_required
def registrations(slug: str) -> str:
    series = load_series(slug, need=policy.may_see_registrations)
    scope = country_scope(current_user)
    form = RegistrationFilterForm(series, request.args, scoped=scope is not None)
    filters = form.filters()
    rows = queries.filtered_registrations(series, scope, filters)
    return render_template(
        "staff/registrations.html",
        series=series,
        form=form,
        filters=filters,
        rows=rows,
        scope=scope,
        status_counts=queries.status_counts(series, scope),
        session_counts=queries.session_counts(r.id for r in rows),
        delegating=queries.delegating_users(rows),
        status_labels=STATUS_LABELS,
        may_approve=policy.may_approve,
        may_follow_participants=policy.may_follow_participants,
        is_anonymised_email=is_anonymised_email,
        selectable_ids={
            r.id for r in rows if not r.is_closed and policy.may_approve(current_user, r)
        },
        select_all=request.args.get("select") == "all",
    )


# --- approve, reject, cancel ---------------------------------------------------------------------


@bp.route(f"{REGISTRATION_URL}/approve", methods=["POST"])
@staff_required
def registration_approve(slug: str, registration_id: int) -> Response:
    series, registration = _approvable(slug, registration_id)
    try:
        services.approve(registration)
    except RegistrationError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("%(name)s is confirmed.", name=registration.full_name), "success")
    return _back_to_list(series)


@bp.route(f"{REGISTRATION_URL}/reject", methods=["GET", "POST"])
@staff_required
def registration_reject(slug: str, registration_id: int) -> str | Response:
    series, registration = _approvable(slug, registration_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            promoted = services.reject(registration, form.reason.data or "")
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(
                _("The registration of %(name)s was rejected.", name=registration.full_name),
                "success",
            )
            _flash_promoted(promoted)
        return _back_to_list(series)
    if registration.is_closed:
        flash(_("This registration is already closed."), "error")
        return _back_to_list(series)
    return render_template(
        "staff/registrations_reject.html",
        series=series,
        registration=registration,
        form=form,
        status_labels=STATUS_LABELS,
        back_url=url_for("staff.registrations", slug=series.slug, **_kept_filters()),
    )


# --- several at once ------------------------------------------------------------------------------


def _selected(series: Series) -> list[Registration]:
    """The registrations ticked on the list (`registration` ids of this series), each one
    approvable by the current user (else 403), in the list's order."""
    ids = {n for n in map(parse_id, request.form.getlist("registration")) if n is not None}
    if not ids:
        return []
    chosen = queries.registrations_by_ids(series, ids)
    if not all(policy.may_approve(current_user, r) for r in chosen):
        abort(403)
    return chosen


def _names(registrations: Sequence[Registration]) -> str:
    return ", ".join(r.full_name for r in registrations)


def _flash_skipped(outcome: services.BatchOutcome) -> None:
    if outcome.skipped:
        flash(
            _(
                "Left as they were (their status does not allow it): %(names)s.",
                names=_names(outcome.skipped),
            ),
            "error",
        )


@bp.route("/series/<slug>/registrations/batch", methods=["POST"])
@staff_required
def registrations_batch(slug: str) -> str | Response:
    """Approve or reject the ticked registrations. Rejecting asks first, on a page with the
    reason (as the single rejection does); approving needs no confirmation."""
    series = load_series(slug, need=policy.may_see_registrations)
    chosen = _selected(series)
    action = request.form.get("action", "")
    if not chosen or action not in ("approve", "reject", "confirm-reject"):
        flash(_("Tick at least one registration, then choose what to do."), "error")
        return _back_to_list(series)
    if action == "approve":
        outcome = services.approve_many(chosen)
        db.session.commit()
        if outcome.changed:
            flash(
                ngettext(
                    "%(num)d registration confirmed: %(names)s.",
                    "%(num)d registrations confirmed: %(names)s.",
                    len(outcome.changed),
                    names=_names(outcome.changed),
                ),
                "success",
            )
        _flash_skipped(outcome)
        return _back_to_list(series)
    form = RejectForm()
    if action == "confirm-reject" and form.validate_on_submit():
        try:
            outcome = services.reject_many(series, chosen, form.reason.data or "")
        except RegistrationError as error:
            _refused(error)
        else:
            db.session.commit()
            if outcome.changed:
                flash(
                    ngettext(
                        "%(num)d registration rejected: %(names)s.",
                        "%(num)d registrations rejected: %(names)s.",
                        len(outcome.changed),
                        names=_names(outcome.changed),
                    ),
                    "success",
                )
            _flash_skipped(outcome)
            _flash_promoted(outcome.promoted)
        return _back_to_list(series)
    return render_template(
        "staff/registrations_batch_reject.html",
        series=series,
        chosen=chosen,
        form=form,
        status_labels=STATUS_LABELS,
        kept_filters=_kept_filters(),
        back_url=url_for("staff.registrations", slug=series.slug, **_kept_filters()),
    )


@bp.route(f"{REGISTRATION_URL}/cancel", methods=["POST"])
@organizer_required
def registration_cancel(slug: str, registration_id: int) -> Response:
    series = load_series(slug)
    registration = _registration_or_404(series, registration_id)
    try:
        promoted = services.cancel(registration)
    except RegistrationError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(
            _("The registration of %(name)s was cancelled.", name=registration.full_name), "success"
        )
        _flash_promoted(promoted)
    return _back_to_list(series)


@bp.route(f"{REGISTRATION_URL}/revoke-link", methods=["POST"])
@organizer_required
def registration_revoke_link(slug: str, registration_id: int) -> Response:
    """A new private link for the registrant, e-mailed to them; the old one stops working."""
    series = load_series(slug)
    registration = _registration_or_404(series, registration_id)
    try:
        services.revoke_manage_link(registration)
    except RegistrationError as error:
        _refused(error)
    else:
        db.session.commit()
        flash(
            _(
                "The old private link of %(name)s no longer works; a new one was sent to %(email)s.",
                name=registration.full_name,
                email=registration.email,
            ),
            "success",
        )
    return _back_to_list(series)


# --- quotas ----------------------------------------------------------------------------------


@bp.route("/series/<slug>/quotas")
@staff_required
def quotas(slug: str) -> str:
    series = load_series(slug, need=policy.may_see_registrations)
    scope = country_scope(current_user)
    matrix = target_matrix(series, country_code=scope)
    return render_template(
        "staff/quotas.html",
        series=series,
        matrix=matrix,
        scope=scope,
        met_counts=met_counts(matrix),
        observers=[(STATUS_LABELS[status], matrix.observers[status]) for status in ACTIVE_STATUSES],
        sexes=[*SEX.items(), (None, SEX_NOT_STATED)],
    )


@bp.route("/series/<slug>/quotas.csv")
@staff_required
def quotas_csv(slug: str) -> Response:
    series = load_series(slug, need=policy.may_see_registrations)
    matrix = target_matrix(series, country_code=country_scope(current_user))
    return Response(
        matrix_csv(matrix),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=quotas-{series.slug}.csv"},
    )


@bp.route("/series/<slug>/quotas/remind", methods=["POST"])
@organizer_required
def quotas_remind(slug: str) -> Response:
    series = load_series(slug)
    try:
        reminders = remind_by_country(series)
    except RegistrationError as error:
        _refused(error)
        return redirect(url_for("staff.quotas", slug=series.slug))
    db.session.commit()
    if not reminders:
        flash(_("Every country has reached its targets: no reminder was queued."), "success")
    else:
        queued = sum(len(r.messages) for r in reminders)
        flash(ngettext("%(num)d reminder queued.", "%(num)d reminders queued.", queued), "success")
        unreached = [r.row.country.name for r in reminders if not r.messages]
        if unreached:
            flash(
                _(
                    "No active focal point to remind for: %(countries)s.",
                    countries=", ".join(unreached),
                ),
                "error",
            )
    return redirect(url_for("staff.quotas", slug=series.slug))
