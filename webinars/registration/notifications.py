"""E-mails to a registrant about their registration, in their language, through the outbox."""

from __future__ import annotations

from webinars.mail.outbox import enqueue_template
from webinars.registration.models import Registration
from webinars.registration.tokens import (
    public_token,
    verification_hours,
    verification_token,
    view_token,
)
from webinars.web import external_url

#: What happened, and so which text the e-mail carries.
EVENTS = ("received", "confirmed", "waitlisted", "promoted", "rejected", "cancelled", "updated")


def manage_url(registration: Registration) -> str:
    return external_url("registration.manage", token=public_token(registration))


def view_url(registration: Registration) -> str:
    """The read-only page of the registration: for calendar events, which get shared."""
    return external_url("registration.view", token=view_token(registration))


def notify(registration: Registration, event: str) -> None:
    """Enqueue the e-mail for `event` (one of EVENTS) to the registrant."""
    assert event in EVENTS, event
    enqueue_template(
        "registration",
        kind=f"registration.{event}",
        to_address=registration.email,
        to_name=registration.full_name,
        language=registration.language,
        series_id=registration.series_id,
        registration_id=registration.id,
        registration=registration,
        series=registration.series,
        event=event,
        manage_url=manage_url(registration),
    )


def send_manage_link(registration: Registration) -> None:
    """The private link again, to the registered address, in the registrant's language."""
    enqueue_template(
        "manage_link",
        kind="registration.manage_link",
        to_address=registration.email,
        to_name=registration.full_name,
        language=registration.language,
        series_id=registration.series_id,
        registration_id=registration.id,
        registration=registration,
        series=registration.series,
        manage_url=manage_url(registration),
    )


def send_verification(registration: Registration) -> None:
    """The first e-mail of an unverified registration: the link that verifies the address."""
    enqueue_template(
        "verify",
        kind="registration.verify",
        to_address=registration.email,
        to_name=registration.full_name,
        language=registration.language,
        series_id=registration.series_id,
        registration_id=registration.id,
        registration=registration,
        series=registration.series,
        verify_url=external_url(
            "registration.verify",
            token=verification_token(registration),
            lang=registration.language,
        ),
        hours=verification_hours(),
    )


def send_already_registered(registration: Registration) -> None:
    """Someone registered this address again: tell the address, with its link."""
    enqueue_template(
        "already_registered",
        kind="registration.already_registered",
        to_address=registration.email,
        to_name=registration.full_name,
        language=registration.language,
        series_id=registration.series_id,
        registration_id=registration.id,
        registration=registration,
        series=registration.series,
        manage_url=manage_url(registration),
    )
