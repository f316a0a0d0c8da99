"""Reminders before each session to the confirmed registrants who chose it.

Each series says when (`Series.reminder_minutes`, e.g. a day and an hour before). A run sends,
per session and registrant, the reminder of the latest offset whose moment has passed while
the session has not started: a worker that was down for a while sends one late reminder (the
one-hour one, 30 minutes before), never a stale "tomorrow" one, and never several at once.

Idempotency: a `ReminderSent` row per (registration, session, offset) is inserted with
`INSERT ... ON CONFLICT DO NOTHING ... RETURNING` before anything is enqueued, and only the rows
this run actually inserted get an e-mail, in the same transaction. A concurrent run that tries
the same row waits for the first one's commit (PostgreSQL's unique index) and then inserts
nothing, so each reminder goes out once whoever runs it and however often. A reminder of an
offset already sent is not sent again after the session moves: the row is kept.

A run issues a fixed number of reads whatever the number of registrations; the outbox then
writes one row per reminder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager

from webinars.extensions import db
from webinars.invitations.models import ReminderSent
from webinars.mail.outbox import enqueue_to_registrant
from webinars.registration.models import Registration, RegistrationStatus, registration_sessions
from webinars.registration.notifications import manage_url
from webinars.series.models import Modality, Series
from webinars.series.services import MAX_REMINDER_MINUTES
from webinars.sessions.models import EventSession, SessionStatus
from webinars.types import utcnow

KIND = "reminder"


def due_offset(event_session: EventSession, now: datetime) -> int | None:
    """The reminder that is due for a session at `now`: the smallest offset whose moment
    (start minus offset) has passed, or None when none is due or the session has started."""
    if event_session.is_cancelled or event_session.start_at <= now:
        return None
    due = [
        minutes
        for minutes in event_session.series.reminder_minutes or []
        if event_session.start_at - timedelta(minutes=minutes) <= now
    ]
    return min(due, default=None)


def _sessions_in_window(now: datetime) -> list[EventSession]:
    """Scheduled sessions not started yet that a reminder could be due for, with their series
    (and its sessions, for the session numbers)."""
    return list(
        db.session.scalars(
            db.select(EventSession)
            .join(EventSession.series)
            .where(
                EventSession.status == SessionStatus.SCHEDULED,
                EventSession.start_at > now,
                EventSession.start_at <= now + timedelta(minutes=MAX_REMINDER_MINUTES),
            )
            .options(contains_eager(EventSession.series).selectinload(Series.sessions))
        )
    )


def _insert_ignoring_duplicates() -> Insert:
    """`INSERT ... ON CONFLICT DO NOTHING RETURNING` the key, in the session's dialect."""
    dialect = db.session.get_bind().dialect.name
    module: Any = {"postgresql": postgresql, "sqlite": sqlite}[dialect]
    table = ReminderSent.__table__
    return (
        module.insert(table)
        .on_conflict_do_nothing()
        .returning(table.c.registration_id, table.c.session_id, table.c.minutes_before)
    )


def _claim(rows: Sequence[dict[str, Any]]) -> set[tuple[int, int, int]]:
    """Insert the rows that do not exist yet; the keys of those this call inserted."""
    if not rows:
        return set()
    result = db.session.execute(_insert_ignoring_duplicates(), list(rows))
    return {(r.registration_id, r.session_id, r.minutes_before) for r in result}


def send_due_reminders(now: datetime | None = None) -> int:
    """Enqueue every reminder due at `now` that was not sent yet; the number enqueued.

    Flushes, never commits: the caller commits the `ReminderSent` rows with the e-mails.
    """
    now = now or utcnow()
    due = {
        s.id: (s, minutes)
        for s in _sessions_in_window(now)
        if (minutes := due_offset(s, now)) is not None
    }
    if not due:
        return 0
    chosen = registration_sessions.c.session_id
    # Skip what earlier runs sent, so that a pass between two offsets reads nothing more.
    sent_before = (
        db.select(ReminderSent.registration_id)
        .where(
            ReminderSent.registration_id == Registration.id,
            ReminderSent.session_id == chosen,
            ReminderSent.minutes_before == case({i: m for i, (_s, m) in due.items()}, value=chosen),
        )
        .exists()
    )
    pairs = db.session.execute(
        db.select(Registration, chosen)
        .join(registration_sessions, registration_sessions.c.registration_id == Registration.id)
        .where(
            chosen.in_(due),
            Registration.status == RegistrationStatus.CONFIRMED,
            ~sent_before,
        )
        .order_by(chosen, Registration.id)
    ).all()
    claimed = _claim(
        [
            {
                "registration_id": registration.id,
                "session_id": session_id,
                "minutes_before": due[session_id][1],
                "sent_at": now,
            }
            for registration, session_id in pairs
        ]
    )
    sent = 0
    for registration, session_id in pairs:
        event_session, minutes = due[session_id]
        if (registration.id, session_id, minutes) not in claimed:
            continue
        _enqueue(registration, event_session)
        sent += 1
    return sent


def _enqueue(registration: Registration, event_session: EventSession) -> None:
    series = event_session.series
    enqueue_to_registrant(
        registration,
        "reminder",
        kind=KIND,
        session_id=event_session.id,
        event_session=event_session,
        join_url=event_session.join_url if series.modality != Modality.IN_PERSON else "",
        manage_url=manage_url(registration),
    )
