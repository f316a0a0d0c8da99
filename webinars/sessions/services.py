"""Business rules for sessions: creating, changing, moving, cancelling and deleting a sitting,
and planning sittings from a recurrence rule.

Functions take models and validated form data, raise `SchedulingError` naming the field at
fault, flush and never commit. Times arrive as wall-clock values in the series' IANA zone
(what the organizer typed) and are stored in UTC.

Changes that invitees must see go on to the calendar invitations in the same transaction
(`invitations.flow.session_changed`): a new time, link or status raises the session's
SEQUENCE and re-sends the invitation (or cancels it); a new topic or track re-sends it with
a note and the same SEQUENCE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webinars import signals
from webinars.extensions import db
from webinars.invitations import flow
from webinars.invitations.models import Invitation
from webinars.series.models import Series
from webinars.series.services import SchedulingError, to_utc, to_wall_clock
from webinars.sessions.models import EventSession, SessionStatus
from webinars.sessions.recurrence import MAX_OCCURRENCES, Frequency, RecurrenceError, occurrences

# --- sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionData:
    """One sitting as the form gives it: a local date and times in the series' zone."""

    topic_en: str
    topic_es: str
    day: date
    start_time: time
    end_time: time
    capacity: int | None
    track_en: str
    track_es: str
    #: The sitting's own join link; empty means the series' link.
    conference_url: str = ""


def _session_window(series: Series, data: SessionData) -> tuple[datetime, datetime]:
    if data.end_time <= data.start_time:
        raise SchedulingError("end_time", _("The session must end after it starts."))
    if data.capacity is not None and data.capacity < 1:
        raise SchedulingError("capacity", _("The capacity must be a positive number."))
    start = to_utc(datetime.combine(data.day, data.start_time), series.timezone, "start_time")
    end = to_utc(datetime.combine(data.day, data.end_time), series.timezone, "end_time")
    return start, end


def _apply_session(event_session: EventSession, data: SessionData) -> None:
    event_session.topic_en = data.topic_en
    event_session.topic_es = data.topic_es
    event_session.capacity = data.capacity
    event_session.track_en = data.track_en
    event_session.track_es = data.track_es


def create_session(series: Series, data: SessionData) -> EventSession:
    start, end = _session_window(series, data)
    event_session = EventSession(
        series=series, start_at=start, end_at=end, conference_url=data.conference_url
    )
    _apply_session(event_session, data)
    db.session.add(event_session)
    db.session.flush()
    return event_session


def _move(event_session: EventSession, start: datetime, end: datetime, field: str) -> None:
    """Give the session a new start and end; its agenda must stay inside it.

    When the session keeps its length and only moves (another day, another start time), its
    agenda items move with it by the same offset. When its length changes, the items stay
    where they are and must still fit between the new start and end, else the change is
    refused on `field`. Nothing is changed before every check has passed.
    """
    offset = start - event_session.start_at
    moves = end - start == event_session.end_at - event_session.start_at
    items = event_session.agenda_items
    shift = offset if moves else timedelta(0)
    outside = [item for item in items if item.start_at + shift < start or item.end_at + shift > end]
    if outside:
        zone = event_session.series.timezone
        raise SchedulingError(
            field,
            _(
                "The agenda item “%(title)s” (%(day)s %(start)s–%(end)s) would fall outside"
                " the session. Change the agenda first, or move the session keeping its"
                " length to move the agenda with it.",
                title=outside[0].title,
                day=to_wall_clock(outside[0].start_at, zone).date().isoformat(),
                start=to_wall_clock(outside[0].start_at, zone).strftime("%H:%M"),
                end=to_wall_clock(outside[0].end_at, zone).strftime("%H:%M"),
            ),
        )
    for item in items if shift else ():
        item.start_at += shift
        item.end_at += shift
    event_session.start_at = start
    event_session.end_at = end


def _change_note(*notes: LazyString) -> LazyString:
    """Several notes as one, read in each invitee's language when the e-mail is written."""
    return LazyString(lambda: " ".join(str(note) for note in notes))


def update_session(event_session: EventSession, data: SessionData) -> None:
    """Change a session from the staff form; its agenda follows as `_move` says.

    Invitees get an update: a new time or link raises the SEQUENCE, a new topic or track
    only re-sends with a note; a new capacity is not theirs to see.
    """
    series = event_session.series
    start, end = _session_window(series, data)
    moved = (start, end) != (event_session.start_at, event_session.end_at)
    relinked = (data.conference_url or series.conference_url) != event_session.join_url
    retitled = (data.topic_en, data.topic_es) != (event_session.topic_en, event_session.topic_es)
    retracked = (data.track_en, data.track_es) != (event_session.track_en, event_session.track_es)
    _move(event_session, start, end, "end_time")
    event_session.conference_url = data.conference_url
    _apply_session(event_session, data)
    db.session.flush()
    if moved or relinked:
        notes = [_l("The date or time of this session has changed.")] if moved else []
        if relinked:
            notes.append(_l("The connection link of this session has changed."))
        flow.session_changed(event_session, significant=True, note=_change_note(*notes))
    elif retitled or retracked:
        notes = [_l("The topic of this session has changed.")] if retitled else []
        if retracked:
            notes.append(_l("The parallel track of this session has changed."))
        flow.session_changed(event_session, significant=False, note=_change_note(*notes))
    signals.capacity_changed.send(event_session.series)  # the waiting list takes new seats


