"""The attendance report of a series or of one of its sessions.

`load_report_data` reads what the report needs in a fixed number of queries (counts grouped in
the database, one small row per presence); `build_report` is pure: data in, figures out. The
page, the JSON API, the XLSX and the PDF all render the same `Report`.

Definitions:
- registered: confirmed registrations that chose the session (for the series: confirmed
  registrations);
- attended: present at least the series' threshold share of the session (`minutes_to_attend`),
  registrants and unregistered attendees alike; for the series, a person counts once however
  many sessions they attended;
- a country met a profile's minimum by attendance when at least that many of its officials of
  that profile attended.

Two rates answer two questions, and each is named for what it is:
- "attended at least one session": of the confirmed registrants, the share present in at least
  one session of the series (a series of four sessions can reach 100 % while each session has
  64-82 %);
- the attendance rate of a session: the registrants who attended it over the confirmed
  registrants who chose it; their average over the sessions held is the "average attendance
  per session".
Unregistered attendees (guests) are counted as attendees, never in a rate: a country with one
guest cannot reach 112 %.
A cancelled session has no rate and counts in no average or tally of sessions attended.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_

from webinars.attendance.models import PARTICIPANT_STATES, Attendance, AttendanceState
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.registration.models import (
    Registration,
    RegistrationStatus,
    Sex,
    registration_sessions,
)
from webinars.reports.narrative import NarrativeFacts, narrative
from webinars.series.models import Series
from webinars.sessions.models import EventSession

#: Profile key of registrations outside the series' profiles.
OTHER = "other"
#: Profile key of attendees who did not register.
UNREGISTERED = "unregistered"
#: Sex key of those who did not answer (and of unregistered attendees).
NOT_STATED = "not_stated"
#: The sex keys of the figures, in the order reports show them.
SEX_KEYS = (*(s.value for s in Sex), NOT_STATED)


@dataclass(frozen=True)
class SessionInfo:
    id: int
    number: int
    topic_en: str
    topic_es: str
    start_at: datetime
    end_at: datetime
    minutes_to_attend: int
    cancelled: bool
    local_day: date


@dataclass(frozen=True)
class ProfileInfo:
    id: int
    code: str
    label_en: str
    label_es: str
    min_per_country: int


@dataclass(frozen=True)
class Presence:
    """One participant present in one session (registrant or unregistered attendee)."""

    person: str
    session_id: int
    country_code: str | None
    organization: str
    profile: str
    minutes: int
    #: A confirmed registration (only they count in "registrants who attended").
    confirmed: bool = False
    #: A `Sex` value or NOT_STATED.
    sex: str = NOT_STATED


@dataclass(frozen=True)
class ReportData:
    slug: str
    title_en: str
    title_es: str
    group_en: str
    group_es: str
    modality: str
    threshold: int
    sessions: list[SessionInfo]
    profiles: list[ProfileInfo]
    #: code -> (name_en, name_es), every member country in the order of their codes.
    countries: dict[str, tuple[str, str]]
    #: (session id, country or None, observer organization, profile key, count) of confirmed
    #: registrations per session they chose.
    registered: list[tuple[int, str | None, str, str, int]]
    #: (country or None, observer organization, profile key, count) of confirmed registrations.
    series_registered: list[tuple[str | None, str, str, int]]
    presences: list[Presence]
    #: (sex key, count) of the confirmed registrations counted in `series_registered`.
    registered_by_sex: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Tally:
    registered: int = 0
    #: Everyone who attended, unregistered attendees (guests) included.
    attended: int = 0
    #: Registrants among them: the rate's numerator, so that a guest never lifts a
    #: country above 100 %.
    registrants_attended: int = 0

    @property
    def rate(self) -> float | None:
        """Registrants who attended over registrants, or None when nobody registered."""
        if not self.registered:
            return None
        return round(self.registrants_attended / self.registered, 4)

    def count(self, registrant: bool) -> None:
        self.attended += 1
        self.registrants_attended += registrant

    def as_dict(self) -> dict[str, Any]:
        return {
            "registered": self.registered,
            "attended": self.attended,
            "registrants_attended": self.registrants_attended,
            "rate": self.rate,
        }


@dataclass
class Figures:
    """Registered and attended, in all and by country, organization and profile."""

    total: Tally = field(default_factory=Tally)
    by_country: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_organization: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_profile: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    #: country -> profile -> people who attended.
    matrix: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    #: Sex key -> registered and attended (the series' figures only; aggregate by design).
    by_sex: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def count_registered(
        self, country: str | None, organization: str, profile: str, n: int
    ) -> None:
        self.total.registered += n
        if country:
            self.by_country[country].registered += n
        elif organization:
            self.by_organization[organization].registered += n
        self.by_profile[profile].registered += n

    def count_attended(self, country: str | None, organization: str, profile: str) -> None:
        registrant = profile != UNREGISTERED
        self.total.count(registrant)
        if country:
            self.by_country[country].count(registrant)
            self.matrix[country][profile] += 1
        elif organization:
            self.by_organization[organization].count(registrant)
        self.by_profile[profile].count(registrant)


@dataclass
class SessionReport:
    info: SessionInfo
    figures: Figures


@dataclass
class MinimumMet:
    profile: ProfileInfo
    #: Countries with at least the minimum number of attendees of that profile.
    met: list[str]
    missing: list[str]


@dataclass
class Report:
    data: ReportData
    sessions: list[SessionReport]
    #: The series as a whole: each person counted once.
    figures: Figures
    #: Number of sessions attended -> number of people.
    sessions_per_person: dict[int, int]
    minimums: list[MinimumMet]
    countries_represented: list[str]
    organizations_represented: list[str]
    narrative: dict[str, str]

    #: Confirmed registrants present in at least one session.
    registrants_attended: int = 0

    @property
    def unique_participants(self) -> int:
        """People (registrants and unregistered attendees) present in at least one session."""
        return self.figures.total.attended

    @property
    def women_share(self) -> float | None:
        """Women among the participants who stated their sex (female, male or another), or
        None when none did. "Prefer not to say" and no answer are left out of the share."""
        return women_share(self.figures.by_sex)

    @property
    def held_sessions(self) -> list[SessionReport]:
        return [s for s in self.sessions if not s.info.cancelled]

    @property
    def attended_at_least_one_rate(self) -> float | None:
        """Of the confirmed registrants, the share present in at least one session."""
        registered = self.figures.total.registered
        return round(self.registrants_attended / registered, 4) if registered else None

    @property
    def average_session_rate(self) -> float | None:
        """The mean of the attendance rates of the sessions held (None when none has one)."""
        rates = [s.figures.total.rate for s in self.held_sessions]
        known = [rate for rate in rates if rate is not None]
        return round(sum(known) / len(known), 4) if known else None


def women_share(by_sex: dict[str, Tally]) -> float | None:
    """Women among the attendees who stated female, male or another; None when nobody did."""
    stated = sum(
        by_sex[key].attended for key in (Sex.FEMALE, Sex.MALE, Sex.ANOTHER) if key in by_sex
    )
    female = by_sex[Sex.FEMALE].attended if Sex.FEMALE in by_sex else 0
    return round(female / stated, 4) if stated else None


def _sex_key(sex: Sex | None) -> str:
    return sex.value if sex is not None else NOT_STATED


def _profile_key(profile_id: int | None, codes: dict[int, str]) -> str:
    return codes.get(profile_id, OTHER) if profile_id is not None else OTHER


def load_report_data(
    series: Series, session: EventSession | None = None, *, country_code: str | None = None
) -> ReportData:
    """Everything the report needs, in seven queries whatever the number of registrations.

    `country_code` (a focal point's `accounts.access.country_scope`, the rule the quota matrix
    follows): only that country's registrations and attendees, no observer organization, and
    that country alone in the list of countries, so that every count, list and export of the
    report holds nothing of another country.
    """
    sessions = _session_infos(series, session)
    session_ids = [s.id for s in sessions]
    profiles = [
        ProfileInfo(p.id, p.code, p.label_en, p.label_es, p.min_per_country)
        for p in series.profiles
    ]
    codes = {p.id: p.code for p in profiles}
    confirmed, present = _scope(series, session_ids, country_code)
    registered = _registered_per_session(confirmed, session_ids, codes)
    if session is None:
        series_registered = _registered_in_series(confirmed, codes)
    else:
        series_registered = [(c, o, p, n) for _, c, o, p, n in registered]
    group = series.working_group
    return ReportData(
        slug=series.slug,
        title_en=series.title_en,
        title_es=series.title_es,
        group_en=group.name_en if group else "",
        group_es=group.name_es if group else "",
        modality=series.modality.value,
        threshold=series.attendance_threshold,
        sessions=sessions,
        profiles=profiles,
        countries=_countries(country_code),
        registered=registered,
        series_registered=series_registered,
        presences=_presences(present, codes),
        registered_by_sex=_registered_by_sex(confirmed, session),
    )


def _session_infos(series: Series, session: EventSession | None) -> list[SessionInfo]:
    """The chosen session, or every session of the series, numbered in the series."""
    chosen = [session] if session is not None else list(series.sessions)
    numbers = {s.id: n for n, s in enumerate(series.sessions, start=1)}
    return [
        SessionInfo(
            id=s.id,
            number=numbers[s.id],
            topic_en=s.topic_en,
            topic_es=s.topic_es,
            start_at=s.start_at,
            end_at=s.end_at,
            minutes_to_attend=s.minutes_to_attend,
            cancelled=s.is_cancelled,
            local_day=s.start_at.astimezone(series.zone).date(),
        )
        for s in chosen
    ]


def _countries(country_code: str | None) -> dict[str, tuple[str, str]]:
    """Country code -> (English name, Spanish name): every country, or the focal point's."""
    query = db.select(Country).order_by(Country.code)
    if country_code is not None:
        query = query.where(Country.code == country_code)
    return {c.code: (c.name_en, c.name_es) for c in db.session.scalars(query)}


