"""The yearly participation report, per country and per working group, for the Technical
Secretariat's annual report.

`load_year_data` reads what it needs in six queries whatever the number of rows; `build_yearly`
is pure. The page, the JSON, the XLSX and the PDF render the same `YearlyReport`.

Definitions (those of each series' report, `webinars.reports.report`, added up over the year):
- the year's sessions: sessions not cancelled of published (or closed, archived) series whose
  day in the series' time zone falls in the year; a series is held in the year when one of
  its sessions is;
- attended: present at least the series' threshold share of a session;
- participants: people present in at least one of the year's sessions of a series, counted
  once per series (registrants and unregistered attendees, as in the series' report);
- unique persons: participants counted once across the year: registrants by the person their
  registrations are linked to (`webinars.participation`); an unregistered attendee cannot be
  linked across series and counts once per series;
- registrations: confirmed registrations of the series held;
- countries represented and profiles reached: those of at least one participant (profiles by
  their label, since each series defines its own);
- by sex: unique persons by their latest answer; an unregistered attendee has none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import selectinload

from webinars.attendance.models import PARTICIPANT_STATES, Attendance, AttendanceState
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.registration.models import Registration, RegistrationStatus, Sex
from webinars.reports.report import NOT_STATED, SEX_KEYS
from webinars.series.models import PUBLIC_STATUSES, ParticipantProfile, Series
from webinars.sessions.models import EventSession

#: The working-group key of series that belong to none.
NO_GROUP = ""


@dataclass(frozen=True)
class YearSeries:
    id: int
    slug: str
    title_en: str
    title_es: str
    group: str
    #: The year's sessions held, in time order.
    sessions: int
    first_day: date


@dataclass(frozen=True)
class YearPresence:
    """A person present at least the threshold in one of the year's sessions."""

    series_id: int
    session_id: int
    person: str
    country_code: str | None
    #: (label_en, label_es) of the registration's profile, or None.
    profile: tuple[str, str] | None
    sex: str


@dataclass(frozen=True)
class YearData:
    year: int
    series: list[YearSeries]
    #: code -> (name_en, name_es): every member country.
    countries: dict[str, tuple[str, str]]
    #: code -> (name_en, name_es) of the working groups of the year's series.
    groups: dict[str, tuple[str, str]]
    #: (series id, country or None) of each confirmed registration of the year's series.
    registrations: list[tuple[int, str | None]]
    presences: list[YearPresence]


@dataclass
class YearFigures:
    series: int = 0
    sessions: int = 0
    registrations: int = 0
    participants: int = 0
    unique_persons: int = 0
    countries: list[str] = field(default_factory=list)
    profiles: list[tuple[str, str]] = field(default_factory=list)
    #: Sex key -> unique persons.
    by_sex: Counter[str] = field(default_factory=Counter)

    @property
    def women_share(self) -> float | None:
        """Women among the unique persons who stated female, male or another."""
        stated = sum(self.by_sex[key] for key in (Sex.FEMALE, Sex.MALE, Sex.ANOTHER))
        return round(self.by_sex[Sex.FEMALE] / stated, 4) if stated else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "sessions": self.sessions,
            "registrations": self.registrations,
            "participants": self.participants,
            "unique_persons": self.unique_persons,
            "countries_represented": self.countries,
            "profiles_reached": [{"en": en, "es": es} for en, es in self.profiles],
            "by_sex": {key: self.by_sex[key] for key in SEX_KEYS},
            "women_share": self.women_share,
        }


@dataclass
class YearlyReport:
    data: YearData
    total: YearFigures
    #: Working-group code -> figures, for the groups that held a series.
    by_group: dict[str, YearFigures]
    #: Member country code -> figures, every member country.
    by_country: dict[str, YearFigures]
    #: Series id -> figures of that series alone.
    by_series: dict[int, YearFigures]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """UTC bounds wide enough for any zone's local days of the year."""
    return (
        datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1),
        datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1),
    )