def reschedule_session(
    event_session: EventSession,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    conference_url: str | None = None,
    status: SessionStatus | None = None,
) -> None:
    """Move, relink, cancel or reinstate a session (the staff pages and the API).

    `start` and `end` are aware datetimes (stored in UTC); None leaves a value as it is. The
    agenda follows as `_move` says. Any change invitees see (time, join link, status) raises
    the SEQUENCE and goes to them: an update, or a cancellation when the session is now
    cancelled. No such change sends nothing.
    """
    for name, value in (("start", start), ("end", end)):
        if value is not None and value.utcoffset() is None:
            raise SchedulingError(name, _("Give the time with its offset from UTC."))
    new_start = start.astimezone(UTC) if start is not None else event_session.start_at
    new_end = end.astimezone(UTC) if end is not None else event_session.end_at
    if new_end <= new_start:
        raise SchedulingError("end", _("The session must end after it starts."))
    url = event_session.conference_url if conference_url is None else conference_url.strip()
    if len(url) > 500:
        raise SchedulingError("conference_url", _("At most %(limit)d characters.", limit=500))
    if url and not url.startswith(("https://", "http://")):
        raise SchedulingError("conference_url", _("Enter a full address, e.g. https://…"))
    new_status = event_session.status if status is None else status
    moved = (new_start, new_end) != (event_session.start_at, event_session.end_at)
    # What invitees see is the join link: the session's own, else the series'.
    relinked = (url or event_session.series.conference_url) != event_session.join_url
    restatused = new_status != event_session.status
    if not (moved or relinked or restatused):
        event_session.conference_url = url
        db.session.flush()
        return
    _move(event_session, new_start, new_end, "end")
    event_session.conference_url = url
    event_session.status = new_status
    db.session.flush()
    notes = []
    if restatused and new_status == SessionStatus.SCHEDULED:
        notes.append(_l("This session is back on the calendar."))
    if moved:
        notes.append(_l("The date or time of this session has changed."))
    if relinked:
        notes.append(_l("The connection link of this session has changed."))
    flow.session_changed(event_session, significant=True, note=_change_note(*notes))


def cancel_session(event_session: EventSession) -> None:
    """Cancel a session: everyone invited gets a CANCEL; the session stays, marked cancelled."""
    reschedule_session(event_session, status=SessionStatus.CANCELLED)


def delete_session(event_session: EventSession) -> None:
    """Delete a session; the database cascades to its agenda items and roles.

    Everyone invited gets a CANCEL first: once the row is gone, so is its invitation list.
    """
    cancel_session(event_session)
    # The CANCELs are rendered when sent, from rows that go with the session: write them now.
    flow.freeze_pending(db.select(Invitation).where(Invitation.session_id == event_session.id))
    db.session.execute(db.delete(EventSession).where(EventSession.id == event_session.id))
    db.session.flush()


# --- sessions from a recurrence rule ---------------------------------------------------------


@dataclass(frozen=True)
class RecurrenceData:
    """Sittings from a rule; `{n}` in a topic becomes the sitting's number in the rule."""

    first_day: date
    start_time: time
    end_time: time
    frequency: Frequency
    count: int | None
    until: date | None
    topic_en: str
    topic_es: str
    track_en: str
    track_es: str
    capacity: int | None


@dataclass(frozen=True)
class PlannedSitting:
    number: int
    start_at: datetime
    end_at: datetime
    topic_en: str
    topic_es: str


def plan_recurring(series: Series, data: RecurrenceData) -> list[PlannedSitting]:
    """The sittings a rule gives, without writing anything (the preview)."""
    if data.count is not None and data.until is not None:
        raise SchedulingError(
            ("count", "until"), _("Give either a count or an end date, not both.")
        )
    if data.count is None and data.until is None:
        raise SchedulingError(("count", "until"), _("Give a count or an end date."))
    if data.count is not None and not 1 <= data.count <= MAX_OCCURRENCES:
        raise SchedulingError(
            "count", _("The count must be between 1 and %(max)d.", max=MAX_OCCURRENCES)
        )
    if data.until is not None and data.until < data.first_day:
        raise SchedulingError("until", _("The end date must not be before the first date."))
    if data.end_time <= data.start_time:
        raise SchedulingError("end_time", _("The session must end after it starts."))
    if data.capacity is not None and data.capacity < 1:
        raise SchedulingError("capacity", _("The capacity must be a positive number."))
    duration = datetime.combine(data.first_day, data.end_time) - datetime.combine(
        data.first_day, data.start_time
    )
    try:
        pairs = occurrences(
            data.first_day,
            data.start_time,
            duration,
            series.timezone,
            data.frequency,
            count=data.count,
            until=data.until,
        )
    except RecurrenceError as error:
        raise SchedulingError(
            "until",
            _("This rule gives more than %(max)d sessions.", max=MAX_OCCURRENCES),
        ) from error
    zone = ZoneInfo(series.timezone)
    sittings = []
    for number, (start, end) in enumerate(pairs, start=1):
        if start.astimezone(zone).time() != data.start_time:
            raise SchedulingError(
                "start_time",
                _(
                    "On %(day)s this time does not exist in %(zone)s: the clocks change that night.",
                    day=start.astimezone(zone).date().isoformat(),
                    zone=series.timezone,
                ),
            )
        sittings.append(
            PlannedSitting(
                number=number,
                start_at=start,
                end_at=end,
                topic_en=data.topic_en.replace("{n}", str(number)),
                topic_es=data.topic_es.replace("{n}", str(number)),
            )
        )
    return sittings


def create_recurring(series: Series, data: RecurrenceData) -> list[EventSession]:
    """One session row per sitting of the rule."""
    created = [
        EventSession(
            series=series,
            start_at=sitting.start_at,
            end_at=sitting.end_at,
            topic_en=sitting.topic_en,
            topic_es=sitting.topic_es,
            track_en=data.track_en,
            track_es=data.track_es,
            capacity=data.capacity,
        )
        for sitting in plan_recurring(series, data)
    ]
    db.session.add_all(created)
    db.session.flush()
    return created