def _scope(
    series: Series, session_ids: list[int], country_code: str | None
) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """The conditions of the registrations counted (confirmed ones of the series) and of the
    presences counted (registrants and guests in the sessions), narrowed to one country."""
    confirmed: list[ColumnElement[bool]] = [
        Registration.series_id == series.id,
        Registration.status == RegistrationStatus.CONFIRMED,
    ]
    present: list[ColumnElement[bool]] = [
        Attendance.session_id.in_(session_ids),
        Attendance.state.in_(PARTICIPANT_STATES),
    ]
    if country_code is not None:
        confirmed.append(Registration.country_code == country_code)
        present.append(
            or_(
                and_(
                    Attendance.state == AttendanceState.REGISTERED,
                    Registration.country_code == country_code,
                ),
                and_(
                    Attendance.state == AttendanceState.GUEST,
                    Attendance.country_code == country_code,
                ),
            )
        )
    return confirmed, present


def _registered_per_session(
    confirmed: list[ColumnElement[bool]], session_ids: list[int], codes: dict[int, str]
) -> list[tuple[int, str | None, str, str, int]]:
    """(session, country, observer organization, profile, count) of the confirmed registrants."""
    rows = db.session.execute(
        db.select(
            registration_sessions.c.session_id,
            Registration.country_code,
            Registration.observer_organization,
            Registration.profile_id,
            func.count(),
        )
        .join(Registration, Registration.id == registration_sessions.c.registration_id)
        .where(*confirmed, registration_sessions.c.session_id.in_(session_ids))
        .group_by(
            registration_sessions.c.session_id,
            Registration.country_code,
            Registration.observer_organization,
            Registration.profile_id,
        )
    )
    return [(sid, country, org, _profile_key(pid, codes), n) for sid, country, org, pid, n in rows]