def _sessions_of_year(year: int) -> list[EventSession]:
    start, end = _year_bounds(year)
    candidates = db.session.scalars(
        db.select(EventSession)
        .join(Series, Series.id == EventSession.series_id)
        .where(
            EventSession.start_at >= start,
            EventSession.start_at < end,
            Series.status.in_(PUBLIC_STATUSES),
        )
        .options(selectinload(EventSession.series).selectinload(Series.working_group))
        .order_by(EventSession.start_at, EventSession.id)
    )
    return [
        s
        for s in candidates
        if not s.is_cancelled and s.start_at.astimezone(s.series.zone).year == year
    ]


#: Registration id -> (person, country, profile's labels, sex key).
_People = dict[int, tuple[str, str | None, tuple[str, str] | None, str]]


def load_year_data(year: int) -> YearData:
    """Everything the yearly report needs, in six queries."""
    sessions = _sessions_of_year(year)
    year_series, groups = _year_series(sessions)
    countries = {
        c.code: (c.name_en, c.name_es)
        for c in db.session.scalars(db.select(Country).order_by(Country.code))
    }
    people, latest_sex, registrations = _registrants([s.id for s in year_series])
    return YearData(
        year=year,
        series=sorted(year_series, key=lambda s: (s.first_day, s.id)),
        countries=countries,
        groups=groups,
        registrations=registrations,
        presences=_year_presences(sessions, people, latest_sex),
    )


def _year_series(
    sessions: list[EventSession],
) -> tuple[list[YearSeries], dict[str, tuple[str, str]]]:
    """The series of the year's sessions (in the sessions' order), and the names of their
    working groups by code."""
    series_by_id: dict[int, Series] = {}
    per_series: Counter[int] = Counter()
    for s in sessions:
        series_by_id.setdefault(s.series_id, s.series)
        per_series[s.series_id] += 1
    first_days: dict[int, date] = {}
    for s in sessions:
        first_days.setdefault(s.series_id, s.start_at.astimezone(s.series.zone).date())
    groups: dict[str, tuple[str, str]] = {}
    year_series = []
    for series in series_by_id.values():
        group = series.working_group
        code = group.code if group is not None else NO_GROUP
        if group is not None:
            groups[code] = (group.name_en, group.name_es)
        year_series.append(
            YearSeries(
                series.id,
                series.slug,
                series.title_en,
                series.title_es,
                code,
                per_series[series.id],
                first_days[series.id],
            )
        )
    return year_series, groups


def _registrants(
    series_ids: list[int],
) -> tuple[_People, dict[str, tuple[int, str]], list[tuple[int, str | None]]]:
    """Every registration of the series: who it is, the sex each person stated last (person ->
    (registration id, sex key)), and (series, country) of the confirmed ones."""
    labels = {
        pid: (en, es)
        for pid, en, es in db.session.execute(
            db.select(
                ParticipantProfile.id, ParticipantProfile.label_en, ParticipantProfile.label_es
            ).where(ParticipantProfile.series_id.in_(series_ids))
        )
    }
    people: _People = {}
    latest_sex: dict[str, tuple[int, str]] = {}
    registrations: list[tuple[int, str | None]] = []
    for rid, sid, participant_id, country, profile_id, sex, status in db.session.execute(
        db.select(
            Registration.id,
            Registration.series_id,
            Registration.participant_id,
            Registration.country_code,
            Registration.profile_id,
            Registration.sex,
            Registration.status,
        ).where(Registration.series_id.in_(series_ids))
    ):
        person = f"p{participant_id}" if participant_id is not None else f"r{rid}"
        sex_key = sex.value if sex is not None else NOT_STATED
        people[rid] = (person, country, labels.get(profile_id) if profile_id else None, sex_key)
        if rid >= latest_sex.get(person, (-1, ""))[0]:
            latest_sex[person] = (rid, sex_key)
        if status == RegistrationStatus.CONFIRMED:
            registrations.append((sid, country))
    return people, latest_sex, registrations


