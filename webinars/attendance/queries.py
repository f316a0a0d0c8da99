"""Reading attendance for the staff pages: the registrations a row may be linked to, the
names that resemble it, and the check-in list."""

from __future__ import annotations

from dataclasses import dataclass

from webinars.attendance import services
from webinars.attendance.models import Attendance
from webinars.extensions import db
from webinars.folding import fold_name
from webinars.registration.models import HOLDING_STATUSES, Registration
from webinars.sessions.models import EventSession


def registration_choices(event_session: EventSession) -> list[tuple[int, str]]:
    """The series' registrations no row of this session is linked to yet, as (id, label):
    "Surname, First name · origin · address"."""
    taken = set(
        db.session.scalars(
            db.select(Attendance.registration_id).where(
                Attendance.session_id == event_session.id,
                Attendance.registration_id.is_not(None),
            )
        )
    )
    return [
        (r.id, f"{r.last_name}, {r.first_name} · {r.origin} · {r.email}")
        for r in services.series_registrations(event_session)
        if r.id not in taken
    ]


def name_suggestions(attendance: Attendance, choices: list[tuple[int, str]]) -> list[int]:
    """Registrations sharing a word of the name (a surname, usually) with the row."""
    words = {w for w in fold_name(attendance.name).split() if len(w) > 2}
    if not words:
        return []
    return [rid for rid, label in choices if words & set(fold_name(label.split("·")[0]).split())][
        :5
    ]


@dataclass(frozen=True)
class CheckInList:
    """The check-in page: registrations holding a seat, those who chose the session first."""

    registrations: list[Registration]
    #: Ids of the registrations that chose this session.
    chosen: set[int]
    #: The session's attendance rows, by registration id.
    present: dict[int, Attendance]


def check_in_list(
    event_session: EventSession, *, query: str = "", country: str = ""
) -> CheckInList:
    """The registrations holding a seat whose name or institution contains `query` (accents
    and case aside) and of `country` when given; those who chose the session first, then by
    surname."""
    registrations = [
        r for r in services.series_registrations(event_session) if r.status in HOLDING_STATUSES
    ]
    chosen = {r.id for r in registrations if event_session in r.sessions}
    present = {
        a.registration_id: a
        for a in services.session_attendance(event_session)
        if a.registration_id is not None
    }
    if query:
        folded = fold_name(query)
        registrations = [
            r
            for r in registrations
            if folded in fold_name(f"{r.first_name} {r.last_name} {r.institution}")
        ]
    if country:
        registrations = [r for r in registrations if r.country_code == country]
    registrations.sort(key=lambda r: (r.id not in chosen, fold_name(r.last_name), r.id))
    return CheckInList(registrations, chosen, present)