def _registered_in_series(
    confirmed: list[ColumnElement[bool]], codes: dict[int, str]
) -> list[tuple[str | None, str, str, int]]:
    """(country, observer organization, profile, count) of the series' confirmed registrants,
    each counted once whatever the number of sessions they chose."""
    rows = db.session.execute(
        db.select(
            Registration.country_code,
            Registration.observer_organization,
            Registration.profile_id,
            func.count(),
        )
        .where(*confirmed)
        .group_by(
            Registration.country_code,
            Registration.observer_organization,
            Registration.profile_id,
        )
    )
    return [(country, org, _profile_key(pid, codes), n) for country, org, pid, n in rows]


def _registered_by_sex(
    confirmed: list[ColumnElement[bool]], session: EventSession | None
) -> list[tuple[str, int]]:
    """(sex, count) of the confirmed registrants of the series, or of one session."""
    query = db.select(Registration.sex, func.count()).where(*confirmed)
    if session is not None:
        query = query.where(
            Registration.id.in_(
                db.select(registration_sessions.c.registration_id).where(
                    registration_sessions.c.session_id == session.id
                )
            )
        )
    return [(_sex_key(sex), n) for sex, n in db.session.execute(query.group_by(Registration.sex))]


def _presences(present: list[ColumnElement[bool]], codes: dict[int, str]) -> list[Presence]:
    """Every presence counted: a registrant's under their registration's country, organization
    and profile; an unregistered attendee's under the country the import gave."""
    rows = db.session.execute(
        db.select(
            Attendance.id,
            Attendance.registration_id,
            Attendance.report_key,
            Attendance.session_id,
            Attendance.state,
            Attendance.country_code,
            Attendance.minutes,
            Registration.country_code,
            Registration.observer_organization,
            Registration.profile_id,
            Registration.status,
            Registration.sex,
        )
        .outerjoin(Registration, Registration.id == Attendance.registration_id)
        .where(*present)
    )
    presences = []
    for aid, rid, key, sid, state, guest_country, minutes, country, org, pid, status, sex in rows:
        if state == AttendanceState.REGISTERED:
            presences.append(
                Presence(
                    f"r{rid}",
                    sid,
                    country,
                    org,
                    _profile_key(pid, codes),
                    minutes,
                    confirmed=status == RegistrationStatus.CONFIRMED,
                    sex=_sex_key(sex),
                )
            )
        else:
            presences.append(
                Presence(f"g:{key or aid}", sid, guest_country, "", UNREGISTERED, minutes)
            )
    return presences


