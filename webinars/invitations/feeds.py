"""Calendar feeds: a series' public calendar, one session's `.ics`, a registrant's own calendar.

Each feed is loaded with a fixed number of queries and built by `ical.feed` (METHOD:PUBLISH)
with the same UID, SEQUENCE and LAST-MODIFIED as the invitations, so a subscribed calendar
updates its events instead of duplicating them. The texts come from `texts.event_text`.

Public feeds never carry the join link. They are built with DTSTAMP set to the feed's last
change rather than to the time of the request: the same content then gives the same bytes,
so a strong ETag lets a polling client get a bodiless 304 until something changes.

A registrant's private feed lists their chosen sessions: TENTATIVE while the registration is
pending, CONFIRMED (with the join link) once it is confirmed. A registration without a seat
(cancelled, rejected, waitlisted) keeps the same events as CANCELLED, so that a subscribed
client removes them (an empty VCALENDAR is not valid iCalendar: RFC 5545 needs a component),
with a SEQUENCE above the one the client holds: at least the session's plus one, and never
below the CANCEL e-mail this address got (`Invitation.sequence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from webinars.extensions import db
from webinars.invitations import ical
from webinars.invitations.flow import organizer
from webinars.invitations.models import Invitation
from webinars.invitations.texts import event_text
from webinars.registration.models import Registration, RegistrationStatus, registration_sessions
from webinars.series.models import Series
from webinars.sessions.models import AgendaItem, EventSession, Role
from webinars.types import utcnow

#: Everything `event_text` reads about a session's people and agenda, loaded up front.
_ROLE_PEOPLE = (joinedload(Role.person), joinedload(Role.organization))
_SESSION_CONTENT = (
    selectinload(EventSession.roles).options(*_ROLE_PEOPLE),
    selectinload(EventSession.agenda_items).selectinload(AgendaItem.roles).options(*_ROLE_PEOPLE),
)


@dataclass(frozen=True)
class Feed:
    """iCalendar bytes and the time of the last change they show (the HTTP Last-Modified)."""

    body: bytes
    last_modified: datetime


#: A public series' sessions and what their texts need, for `series_feed` and `session_feed`.
SERIES_FEED = (selectinload(Series.sessions).options(*_SESSION_CONTENT),)


def _last_modified(series: Series, sessions: Sequence[EventSession]) -> datetime:
    """The latest LAST-MODIFIED of the sessions, or the series' own change if later.

    The series counts too: its title is in every SUMMARY, and it is all a feed without
    sessions has.
    """
    return max([series.updated_at, *(s.modified_at for s in sessions)])


def _public_feed(
    series: Series, sessions: Sequence[EventSession], language: str, name: str
) -> Feed:
    changed = _last_modified(series, sessions)
    entries = [
        ical.FeedEntry(s, event_text(s, language, include_join_link=False)) for s in sessions
    ]
    body = ical.feed(entries, organizer(language), changed, name=name)
    return Feed(body=body, last_modified=changed)


def series_feed(series: Series, language: str) -> Feed:
    """Every session of the series, cancelled ones included (STATUS:CANCELLED), no join link."""
    return _public_feed(series, series.sessions, language, series.t("title", language))


def session_feed(series: Series, number: int, language: str) -> Feed | None:
    """The session at 1-based position `number` in time order; None when there is none."""
    if not 1 <= number <= len(series.sessions):
        return None
    event_session = series.sessions[number - 1]
    name = f"{series.t('title', language)}: {event_session.t('topic', language)}"
    return _public_feed(series, [event_session], language, name)


def _chosen_sessions(registration: Registration) -> list[EventSession]:
    return list(
        db.session.scalars(
            db.select(EventSession)
            .join(registration_sessions, registration_sessions.c.session_id == EventSession.id)
            .where(registration_sessions.c.registration_id == registration.id)
            .options(*_SESSION_CONTENT)
            .order_by(EventSession.start_at, EventSession.id)
        )
    )


def _sent_sequences(registration: Registration, sessions: Sequence[EventSession]) -> dict[int, int]:
    """The SEQUENCE last e-mailed to the registrant's address, by session (one query)."""
    rows = db.session.execute(
        db.select(Invitation.session_id, Invitation.sequence).where(
            Invitation.email == registration.email,
            Invitation.session_id.in_([s.id for s in sessions]),
        )
    )
    return {session_id: sequence for session_id, sequence in rows}


def private_feed(registration: Registration, *, view_url: str) -> bytes:
    """The registrant's chosen sessions in their language (see the module's docstring)."""
    language = registration.language
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    sessions = _chosen_sessions(registration)
    sent = _sent_sequences(registration, sessions)
    with force_locale(language):
        if confirmed:
            note, status = "", None
        elif registration.holds_seat:
            note = _("Pending approval: the connection link comes once you are confirmed.")
            status = ical.Status.TENTATIVE
        else:
            note = _("Your registration no longer holds a seat in this session.")
            status = ical.Status.CANCELLED
        name = _("%(series)s: my sessions", series=registration.series.t("title", language))
    entries = []
    for s in sessions:
        sequence = max(s.ical_sequence, sent.get(s.id, 0))
        if status == ical.Status.CANCELLED:
            # Above what the feed said while the seat was held.
            sequence = max(sequence, s.ical_sequence + 1)
        text = event_text(
            s,
            language,
            include_join_link=confirmed and not s.is_cancelled,
            view_url=view_url,
            note=note,
        )
        entries.append(ical.FeedEntry(s, text, status=status, sequence=sequence))
    return ical.feed(entries, organizer(language), utcnow(), name=name)
