"""Business rules for series and their participant profiles (sessions: `sessions.services`).

Functions take models and validated form data, raise `SchedulingError` naming the field at
fault, flush and never commit. After a `SchedulingError` the caller rolls back: a failed
flush (a unique slug taken by a concurrent request) leaves the transaction unusable.

Times arrive as wall-clock values in the series' IANA zone (what the organizer typed) and are
stored in UTC (`to_utc`, which the session rules use too).

A new conference link of the series goes on to the calendar invitations of the sessions that
use it, in the same transaction (`invitations.flow.session_changed`). A capacity that may have
grown is announced (`signals.capacity_changed`): the seats give it to the waiting list.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webinars import signals
from webinars.catalog.models import Organization
from webinars.errors import FieldError
from webinars.extensions import db
from webinars.folding import hyphenated
from webinars.invitations import flow
from webinars.series.models import ApprovalMode, Modality, ParticipantProfile, Series, SeriesStatus
from webinars.sessions.models import AgendaItem, EventSession, Role, SessionStatus
from webinars.types import utcnow
from webinars.zones import is_known_zone

#: Slugs that would collide with a fixed staff URL (`/staff/series/new`).
RESERVED_SLUGS = frozenset({"new"})
#: Reminders: at most this many per session, each at most 30 days before it.
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 30 * 24 * 60


class SchedulingError(FieldError):
    """A rule is broken; `fields` names the form fields the message belongs beside."""


# --- who sees what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    """A row of the staff dashboard (`/staff/`): a series the user may see."""

    series: Series
    session_count: int
    first_start: datetime | None


def staff_dashboard_rows(visible_series: Select[tuple[Series]]) -> list[DashboardRow]:
    """The series a user may see (`policy.visible_series`) with their number of sessions and
    first date, in one query.

    Undated series come first (they need work), then the most recent first.
    """
    visible = visible_series.subquery()
    rows = db.session.execute(
        db.select(Series, func.count(EventSession.id), func.min(EventSession.start_at))
        .join(visible, visible.c.id == Series.id)
        .outerjoin(EventSession, EventSession.series_id == Series.id)
        .group_by(Series.id)
    ).all()
    overview = [DashboardRow(series, count, first) for series, count, first in rows]
    dated = sorted(
        (row for row in overview if row.first_start is not None),
        key=lambda row: row.first_start,  # type: ignore[arg-type,return-value]
        reverse=True,
    )
    undated = sorted(
        (row for row in overview if row.first_start is None), key=lambda row: row.series.slug
    )
    return undated + dated


# --- time zones ------------------------------------------------------------------------------


def to_utc(wall_clock: datetime, zone: str, field: str) -> datetime:
    """A wall-clock time in `zone` as an aware UTC datetime.

    A time skipped by a daylight-saving change (02:30 on a spring-forward night) is refused
    rather than silently moved.
    """
    tz = ZoneInfo(zone)
    instant = wall_clock.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall_clock.replace(tzinfo=None):
        raise SchedulingError(
            field,
            _("This time does not exist in %(zone)s: the clocks change that night.", zone=zone),
        )
    return instant


def to_wall_clock(instant: datetime, zone: str) -> datetime:
    """The naive wall-clock time of a UTC instant in `zone` (what a form shows)."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _check_zone(zone: str) -> None:
    if not is_known_zone(zone):
        raise SchedulingError(
            "timezone", _("Unknown time zone; use an IANA name such as America/Costa_Rica.")
        )


def _unique_violation(error: IntegrityError, constraint: str, sqlite_columns: str) -> bool:
    """Whether a failed flush broke this unique constraint (PostgreSQL names it, SQLite lists
    the columns)."""
    message = str(error.orig)
    return constraint in message or f"UNIQUE constraint failed: {sqlite_columns}" in message


# --- series ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesData:
    """A series as the form gives it; registration times are wall-clock in `timezone`."""

    slug: str
    title_en: str
    title_es: str
    background_en: str
    background_es: str
    objective_en: str
    objective_es: str
    methodology_en: str
    methodology_es: str
    modality: Modality
    venue_en: str
    venue_es: str
    conference_url: str
    timezone: str
    tentative_dates_en: str
    tentative_dates_es: str
    registration_opens: datetime | None
    registration_closes: datetime | None
    approval_mode: ApprovalMode
    status: SeriesStatus
    capacity: int | None
    working_group_id: int | None
    host_country_code: str | None
    partner_ids: list[int]
    #: Minutes before each session at which registrants get a reminder.
    reminder_minutes: tuple[int, ...] = (1440, 60)
    #: Share of a session (percent) that counts as having attended it.
    attendance_threshold: int = 50
    #: Sessions attended that earn a certificate; None: no certificates.
    certificate_sessions: int | None = None
    #: Public registrations wait for their address to be verified before they count.
    verify_email: bool = True