def build_report(data: ReportData) -> Report:
    """The figures of `data`. Pure."""
    per_session, whole = _count_registered(data)
    person_origin, attended_by_person = _count_attended(data, per_session, whole)
    sessions_per_person = Counter(attended_by_person.values())
    held = len([s for s in data.sessions if not s.cancelled])
    countries_represented = sorted(c for c, t in whole.by_country.items() if t.attended)
    organizations = sorted(o for o, t in whole.by_organization.items() if t.attended)
    facts = NarrativeFacts(
        title_en=data.title_en,
        title_es=data.title_es,
        group_en=data.group_en,
        group_es=data.group_es,
        modality=data.modality,
        days=_days_held(data, per_session),
        countries=[data.countries[code] for code in countries_represented],
        organizations=organizations,
        women_share=women_share(whole.by_sex),
    )
    return Report(
        data=data,
        sessions=[SessionReport(s, per_session[s.id]) for s in data.sessions],
        figures=whole,
        sessions_per_person={n: sessions_per_person.get(n, 0) for n in range(1, held + 1)},
        minimums=_minimums(data, whole),
        countries_represented=countries_represented,
        organizations_represented=organizations,
        narrative=narrative(facts),
        registrants_attended=sum(1 for p in person_origin.values() if p.confirmed),
    )


def _count_registered(data: ReportData) -> tuple[dict[int, Figures], Figures]:
    """The figures of each session and of the series, with the registrations counted."""
    per_session = {s.id: Figures() for s in data.sessions}
    for sid, country, org, profile, n in data.registered:
        per_session[sid].count_registered(country, org, profile, n)
    whole = Figures()
    for country, org, profile, n in data.series_registered:
        whole.count_registered(country, org, profile, n)
    return per_session, whole


