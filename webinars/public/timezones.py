"""The zone a visitor reads a series' times in: the series' own, or a member country's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webinars.catalog.models import Country
from webinars.formatting import offset_label


@dataclass(frozen=True)
class DisplayZone:
    """Where times are shown; `country` is None for the series' own zone."""

    zone: ZoneInfo
    country: Country | None = None

    @property
    def code(self) -> str:
        """The value of the `tz` query argument that selects this zone ('' for the series')."""
        return self.country.code if self.country is not None else ""

    def label(self, at: datetime) -> str:
        """'America/Costa_Rica, UTC-06:00', or 'Mexico, UTC-05:00' for a chosen country.

        The offset depends on the instant (daylight saving), hence `at`.
        """
        name = self.country.name if self.country is not None else self.zone.key
        return f"{name}, {offset_label(at, self.zone)}"


def choose_zone(series_zone: str, wanted: str | None, countries: Sequence[Country]) -> DisplayZone:
    """The zone of the country coded `wanted`; the series' zone for anything else.

    `wanted` comes straight from the query string: an unknown code, or a country whose zone
    the system does not know, falls back to the series' zone rather than failing.
    """
    code = (wanted or "").strip().upper()
    for country in countries:
        if country.code == code:
            try:
                return DisplayZone(ZoneInfo(country.timezone), country)
            except (ZoneInfoNotFoundError, ValueError):
                break
    return DisplayZone(ZoneInfo(series_zone))