#: Fields copied as they are onto the model.
_SERIES_PLAIN_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(SeriesData)
    if f.name
    not in {"registration_opens", "registration_closes", "partner_ids", "reminder_minutes"}
)


def create_series(data: SeriesData) -> Series:
    series = Series()
    _apply_series(series, data)
    db.session.add(series)
    _flush_series()
    return series


def update_series(series: Series, data: SeriesData) -> None:
    """Change a series. Its sessions keep their UTC instants when the zone changes.

    A new conference link is a new join link for every session without its own: the invitees
    of those still to come get an update. A raised capacity gives its new seats to the
    waiting list at once.
    """
    old_link = series.conference_url
    _apply_series(series, data)
    _flush_series()
    if series.conference_url != old_link:
        now = utcnow()
        relinked = [
            s
            for s in series.sessions
            if not s.conference_url and not s.is_cancelled and s.end_at > now
        ]
        for event_session in relinked:
            flow.session_changed(
                event_session,
                significant=True,
                note=_l("The connection link of this session has changed."),
            )
    signals.capacity_changed.send(series)


#: The longest slug (the column's length).
MAX_SLUG_LENGTH = 80


def slugify(title: str) -> str:
    """A slug proposed from a title: accents folded, lower case, words joined by hyphens,
    at most `MAX_SLUG_LENGTH` characters cut at a hyphen ("Gestión de Fronteras 2021" ->
    "gestion-de-fronteras-2021"). `static/js/staff-forms.js` proposes the same in the browser.
    """
    slug = hyphenated(title)
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[: MAX_SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return slug


def available_slug(title: str, series: Series | None = None) -> str:
    """`slugify(title)`, or with "-2", "-3"... when another series uses it (or it is
    reserved); "series" for a title with no letter or digit."""
    base = slugify(title) or "series"
    taken = set(
        db.session.scalars(
            db.select(Series.slug).where(
                Series.slug.like(f"{base[: MAX_SLUG_LENGTH - 4]}%"),
                Series.id != (series.id if series is not None and series.id else -1),
            )
        )
    ) | set(RESERVED_SLUGS)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate


def slug_taken(slug: str, series: Series) -> bool:
    """Whether another series uses `slug`. A concurrent request may still take it before the
    flush: the unique constraint then decides (see `_flush_series`)."""
    query = db.select(Series.id).where(Series.slug == slug)
    if series.id is not None:
        query = query.where(Series.id != series.id)
    return db.session.execute(query).first() is not None


def _apply_series(series: Series, data: SeriesData) -> None:
    if not data.slug:
        data = dataclasses.replace(data, slug=available_slug(data.title_en, series))
    if data.slug in RESERVED_SLUGS:
        raise SchedulingError("slug", _("This address is reserved; choose another one."))
    if slug_taken(data.slug, series):
        raise SchedulingError("slug", _("Another series already uses this address."))
    _check_zone(data.timezone)
    opens = closes = None
    if data.registration_opens is not None:
        opens = to_utc(data.registration_opens, data.timezone, "registration_opens")
    if data.registration_closes is not None:
        closes = to_utc(data.registration_closes, data.timezone, "registration_closes")
    if opens is not None and closes is not None and closes <= opens:
        raise SchedulingError("registration_closes", _("Registration must close after it opens."))
    if data.capacity is not None and data.capacity < 1:
        raise SchedulingError("capacity", _("The capacity must be a positive number."))
    if not 1 <= data.attendance_threshold <= 100:
        raise SchedulingError(
            "attendance_threshold", _("A share between 1 and 100 per cent of the session.")
        )
    if data.certificate_sessions is not None and data.certificate_sessions < 1:
        raise SchedulingError("certificate_sessions", _("A positive number, or empty."))
    partners = list(
        db.session.scalars(db.select(Organization).where(Organization.id.in_(data.partner_ids)))
    )
    if len(partners) != len(set(data.partner_ids)):
        raise SchedulingError("partner_ids", _("Unknown organization."))
    reminders = _checked_reminders(data.reminder_minutes)

    for name in _SERIES_PLAIN_FIELDS:
        setattr(series, name, getattr(data, name))
    series.registration_opens_at = opens
    series.registration_closes_at = closes
    series.partners = partners
    series.reminder_minutes = reminders


def _checked_reminders(minutes: tuple[int, ...]) -> list[int]:
    """The reminder times, earliest reminder first, each once."""
    if len(set(minutes)) > MAX_REMINDERS:
        raise SchedulingError(
            "reminder_minutes", _("At most %(max)d reminders.", max=MAX_REMINDERS)
        )
    if any(not 1 <= m <= MAX_REMINDER_MINUTES for m in minutes):
        raise SchedulingError(
            "reminder_minutes",
            _(
                "Each reminder must come between 1 and %(max)d minutes (30 days) before"
                " the session.",
                max=MAX_REMINDER_MINUTES,
            ),
        )
    return sorted(set(minutes), reverse=True)


def _flush_series() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        if _unique_violation(error, "uq_series_slug", "series.slug"):
            raise SchedulingError("slug", _("Another series already uses this address.")) from error
        raise


def toggle_publication(series: Series) -> SeriesStatus:
    """Publish a draft, or take a published series back to draft; returns the new status.

    A closed or archived series is neither: its status changes on the series form.
    """
    if series.status == SeriesStatus.DRAFT:
        series.status = SeriesStatus.PUBLISHED
    elif series.status == SeriesStatus.PUBLISHED:
        series.status = SeriesStatus.DRAFT
    else:
        raise SchedulingError(
            "status", _("Only a draft can be published, and only a published series unpublished.")
        )
    db.session.flush()
    return series.status


def delete_series(series: Series) -> None:
    """Delete a series with everything in it.

    One statement: the database cascades to sessions, agenda items, roles, profiles, partners
    and facilitator assignments (every foreign key to them is ON DELETE CASCADE), instead of
    the ORM loading each collection to delete it row by row.
    """
    db.session.execute(db.delete(Series).where(Series.id == series.id))
    db.session.flush()


# --- participant profiles --------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileData:
    code: str
    label_en: str
    label_es: str
    description_en: str
    description_es: str
    min_per_country: int
    max_per_country: int | None
    position: int


def code_taken(code: str, series: Series, profile: ParticipantProfile) -> bool:
    """Whether another profile of `series` uses `code` (the unique constraint backs this up)."""
    query = db.select(ParticipantProfile.id).where(
        ParticipantProfile.series_id == series.id, ParticipantProfile.code == code
    )
    if profile.id is not None:
        query = query.where(ParticipantProfile.id != profile.id)
    return db.session.execute(query).first() is not None


def _apply_profile(profile: ParticipantProfile, series: Series, data: ProfileData) -> None:
    if data.min_per_country < 0:
        raise SchedulingError("min_per_country", _("The minimum cannot be negative."))
    if data.max_per_country is not None and data.max_per_country < max(1, data.min_per_country):
        raise SchedulingError(
            "max_per_country",
            _(
                "The maximum must be at least %(least)d, or empty for no limit.",
                least=max(1, data.min_per_country),
            ),
        )
    if code_taken(data.code, series, profile):
        raise SchedulingError("code", _("This series already has a profile with this code."))
    for field in dataclasses.fields(ProfileData):
        setattr(profile, field.name, getattr(data, field.name))
    profile.series = series
    db.session.add(profile)
    try:
        db.session.flush()
    except IntegrityError as error:
        if _unique_violation(
            error,
            "uq_participant_profiles_series_id_code",
            "participant_profiles.series_id, participant_profiles.code",
        ):
            raise SchedulingError(
                "code", _("This series already has a profile with this code.")
            ) from error
        raise


def create_profile(series: Series, data: ProfileData) -> ParticipantProfile:
    profile = ParticipantProfile()
    _apply_profile(profile, series, data)
    return profile


def update_profile(profile: ParticipantProfile, data: ProfileData) -> None:
    """A raised `max_per_country` gives its new seats to the waiting list at once."""
    _apply_profile(profile, profile.series, data)
    signals.capacity_changed.send(profile.series)


# --- duplicating a series --------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateData:
    """A copy of a series: its new address and titles, and the local date of its first session
    (None for a series without sessions)."""

    slug: str
    title_en: str
    title_es: str
    first_day: date | None


def _shifted(instant: datetime, days: int, zone: str) -> datetime:
    """The same wall-clock time `days` later in `zone` (a session at 09:00 stays at 09:00
    across a daylight-saving change)."""
    return to_utc(to_wall_clock(instant, zone) + timedelta(days=days), zone, "first_day")


def _copy_roles(roles: list[Role]) -> list[Role]:
    return [
        Role(
            kind=role.kind,
            person_id=role.person_id,
            organization_id=role.organization_id,
            note_en=role.note_en,
            note_es=role.note_es,
        )
        for role in roles
    ]


def _scheduled_sessions(series: Series) -> list[EventSession]:
    """The sessions a copy takes: the scheduled ones, in time order, with their roles and
    agenda loaded."""
    return list(
        db.session.scalars(
            db.select(EventSession)
            .where(
                EventSession.series_id == series.id,
                EventSession.status == SessionStatus.SCHEDULED,
            )
            .order_by(EventSession.start_at, EventSession.id)
            .options(
                selectinload(EventSession.roles),
                selectinload(EventSession.agenda_items).selectinload(AgendaItem.roles),
            )
        )
    )


def _days_moved(sessions: list[EventSession], first_day: date | None, zone: str) -> int:
    """How many days the copy moves so that its first session falls on `first_day`."""
    if not sessions:
        return 0
    if first_day is None:
        raise SchedulingError("first_day", _("Give the date of the first session."))
    return (first_day - to_wall_clock(sessions[0].start_at, zone).date()).days


def _new_edition(series: Series, data: DuplicateData) -> Series:
    """The draft copy of the series itself, under a free address, without its children."""
    copy = Series(
        slug=data.slug or available_slug(data.title_en),
        title_en=data.title_en,
        title_es=data.title_es,
        status=SeriesStatus.DRAFT,
        partners=list(series.partners),
        reminder_minutes=list(series.reminder_minutes or []),
    )
    for column in _COPIED_SERIES_COLUMNS:
        setattr(copy, column, getattr(series, column))
    if copy.slug in RESERVED_SLUGS:
        raise SchedulingError("slug", _("This address is reserved; choose another one."))
    if slug_taken(copy.slug, copy):
        raise SchedulingError("slug", _("Another series already uses this address."))
    return copy


def _shift_registration_window(copy: Series, series: Series, days: int, zone: str) -> None:
    for name in ("registration_opens_at", "registration_closes_at"):
        instant = getattr(series, name)
        setattr(copy, name, _shifted(instant, days, zone) if instant is not None else None)


def _copy_profiles(profiles: list[ParticipantProfile]) -> list[ParticipantProfile]:
    return [
        ParticipantProfile(
            code=p.code,
            label_en=p.label_en,
            label_es=p.label_es,
            description_en=p.description_en,
            description_es=p.description_es,
            min_per_country=p.min_per_country,
            max_per_country=p.max_per_country,
            position=p.position,
        )
        for p in profiles
    ]


def _copy_agenda_item(item: AgendaItem, days: int, zone: str) -> AgendaItem:
    return AgendaItem(
        kind=item.kind,
        start_at=_shifted(item.start_at, days, zone),
        end_at=_shifted(item.end_at, days, zone),
        title_en=item.title_en,
        title_es=item.title_es,
        sub_points=[dict(point) for point in item.sub_points or []],
        position=item.position,
        roles=_copy_roles(item.roles),
    )


def _copy_session(session: EventSession, days: int, zone: str) -> EventSession:
    """A new event (new calendar UID) `days` later, with its people and agenda."""
    return EventSession(
        topic_en=session.topic_en,
        topic_es=session.topic_es,
        start_at=_shifted(session.start_at, days, zone),
        end_at=_shifted(session.end_at, days, zone),
        capacity=session.capacity,
        track_en=session.track_en,
        track_es=session.track_es,
        conference_url=session.conference_url,
        roles=_copy_roles(session.roles),
        agenda_items=[_copy_agenda_item(item, days, zone) for item in session.agenda_items],
    )


def duplicate_series(series: Series, data: DuplicateData) -> Series:
    """A draft copy of `series` for a new edition, as the conference repeats its formats.

    Kept: the concept note, settings, partners, participant profiles, and every scheduled
    session with its agenda and its people (roles), all moved so that the first session falls
    on `data.first_day` and every other keeps its distance from it (same wall-clock times in
    the series' zone); the registration window moves by as many days. Not kept: registrations,
    invitations, attendance, facilitator assignments, cancelled sessions. The sessions get new
    calendar UIDs: they are new events. An empty slug is proposed from the English title.
    """
    sessions = _scheduled_sessions(series)
    zone = series.timezone
    days = _days_moved(sessions, data.first_day, zone)
    copy = _new_edition(series, data)
    _shift_registration_window(copy, series, days, zone)
    copy.profiles = _copy_profiles(series.profiles)
    copy.sessions = [_copy_session(s, days, zone) for s in sessions]
    db.session.add(copy)
    _flush_series()
    return copy


#: Columns a copy takes from its original as they are.
_COPIED_SERIES_COLUMNS = (
    "background_en",
    "background_es",
    "objective_en",
    "objective_es",
    "methodology_en",
    "methodology_es",
    "modality",
    "venue_en",
    "venue_es",
    "conference_url",
    "timezone",
    "tentative_dates_en",
    "tentative_dates_es",
    "approval_mode",
    "verify_email",
    "capacity",
    "attendance_threshold",
    "certificate_sessions",
    "working_group_id",
    "host_country_code",
)
