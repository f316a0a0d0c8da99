"""Clearly fictitious registrations and attendance for the 2020 series, so that a newcomer
sees full participant lists and reports at once.

The series took place long ago: the officials are written as confirmed rows directly (no
e-mails are queued for events of 2020). Every surname is "Ejemplo" or "Example" and every
address ends in @demo.example. The meeting of the Working Group on Border Management of
28 September 2020 is attended by the ten countries its report names (seed 004), so the report's
paragraph reads like the real one. A seeded random generator makes every load identical.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from webinars.attendance.models import Attendance, AttendanceSource, AttendanceState
from webinars.catalog.models import Country
from webinars.demo import border_management, mass_flows, smuggling_exchange
from webinars.extensions import db
from webinars.registration.models import Registration, RegistrationStatus, Sex
from webinars.registration.tokens import new_secret
from webinars.series.models import Series
from webinars.sessions.models import EventSession

FIRST_NAMES = (
    "Ana",
    "Luis",
    "María José",
    "Jorge",
    "Sofía",
    "Andrés",
    "Lucía",
    "Óscar",
    "Valeria",
    "Ramón",
    "Inés",
    "Héctor",
)
#: The demo's first names that are women's: their officials answered "female" (most of them).
WOMEN = frozenset({"Ana", "María José", "Sofía", "Lucía", "Valeria", "Inés"})
SURNAMES = ("Núñez", "Ríos", "Peña", "Solís", "Vargas", "Muñoz", "Ávila", "Cruz", "Luna", "Paz")
ENGLISH = {"US", "CA", "BZ"}
#: The countries seed 004 names for the meeting of 28 September 2020 (Belize was absent).
BORDER_MEETING_COUNTRIES = ("CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")


@dataclass(frozen=True)
class Plan:
    """How many officials per country and profile, and which sessions they attend."""

    per_profile: int
    #: Session numbers (1-based) the officials register for.
    sessions: tuple[int, ...] | None
    #: Countries present; the others register and do not come.
    present: tuple[str, ...] | None = None
    #: Whether the officials answered the optional question on sex (the 2020 webinars; the
    #: Working Group's meeting keeps seed 004's paragraph, which states no split).
    sex: bool = False


PLANS = {
    mass_flows.SLUG: Plan(per_profile=2, sessions=None, sex=True),
    smuggling_exchange.SLUG: Plan(per_profile=2, sessions=None, sex=True),
    border_management.MEETINGS_SLUG: Plan(
        per_profile=1, sessions=(1,), present=BORDER_MEETING_COUNTRIES
    ),
}


def add_demo_attendance(series: Series) -> None:
    """Registrations and attendance for a 2020 series just created by the demo loader."""
    plan = PLANS.get(series.slug)
    if plan is None:
        return
    rng = random.Random(series.slug)
    countries = list(db.session.scalars(db.select(Country).order_by(Country.code)))
    chosen = [series.sessions[n - 1] for n in plan.sessions or range(1, len(series.sessions) + 1)]
    n = 0
    for country in countries:
        for profile in series.profiles:
            for _ in range(plan.per_profile):
                n += 1
                registration = _registration(series, country, profile.id, chosen, n, rng)
                if plan.sex:
                    registration.sex = demo_sex(registration.first_name, n)
                db.session.add(registration)
                if plan.present is not None and country.code not in plan.present:
                    continue
                for event_session in chosen:
                    attendance = _presence(
                        event_session, registration, rng, sure=plan.present is not None
                    )
                    if attendance is not None:
                        db.session.add(attendance)
    db.session.flush()
    if series.slug == mass_flows.SLUG:
        _report_leftovers(series)


def demo_sex(first_name: str, n: int) -> Sex | None:
    """The demo official's answer: from the first name, but every ninth left the question
    blank and every thirteenth preferred not to say."""
    if n % 9 == 0:
        return None
    if n % 13 == 0:
        return Sex.UNDISCLOSED
    return Sex.FEMALE if first_name in WOMEN else Sex.MALE


def _registration(
    series: Series,
    country: Country,
    profile_id: int,
    sessions: list[EventSession],
    n: int,
    rng: random.Random,
) -> Registration:
    english = country.code in ENGLISH
    return Registration(
        series=series,
        email=f"{series.slug[:12].rstrip('-')}.{n}@demo.example",
        first_name=rng.choice(FIRST_NAMES),
        last_name=f"{'Example' if english else 'Ejemplo'} {rng.choice(SURNAMES)}",
        country_code=country.code,
        institution=f"Demo institution ({country.code})",
        position="Demo official",
        profile_id=profile_id,
        language="en" if english else "es",
        timezone=country.timezone,
        consent_to_list=rng.random() < 0.7,
        status=RegistrationStatus.CONFIRMED,
        manage_token=new_secret(),
        sessions=list(sessions),
    )


def _presence(
    event_session: EventSession, registration: Registration, rng: random.Random, *, sure: bool
) -> Attendance | None:
    """Most come for most of the session; some drop in briefly; some do not come. `sure`:
    everyone comes for most of it (a meeting whose record names the countries present)."""
    roll = rng.random() if not sure else 1.0
    if roll < 0.15:
        return None
    duration = event_session.duration_minutes
    share = rng.uniform(0.1, 0.4) if roll < 0.25 else rng.uniform(0.7, 1.0)
    minutes = max(1, round(duration * share))
    return Attendance(
        session_id=event_session.id,
        registration=registration,
        state=AttendanceState.REGISTERED,
        name=registration.full_name,
        email=registration.email,
        report_key=registration.email,
        minutes=minutes,
        first_join=event_session.start_at,
        last_leave=event_session.start_at + (event_session.end_at - event_session.start_at) * share,
        source=AttendanceSource.ZOOM,
    )


def _report_leftovers(series: Series) -> None:
    """What a real report leaves: an attendee who never registered (recorded with their
    country) and a device nobody has identified yet (waiting on the attendance page)."""
    first, last = series.sessions[0], series.sessions[-1]
    db.session.add_all(
        [
            Attendance(
                session_id=first.id,
                state=AttendanceState.GUEST,
                name="Invitada Ejemplo Duarte",
                email="invitada@demo.example",
                report_key="invitada@demo.example",
                country_code="PA",
                minutes=first.duration_minutes,
                source=AttendanceSource.ZOOM,
            ),
            Attendance(
                session_id=last.id,
                state=AttendanceState.UNMATCHED,
                name="Galaxy S21",
                report_key="name:galaxy s21",
                minutes=last.duration_minutes - 10,
                source=AttendanceSource.ZOOM,
            ),
        ]
    )
    db.session.flush()
