"""IANA time zones: which exist, which each country uses, and their names for people.

The country -> zones table is tzdata's `zone.tab` (one country per zone, so Mexico gets
Tijuana, Chihuahua, Mexico City, Cancún... and Canada Vancouver to St. John's), read from the
`tzdata` package, else from the system's zoneinfo directory.
"""

from __future__ import annotations

import importlib.resources
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import get_timezone_location
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.i18n import current_language
from webinars.types import utcnow


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    """A real IANA zone name, as zoneinfo knows it ("America/Costa_Rica", not "Mars/Olympus")."""
    return name in _known_zones()


def _zone_tab() -> str:
    try:
        return (
            importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
        )
    except (ModuleNotFoundError, FileNotFoundError):
        for directory in zoneinfo.TZPATH:
            path = Path(directory, "zone.tab")
            if path.exists():
                return path.read_text("utf-8")
    return ""


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coordinates, zone, *_comment = line.split("\t")
        if is_known_zone(zone):
            table.setdefault(code, []).append(zone)
    return {code: tuple(zones) for code, zones in table.items()}


def country_zones(code: str) -> tuple[str, ...]:
    """Every IANA zone of a country (ISO 3166 alpha-2), in tzdata's order."""
    return _zones_by_country().get(code.upper(), ())


def offset_text(at: datetime, zone: str) -> str:
    """'UTC−8', 'UTC+5:30', 'UTC' (with a true minus sign): short, for people."""
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return "UTC"
    hours, mins = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "\u2212"
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def zone_city(zone: str, language: str) -> str:
    """The zone's exemplar city in `language` ('Ciudad de México', 'Cancún'), from CLDR."""
    try:
        return str(get_timezone_location(zone, locale=language, return_city=True))
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: str, at: datetime, language: str) -> str:
    """'Tijuana time (UTC−8)' / 'Hora de Tijuana (UTC−8)', the offset at the instant `at`."""
    if zone == "UTC":
        return "UTC"
    return _(
        "%(city)s time (%(offset)s)", city=zone_city(zone, language), offset=offset_text(at, zone)
    )


def zone_name(zone: str, at: datetime | None = None) -> str:
    """`zone_label` in the current language, the offset at `at` (default: now); a template
    filter."""
    return zone_label(zone, at or utcnow(), current_language())


@dataclass(frozen=True)
class ZoneGroup:
    label: str
    zones: tuple[str, ...]


def zone_groups(
    countries: Iterable[Country], at: datetime, *, others: bool = True
) -> list[ZoneGroup]:
    """The member countries (by name in the reader's language), each with all its zones
    from west to east; then, with `others`, UTC and every other zone of tzdata's table
    ("Other zones") by IANA name."""
    groups: list[ZoneGroup] = []
    seen: set[str] = set()

    def west_to_east(zone: str) -> tuple[float, str]:
        offset = at.astimezone(ZoneInfo(zone)).utcoffset()
        return (offset.total_seconds() if offset else 0.0), zone

    for country in collated(countries, lambda c: c.name):
        zones = set(country_zones(country.code)) | {country.timezone}
        zones = {zone for zone in zones if is_known_zone(zone)}
        groups.append(ZoneGroup(country.name, tuple(sorted(zones, key=west_to_east))))
        seen |= zones
    if others:
        canonical = {zone for zones in _zones_by_country().values() for zone in zones}
        groups.append(ZoneGroup(_("Other zones"), ("UTC", *sorted(canonical - seen))))
    return groups


def zone_choices(groups: Sequence[ZoneGroup], at: datetime, language: str) -> list[SelectChoice]:
    """The groups as choices of a select with optgroups; a zone is offered once, in its first
    group."""
    choices: list[SelectChoice] = []
    offered: set[str] = set()
    for group in groups:
        for zone in group.zones:
            if zone in offered:
                continue
            offered.add(zone)
            label = zone_label(zone, at, language)
            choices.append(SelectChoice(zone, label, optgroup=group.label))
    return choices