def _count_attended(
    data: ReportData, per_session: dict[int, Figures], whole: Figures
) -> tuple[dict[str, Presence], Counter[str]]:
    """Count the presences that reach the session's minimum in a session held: in each
    session, and once per person in the series (under their first presence). Returns each
    person's first presence and the number of sessions they attended."""
    minimum = {s.id: s.minutes_to_attend for s in data.sessions}
    cancelled = {s.id for s in data.sessions if s.cancelled}
    attended_by_person: Counter[str] = Counter()
    person_origin: dict[str, Presence] = {}
    for presence in data.presences:
        if presence.minutes < minimum[presence.session_id] or presence.session_id in cancelled:
            continue
        per_session[presence.session_id].count_attended(
            presence.country_code, presence.organization, presence.profile
        )
        attended_by_person[presence.person] += 1
        person_origin.setdefault(presence.person, presence)
    for presence in person_origin.values():
        whole.count_attended(presence.country_code, presence.organization, presence.profile)
        whole.by_sex[presence.sex].count(presence.profile != UNREGISTERED)
    for sex, n in data.registered_by_sex:
        whole.by_sex[sex].registered += n
    return person_origin, attended_by_person


def _minimums(data: ReportData, whole: Figures) -> list[MinimumMet]:
    """For each profile with a minimum per country, the countries that met it and the others."""
    minimums = []
    for profile in data.profiles:
        if profile.min_per_country <= 0:
            continue
        met = [
            code
            for code in data.countries
            if whole.matrix.get(code, Counter())[profile.code] >= profile.min_per_country
        ]
        minimums.append(
            MinimumMet(profile, met, [code for code in data.countries if code not in met])
        )
    return minimums


def _days_held(data: ReportData, per_session: dict[int, Figures]) -> list[date]:
    """The local days of the sessions held that someone attended; of all those held if none."""
    return [
        s.local_day for s in data.sessions if not s.cancelled and per_session[s.id].total.attended
    ] or [s.local_day for s in data.sessions if not s.cancelled]


def _tallies(tallies: dict[str, Tally]) -> dict[str, dict[str, Any]]:
    return {key: tally.as_dict() for key, tally in sorted(tallies.items())}


def report_json(report: Report) -> dict[str, Any]:
    """The report as the API returns it: codes, not names, so that any client can label them."""
    data = report.data
    return {
        "series": data.slug,
        "threshold_percent": data.threshold,
        "registered": report.figures.total.registered,
        "unique_participants": report.unique_participants,
        "attendance_rate": report.figures.total.rate,
        "registrants_attended": report.registrants_attended,
        "attended_at_least_one_session_rate": report.attended_at_least_one_rate,
        "average_session_attendance_rate": report.average_session_rate,
        "sessions_held": len(report.held_sessions),
        "by_country": _tallies(report.figures.by_country),
        "by_organization": _tallies(report.figures.by_organization),
        "by_profile": _tallies(report.figures.by_profile),
        "by_sex": {key: report.figures.by_sex.get(key, Tally()).as_dict() for key in SEX_KEYS},
        "women_share": report.women_share,
        "attended_matrix": {
            country: dict(sorted(profiles.items()))
            for country, profiles in sorted(report.figures.matrix.items())
        },
        "sessions_per_person": {str(k): v for k, v in report.sessions_per_person.items()},
        "profile_minimums": [
            {
                "profile": m.profile.code,
                "minimum": m.profile.min_per_country,
                "countries_met": m.met,
                "countries_missing": m.missing,
            }
            for m in report.minimums
        ],
        "countries_represented": report.countries_represented,
        "organizations_represented": report.organizations_represented,
        "sessions": [
            {
                "number": s.info.number,
                "start_at": s.info.start_at.isoformat().replace("+00:00", "Z"),
                "topic": {"en": s.info.topic_en, "es": s.info.topic_es},
                "minutes_to_attend": s.info.minutes_to_attend,
                "cancelled": s.info.cancelled,
                "registered": s.figures.total.registered,
                "attended": s.figures.total.attended,
                "attendance_rate": None if s.info.cancelled else s.figures.total.rate,
                "by_country": _tallies(s.figures.by_country),
                "by_organization": _tallies(s.figures.by_organization),
                "by_profile": _tallies(s.figures.by_profile),
            }
            for s in report.sessions
        ],
        "narrative": report.narrative,
    }
