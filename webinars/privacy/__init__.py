"""Personal data: anonymising the registrations of old series, deleting one's own registration.

This module holds only what an anonymised row looks like, so that other packages (the
registration services) can recognise one without importing the services below.
"""

from __future__ import annotations

#: The name every anonymised registration and attendance row carries.
ANONYMISED_NAME = "Anonymised"
#: What replaces an anonymised registrant's institution and position.
ANONYMISED_TEXT = "—"
#: The prefix of an anonymised report key: the rest is a number, unique in the series.
ANONYMISED_KEY_PREFIX = "anonymised:"
#: `.invalid` is reserved (RFC 2606): no message can ever reach such an address.
_EMAIL_PREFIX = "anonymised-"
_EMAIL_DOMAIN = "@invalid"


def anonymised_email(registration_id: int) -> str:
    """A unique address that is not one: the one-per-(series, e-mail) rule still holds."""
    return f"{_EMAIL_PREFIX}{registration_id}{_EMAIL_DOMAIN}"


def is_anonymised_email(email: str) -> bool:
    return email.startswith(_EMAIL_PREFIX) and email.endswith(_EMAIL_DOMAIN)
