"""Translated labels of the outbox: message statuses and the kinds of e-mail."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.mail.models import OutboxStatus

STATUS: dict[OutboxStatus, LazyString] = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
    OutboxStatus.SUPPRESSED: _l("Not sent: daily limit"),
}

#: What each `OutboxMessage.kind` is, as organizers call it.
KIND: dict[str, LazyString] = {
    "registration.verify": _l("Verification of the address"),
    "registration.already_registered": _l("Already registered: link sent"),
    "registration.received": _l("Registration received"),
    "registration.confirmed": _l("Registration confirmed"),
    "registration.waitlisted": _l("Put on the waiting list"),
    "registration.promoted": _l("Seat freed from the waiting list"),
    "registration.rejected": _l("Registration not accepted"),
    "registration.cancelled": _l("Registration cancelled"),
    "registration.updated": _l("Registration changed"),
    "registration.manage_link": _l("Private link sent again"),
    "invitation.new": _l("Calendar invitation"),
    "invitation.update": _l("Calendar update"),
    "invitation.cancelled": _l("Session cancelled"),
    "invitation.withdrawn": _l("Invitation withdrawn"),
    "reminder": _l("Session reminder"),
    "quota.reminder": _l("Reminder to focal points: profiles missing"),
    "directory.reminder": _l("Reminder to focal points: directory entries to confirm"),
    "account.password_reset": _l("Password reset"),
    "account.unlock": _l("Account unlock link"),
}


def kind_label(kind: str) -> str:
    """The label of a kind of message; an unknown kind (a newer one) as it is stored."""
    label = KIND.get(kind)
    return str(label) if label is not None else kind
