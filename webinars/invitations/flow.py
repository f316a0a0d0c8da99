"""Who gets which calendar invitation, update or cancellation, and when (RFC 5546).

The entry points, called by the services right after the change that causes them, in the
same transaction (the outbox rule):

- `sync_registration`: a registration's status or choice of sessions changed.
- `sync_speakers`: a session's roles changed (panelists, moderators...).
- `sync_person`: a speaker's e-mail address changed, or their roles went with them.
- `session_changed`: a session's time, link, status (significant) or text changed.

Each compares who should be invited to a session with the `Invitation` rows (the last method
sent to each address), and for each difference writes one e-mail per session and address into
the outbox: a REQUEST with one VEVENT, or a CANCEL with the same UID. Running one twice sends
nothing more (idempotent). The e-mails are deferred (`mail.rendering`): what is written here
is a small row (kind, address, session, METHOD, SEQUENCE), and `render` writes the e-mail
and its iCalendar body when it is delivered, from the session and the invitee as they are then.

One address may be invited for two reasons: an official who registered and also speaks. The
row then holds both its `registration_id` and its `person_id`; while both reasons hold, losing
one of them changes only the row, and the CANCEL goes out when the last one goes. A cancelled
row keeps the reason it was last invited for, which the organizers' view shows.

SEQUENCE is kept per address (`Invitation.sequence`, what was last sent to it): the session's,
raised above the last one sent whenever the address's copy changes in a significant way (a new
time, link or status, a CANCEL after a REQUEST, a REQUEST after a CANCEL), so that a calendar
never ignores a withdrawal or a second invitation as stale (RFC 5546 section 2.1.4).

Recipients read the e-mail in their language and time zone: a registrant in theirs; a speaker
in English when their country is Belize, Canada or the United States, else in Spanish (the
language of most member countries and of the conference's meetings), in their country's time
zone, else the series'. The join link goes to confirmed registrants and to speakers only.
The organizers' own address (`ORGANIZER_EMAIL`) is the ORGANIZER and is never an attendee.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias, cast

from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, insert, or_, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload

from webinars import held_inserts
from webinars.catalog.models import Person
from webinars.extensions import db
from webinars.invitations import ical
from webinars.invitations.models import ICalMethod, Invitation
from webinars.invitations.texts import event_text
from webinars.mail.delivery import smtp_address
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.outbox import enqueue_deferred, one_insert, render_email
from webinars.mail.rendering import (
    CannotRender,
    Rendered,
    batch_of,
    claim_shared,
    freeze_all,
    renderer,
    shared,
)
from webinars.registration.models import Registration, RegistrationStatus, registration_sessions
from webinars.registration.notifications import manage_url, view_url
from webinars.series.models import Modality
from webinars.sessions.models import AgendaItem, EventSession, Role, RoleKind
from webinars.types import utcnow

#: Roles invited as ROLE=CHAIR; every other role with an e-mail is REQ-PARTICIPANT.
CHAIR_KINDS = frozenset({RoleKind.MODERATOR, RoleKind.FACILITATOR})
#: Countries whose speakers are written to in English; everyone else in Spanish.
ENGLISH_COUNTRIES = frozenset({"BZ", "CA", "US"})

#: The name of the renderer of invitation e-mails (`OutboxMessage.renderer`).
RENDERER = "invitation"
#: What an e-mail says happened (its `kind` is "invitation.<event>").
NEW, UPDATE, CANCELLED, WITHDRAWN = "new", "update", "cancelled", "withdrawn"

#: Everything the event texts and the e-mails read about a session, loaded up front.
_ROLE_PEOPLE = (
    joinedload(Role.person).joinedload(Person.country),
    joinedload(Role.organization),
)
_SESSION_CONTENT = (
    joinedload(EventSession.series),
    selectinload(EventSession.roles).options(*_ROLE_PEOPLE),
    selectinload(EventSession.agenda_items).selectinload(AgendaItem.roles).options(*_ROLE_PEOPLE),
)

Note: TypeAlias = str | LazyString


@dataclass(frozen=True)
class _Wanted:
    """One address that should hold an active invitation to a session, and why."""

    email: str
    name: str
    chair: bool = False
    registration: Registration | None = None
    person: Person | None = None


@dataclass(frozen=True)
class _Reader:
    """How the e-mail to one invitee is written."""

    language: str
    timezone: str
    #: The private link, for the e-mail's body only.
    manage_url: str | None
    #: The read-only link, for the calendar event (which may be shared or forwarded).
    view_url: str | None


def organizer(language: str) -> ical.Organizer:
    """The ORGANIZER of every invitation: the organizers' address from the configuration."""
    with force_locale(language):
        name = _("Regional Conference on Migration (RCM)")
    return ical.Organizer(email=smtp_address(current_app.config["ORGANIZER_EMAIL"]), name=name)


