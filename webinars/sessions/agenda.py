"""Business rules for a session's agenda items, the people directory and their roles.

Functions take models and validated data, raise `AgendaError` naming the offending form
field, flush, and never commit. Every check runs before the first change, so a refused
request leaves nothing behind.

People with an e-mail address who hold a role get the session's calendar invitation, and a
cancellation when they lose it (`invitations.flow.sync_speakers`), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from webinars.catalog.collation import collated
from webinars.catalog.models import Country, Organization, Person
from webinars.errors import FieldError
from webinars.extensions import db
from webinars.invitations import flow
from webinars.invitations.models import Invitation
from webinars.sessions.models import AgendaItem, AgendaKind, EventSession, Role, RoleKind


class AgendaError(FieldError):
    """A change refused by a rule; `field` is the form field the message belongs beside."""


# --- people and their roles ---------------------------------------------------------------


def people_with_role_counts() -> list[tuple[Person, int]]:
    """Every person of the directory by name, with how many roles they hold."""
    counts = (
        db.select(Role.person_id, func.count(Role.id).label("roles"))
        .where(Role.person_id.is_not(None))
        .group_by(Role.person_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Person, func.coalesce(counts.c.roles, 0))
        .outerjoin(counts, counts.c.person_id == Person.id)
        .options(selectinload(Person.organization), selectinload(Person.country))
        .order_by(Person.id)
    ).all()
    return collated(((person, count) for person, count in rows), lambda row: row[0].name)


def role_count(person: Person) -> int:
    """How many roles deleting this person would remove."""
    return db.session.execute(
        db.select(func.count(Role.id)).where(Role.person_id == person.id)
    ).scalar_one()


# --- agenda items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItemData:
    """An agenda item as entered: wall-clock times in the series' zone, one sub-point a line."""

    kind: AgendaKind
    start_time: time
    end_time: time
    title_en: str
    title_es: str
    sub_points_en: list[str]
    sub_points_es: list[str]
    position: int


