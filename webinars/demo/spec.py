"""Plain descriptions of the demo series, turned into rows by `webinars.demo.loader`.

The content modules describe what the seeds say (titles, agenda, people, profiles) without
touching the database; the loader resolves organizations, working groups and people.
Agenda times are wall-clock "HH:MM" in the series' zone, on the day of their session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from webinars.series.models import ApprovalMode, Modality, SeriesStatus
from webinars.sessions.models import AgendaKind, RoleKind


@dataclass(frozen=True)
class T:
    """A text in English and Spanish."""

    en: str
    es: str


@dataclass(frozen=True)
class PersonSpec:
    name: str
    organization: str | None  # English acronym
    title: T


@dataclass(frozen=True)
class RoleSpec:
    """Someone who speaks, moderates, facilitates...: a person, an organization and/or a note."""

    kind: RoleKind
    organization: str | None = None  # English acronym
    person: str | None = None  # the name of a PersonSpec of the same series
    note: T | None = None


@dataclass(frozen=True)
class ItemSpec:
    kind: AgendaKind
    start: str  # "HH:MM" in the series' zone
    end: str
    title: T
    sub_points: tuple[T, ...] = ()
    roles: tuple[RoleSpec, ...] = ()


@dataclass(frozen=True)
class SessionSpec:
    start_at: datetime  # UTC
    end_at: datetime
    topic: T
    agenda: tuple[ItemSpec, ...] = ()
    roles: tuple[RoleSpec, ...] = ()
    track: T | None = None


@dataclass(frozen=True)
class ProfileSpec:
    code: str
    label: T
    description: T
    min_per_country: int
    max_per_country: int | None = None


@dataclass(frozen=True)
class SeriesSpec:
    slug: str
    title: T
    background: T
    objective: T
    methodology: T
    modality: Modality
    timezone: str
    working_group: str  # WorkingGroup.code
    host_country: str
    status: SeriesStatus
    sessions: tuple[SessionSpec, ...]
    profiles: tuple[ProfileSpec, ...]
    partners: tuple[str, ...] = ()  # English acronyms
    people: tuple[PersonSpec, ...] = ()
    approval_mode: ApprovalMode = ApprovalMode.AUTOMATIC
    venue: T | None = None
    conference_url: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None


def wall_clock(day: date, hh_mm: str, zone: str) -> datetime:
    """The UTC instant of a wall-clock time on a day in a zone."""
    local = datetime.combine(day, time.fromisoformat(hh_mm)).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def span(day: date, start: str, end: str, zone: str) -> tuple[datetime, datetime]:
    """(start, end) in UTC of a single sitting given in local wall-clock times."""
    return wall_clock(day, start, zone), wall_clock(day, end, zone)


def paragraphs(*texts: str) -> str:
    """Concept-note text: paragraphs separated by a blank line."""
    return "\n\n".join(texts)


# Agenda titles several seeds share.
OPENING_REMARKS = T("Opening remarks", "Palabras de apertura")
CLOSING_REMARKS = T("Closing remarks", "Palabras de cierre")
QUESTIONS_AND_ANSWERS = T("Questions and answers", "Preguntas y respuestas")
PARTICIPANTS_QUESTIONS = T(
    "Participants' questions and answers", "Preguntas y respuestas de los participantes"
)