# --- entry points ------------------------------------------------------------------------------


@one_insert()
def sync_registration(registration: Registration, *, placed: bool = False) -> None:
    """Invite a confirmed registration to its chosen scheduled sessions; withdraw the rest.

    A fixed number of queries: the registration's invitations, and the sessions it left; a
    registration just `placed` (nothing was ever sent for it) reads none
    (`_invite_placed`). The e-mails are deferred: rendered when they are delivered.
    """
    wanted_ids = (
        [s.id for s in registration.sessions if not s.is_cancelled]
        if registration.status == RegistrationStatus.CONFIRMED and _invitable(registration.email)
        else []
    )
    if placed:
        _invite_placed(registration, wanted_ids)
        return
    # No autoflush: the receipt just enqueued goes in the one flush at the end, with the
    # invitation rows and their e-mails (one INSERT per table, one round trip each).
    with db.session.no_autoflush:
        rows = _invitation_rows(registration, wanted_ids)
    _sync_rows(registration, wanted_ids, rows)


def _invite_placed(registration: Registration, wanted_ids: list[int]) -> None:
    """A registration just placed: it has no rows of its own, so none is read. Its rows are
    written in one statement that leaves out a session its address is invited to already
    (a speaker who registers: the unique key on session and address), and only those
    sessions, if any, are then read and synced the general way. The new rows are plain
    values, as first sent (`sequence_for` of a row not sent yet): no `Invitation` object
    is made for a row nothing reads back."""
    if not wanted_ids:
        db.session.flush()
        return
    sessions = {s.id: s for s in registration.sessions}
    name, now = registration.full_name, utcnow()
    written = _insert_unless_invited(
        [
            {
                "session_id": session_id,
                "email": registration.email,
                "name": name,
                "chair": False,
                "registration_id": registration.id,
                "person_id": None,
                "method": ICalMethod.REQUEST,
                "sequence": sessions[session_id].ical_sequence,
                "updated_at": now,
            }
            for session_id in wanted_ids
        ]
    )
    for session_id in wanted_ids:
        if session_id in written:
            event_session = sessions[session_id]
            _enqueue_to(
                event_session,
                _Addressee(registration.email, name, registration.language, registration.id),
                ICalMethod.REQUEST,
                event_session.ical_sequence,
                NEW,
            )
    invited_already = [i for i in wanted_ids if i not in written]
    if invited_already:
        with db.session.no_autoflush:
            rows = _speaker_rows(registration.email, invited_already)
        _sync_rows(registration, invited_already, rows)
    else:
        db.session.flush()


def _invitation_rows(registration: Registration, wanted_ids: list[int]) -> dict[int, Invitation]:
    """The registration's invitation rows, and those of its address for the wanted sessions
    (a speaker who registers), by session."""
    return {
        row.session_id: row
        for row in db.session.scalars(
            db.select(Invitation).where(
                or_(
                    Invitation.registration_id == registration.id,
                    and_(
                        Invitation.email == registration.email,
                        Invitation.session_id.in_(wanted_ids),
                    ),
                )
            )
        )
    }


#: Built once: a statement keeps its cache key, which costs more than this query to compute.
_SPEAKER_ROWS = db.select(Invitation).where(
    Invitation.email == bindparam("email"),
    Invitation.session_id.in_(bindparam("session_ids", expanding=True)),
)


