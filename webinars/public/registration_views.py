"""Public registration form, its thank-you page, and the registrant's private manage page.

Each view parses a form, calls `registration.services` and commits once. A `RegistrationError`
is rolled back and shown beside the field it names, so refused input writes nothing.

The manage pages carry the private token in their address: they are never indexed, cached or
sent on as a referrer. A revoked or deleted registration's link is not found (404, with a page
that offers to send the link again: `ManageLinkUnknown`); the link of a series that ended long
ago has expired (410, `tokens.ManageLinkExpired`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from webinars.catalog.models import Country
from webinars.errors import show_field_error
from webinars.extensions import db, limiter
from webinars.i18n import current_language, speak_language_of_page
from webinars.materials.queries import materials_of
from webinars.privacy.services import delete_registration
from webinars.public.display import registration_state
from webinars.registration import services
from webinars.registration.forms import (
    LANGUAGE_NAMES,
    ChoiceForm,
    ConfirmForm,
    DetailsForm,
    RegistrationForm,
    ResendAnyLinkForm,
    ResendLinkForm,
)
from webinars.registration.labels import STATUS_FOR_REGISTRANT as STATUS_LABELS
from webinars.registration.limits import registrations_limited
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.services import DuplicateRegistration, RegistrationError
from webinars.registration.tokens import (
    ManageLinkExpired,
    days_after_end,
    find_by_public_token,
    find_by_verification_token,
    find_by_view_token,
    link_expires_at,
    public_token,
    verification_hours,
)
from webinars.reports import certificates
from webinars.series.models import ApprovalMode, Series
from webinars.types import utcnow
from webinars.web_loaders import load_series
from webinars.zones import is_known_zone

#: Endpoint names `registration.*` are in templates and e-mails already sent: they stay.
bp = Blueprint("registration", __name__)

#: The series this browser has just sent a registration for: the thank-you page shows only
#: what the visitor typed; the private link goes to the address alone, never into the cookie.
_JUST_REGISTERED = "registered_series"


PRIVATE_HEADERS = {
    # same-origin, not no-referrer: over HTTPS, Flask-WTF refuses a form posted without a
    # Referer of this site; the token still never leaves for another site.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def private(view: Callable[..., Any]) -> Callable[..., Response]:
    """A page about one registration: not indexed, not cached, no referrer leaves it."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers.update(PRIVATE_HEADERS)
        return response

    return wrapper


@bp.context_processor
def _registration_helpers() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "language_names": LANGUAGE_NAMES,
        "approver": _approver,
    }


def _approver(registration: Registration) -> str:
    """Who decides on a pending registration, for the registrant."""
    if registration.series.approval_mode == ApprovalMode.FOCAL_POINT and registration.country_code:
        return _("the national focal point of your country")
    return _("the organizers")


