"""E-mail addresses as a mail server takes them, checked once per address and process."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

#: RFC 5321's limit on a path (254 characters between the brackets), with some room:
#: nothing longer is checked, or kept in the cache.
_LONGEST_ADDRESS = 320


def normalized_address(address: str) -> str | None:
    """The address as a mail server takes it, lower-cased; None when none could take it.

    Cached: an address is checked where it is typed (`registration.services`) and again by
    the outbox for each message to it (a registration's receipt and invitations), with the
    same text when it was typed in lower case.
    """
    if len(address) > _LONGEST_ADDRESS:
        return None
    return _normalized(address)


@lru_cache(maxsize=4096)
def _normalized(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