def _speaker_rows(email: str, wanted_ids: list[int]) -> dict[int, Invitation]:
    """The rows of `email` for the wanted sessions (a speaker who registers), by session."""
    return {
        row.session_id: row
        for row in db.session.scalars(_SPEAKER_ROWS, {"email": email, "session_ids": wanted_ids})
    }


def _sync_rows(
    registration: Registration, wanted_ids: list[int], rows: dict[int, Invitation]
) -> None:
    leaving = [
        row
        for row in rows.values()
        if row.active
        and row.registration_id == registration.id
        and row.session_id not in wanted_ids
    ]
    arriving = [i for i in wanted_ids if i not in rows or not rows[i].active]
    for session_id in wanted_ids:
        row = rows.get(session_id)
        if row is not None and row.active:
            row.registration = registration  # a speaker who also registered
    if not arriving and not leaving:
        db.session.flush()
        return
    # Nothing is rendered here (`_send` defers it): the sessions' own rows are enough, and
    # the chosen ones are loaded already.
    sessions = {s.id: s for s in registration.sessions}
    missing = {row.session_id for row in leaving} - sessions.keys()
    if missing:
        sessions.update(
            (s.id, s)
            for s in db.session.scalars(db.select(EventSession).where(EventSession.id.in_(missing)))
        )
    now = utcnow()
    wanted = _Wanted(registration.email, registration.full_name, registration=registration)
    new: list[Invitation] = []
    for session_id in arriving:
        event_session = sessions[session_id]
        row = rows.get(session_id) or _new_row(event_session, wanted.email, new)
        _take(row, wanted)
        _send(event_session, row, ICalMethod.REQUEST, NEW, now)
    for row in leaving:
        if row.person_id is not None:
            row.registration = None  # still invited as a speaker
        else:
            _send(sessions[row.session_id], row, ICalMethod.CANCEL, WITHDRAWN, now)
    _insert_new(new)
    db.session.flush()


def sync_speakers(event_session: EventSession) -> None:
    """Invite the people with an e-mail who hold a role in the session or its agenda items
    (moderators and facilitators as chairs); withdraw those who no longer do."""
    _sync_speakers([event_session.id])


def sync_person(person: Person) -> None:
    """After a person's e-mail address changed, or once their roles are gone: the sessions
    they speak at, or were invited to as a speaker, follow (a fixed number of queries)."""
    in_sessions = db.select(Role.session_id).where(
        Role.person_id == person.id, Role.session_id.is_not(None)
    )
    in_items = (
        db.select(AgendaItem.session_id)
        .join(Role, Role.agenda_item_id == AgendaItem.id)
        .where(Role.person_id == person.id)
    )
    invited = db.select(Invitation.session_id).where(Invitation.person_id == person.id)
    _sync_speakers(db.session.scalars(union(in_sessions, in_items, invited)))


@one_insert()
def _sync_speakers(session_ids: Iterable[int]) -> None:
    sessions = _load_sessions(session_ids)
    rows_by_session = _rows_of(sessions.values())
    now = utcnow()
    new: list[Invitation] = []
    for event_session in sessions.values():
        rows = rows_by_session[event_session.id]
        wanted = {} if event_session.is_cancelled else _speakers(event_session)
        for email, speaker in wanted.items():
            row = rows.get(email)
            if row is not None and row.active:
                chair_changed = row.chair != speaker.chair
                row.person, row.chair = speaker.person, speaker.chair
                if chair_changed:
                    _send(event_session, row, ICalMethod.REQUEST, UPDATE, now)
                continue
            row = row or _new_row(event_session, email, new)
            _take(row, speaker)
            _send(event_session, row, ICalMethod.REQUEST, NEW, now)
        for email, row in rows.items():
            if not row.active or row.person_id is None or email in wanted:
                continue
            if row.registration is not None:
                # Still a registrant: the same event, now as a plain participant.
                row.person, row.chair, row.name = None, False, row.registration.full_name
                _send(event_session, row, ICalMethod.REQUEST, UPDATE, now)
            else:
                _send(event_session, row, ICalMethod.CANCEL, WITHDRAWN, now)
    _insert_new(new)
    db.session.flush()


