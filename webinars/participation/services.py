"""Linking registrations to the person behind them, and what that person took part in.

Services flush and never commit. Each function issues a fixed number of queries whatever the
number of registrations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import insert, or_
from sqlalchemy.orm import selectinload

from webinars.attendance.models import Attendance, AttendanceState
from webinars.extensions import db
from webinars.folding import fold_name
from webinars.participation.models import DistinctParticipants, Participant
from webinars.registration.anonymised import is_anonymised_email
from webinars.registration.models import Registration
from webinars.series.models import Series
from webinars.sessions.models import EventSession


class ParticipationError(Exception):
    """A link staff may not make (the pair is not, or no longer, a suggestion)."""


def link(registrations: Sequence[Registration]) -> None:
    """Give each unlinked registration its person: the participant of another registration
    with the same e-mail address, or a new one. Anonymised registrations stay unlinked."""
    pending = [
        r for r in registrations if r.participant_id is None and not is_anonymised_email(r.email)
    ]
    if not pending:
        return
    emails = {r.email for r in pending}
    known: dict[str, int] = {}
    for email, participant_id in db.session.execute(
        db.select(Registration.email, Registration.participant_id)
        .where(Registration.email.in_(emails), Registration.participant_id.is_not(None))
        .order_by(Registration.participant_id)
    ):
        known.setdefault(email, participant_id)
    created: dict[str, Participant] = {}
    for registration in pending:
        if registration.email not in known and registration.email not in created:
            created[registration.email] = Participant()
    db.session.add_all(created.values())
    db.session.flush()
    for registration in pending:
        registration.participant_id = known.get(registration.email) or (
            created[registration.email].id
        )
    db.session.flush()


def person_for(email: str, known: Iterable[int | None]) -> int | None:
    """The person a new registration of `email` belongs to: the first of the people its other
    registrations belong to (`known`, read by the caller with its own check of the address),
    else a new one (flushed: it has its id); None for an anonymised address."""
    if is_anonymised_email(email):
        return None
    ids = [participant_id for participant_id in known if participant_id is not None]
    if ids:
        return min(ids)
    # One INSERT ... RETURNING, without the unit of work: the row is the person's id only.
    return db.session.execute(insert(Participant).returning(Participant.id)).scalar_one()


def link_all() -> int:
    """Link every registration not linked yet (the command, the demo); returns how many."""
    unlinked = list(
        db.session.scalars(db.select(Registration).where(Registration.participant_id.is_(None)))
    )
    link(unlinked)
    return sum(1 for r in unlinked if r.participant_id is not None)


# --- suggestions: the same name in the same country, another address ---------------------------


@dataclass(frozen=True)
class Suggestion:
    """Two participants with registrations under the same name in the same country."""

    first_id: int
    second_id: int
    country_code: str
    #: The registrations of both, the first participant's first.
    registrations: list[Registration]

    @property
    def name(self) -> str:
        return self.registrations[0].full_name


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def suggestions(country_code: str | None = None) -> list[Suggestion]:
    """Pairs of participants that may be one person, in the order of their names: the same
    first and last name (accents and case folded) in the same member country, never in the
    same series, never said to be two people. A focal point's list holds only their country (`country_code`)."""
    query = (
        db.select(Registration)
        .where(Registration.participant_id.is_not(None), Registration.country_code.is_not(None))
        .options(selectinload(Registration.series))
        .order_by(Registration.id)
    )
    if country_code is not None:
        query = query.where(Registration.country_code == country_code)
    groups: dict[tuple[str, str], dict[int, list[Registration]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for registration in db.session.scalars(query):
        if is_anonymised_email(registration.email):
            continue
        key = (fold_name(registration.full_name), registration.country_code or "")
        groups[key][registration.participant_id or 0].append(registration)
    distinct = {
        (first, second)
        for first, second in db.session.execute(
            db.select(DistinctParticipants.first_id, DistinctParticipants.second_id)
        )
    }
    found = []
    for (_name, country), people in sorted(groups.items()):
        for a, b in combinations(sorted(people), 2):
            if _ordered(a, b) in distinct:
                continue
            # One person registers once per series: two in one series are two people.
            if {r.series_id for r in people[a]} & {r.series_id for r in people[b]}:
                continue
            found.append(Suggestion(a, b, country, [*people[a], *people[b]]))
    return found


def _suggested(first_id: int, second_id: int, country_code: str | None) -> Suggestion:
    pair = _ordered(first_id, second_id)
    for suggestion in suggestions(country_code):
        if (suggestion.first_id, suggestion.second_id) == pair:
            return suggestion
    raise ParticipationError(first_id, second_id)


def confirm_same_person(first_id: int, second_id: int, *, country_code: str | None = None) -> int:
    """Merge a suggested pair into the smaller participant; returns its id. Only a pair still
    suggested (within `country_code` for a focal point) may be merged."""
    suggestion = _suggested(first_id, second_id, country_code)
    keep, other = suggestion.first_id, suggestion.second_id
    db.session.execute(
        db.update(Registration)
        .where(Registration.participant_id == other)
        .values(participant_id=keep)
    )
    db.session.execute(
        db.delete(DistinctParticipants).where(
            or_(DistinctParticipants.first_id == other, DistinctParticipants.second_id == other)
        )
    )
    db.session.execute(db.delete(Participant).where(Participant.id == other))
    db.session.flush()
    return keep


def mark_distinct(first_id: int, second_id: int, *, country_code: str | None = None) -> None:
    """Record that a suggested pair are two people: they are not suggested again."""
    suggestion = _suggested(first_id, second_id, country_code)
    db.session.add(
        DistinctParticipants(first_id=suggestion.first_id, second_id=suggestion.second_id)
    )
    db.session.flush()


# --- a person's history ------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesParticipation:
    """One registration of the person: the series, the sessions chosen and those attended."""

    registration: Registration
    series: Series
    chosen: list[EventSession]
    attended: list[EventSession]


def history(participant_id: int, *, country_code: str | None = None) -> list[SeriesParticipation]:
    """The person's registrations (not anonymised ones), the earliest series first; for a
    focal point only their country's (`country_code`). Three queries."""
    query = (
        db.select(Registration)
        .where(Registration.participant_id == participant_id)
        .options(
            selectinload(Registration.series).selectinload(Series.sessions),
            selectinload(Registration.sessions),
            selectinload(Registration.country),
        )
    )
    if country_code is not None:
        query = query.where(Registration.country_code == country_code)
    registrations = [r for r in db.session.scalars(query) if not is_anonymised_email(r.email)]
    minutes: dict[tuple[int, int], int] = defaultdict(int)
    if registrations:
        for registration_id, session_id, present in db.session.execute(
            db.select(Attendance.registration_id, Attendance.session_id, Attendance.minutes).where(
                Attendance.registration_id.in_([r.id for r in registrations]),
                Attendance.state == AttendanceState.REGISTERED,
            )
        ):
            minutes[(registration_id, session_id)] += present
    entries = []
    for registration in registrations:
        sessions = registration.series.sessions
        attended = [
            s
            for s in sessions
            if not s.is_cancelled and minutes[(registration.id, s.id)] >= s.minutes_to_attend
        ]
        entries.append(
            SeriesParticipation(registration, registration.series, registration.sessions, attended)
        )

    def first_day(entry: SeriesParticipation) -> tuple[object, int]:
        starts = [s.start_at for s in entry.series.sessions]
        return (min(starts) if starts else entry.registration.created_at, entry.registration.id)

    return sorted(entries, key=first_day)
