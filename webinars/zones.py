"""IANA time zone names."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    """A real IANA zone name, as zoneinfo knows it ("America/Costa_Rica", not "Mars/Olympus")."""
    return name in _known_zones()