@one_insert()
def session_changed(event_session: EventSession, *, significant: bool, note: Note = "") -> None:
    """Tell everyone invited to the session that it changed.

    Significant (time, link, status): SEQUENCE rises and every invitee gets a REQUEST with the
    new event, or a CANCEL (STATUS:CANCELLED) when the session is cancelled. Text only: the
    same SEQUENCE, a new DTSTAMP and a REQUEST carrying `note`. Either way the invitees are
    recomputed (confirmed registrants who chose it, speakers): a session back from
    cancellation invites them all again. `note` may be lazy: it is read in each invitee's
    language.
    """
    now = utcnow()
    if significant:
        event_session.ical_sequence += 1
    event_session.modified_at = now
    db.session.flush()
    [event_session] = _load_sessions([event_session.id]).values()
    rows = _rows_of([event_session])[event_session.id]
    if event_session.is_cancelled:
        for row in rows.values():
            if row.active:
                _send(event_session, row, ICalMethod.CANCEL, CANCELLED, now, note, significant=True)
        db.session.flush()
        return
    wanted = _registrants(event_session)
    for email, speaker in _speakers(event_session).items():
        registrant = wanted.get(email)
        wanted[email] = _Wanted(
            email,
            speaker.name,
            chair=speaker.chair,
            registration=registrant.registration if registrant else None,
            person=speaker.person,
        )
    new: list[Invitation] = []
    for email, person in wanted.items():
        row = rows.get(email)
        was_active = row is not None and row.active
        row = row or _new_row(event_session, email, new)
        _take(row, person)
        event = UPDATE if was_active else NEW
        _send(event_session, row, ICalMethod.REQUEST, event, now, note, significant=significant)
    for email, row in rows.items():
        if row.active and email not in wanted:
            _send(event_session, row, ICalMethod.CANCEL, WITHDRAWN, now)
    _insert_new(new)
    db.session.flush()


# --- who is wanted -----------------------------------------------------------------------------


def _invitable(email: str) -> bool:
    """Anyone but the organizers themselves: ORGANIZER is never an ATTENDEE."""
    return email.lower() != current_app.config["ORGANIZER_EMAIL"].lower()


def _speakers(event_session: EventSession) -> dict[str, _Wanted]:
    """People with an e-mail in the session's roles and its agenda items' roles, by address.

    One person with several roles is invited once, as chair if any role chairs.
    """
    roles: list[Role] = list(event_session.roles)
    for item in event_session.agenda_items:
        roles.extend(item.roles)
    wanted: dict[str, _Wanted] = {}
    for role in roles:
        person = role.person
        if person is None or not person.email or not _invitable(person.email.strip()):
            continue
        email = person.email.strip().lower()
        chair = role.kind in CHAIR_KINDS or (email in wanted and wanted[email].chair)
        wanted[email] = _Wanted(email, person.name, chair=chair, person=person)
    return wanted


def speakers_without_email(event_session: EventSession) -> list[tuple[Person, list[RoleKind]]]:
    """The people of the session's roles (moderators, panelists...) who get no invitation
    because they have no e-mail address, each once with their roles, for the staff to fix."""
    roles: list[Role] = list(event_session.roles)
    for item in event_session.agenda_items:
        roles.extend(item.roles)
    missing: dict[int, tuple[Person, list[RoleKind]]] = {}
    for role in roles:
        person = role.person
        if person is not None and not (person.email or "").strip():
            kinds = missing.setdefault(person.id, (person, []))[1]
            if role.kind not in kinds:
                kinds.append(role.kind)
    return list(missing.values())


