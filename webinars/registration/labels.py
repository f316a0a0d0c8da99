"""Translated labels of the registration statuses."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.registration.models import RegistrationStatus, Sex

#: For staff pages: short.
STATUS: dict[RegistrationStatus, LazyString] = {
    RegistrationStatus.UNVERIFIED: _l("Address not verified"),
    RegistrationStatus.PENDING: _l("Pending"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waiting list"),
    RegistrationStatus.REJECTED: _l("Rejected"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}

#: For the registrant: what the status means for them.
STATUS_FOR_REGISTRANT: dict[RegistrationStatus, LazyString] = {
    RegistrationStatus.UNVERIFIED: _l("E-mail address not verified yet"),
    RegistrationStatus.PENDING: _l("Pending approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.REJECTED: _l("Not accepted"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}

#: The answers to the optional question on sex, in the order the form offers them.
SEX: dict[Sex, LazyString] = {
    Sex.FEMALE: _l("Female"),
    Sex.MALE: _l("Male"),
    Sex.ANOTHER: _l("Another"),
    Sex.UNDISCLOSED: _l("Prefer not to say"),
}
#: The figures' heading of those who left the question blank.
SEX_NOT_STATED = _l("Not stated")
