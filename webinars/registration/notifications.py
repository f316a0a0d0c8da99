"""E-mails to a registrant about their registration, in their language, through the outbox.

They are deferred (`mail.rendering`): the request that changes a registration writes a small
outbox row, and the text is rendered when it is delivered, from the registration as it is
then (a name corrected in between is the one the e-mail greets).
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from webinars import signals
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import (
    enqueue_deferred_to_registrant,
    enqueue_to_registrant,
    one_insert,
    render_email,
)
from webinars.mail.rendering import CannotRender, Rendered, renderer
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
#: The private link sent again (`send_manage_link`).
MANAGE_LINK = "manage_link"
#: The name of the renderer of these e-mails (`OutboxMessage.renderer`).
RENDERER = "registration"


def manage_url(registration: Registration) -> str:
    return external_url("registration.manage", token=public_token(registration))


def view_url(registration: Registration) -> str:
    """The read-only page of the registration: for calendar events, which get shared."""
    return external_url("registration.view", token=view_token(registration))


def notify(registration: Registration, event: str) -> None:
    """Enqueue the e-mail for `event` (one of EVENTS) to the registrant (rendered when sent)."""
    assert event in EVENTS, event
    _enqueue(registration, event)


def announce(registration: Registration, event: str, *, placed: bool = False) -> None:
    """A change of status or sessions: its e-mail (`notify`), then `registration_changed`,
    which the calendar invitations follow; in that order, so the registrant's outbox reads
    the status before the invitations or cancellations it causes. `placed`: the registration
    has just been placed for the first time, and nothing was ever sent for it."""
    with one_insert():  # the status e-mail and the invitations: one INSERT
        notify(registration, event)
        signals.registration_changed.send(registration, placed=placed)


def send_manage_link(registration: Registration) -> None:
    """The private link again, to the registered address, in the registrant's language."""
    _enqueue(registration, MANAGE_LINK)


def _enqueue(registration: Registration, event: str) -> None:
    enqueue_deferred_to_registrant(RENDERER, registration, kind=f"registration.{event}")


@renderer(RENDERER)
def render(message: OutboxMessage) -> Rendered:
    """The e-mail of a deferred `registration.<event>` message, from the registration now."""
    registration = (
        db.session.execute(
            db.select(Registration)
            .where(Registration.id == message.registration_id)
            .options(joinedload(Registration.series), selectinload(Registration.sessions))
        )
        .unique()
        .scalar_one_or_none()
        if message.registration_id is not None
        else None
    )
    if registration is None:
        raise CannotRender("the registration of this message was deleted")
    event = message.kind.removeprefix("registration.")
    return render_email(
        MANAGE_LINK if event == MANAGE_LINK else "registration",
        language=message.language,
        to_name=registration.full_name,
        registration=registration,
        series=registration.series,
        event=event,
        manage_url=manage_url(registration),
    )


def send_verification(registration: Registration) -> None:
    """The first e-mail of an unverified registration: the link that verifies the address."""
    enqueue_to_registrant(
        registration,
        "verify",
        kind="registration.verify",
        verify_url=external_url(
            "registration.verify",
            token=verification_token(registration),
            lang=registration.language,
        ),
        hours=verification_hours(),
    )


def send_already_registered(registration: Registration) -> None:
    """Someone registered this address again: tell the address, with its link."""
    enqueue_to_registrant(
        registration,
        "already_registered",
        kind="registration.already_registered",
        manage_url=manage_url(registration),
    )