def _registrants(event_session: EventSession) -> dict[str, _Wanted]:
    """Confirmed registrations that chose the session, by address (one query)."""
    registrations = db.session.scalars(
        db.select(Registration)
        .join(registration_sessions, registration_sessions.c.registration_id == Registration.id)
        .where(
            registration_sessions.c.session_id == event_session.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.id)
    )
    return {
        r.email: _Wanted(r.email, r.full_name, registration=r)
        for r in registrations
        if _invitable(r.email)
    }


# --- rows and sending --------------------------------------------------------------------------


def _load_sessions(ids: Iterable[int]) -> dict[int, EventSession]:
    """The sessions with their series, roles and agenda, fresh from the database (a role just
    deleted must not linger in a loaded collection)."""
    sessions = db.session.scalars(
        db.select(EventSession)
        .where(EventSession.id.in_(set(ids)))
        .options(*_SESSION_CONTENT)
        .execution_options(populate_existing=True)
    ).unique()
    return {s.id: s for s in sessions}


def _rows_of(sessions: Iterable[EventSession]) -> dict[int, dict[str, Invitation]]:
    """Every invitation row of the sessions, by session and address, with its registrant or
    speaker."""
    ids = [s.id for s in sessions]
    rows: dict[int, dict[str, Invitation]] = {i: {} for i in ids}
    for row in db.session.scalars(
        db.select(Invitation)
        .where(Invitation.session_id.in_(ids))
        .options(
            selectinload(Invitation.registration),
            selectinload(Invitation.person).joinedload(Person.country),
        )
    ):
        rows[row.session_id][row.email] = row
    return rows


def _new_row(event_session: EventSession, email: str, new: list[Invitation]) -> Invitation:
    """A row for an address not invited to the session yet, kept out of the ORM session and
    added to `new`: `_insert_new` writes all the new rows of one change in one INSERT,
    without the unit of work (nothing in the request reads them back as objects)."""
    row = Invitation(session_id=event_session.id, email=email, method=ICalMethod.REQUEST)
    new.append(row)
    return row


#: Built once: a statement keeps its cache key (SQLAlchemy computes it on first execution).
_INSERT = insert(Invitation.__table__)
#: The unique key of an invitation: one per session and address.
_INVITEE = ("session_id", "email")
#: The same, leaving out a row whose address is invited to the session already, and saying
#: which sessions it wrote; one per dialect (`ON CONFLICT` is not in SQLAlchemy's core).
_INSERT_UNLESS_INVITED = {
    dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(Invitation.__table__)
    .on_conflict_do_nothing(index_elements=list(_INVITEE))
    .returning(Invitation.session_id)
    for dialect in (postgresql, sqlite)
}


def _insert_new(rows: list[Invitation]) -> None:
    if rows:
        db.session.execute(_INSERT, _values(rows))


def _insert_unless_invited(values: list[dict[str, object]]) -> set[int]:
    """Insert the rows (`_values`' keys) whose address is not invited to their session yet,
    in one statement (SQLAlchemy's "insertmanyvalues": one multi-row INSERT); the sessions
    written."""
    if held_inserts.hold(Invitation.__table__, values, unless_conflict_on=_INVITEE):
        # Sent with the next statement, which checks that none was left out.
        return {cast(int, row["session_id"]) for row in values}
    statement = _INSERT_UNLESS_INVITED[db.session.get_bind().dialect.name]
    return set(db.session.scalars(statement, values))


