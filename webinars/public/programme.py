"""The programme of a series shaped for reading: parallel sittings together, roles as lines.

"Panelists: Raúl Fuentes, Gisselle Pérez (Strategic Analysis Team, Joint Border
Intelligence Group)" is one line of an agenda item: people of one role sharing the same
title and organization are named together, the way the seeds write them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.catalog.models import Organization
from webinars.sessions.labels import ROLE_KIND
from webinars.sessions.models import EventSession, Role, RoleKind

#: The order roles are read in: who opens, who leads, who speaks, who writes it down.
ROLE_ORDER: tuple[RoleKind, ...] = (
    RoleKind.OPENING_REMARKS,
    RoleKind.MODERATOR,
    RoleKind.FACILITATOR,
    RoleKind.PANELIST,
    RoleKind.SPEAKER,
    RoleKind.RAPPORTEUR,
)

ROLE_KIND_PLURAL: dict[RoleKind, LazyString] = {
    RoleKind.PANELIST: _l("Panelists"),
    RoleKind.MODERATOR: _l("Moderators"),
    RoleKind.FACILITATOR: _l("Facilitators"),
    RoleKind.SPEAKER: _l("Speakers"),
    RoleKind.RAPPORTEUR: _l("Rapporteurs"),
    RoleKind.OPENING_REMARKS: _l("Opening remarks"),
}


@dataclass
class RoleEntry:
    """People sharing one affiliation, or an organization acting as such, or only a note."""

    names: list[str] = field(default_factory=list)
    affiliation: str = ""
    organization: Organization | None = None
    note: str = ""


@dataclass
class RoleLine:
    """Everyone holding one kind of role in a session or an agenda item."""

    kind: RoleKind
    entries: list[RoleEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        count = sum(max(len(entry.names), 1) for entry in self.entries)
        return str(ROLE_KIND_PLURAL[self.kind] if count > 1 else ROLE_KIND[self.kind])


def _names_organization(title: str, organization: Organization) -> bool:
    """Whether a title already says the organization ("IOM Senior Regional Specialist").

    Names match in any case; acronyms only as written, so "ES" is not the Spanish "es".
    """
    names = (organization.name_en, organization.name_es)
    acronyms = (organization.acronym_en, organization.acronym_es)
    return any(re.search(rf"\b{re.escape(name)}\b", title, re.IGNORECASE) for name in names) or any(
        re.search(rf"\b{re.escape(acronym)}\b", title) for acronym in acronyms
    )


def _entry(role: Role) -> RoleEntry:
    if role.person is None:
        return RoleEntry(organization=role.organization, note=role.note)
    title = role.person.title
    organization = role.effective_organization
    parts = [title] if title else []
    if organization is not None and not _names_organization(title, organization):
        parts.append(organization.name)
    return RoleEntry(names=[role.person.name], affiliation=", ".join(parts), note=role.note)


def role_lines(roles: Sequence[Role]) -> list[RoleLine]:
    """Roles grouped by kind in `ROLE_ORDER`, consecutive people of one affiliation merged."""
    lines: dict[RoleKind, RoleLine] = {}
    for role in sorted(roles, key=lambda r: (ROLE_ORDER.index(r.kind), r.id)):
        line = lines.setdefault(role.kind, RoleLine(role.kind))
        entry = _entry(role)
        previous = line.entries[-1] if line.entries else None
        if (
            previous is not None
            and entry.names
            and previous.names
            and not previous.note
            and not entry.note
            and previous.affiliation == entry.affiliation
        ):
            previous.names.extend(entry.names)
        else:
            line.entries.append(entry)
    return list(lines.values())


@dataclass(frozen=True)
class NumberedSession:
    number: int
    session: EventSession


@dataclass
class SessionGroup:
    """Sessions starting at the same instant: parallel tracks when there are several."""

    start_at: datetime
    sessions: list[NumberedSession] = field(default_factory=list)

    @property
    def parallel(self) -> bool:
        return len(self.sessions) > 1


def session_groups(sessions: Sequence[EventSession]) -> list[SessionGroup]:
    """Sessions in time order, numbered from 1, grouped by start time."""
    groups: list[SessionGroup] = []
    for number, event_session in enumerate(
        sorted(sessions, key=lambda s: (s.start_at, s.id)), start=1
    ):
        if not groups or groups[-1].start_at != event_session.start_at:
            groups.append(SessionGroup(event_session.start_at))
        groups[-1].sessions.append(NumberedSession(number, event_session))
    return groups
