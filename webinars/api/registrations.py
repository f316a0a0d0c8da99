"""`/api/v1/series/<slug>/registrations` and `/api/v1/registrations/<manage_token>`.

Officials register and manage their registration without an account: no cookie, no CSRF
token; the manage token (the one in the private link of every e-mail) is the only key to a
registration. Every call is rate-limited per client address.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema
from werkzeug.wrappers import Response

from webinars.api.errors import FlatErrorsBlueprint, InvalidInput, RefusedByState, field_refusal
from webinars.api.registration_schemas import (
    ConflictSchema,
    InvalidInputSchema,
    ManagedRegistrationSchema,
    RegistrationBodySchema,
    RegistrationChangeSchema,
    RegistrationReceivedSchema,
)
from webinars.extensions import db, limiter
from webinars.registration import services, snapshots
from webinars.registration.limits import registrations_limited
from webinars.registration.models import Registration
from webinars.registration.seats import Mispredicted
from webinars.registration.services import OTHER_PROFILE, RegistrationData, RegistrationError
from webinars.registration.tokens import find_by_public_token
from webinars.series.models import Series
from webinars.web_loaders import api_abort

#: Per client address, over seeing, changing and cancelling together: slows token guessing.
MANAGE_RATE_LIMIT = "120 per minute"

blp = FlatErrorsBlueprint(
    "api_registrations",
    __name__,
    url_prefix="/api/v1",
    description="Registration of officials to a series, and its management by its holder.",
)


@blp.after_request
def _not_stored(response: Response) -> Response:
    """A registration's personal data, behind its private token: never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _too_many_requests() -> str:
    return _("Too many requests from your address; try again in a minute.")


def _refusal(error: RegistrationError) -> InvalidInput | RefusedByState:
    """A service's refusal as the API's: 422 on a field, or 409 with the refusal's code."""
    if error.code == RegistrationError.code:
        return field_refusal(error)
    return RefusedByState(error.code, str(error.message))


def _registration_data(body: dict[str, Any]) -> RegistrationData:
    return RegistrationData(
        first_name=body["first_name"],
        last_name=body["last_name"],
        email=body["email"],
        institution=body["institution"],
        position=body["position"],
        language=body["language"],
        country_code=body.get("country"),
        observer_organization=body.get("observer_organization") or "",
        profile_code=body["profile"],
        session_ids=body.get("sessions"),
        timezone=body.get("timezone"),
        consent_to_list=body["consent_to_list"],
        sex=body.get("sex"),
    )


TOO_MANY = {"schema": ErrorSchema, "description": "Too many requests from this address."}
CONFLICT_DESCRIPTION = (
    "`registration_closed`: the series does not take registrations now. An address already "
    "registered is answered as a new one (201): the address gets its link again by e-mail."
)


@blp.route("/series/<slug>/registrations", methods=["POST"])
@registrations_limited
# An instance, not the class: webargs would build a new schema for every request.
@blp.arguments(RegistrationBodySchema(), description="The official and their choices.")
@blp.response(HTTPStatus.CREATED, RegistrationReceivedSchema)
@blp.alt_response(
    HTTPStatus.NOT_FOUND, schema=ErrorSchema, description="No public series at this address."
)
@blp.alt_response(HTTPStatus.CONFLICT, schema=ConflictSchema, description=CONFLICT_DESCRIPTION)
@blp.alt_response(
    HTTPStatus.UNPROCESSABLE_ENTITY,
    schema=InvalidInputSchema,
    description="Refused fields, or a body that is not a JSON object sent as "
    "`application/json`. Nothing is written.",
)
@blp.alt_response(HTTPStatus.TOO_MANY_REQUESTS, **TOO_MANY)
def register(body: dict[str, Any], slug: str) -> dict[str, Any]:
    """Register an official

    No account, cookie or CSRF token. The answer is the same whether the address was new or
    registered already, and carries no key: the private link (whose token is the key of
    `/api/v1/registrations/{manage_token}`) goes to the address only. When the series verifies
    addresses (`verify_email`), the first e-mail asks to open a link; until then the
    registration holds no seat. Then it is confirmed, pending approval, or waitlisted when a
    hard limit is reached, and an e-mail in `language` says which. An address registered
    already gets its link again instead.
    """
    data = _registration_data(body)
    try:
        series = _registered(slug, data, optimistic=True)
    except (services.NotPredicted, Mispredicted):
        # The copy this process keeps of the series (`snapshots`) refused or was out of
        # date, or the status predicted without the series lock did not hold under it.
        # Nothing is kept; registered again, lock first, reading the series again if needed.
        db.session.rollback()
        series = _registered(slug, data, optimistic=False)
    received = {"status": "received", "verify_email": series.verify_email}
    db.session.commit()
    return received


