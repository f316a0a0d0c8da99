"""The zone a visitor reads a series' times in: the series' own, a member country's, or any
zone of a member country (Tijuana, Cancún, Vancouver...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wtforms.fields.choices import SelectChoice

from webinars.catalog.models import Country
from webinars.formatting import offset_label
from webinars.zones import is_known_zone, zone_groups, zone_name


@dataclass(frozen=True)
class DisplayZone:
    """Where times are shown: the series' own zone, a country's (`country`), or an IANA zone
    the visitor chose (`chosen`)."""

    zone: ZoneInfo
    country: Country | None = None
    chosen: bool = False

    @property
    def code(self) -> str:
        """The value of the `tz` query argument that selects this zone ('' for the series')."""
        if self.country is not None:
            return self.country.code
        return self.zone.key if self.chosen else ""

    def label(self, at: datetime) -> str:
        """'America/Costa_Rica, UTC-06:00', 'Mexico, UTC-05:00' for a chosen country, or
        'Tijuana time (UTC−7)' for a chosen zone.

        The offset depends on the instant (daylight saving), hence `at`.
        """
        if self.chosen:
            return zone_name(self.zone.key, at)
        name = self.country.name if self.country is not None else self.zone.key
        return f"{name}, {offset_label(at, self.zone)}"


def choose_zone(series_zone: str, wanted: str | None, countries: Sequence[Country]) -> DisplayZone:
    """The zone of the country coded `wanted`, or the IANA zone named `wanted`; the series'
    zone for anything else.

    `wanted` comes straight from the query string: an unknown code or zone, or a country whose
    zone the system does not know, falls back to the series' zone rather than failing.
    """
    name = (wanted or "").strip()
    if "/" in name and name != series_zone and is_known_zone(name):
        return DisplayZone(ZoneInfo(name), chosen=True)
    code = name.upper()
    for country in countries:
        if country.code == code:
            try:
                return DisplayZone(ZoneInfo(country.timezone), country)
            except (ZoneInfoNotFoundError, ValueError):
                break
    return DisplayZone(ZoneInfo(series_zone))


def zone_options(
    countries: Sequence[Country], at: datetime
) -> list[tuple[str, list[SelectChoice]]]:
    """For the zone chooser: each member country with several zones, and those zones named for
    people ("Tijuana time (UTC−8)"), the offsets at `at`."""
    options = []
    for group in zone_groups(countries, at, others=False):
        if len(group.zones) > 1:
            options.append((group.label, [SelectChoice(z, zone_name(z, at)) for z in group.zones]))
    return options