def _values(rows: list[Invitation]) -> list[dict[str, object]]:
    return [
        {
            "session_id": row.session_id,
            "email": row.email,
            "name": row.name,
            "chair": row.chair,
            "registration_id": row.registration.id if row.registration is not None else None,
            "person_id": row.person.id if row.person is not None else None,
            "method": row.method,
            "sequence": row.sequence,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


def _take(row: Invitation, wanted: _Wanted) -> None:
    """The row now stands for `wanted`'s reasons."""
    row.name = wanted.name
    row.chair = wanted.chair
    row.registration = wanted.registration
    row.person = wanted.person


def _reader(event_session: EventSession, row: Invitation) -> _Reader:
    registration = row.registration
    if registration is not None:
        return _Reader(
            registration.language,
            registration.timezone,
            manage_url(registration),
            view_url(registration),
        )
    person = row.person
    country = person.country if person is not None else None
    zone = country.timezone if country is not None else event_session.series.timezone
    return _Reader(_language(event_session, row), zone, None, None)


def _language(event_session: EventSession, row: Invitation) -> str:
    """The invitee's language: a registrant's own; a speaker's from their country."""
    if row.registration is not None:
        return row.registration.language
    country = row.person.country if row.person is not None else None
    return "en" if country is not None and country.code in ENGLISH_COUNTRIES else "es"


def sequence_for(
    event_session: EventSession, row: Invitation, method: ICalMethod, *, significant: bool
) -> int:
    """The SEQUENCE of what goes to the row's address now (see the module's docstring).

    A row not sent yet has no `sequence` (None until it is flushed).
    """
    sequence = event_session.ical_sequence
    if row.sequence is None:
        return sequence
    if significant or method != row.method:
        return max(sequence, row.sequence + 1)
    return max(sequence, row.sequence)


def _send(
    event_session: EventSession,
    row: Invitation,
    method: ICalMethod,
    event: str,
    now: datetime,
    note: Note = "",
    *,
    significant: bool = False,
) -> None:
    """Record one invitation, update or cancellation on the row and in the outbox.

    Nothing is rendered here: the outbox row is deferred (`render` writes it when it is
    delivered) and holds the METHOD, the SEQUENCE the address is at now and the session's
    SEQUENCE, so the one it carries when it goes out is exact even if the session moved in
    between. `significant`: the session's time, link or status changed (its SEQUENCE rose).
    """
    _record(event_session, row, method, now, significant=significant)
    _enqueue(event_session, row, method, event, note)


def _record(
    event_session: EventSession,
    row: Invitation,
    method: ICalMethod,
    now: datetime,
    *,
    significant: bool = False,
) -> None:
    """What goes to the row's address now, recorded on the row (`_send`'s first half)."""
    row.sequence = sequence_for(event_session, row, method, significant=significant)
    row.method = method
    row.updated_at = now


@dataclass(frozen=True)
class _Addressee:
    """Who an invitation e-mail goes to, and in which language; `registration_id`: the
    registration it is for, if any (a speaker's has none)."""

    email: str
    name: str
    language: str
    registration_id: int | None


def _enqueue(
    event_session: EventSession, row: Invitation, method: ICalMethod, event: str, note: Note = ""
) -> None:
    """The deferred e-mail of what `_record` recorded on the row (`_send`'s second half)."""
    registration_id = row.registration.id if row.registration is not None else None
    addressee = _Addressee(row.email, row.name, _language(event_session, row), registration_id)
    _enqueue_to(event_session, addressee, method, row.sequence, event, note)


def _enqueue_to(
    event_session: EventSession,
    addressee: _Addressee,
    method: ICalMethod,
    sequence: int,
    event: str,
    note: Note = "",
) -> None:
    """The deferred e-mail of an invitation, update or cancellation at `sequence`."""
    if isinstance(note, str):
        note_text = note
    else:  # a lazy translation, in the invitee's language
        with force_locale(addressee.language):
            note_text = str(note)
    enqueue_deferred(
        RENDERER,
        kind=f"invitation.{event}",
        to_address=addressee.email,
        to_name=addressee.name,
        language=addressee.language,
        series_id=event_session.series_id,
        registration_id=addressee.registration_id,
        session_id=event_session.id,
        ical_method=method.value,
        ical_sequence=sequence,
        session_sequence=event_session.ical_sequence,
        note=note_text,
    )


@renderer(RENDERER)
def render(message: OutboxMessage) -> Rendered:
    """The e-mail of a deferred invitation, update or cancellation, as things are now.

    The session (time, link, agenda) and the invitee (name, time zone, private link) are
    read now; the METHOD and the note are the message's; SEQUENCE is what the address stood
    at when it was written plus the session's rises since (`OutboxMessage.ical_sequence`);
    DTSTAMP is when it was written, so a later message about the same event wins.
    """
    event_session, row = _session_and_invitee(message)
    name = _invitee_name(row)
    reader = _reader(event_session, row)
    language = message.language
    method = ICalMethod(message.ical_method)
    series = event_session.series
    online = series.modality != Modality.IN_PERSON
    join_url = event_session.join_url if method == ICalMethod.REQUEST and online else ""
    text = event_text(
        event_session,
        language,
        include_join_link=bool(join_url),
        view_url=reader.view_url,
        note=message.note,
    )
    # From the session rendered (shared within a delivery batch), so the two always agree.
    sequence = message.sequence_at(event_session.ical_sequence)
    calendar = ical.invitation(
        event_session,
        # The same ASCII domain as the To header (IDNA), so that clients match the two.
        ical.Attendee(email=smtp_address(row.email), name=name, chair=row.chair),
        method,
        text,
        organizer(language),
        message.created_at or utcnow(),
        sequence=sequence,
    )
    return render_email(
        "invitation",
        language=language,
        to_name=name,
        ical=calendar.decode("utf-8"),
        ical_sequence=sequence,
        summary=text.summary,
        event=message.kind.removeprefix("invitation."),
        event_session=event_session,
        series=series,
        name=name,
        chair=row.chair,
        note=message.note,
        timezone=reader.timezone,
        join_url=join_url,
        venue=series.t("venue", language) if series.modality != Modality.ONLINE else "",
        manage_url=reader.manage_url,
    )


def _session_and_invitee(message: OutboxMessage) -> tuple[EventSession, Invitation]:
    """The message's session (shared within a delivery pass) and its invitation row (read
    with those of the other claimed messages); CannotRender when either was deleted."""
    sessions = shared(
        (RENDERER, message.session_id),
        lambda: _load_sessions([message.session_id] if message.session_id is not None else []),
    )
    row = _invitee(message) if sessions else None
    if row is None:
        raise CannotRender("the session or the invitation of this message was deleted")
    [event_session] = sessions.values()
    return event_session, row


def _invitee(message: OutboxMessage) -> Invitation | None:
    """The invitation row of the message's address and session, read afresh with the rows of
    the other claimed messages about that session: one query per claim and session."""
    rows: dict[str, Invitation | None] = claim_shared((RENDERER, message.session_id), dict)
    if message.to_address not in rows:
        addresses = {
            m.to_address
            for m in batch_of(message)
            if m.renderer == RENDERER and m.session_id == message.session_id
        } | {message.to_address}
        rows.update(dict.fromkeys(addresses - rows.keys()))
        rows.update((row.email, row) for row in _read_invitees(message.session_id, addresses))
    return rows[message.to_address]


def _read_invitees(session_id: int | None, addresses: set[str]) -> Iterable[Invitation]:
    return db.session.scalars(
        db.select(Invitation)
        .where(Invitation.session_id == session_id, Invitation.email.in_(addresses))
        .options(
            selectinload(Invitation.registration),
            selectinload(Invitation.person).joinedload(Person.country),
        )
        # The invitees as they are now, even if loaded for an earlier message.
        .execution_options(populate_existing=True)
    )


def _invitee_name(row: Invitation) -> str:
    """The registrant's name as it is now, else the speaker's, else the name written."""
    if row.registration is not None:
        return row.registration.full_name
    if row.person is not None:
        return row.person.name
    return row.name


def freeze_pending(invitations: Select[tuple[Invitation]]) -> None:
    """Render and store now the pending deferred messages to the `invitations` (a query):
    call before deleting what they are about (a session, a speaker, a registration), which
    takes the invitation rows with it, so that the messages can still be sent."""
    rows = db.session.execute(
        invitations.with_only_columns(Invitation.session_id, Invitation.email)
    )
    keys = {(session_id, email) for session_id, email in rows}
    if not keys:
        return
    messages = db.session.scalars(
        db.select(OutboxMessage).where(
            OutboxMessage.renderer == RENDERER,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.session_id.in_({session_id for session_id, _email in keys}),
        )
    )
    freeze_all(m for m in messages if (m.session_id, m.to_address) in keys)