def _registered(slug: str, data: RegistrationData, *, optimistic: bool) -> Series:
    """Register `data` in the public series at `slug` (the copy this process keeps of it:
    itself when `optimistic`, else the session's copy of it); the series. An address
    registered already is answered as a new one. `optimistic`: see `services.register`;
    then NotPredicted and Mispredicted are the caller's."""
    series = (snapshots.kept_series if optimistic else snapshots.public_series)(slug)
    if series is None:
        api_abort(HTTPStatus.NOT_FOUND, message=_("There is no public series at this address."))
    try:
        services.register(series, data, optimistic=optimistic)
    except services.DuplicateRegistration:
        db.session.rollback()
        services.answer_duplicate(series, data.email)
    except RegistrationError as error:
        db.session.rollback()
        raise _refusal(error) from error
    return series


def _held_registration(manage_token: str) -> Registration:
    registration = find_by_public_token(manage_token)
    if registration is None:
        abort(HTTPStatus.NOT_FOUND, message=_("This link is not valid."))
    return registration


def _current_choice(registration: Registration) -> tuple[str, list[int] | None]:
    """The profile code and session ids as they are; no session at all means "every one"."""
    profile = registration.profile.code if registration.profile else OTHER_PROFILE
    return profile, [s.id for s in registration.sessions] or None


NOT_FOUND = {"schema": ErrorSchema, "description": "No registration has this manage token."}
EXPIRED = {
    "schema": ErrorSchema,
    "description": "The link has expired: the series ended longer ago than the service keeps "
    "private links (`MANAGE_LINK_DAYS_AFTER_END`, 90 days by default).",
}
CLOSED = {
    "schema": ConflictSchema,
    "description": "`invalid_status`: the registration is cancelled or rejected.",
}


@blp.route("/registrations/<manage_token>")
class ManagedRegistration(MethodView):
    decorators = [limiter.limit(MANAGE_RATE_LIMIT, error_message=_too_many_requests)]

    @blp.response(HTTPStatus.OK, ManagedRegistrationSchema)
    @blp.alt_response(HTTPStatus.NOT_FOUND, **NOT_FOUND)
    @blp.alt_response(HTTPStatus.GONE, **EXPIRED)
    @blp.alt_response(HTTPStatus.TOO_MANY_REQUESTS, **TOO_MANY)
    def get(self, manage_token: str) -> Registration:
        """See a registration

        For its holder: the manage token comes from the registration's answer or e-mails.
        """
        return _held_registration(manage_token)

    @blp.arguments(RegistrationChangeSchema, description="What changes.")
    @blp.response(HTTPStatus.OK, ManagedRegistrationSchema)
    @blp.alt_response(HTTPStatus.NOT_FOUND, **NOT_FOUND)
    @blp.alt_response(HTTPStatus.GONE, **EXPIRED)
    @blp.alt_response(HTTPStatus.CONFLICT, **CLOSED)
    @blp.alt_response(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        schema=InvalidInputSchema,
        description="Refused fields, no seat left for the new choice (the registration is "
        "unchanged), or a body that is not a JSON object sent as `application/json`.",
    )
    @blp.alt_response(HTTPStatus.TOO_MANY_REQUESTS, **TOO_MANY)
    def patch(self, body: dict[str, Any], manage_token: str) -> Registration:
        """Change the profile or the sessions

        Checked against the hard limits again: a registration holding a seat keeps it only if
        the new choice fits. Seats it frees go to the waiting list.
        """
        registration = _held_registration(manage_token)
        profile_code, session_ids = _current_choice(registration)
        try:
            services.change_choice(
                registration,
                profile_code=body.get("profile", profile_code),
                session_ids=body.get("sessions", session_ids),
            )
        except RegistrationError as error:
            db.session.rollback()
            raise _refusal(error) from error
        db.session.commit()
        return registration

    @blp.response(HTTPStatus.OK, ManagedRegistrationSchema)
    @blp.alt_response(HTTPStatus.NOT_FOUND, **NOT_FOUND)
    @blp.alt_response(HTTPStatus.GONE, **EXPIRED)
    @blp.alt_response(HTTPStatus.CONFLICT, **CLOSED)
    @blp.alt_response(HTTPStatus.TOO_MANY_REQUESTS, **TOO_MANY)
    def delete(self, manage_token: str) -> Registration:
        """Cancel a registration

        Answers the registration, now cancelled; its seat goes to the waiting list.
        """
        registration = _held_registration(manage_token)
        try:
            services.cancel(registration)
        except RegistrationError as error:
            db.session.rollback()
            raise _refusal(error) from error
        db.session.commit()
        return registration
