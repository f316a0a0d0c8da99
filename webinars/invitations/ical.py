"""iCalendar bytes for invitations, updates, cancellations and feeds (pure functions).

Model in, bytes out: no request, no database session. The texts (summary, description,
location) depend on the recipient's language and are prepared by the caller.

Rules (RFC 5545, 5546; DESIGN.md): one VEVENT per message, its session's stable UID and its
SEQUENCE; times in UTC (so no TZID and no VTIMEZONE is needed, and Outlook cannot misread an
RDATE-based zone); ORGANIZER is the organizers' address, never the recipient; `to_ical()`
writes CRLF line ends and folds lines at 75 octets.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

from webinars.invitations.models import ICalMethod
from webinars.sessions.models import EventSession

PRODID = "-//Regional Conference on Migration//Webinars//EN"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    #: Moderators and facilitators chair the session (ROLE=CHAIR).
    chair: bool = False


@dataclass(frozen=True)
class Organizer:
    email: str
    name: str


@dataclass(frozen=True)
class EventText:
    """What a calendar shows, in the recipient's language."""

    summary: str
    description: str
    #: The join link (online) or the venue (in person); empty when neither may be shown.
    location: str = ""
    url: str = ""


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name or email)
    for key, value in params.items():
        address.params[key] = value
    return address


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


class Status(enum.StrEnum):
    """STATUS of a VEVENT (RFC 5545 section 3.8.1.11)."""

    CONFIRMED = "CONFIRMED"
    #: A pending registration's seat: the event may still not happen for this reader.
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class FeedEntry:
    """One VEVENT of a feed: a session, its texts, and how it stands for this feed's reader."""

    event_session: EventSession
    text: EventText
    #: None: CANCELLED when the session is, else CONFIRMED.
    status: Status | None = None
    #: None: the session's own SEQUENCE.
    sequence: int | None = None


def _event(
    event_session: EventSession,
    text: EventText,
    organizer: Organizer,
    now: datetime,
    *,
    status: Status | None,
    sequence: int | None,
) -> Event:
    if status is None or event_session.is_cancelled:
        status = Status.CANCELLED if event_session.is_cancelled else Status.CONFIRMED
    event = Event()
    event.add("uid", event_session.ical_uid)
    event.add("dtstamp", now)
    event.add("dtstart", event_session.start_at)
    event.add("dtend", event_session.end_at)
    event.add("sequence", event_session.ical_sequence if sequence is None else sequence)
    event.add("last-modified", event_session.modified_at)
    event.add("summary", text.summary)
    event.add("description", text.description)
    if text.location:
        event.add("location", text.location)
    if text.url:
        event.add("url", text.url)
    event.add("organizer", _address(organizer.email, organizer.name))
    event.add("status", status.value)
    event.add("transp", "OPAQUE")
    return event


def invitation(
    event_session: EventSession,
    attendee: Attendee,
    method: ICalMethod,
    text: EventText,
    organizer: Organizer,
    now: datetime,
    *,
    sequence: int | None = None,
) -> bytes:
    """An iTIP REQUEST (invitation or update) or CANCEL for one session and one attendee.

    `sequence` is what this attendee's copy of the event is at (default: the session's); a
    CANCEL must carry a higher one than the REQUEST it withdraws (RFC 5546 section 2.1.4).
    """
    calendar = _calendar(method.value)
    event = _event(
        event_session,
        text,
        organizer,
        now,
        status=Status.CANCELLED if method == ICalMethod.CANCEL else None,
        sequence=sequence,
    )
    event.add(
        "attendee",
        _address(
            attendee.email,
            attendee.name,
            ROLE="CHAIR" if attendee.chair else "REQ-PARTICIPANT",
            PARTSTAT="NEEDS-ACTION",
            RSVP="TRUE",
        ),
    )
    calendar.add_component(event)
    return calendar.to_ical()


def feed(
    entries: Sequence[FeedEntry],
    organizer: Organizer,
    now: datetime,
    *,
    name: str,
) -> bytes:
    """A METHOD:PUBLISH calendar of sessions, for subscription or a one-off download.

    The same UID, SEQUENCE and LAST-MODIFIED as the invitations, so a subscribed calendar
    updates its events instead of duplicating them; cancelled sessions stay, as CANCELLED.
    """
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = _event(
            entry.event_session,
            entry.text,
            organizer,
            now,
            status=entry.status,
            sequence=entry.sequence,
        )
        calendar.add_component(event)
    return calendar.to_ical()