def local_time_on_session_day(event_session: EventSession, wall_time: time) -> datetime:
    """The UTC instant of `wall_time` in the series' zone on the session's (local) day.

    A session running past local midnight takes times earlier than its start on the next
    day. A wall time skipped by a daylight-saving change does not exist and is refused.
    """
    zone = event_session.series.zone
    local_start = event_session.start_at.astimezone(zone)
    day = local_start.date()
    crosses_midnight = event_session.end_at.astimezone(zone).date() > day
    if crosses_midnight and wall_time < local_start.time().replace(tzinfo=None):
        day += timedelta(days=1)
    local = datetime.combine(day, wall_time, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError("nonexistent local time")
    return instant


def _instant(event_session: EventSession, wall_time: time, field: str) -> datetime:
    try:
        return local_time_on_session_day(event_session, wall_time)
    except ValueError:
        raise AgendaError(
            field, _l("This time does not exist in the series' zone (clocks change).")
        ) from None


def _sub_points(en: list[str], es: list[str]) -> list[dict[str, str]]:
    """Pair the English and Spanish lines; no Spanish lines means the English ones serve."""
    if es and len(es) != len(en):
        raise AgendaError(
            "sub_points_es",
            _l(
                "Give as many Spanish lines as English ones (%(es)d instead of %(en)d), "
                "or leave the Spanish sub-points empty.",
                es=len(es),
                en=len(en),
            ),
        )
    return [{"en": text_en, "es": es[i] if es else ""} for i, text_en in enumerate(en)]


def _checked_item_values(event_session: EventSession, data: AgendaItemData) -> dict[str, object]:
    """The column values of an item, after every rule passed."""
    for field in ("title_en", "title_es"):
        if not getattr(data, field).strip():
            raise AgendaError(field, _l("This field is required."))
    start_at = _instant(event_session, data.start_time, "start_time")
    end_at = _instant(event_session, data.end_time, "end_time")
    if end_at <= start_at:
        raise AgendaError("end_time", _l("The end must come after the start."))
    zone = event_session.series.zone
    session_hours = {
        "start": event_session.start_at.astimezone(zone).strftime("%H:%M"),
        "end": event_session.end_at.astimezone(zone).strftime("%H:%M"),
    }
    if start_at < event_session.start_at:
        raise AgendaError(
            "start_time",
            _l("The item must start within its session (%(start)s–%(end)s).", **session_hours),
        )
    if end_at > event_session.end_at:
        raise AgendaError(
            "end_time",
            _l("The item must end within its session (%(start)s–%(end)s).", **session_hours),
        )
    if data.position < 0:
        raise AgendaError("position", _l("The position cannot be negative."))
    return {
        "kind": data.kind,
        "start_at": start_at,
        "end_at": end_at,
        "title_en": data.title_en.strip(),
        "title_es": data.title_es.strip(),
        "sub_points": _sub_points(data.sub_points_en, data.sub_points_es),
        "position": data.position,
    }


def create_agenda_item(event_session: EventSession, data: AgendaItemData) -> AgendaItem:
    values = _checked_item_values(event_session, data)
    item = AgendaItem(event_session=event_session, **values)
    db.session.add(item)
    db.session.flush()
    return item


def update_agenda_item(item: AgendaItem, data: AgendaItemData) -> AgendaItem:
    values = _checked_item_values(item.event_session, data)
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    return item


def delete_agenda_item(item: AgendaItem) -> None:
    """Remove an item and, with it, its roles (their people's invitations are withdrawn)."""
    event_session = item.event_session
    had_roles = bool(item.roles)
    db.session.delete(item)
    db.session.flush()
    if had_roles:
        flow.sync_speakers(event_session)


def next_agenda_position(event_session: EventSession) -> int:
    """Where a new item goes by default: after the existing ones."""
    return max((item.position for item in event_session.agenda_items), default=0) + 1


# --- roles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleData:
    """Who: a person of the directory, an organization, a note, or several of them."""

    kind: RoleKind
    person: Person | None
    organization: Organization | None
    note_en: str
    note_es: str


def _checked_role_values(data: RoleData) -> dict[str, object]:
    note_en, note_es = data.note_en.strip(), data.note_es.strip()
    if note_es and not note_en:
        raise AgendaError("note_en", _l("Give the note in English as well."))
    if data.person is None and data.organization is None and not note_en:
        raise AgendaError("person", _l("Choose a person or an organization, or write a note."))
    return {
        "kind": data.kind,
        "person": data.person,
        "organization": data.organization,
        "note_en": note_en,
        "note_es": note_es,
    }


def add_session_role(event_session: EventSession, data: RoleData) -> Role:
    """A role for the whole session: a moderator, a facilitator, a rapporteur..."""
    role = Role(event_session=event_session, **_checked_role_values(data))
    db.session.add(role)
    db.session.flush()
    flow.sync_speakers(event_session)
    return role


def add_agenda_item_role(item: AgendaItem, data: RoleData) -> Role:
    """A role in one agenda item: a panelist, the speaker of the opening remarks..."""
    role = Role(agenda_item=item, **_checked_role_values(data))
    db.session.add(role)
    db.session.flush()
    flow.sync_speakers(item.event_session)
    return role


def delete_role(role: Role) -> None:
    event_session = role.owning_session
    db.session.delete(role)
    db.session.flush()
    flow.sync_speakers(event_session)


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonData:
    name: str
    title_en: str
    title_es: str
    organization: Organization | None
    country: Country | None
    email: str | None


def _checked_person_values(data: PersonData) -> dict[str, object]:
    name = data.name.strip()
    if not name:
        raise AgendaError("name", _l("This field is required."))
    email = (data.email or "").strip() or None
    return {
        "name": name,
        "title_en": data.title_en.strip(),
        "title_es": data.title_es.strip(),
        "organization": data.organization,
        "country": data.country,
        "email": email,
    }


def create_person(data: PersonData) -> Person:
    person = Person(**_checked_person_values(data))
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, data: PersonData) -> Person:
    """Change a person; a new e-mail address takes over their invitations."""
    values = _checked_person_values(data)
    readdressed = values["email"] != person.email
    for name, value in values.items():
        setattr(person, name, value)
    db.session.flush()
    if readdressed:
        flow.sync_person(person)
    return person


def delete_person(person: Person) -> int:
    """Remove a person and their roles.

    Returns how many roles went with them. The roles go first, so that the invitations the
    person held are withdrawn while the invitation rows still exist (the database deletes those
    rows with the person). Loaded roles are expired so that
    nothing in this unit of work still shows the person.
    """
    removed = role_count(person)
    db.session.execute(db.delete(Role).where(Role.person_id == person.id))
    flow.sync_person(person)
    # The CANCELs are rendered when sent, from rows that go with the person: write them now.
    flow.freeze_pending(db.select(Invitation).where(Invitation.person_id == person.id))
    db.session.delete(person)
    db.session.flush()
    db.session.expire_all()
    return removed