@bp.errorhandler(ManageLinkExpired)
def _expired(error: ManageLinkExpired) -> Response:
    """The link of a series that ended long ago: say so, and whom to write to."""
    response = make_response(
        render_template(
            "registration/expired.html",
            series=error.registration.series,
            expired_at=error.expired_at,
            days=days_after_end(),
        ),
        error.code,
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


class ManageLinkUnknown(NotFound):
    """A private link that matches no registration: mistyped, cut, replaced or deleted."""


@bp.errorhandler(ManageLinkUnknown)
def _unknown(error: ManageLinkUnknown) -> Response:
    """Not a bare 404: say why a link may not work, and offer to send it again."""
    form = ResendAnyLinkForm.for_series(services.series_with_working_links())
    response = make_response(render_template("registration/unknown_link.html", form=form), 404)
    response.headers.update(PRIVATE_HEADERS)
    return response


def _registration_or_404(token: str) -> Registration:
    registration = find_by_public_token(token)
    if registration is None:
        raise ManageLinkUnknown()
    speak_language_of_page(registration.language)
    return registration


def _closed(series: Series) -> str:
    return render_template(
        "registration/closed.html", series=series, state=registration_state(series, utcnow())
    )


# --- registering -------------------------------------------------------------------------------


@bp.route("/series/<slug>/register", methods=["GET", "POST"])
@registrations_limited
def register(slug: str) -> str | Response:
    series = load_series(slug, public=True, options=services.SERIES_FOR_REGISTRATION)
    if not series.registration_is_open():
        return _closed(series)
    countries = list(db.session.scalars(db.select(Country)))
    form = RegistrationForm.for_series(
        series, countries, language=current_language(), zone=request.args.get("tz")
    )
    if form.validate_on_submit():
        try:
            services.register(series, form.to_data())
        except services.RegistrationClosed:
            db.session.rollback()
            return _closed(series)
        except DuplicateRegistration:
            # Answered as a new registration: the address, not the visitor, learns of it.
            db.session.rollback()
            services.answer_duplicate(series, form.email.data)
            return _received(series)
        except RegistrationError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            return _received(series)
    chosen = form.timezone.data
    return render_template(
        "registration/register.html",
        series=series,
        form=form,
        visitor_zone=chosen
        if chosen and chosen != series.timezone and is_known_zone(chosen)
        else None,
        browser_zone_default=request.method == "GET" and not chosen,
    )


def _received(series: Series) -> Response:
    """Commit, and send the visitor to the thank-you page: the same for a new registration
    and for an address registered already."""
    db.session.commit()
    session[_JUST_REGISTERED] = series.id
    return redirect(url_for(".registered", slug=series.slug))


@bp.get("/series/<slug>/registered")
@private
def registered(slug: str) -> str | Response:
    """The thank-you page, after this browser sent a registration: it says where the e-mail
    went, and nothing about the registration (the visitor may not own the address)."""
    series = load_series(slug, public=True, options=services.SERIES_FOR_REGISTRATION)
    if session.get(_JUST_REGISTERED) != series.id:
        return redirect(url_for("public.series_detail", slug=series.slug))
    return render_template(
        "registration/registered.html", series=series, hours=verification_hours()
    )


@bp.route("/verify/<token>", methods=["GET", "POST"])
@private
def verify(token: str) -> str | Response:
    """The link of the verification e-mail: a button (mail scanners open links, they do not
    post forms), then the registration is placed and its e-mails go out."""
    registration = find_by_verification_token(token)
    if registration is None:
        raise ManageLinkUnknown()
    speak_language_of_page(registration.language)
    if registration.status != RegistrationStatus.UNVERIFIED:
        return render_template("registration/verify.html", used=True, series=registration.series)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.verify_address(registration)
        except services.VerificationLinkUsed:
            db.session.rollback()
            return render_template(
                "registration/verify.html", used=True, series=registration.series
            )
        manage_token = public_token(registration)
        db.session.commit()
        flash(
            _("Your address is verified. We have sent you an e-mail about your registration."),
            "success",
        )
        return redirect(url_for(".manage", token=manage_token))
    return render_template(
        "registration/verify.html",
        used=False,
        series=registration.series,
        registration=registration,
        form=form,
    )


@bp.get("/r/view/<token>")
@private
def view(token: str) -> str:
    """The read-only page of a registration, linked from calendar events: it shows the
    registration and its sessions and offers no change, cancel or personal data beyond them."""
    registration = find_by_view_token(token)
    if registration is None:
        raise ManageLinkUnknown()
    speak_language_of_page(registration.language)
    return render_template(
        "registration/view.html", registration=registration, series=registration.series
    )


@bp.post("/series/<slug>/resend-link")
@limiter.limit("5 per hour")
def resend_link(slug: str) -> str:
    """Send the private link again, only to a registered address.

    The answer is the same whether the address is registered or not, so that nobody learns
    who registered.
    """
    series = load_series(slug, public=True, options=services.SERIES_FOR_REGISTRATION)
    form = ResendLinkForm()
    if not form.validate_on_submit():
        return render_template("registration/resend_link.html", series=series, form=form)
    services.resend_manage_link(series, form.email.data)
    db.session.commit()
    return render_template("registration/link_sent.html", series=series)


@bp.post("/resend-link")
@limiter.limit("5 per hour")
def resend_any_link() -> str | Response:
    """The private link again, for a series chosen from a list (the page of a broken link).

    The same answer whether the address is registered or not.
    """
    form = ResendAnyLinkForm.for_series(services.series_with_working_links())
    if not form.validate_on_submit():
        page = render_template("registration/unknown_link.html", form=form, resend_only=True)
        return make_response(page, 422)
    series = load_series(form.series.data, public=True, options=services.SERIES_FOR_REGISTRATION)
    services.resend_manage_link(series, form.email.data)
    db.session.commit()
    return render_template("registration/link_sent.html", series=series)


# --- the registrant's own pages ----------------------------------------------------------------


def _manage_page(
    registration: Registration,
    token: str,
    *,
    form: ChoiceForm | None = None,
    details_form: DetailsForm | None = None,
) -> str:
    editable = services.details_editable(registration)
    return render_template(
        "registration/manage.html",
        registration=registration,
        series=registration.series,
        form=form or ChoiceForm.for_registration(registration),
        details_form=(details_form or DetailsForm.for_registration(registration))
        if editable
        else None,
        token=token,
        certificate=certificates.earned_by(registration),
        expires_at=link_expires_at(registration),
        # A confirmed registrant reaches the restricted materials of their sessions here too.
        materials=materials_of(list(registration.sessions))
        if registration.status == RegistrationStatus.CONFIRMED
        else [],
    )


@bp.route("/r/<token>", methods=["GET", "POST"])
@private
def manage(token: str) -> str | Response:
    """See the registration; change profile and sessions while it is open."""
    registration = _registration_or_404(token)
    form = ChoiceForm.for_registration(registration)
    if form.validate_on_submit():
        if not form.changes(registration):
            flash(_("Nothing to change."), "info")
            return redirect(url_for(".manage", token=token))
        try:
            services.change_choice(
                registration, profile_code=form.profile_code, session_ids=form.session_ids
            )
        except RegistrationError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved. We have sent you an e-mail about them."), "success")
            return redirect(url_for(".manage", token=token))
    return _manage_page(registration, token, form=form)


@bp.post("/r/<token>/details")
@private
def details(token: str) -> str | Response:
    """Correct one's name, institution or position (until the series ends)."""
    registration = _registration_or_404(token)
    if not services.details_editable(registration):
        return redirect(url_for(".manage", token=token))
    form = DetailsForm.for_registration(registration)
    if form.validate_on_submit():
        try:
            changed = services.correct_details(registration, form.values)
        except RegistrationError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            if changed:
                flash(
                    _("Your details are corrected. We have sent you an e-mail about it."), "success"
                )
            else:
                flash(_("Nothing to change."), "info")
            return redirect(url_for(".manage", token=token, _anchor="details-heading"))
    return _manage_page(registration, token, details_form=form)


@bp.route("/r/<token>/certificate.pdf")
@private
def certificate(token: str) -> Response:
    """The registrant's certificate of attendance, once earned, in their language."""
    registration = _registration_or_404(token)
    earned = certificates.earned_by(registration)
    if earned is None:
        abort(404)
    return Response(
        certificates.certificate(earned),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{certificates.filename(earned)}"'},
    )


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
@private
def cancel(token: str) -> str | Response:
    """Ask for confirmation, then cancel: the seat goes to the waiting list."""
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.cancel(registration)
        except RegistrationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(
                _("Your registration is cancelled. We have sent you an e-mail about it."), "success"
            )
        return redirect(url_for(".manage", token=token))
    if registration.is_closed:
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/cancel.html",
        registration=registration,
        series=registration.series,
        form=form,
        token=token,
    )


@bp.route("/r/<token>/delete", methods=["GET", "POST"])
@private
def delete(token: str) -> str | Response:
    """Ask for confirmation, then delete the registration and the registrant's data.

    An open registration is cancelled first (its seat goes to the waiting list). The link
    answers 404 afterwards, so the confirmation goes to the series' page.
    """
    registration = _registration_or_404(token)
    series = registration.series
    form = ConfirmForm()
    if form.validate_on_submit():
        delete_registration(registration)
        db.session.commit()
        session.pop(_JUST_REGISTERED, None)
        flash(_("Your registration and your personal data are deleted."), "success")
        if series.is_public:
            return redirect(url_for("public.series_detail", slug=series.slug))
        return redirect(url_for("public.index"))
    return render_template(
        "registration/delete.html",
        registration=registration,
        series=series,
        form=form,
        token=token,
    )
