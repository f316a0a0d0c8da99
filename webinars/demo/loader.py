"""Load the demo: the seed events as series, and demo staff accounts.

Idempotent: a series is created only when its slug is missing, a person only when no person of
that name exists, a staff account only when its e-mail is missing. Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from webinars.accounts.models import StaffRole, User
from webinars.accounts.services import create_user
from webinars.catalog.models import Organization, Person, WorkingGroup
from webinars.catalog.reference import ensure_reference_data
from webinars.demo import border_management, mass_flows, smuggling_exchange, work_plan_workshop
from webinars.demo.attendance import add_demo_attendance
from webinars.demo.directory import add_demo_directory
from webinars.demo.follow_up import add_follow_up
from webinars.demo.participation import share_officials
from webinars.demo.registrations import register_webinar_officials
from webinars.demo.spec import (
    ItemSpec,
    PersonSpec,
    RoleSpec,
    SeriesSpec,
    SessionSpec,
    wall_clock,
)
from webinars.extensions import db
from webinars.series.models import ParticipantProfile, Series
from webinars.sessions.models import AgendaItem, EventSession, Role
from webinars.types import utcnow

#: The password of every demo staff account; printed by `flask demo load`.
DEMO_PASSWORD = "demo-password"

#: The facilitator's series: the three 2020 series and the webinar on fraudulent documents.
FACILITATOR_SERIES = (
    smuggling_exchange.SLUG,
    mass_flows.SLUG,
    border_management.MEETINGS_SLUG,
    border_management.WEBINAR_SLUG,
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: StaffRole
    name: str
    country_code: str | None = None
    series_slugs: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("admin@demo.example", StaffRole.ADMIN, "Demo Admin"),
    DemoUser("organizer@demo.example", StaffRole.ORGANIZER, "Demo Organizer"),
    DemoUser(
        "facilitator@demo.example",
        StaffRole.FACILITATOR,
        "Demo Facilitator",
        series_slugs=FACILITATOR_SERIES,
    ),
    DemoUser("focal.cr@demo.example", StaffRole.FOCAL_POINT, "Demo Focal Point CR", "CR"),
    DemoUser("focal.mx@demo.example", StaffRole.FOCAL_POINT, "Demo Focal Point MX", "MX"),
)


@dataclass(frozen=True)
class DemoLoad:
    """What one load created: series slugs and demo staff accounts."""

    series: list[str]
    users: list[DemoUser]


def demo_series(today: date) -> tuple[SeriesSpec, ...]:
    """Every demo series, in the order the seeds are numbered."""
    return (
        smuggling_exchange.series(),
        mass_flows.series(),
        work_plan_workshop.series(),
        border_management.meetings(),
        border_management.webinar(today),
    )


def load_demo(today: date | None = None) -> list[str]:
    """Create the missing demo series and staff accounts; return the slugs created."""
    return load(today).series


def load(today: date | None = None) -> DemoLoad:
    """Like `load_demo`, also telling which staff accounts were created.

    `today` is the day the demo is loaded (UTC by default); the published webinar is dated from it.
    """
    ensure_reference_data()
    specs = demo_series(today or utcnow().date())
    existing = set(
        db.session.scalars(db.select(Series.slug).where(Series.slug.in_([s.slug for s in specs])))
    )
    missing = [spec for spec in specs if spec.slug not in existing]
    if missing:
        builder = _Builder(missing)
        created = [builder.series(spec) for spec in missing]
        db.session.add_all(created)
        db.session.flush()
        for series in created:
            if series.slug == border_management.WEBINAR_SLUG:
                register_webinar_officials(series)
            add_demo_attendance(series)
            if series.slug == smuggling_exchange.SLUG:
                add_follow_up(series)
        by_slug = {series.slug: series for series in created}
        if smuggling_exchange.SLUG in by_slug and mass_flows.SLUG in by_slug:
            share_officials(by_slug[smuggling_exchange.SLUG], by_slug[mass_flows.SLUG])
    add_demo_directory(utcnow())
    return DemoLoad(series=[spec.slug for spec in missing], users=_ensure_users())


def _ensure_users() -> list[DemoUser]:
    emails = [user.email for user in DEMO_USERS]
    existing = set(db.session.scalars(db.select(User.email).where(User.email.in_(emails))))
    created = []
    for user in DEMO_USERS:
        if user.email in existing:
            continue
        create_user(
            user.email,
            DEMO_PASSWORD,
            user.role,
            name=user.name,
            country_code=user.country_code,
            series_slugs=user.series_slugs,
        )
        created.append(user)
    return created


class _Builder:
    """Turns specs into rows, with organizations, working groups and people looked up once."""

    def __init__(self, specs: list[SeriesSpec]) -> None:
        self.organizations = {o.acronym_en: o for o in db.session.scalars(db.select(Organization))}
        self.groups = {g.code: g for g in db.session.scalars(db.select(WorkingGroup))}
        self.people = self._people([p for spec in specs for p in spec.people])

    def _people(self, wanted: list[PersonSpec]) -> dict[str, Person]:
        """Existing people by name, and new rows for the others."""
        names = {p.name for p in wanted}
        found: dict[str, Person] = {}
        for person in db.session.scalars(
            db.select(Person).where(Person.name.in_(names)).order_by(Person.id)
        ):
            found.setdefault(person.name, person)
        for spec in wanted:
            if spec.name not in found:
                found[spec.name] = Person(
                    name=spec.name,
                    title_en=spec.title.en,
                    title_es=spec.title.es,
                    organization=self.organizations[spec.organization]
                    if spec.organization
                    else None,
                )
        return found

    def series(self, spec: SeriesSpec) -> Series:
        return Series(
            slug=spec.slug,
            title_en=spec.title.en,
            title_es=spec.title.es,
            background_en=spec.background.en,
            background_es=spec.background.es,
            objective_en=spec.objective.en,
            objective_es=spec.objective.es,
            methodology_en=spec.methodology.en,
            methodology_es=spec.methodology.es,
            modality=spec.modality,
            venue_en=spec.venue.en if spec.venue else "",
            venue_es=spec.venue.es if spec.venue else "",
            conference_url=spec.conference_url,
            timezone=spec.timezone,
            registration_opens_at=spec.registration_opens_at,
            registration_closes_at=spec.registration_closes_at,
            approval_mode=spec.approval_mode,
            status=spec.status,
            working_group=self.groups[spec.working_group],
            host_country_code=spec.host_country,
            partners=[self.organizations[acronym] for acronym in spec.partners],
            sessions=[self._session(s, spec.timezone) for s in spec.sessions],
            profiles=[
                ParticipantProfile(
                    code=p.code,
                    label_en=p.label.en,
                    label_es=p.label.es,
                    description_en=p.description.en,
                    description_es=p.description.es,
                    min_per_country=p.min_per_country,
                    max_per_country=p.max_per_country,
                    position=position,
                )
                for position, p in enumerate(spec.profiles)
            ],
        )

    def _session(self, spec: SessionSpec, zone: str) -> EventSession:
        day = spec.start_at.astimezone(ZoneInfo(zone)).date()
        return EventSession(
            topic_en=spec.topic.en,
            topic_es=spec.topic.es,
            start_at=spec.start_at,
            end_at=spec.end_at,
            track_en=spec.track.en if spec.track else "",
            track_es=spec.track.es if spec.track else "",
            agenda_items=[
                self._item(item, day, zone, position) for position, item in enumerate(spec.agenda)
            ],
            roles=[self._role(r) for r in spec.roles],
        )

    def _item(self, spec: ItemSpec, day: date, zone: str, position: int) -> AgendaItem:
        return AgendaItem(
            kind=spec.kind,
            start_at=wall_clock(day, spec.start, zone),
            end_at=wall_clock(day, spec.end, zone),
            title_en=spec.title.en,
            title_es=spec.title.es,
            sub_points=[{"en": p.en, "es": p.es} for p in spec.sub_points],
            position=position,
            roles=[self._role(r) for r in spec.roles],
        )

    def _role(self, spec: RoleSpec) -> Role:
        return Role(
            kind=spec.kind,
            person=self.people[spec.person] if spec.person else None,
            organization=self.organizations[spec.organization] if spec.organization else None,
            note_en=spec.note.en if spec.note else "",
            note_es=spec.note.es if spec.note else "",
        )
