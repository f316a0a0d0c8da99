"""What an anonymised registration looks like: `privacy.services` makes them; the registration
and participation services recognise them without importing the privacy package.
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
