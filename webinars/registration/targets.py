"""The country x profile matrix: how far each country's delegation is from the series' targets.

Two grouped queries (the cells, and the confirmed registrations by sex), whatever the number
of registrations. A cell is "met" when its confirmed
registrations reach the profile's `min_per_country`. A target refuses no one: the limits that
do (`max_per_country`, capacities) are `registration.limits`. Staff and API still call this
matrix the quotas (`/staff/series/<slug>/quotas`, `/api/v1/series/<slug>/quotas`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TypeAlias

from sqlalchemy import func

from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.registration.models import ACTIVE_STATUSES, Registration, RegistrationStatus, Sex
from webinars.series.models import ParticipantProfile, Series

S = RegistrationStatus


@dataclass(frozen=True)
class Cell:
    profile: ParticipantProfile | None  # None: "other"
    confirmed: int
    pending: int
    waitlisted: int

    @property
    def minimum(self) -> int:
        return self.profile.min_per_country if self.profile else 0

    @property
    def maximum(self) -> int | None:
        return self.profile.max_per_country if self.profile else None

    @property
    def met(self) -> bool:
        return self.confirmed >= self.minimum

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.confirmed)


@dataclass(frozen=True)
class CountryRow:
    country: Country
    cells: list[Cell]
    other: Cell

    @property
    def confirmed(self) -> int:
        return sum(c.confirmed for c in self.cells) + self.other.confirmed

    @property
    def pending(self) -> int:
        return sum(c.pending for c in self.cells) + self.other.pending

    @property
    def waitlisted(self) -> int:
        return sum(c.waitlisted for c in self.cells) + self.other.waitlisted

    @property
    def lacking(self) -> list[Cell]:
        """The profiles whose target this country has not reached yet."""
        return [c for c in self.cells if not c.met]

    @property
    def complete(self) -> bool:
        return not self.lacking


@dataclass(frozen=True)
class TargetMatrix:
    series: Series
    profiles: list[ParticipantProfile]
    rows: list[CountryRow]
    #: Observer organizations: not counted against any country.
    observers: Counter[RegistrationStatus] = field(default_factory=Counter)
    #: Country code -> sex (None: not stated) -> confirmed registrations. Totals only.
    by_sex: dict[str, Counter[Sex | None]] = field(default_factory=dict)

    def sex_total(self, sex: Sex | None) -> int:
        """Confirmed registrations of every row with that answer."""
        return sum(self.by_sex.get(r.country.code, Counter())[sex] for r in self.rows)

    def column(self, index: int) -> Cell:
        """Totals of one profile over the rows (index len(profiles) is "other")."""
        cells = [r.other if index == len(self.profiles) else r.cells[index] for r in self.rows]
        profile = None if index == len(self.profiles) else self.profiles[index]
        return Cell(
            profile,
            sum(c.confirmed for c in cells),
            sum(c.pending for c in cells),
            sum(c.waitlisted for c in cells),
        )

    @property
    def columns(self) -> list[Cell]:
        return [self.column(i) for i in range(len(self.profiles) + 1)]

    @property
    def lacking_rows(self) -> list[CountryRow]:
        return [r for r in self.rows if not r.complete]


#: (country code, profile id, status) -> active registrations; None: observer, or "other".
_Counts: TypeAlias = Counter[tuple[str | None, int | None, RegistrationStatus]]


def _counts(series: Series) -> _Counts:
    """The cells in one grouped query."""
    counts: _Counts = Counter()
    query = (
        db.select(
            Registration.country_code,
            Registration.profile_id,
            Registration.status,
            func.count(Registration.id),
        )
        .where(
            Registration.series_id == series.id,
            Registration.status.in_(ACTIVE_STATUSES),
        )
        .group_by(Registration.country_code, Registration.profile_id, Registration.status)
    )
    for code, profile_id, status, n in db.session.execute(query):
        counts[(code, profile_id, status)] = n
    return counts


def _cell(counts: _Counts, code: str, profile: ParticipantProfile | None) -> Cell:
    pid = profile.id if profile else None
    return Cell(
        profile,
        counts[(code, pid, S.CONFIRMED)],
        counts[(code, pid, S.PENDING)],
        counts[(code, pid, S.WAITLISTED)],
    )


def _country_rows(
    counts: _Counts,
    profiles: list[ParticipantProfile],
    country_code: str | None,
    language: str | None,
) -> list[CountryRow]:
    """A row per member country (or the one), in the order of their names in `language`."""
    countries_query = db.select(Country)
    if country_code is not None:
        countries_query = countries_query.where(Country.code == country_code)
    return [
        CountryRow(
            country,
            [_cell(counts, country.code, p) for p in profiles],
            _cell(counts, country.code, None),
        )
        for country in collated(
            db.session.scalars(countries_query), lambda c: c.t("name", language), language
        )
    ]


def _observers(counts: _Counts) -> Counter[RegistrationStatus]:
    observers: Counter[RegistrationStatus] = Counter()
    for (code, _pid, status), n in counts.items():
        if code is None:
            observers[status] += n
    return observers


def _confirmed_by_sex(series: Series, country_code: str | None) -> dict[str, Counter[Sex | None]]:
    """The second grouped query: confirmed registrations by country and sex."""
    by_sex: dict[str, Counter[Sex | None]] = {}
    sex_query = (
        db.select(Registration.country_code, Registration.sex, func.count(Registration.id))
        .where(
            Registration.series_id == series.id,
            Registration.status == S.CONFIRMED,
            Registration.country_code.is_not(None),
        )
        .group_by(Registration.country_code, Registration.sex)
    )
    if country_code is not None:
        sex_query = sex_query.where(Registration.country_code == country_code)
    for code, sex, n in db.session.execute(sex_query):
        by_sex.setdefault(code, Counter())[sex] = n
    return by_sex


def target_matrix(
    series: Series, *, country_code: str | None = None, language: str | None = None
) -> TargetMatrix:
    """The matrix for every member country, or for one (a focal point's); countries in the
    alphabetical order of their names in `language` (default: the reader's)."""
    counts = _counts(series)
    profiles = list(series.profiles)
    rows = _country_rows(counts, profiles, country_code, language)
    observers = _observers(counts) if country_code is None else Counter()
    by_sex = _confirmed_by_sex(series, country_code)
    return TargetMatrix(
        series=series, profiles=profiles, rows=rows, observers=observers, by_sex=by_sex
    )