def _year_presences(
    sessions: list[EventSession], people: _People, latest_sex: dict[str, tuple[int, str]]
) -> list[YearPresence]:
    """The presences that reach their session's minimum, a person's minutes in a session
    summed over their rows; an unregistered attendee is one person per series."""
    minimum = {s.id: s.minutes_to_attend for s in sessions}
    series_of = {s.id: s.series_id for s in sessions}
    minutes: Counter[tuple[int, str]] = Counter()
    guest_country: dict[str, str | None] = {}
    for aid, rid, key, session_id, state, country, present in db.session.execute(
        db.select(
            Attendance.id,
            Attendance.registration_id,
            Attendance.report_key,
            Attendance.session_id,
            Attendance.state,
            Attendance.country_code,
            Attendance.minutes,
        ).where(
            Attendance.session_id.in_(list(minimum)),
            Attendance.state.in_(PARTICIPANT_STATES),
        )
    ):
        if state == AttendanceState.REGISTERED and rid in people:
            minutes[(session_id, f"r:{rid}")] += present
        else:
            guest = f"g{series_of[session_id]}:{key or aid}"
            guest_country[guest] = country
            minutes[(session_id, guest)] += present
    presences = []
    for (session_id, who), present in sorted(minutes.items()):
        if present < minimum[session_id]:
            continue
        if who.startswith("r:"):
            person, country, profile, _sex = people[int(who[2:])]
            presences.append(
                YearPresence(
                    series_of[session_id],
                    session_id,
                    person,
                    country,
                    profile,
                    latest_sex[person][1],
                )
            )
        else:
            presences.append(
                YearPresence(
                    series_of[session_id], session_id, who, guest_country[who], None, NOT_STATED
                )
            )
    return presences


def _figures(
    series: Iterable[YearSeries],
    presences: list[YearPresence],
    registrations: Iterable[tuple[int, str | None]],
    *,
    held: bool,
) -> YearFigures:
    """The figures of `presences`; with `held`, series and sessions are those held (a working
    group, the year), else those with a participant (a country)."""
    series = list(series)
    figures = YearFigures()
    if held:
        figures.series = len(series)
        figures.sessions = sum(s.sessions for s in series)
    else:
        figures.series = len({p.series_id for p in presences})
        figures.sessions = len({p.session_id for p in presences})
    figures.registrations = sum(1 for _registration in registrations)
    figures.participants = len({(p.series_id, p.person) for p in presences})
    sexes: dict[str, str] = {}
    for presence in presences:
        sexes.setdefault(presence.person, presence.sex)
    figures.unique_persons = len(sexes)
    figures.by_sex = Counter(sexes.values())
    figures.countries = sorted({p.country_code for p in presences if p.country_code})
    figures.profiles = sorted({p.profile for p in presences if p.profile is not None})
    return figures


def build_yearly(data: YearData) -> YearlyReport:
    """The figures of `data`. Pure."""
    group_of = {s.id: s.group for s in data.series}

    def select(
        keep_series: Callable[[YearSeries], bool], keep_country: Callable[[str | None], bool]
    ) -> tuple[list[YearSeries], list[YearPresence], list[tuple[int, str | None]]]:
        ids = {s.id for s in data.series if keep_series(s)}
        return (
            [s for s in data.series if s.id in ids],
            [p for p in data.presences if p.series_id in ids and keep_country(p.country_code)],
            [r for r in data.registrations if r[0] in ids and keep_country(r[1])],
        )

    def anyone(_code: str | None) -> bool:
        return True

    total = _figures(*select(lambda s: True, anyone), held=True)
    by_group = {
        code: _figures(*select(lambda s, c=code: s.group == c, anyone), held=True)
        for code in sorted({group_of[s.id] for s in data.series})
    }
    by_country = {
        code: _figures(*select(lambda s: True, lambda c, k=code: c == k), held=False)
        for code in data.countries
    }
    by_series = {
        s.id: _figures(*select(lambda x, i=s.id: x.id == i, anyone), held=True) for s in data.series
    }
    return YearlyReport(data, total, by_group, by_country, by_series)


def yearly_json(report: YearlyReport) -> dict[str, Any]:
    """Codes, not names, as the series' report JSON."""
    return {
        "year": report.data.year,
        "totals": report.total.as_dict(),
        "by_working_group": {
            code or "none": figures.as_dict() for code, figures in report.by_group.items()
        },
        "by_country": {code: figures.as_dict() for code, figures in report.by_country.items()},
        "series": [
            {"slug": s.slug, "working_group": s.group or None, **report.by_series[s.id].as_dict()}
            for s in report.data.series
        ],
    }
