"""The rules of registration: one per e-mail, the checks of a registration, its changes of
status (approval, rejection, cancellation, a new choice) and the registrant's corrections.

Seats (the series lock, the count, the hard limits and the waiting list) live in `seats`: every
change that takes or frees a seat here goes through it, under the series lock.

Services flush and never commit; every status change enqueues an e-mail to the registrant in
the same transaction, then sends `signals.registration_changed`, on which the calendar
invitations or cancellations follow (one per session): both in `notifications.announce`. Those e-mails are
deferred outbox rows, rendered by the delivery worker, so the series lock is held for the
count and the inserts only, never for a template. A registration that starts to wait for a
focal point's approval may tell them at once (`approvals`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webinars import held_inserts
from webinars.accounts.models import User
from webinars.catalog.reference import MEMBER_ZONES
from webinars.errors import FieldError
from webinars.extensions import db
from webinars.mail.addresses import normalized_address
from webinars.participation import services as participation
from webinars.registration import approvals, inserts, notifications, reached, seats, snapshots
from webinars.registration.anonymised import is_anonymised_email
from webinars.registration.models import (
    Registration,
    RegistrationStatus,
    Sex,
)
from webinars.registration.tokens import (
    link_expires_at_for_series,
    new_secret,
    verification_hours,
)
from webinars.series.models import PUBLIC_STATUSES, ParticipantProfile, Series
from webinars.sessions.models import EventSession
from webinars.types import utcnow
from webinars.zones import is_known_zone

#: What registering reads of a series besides its row, loaded with it in one query.
SERIES_FOR_REGISTRATION = snapshots.SERIES_FOR_REGISTRATION

LANGUAGES = ("en", "es")
#: The profile code of "other": an official outside the series' profiles.
OTHER_PROFILE = "other"
MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "institution": 200,
    "position": 200,
    "observer_organization": 200,
}


class RegistrationError(FieldError):
    """Refused input; `field` names the form or JSON field, `code` the kind of refusal."""


class RegistrationClosed(RegistrationError):
    code = "registration_closed"

    def __init__(self) -> None:
        super().__init__("series", _l("Registration for this series is not open."))


class SeriesGone(RegistrationClosed):
    """The series was deleted since it was read: its address may hold another one now."""


class DuplicateRegistration(RegistrationError):
    code = "duplicate_registration"

    def __init__(self) -> None:
        super().__init__("email", _l("This e-mail address is already registered for this series."))


class TransitionError(RegistrationError):
    """The registration is not in a status that allows this change."""

    code = "invalid_status"

    def __init__(self, message: str | LazyString) -> None:
        super().__init__("status", message)


@dataclass
class RegistrationData:
    """What an official (or a focal point for them) submits; checked by `register`."""

    first_name: str
    last_name: str
    email: str
    institution: str
    position: str
    language: str
    #: ISO code of a member country; None (or "") with an observer organization instead.
    country_code: str | None = None
    observer_organization: str = ""
    #: A profile code of the series, or "other" / None.
    profile_code: str | None = None
    #: Session ids; None means every session of the series.
    session_ids: Sequence[int] | None = None
    timezone: str | None = None
    consent_to_list: bool = False
    #: A `Sex` value, or None / "" for no answer (the question is never required).
    sex: str | None = None


@dataclass
class _Checked:
    email: str
    country_code: str | None
    profile: ParticipantProfile | None
    sessions: list[EventSession]
    timezone: str
    sex: Sex | None = None
    fields: dict[str, str] = field(default_factory=dict)


# --- checking input -------------------------------------------------------------------------


def normalize_email(raw: str) -> str:
    """The address lower-cased and checked; raises RegistrationError on `email`."""
    normalized = normalized_address(raw.strip())
    if normalized is None:
        raise RegistrationError("email", _l("Enter a valid e-mail address."))
    return normalized


def has_control_characters(value: str) -> bool:
    """Whether the text holds a line break, a tab or another control or format character:
    such a name breaks every e-mail header it goes into, and no name needs one."""
    return any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in value)


def fold_control_characters(value: str) -> str:
    """Line breaks, tabs and other control characters as single spaces (uploaded cells, where
    Alt+Enter puts a line break inside a cell)."""
    replaced = "".join(
        " " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in value
    )
    return " ".join(replaced.split())


def check_one_line(name: str, value: str) -> str:
    """`value` stripped; a RegistrationError on `name` if it holds a control character."""
    if has_control_characters(value.strip()):
        raise RegistrationError(
            name, _l("Use one line of text, without line breaks or control characters.")
        )
    return value.strip()


def _check_text(data: RegistrationData) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, limit in MAX_LENGTHS.items():
        value = check_one_line(name, getattr(data, name) or "")
        if name != "observer_organization" and not value:
            raise RegistrationError(name, _l("This field is required."))
        if len(value) > limit:
            raise RegistrationError(name, _l("At most %(limit)d characters.", limit=limit))
        values[name] = value
    return values


def _check_profile(series: Series, code: str | None) -> ParticipantProfile | None:
    if code in (None, "", OTHER_PROFILE):
        return None
    for profile in series.profiles:
        if profile.code == code:
            return profile
    raise RegistrationError("profile", _l("Choose one of the profiles of this series."))


def _check_sessions(series: Series, session_ids: Sequence[int] | None) -> list[EventSession]:
    if session_ids is None:
        return list(series.sessions)
    by_id = {s.id: s for s in series.sessions}
    wanted = list(dict.fromkeys(session_ids))
    if not wanted:
        raise RegistrationError("sessions", _l("Choose at least one session."))
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise RegistrationError("sessions", _l("A chosen session is not part of this series."))
    return [by_id[i] for i in wanted]


def check_sex(raw: str | None) -> Sex | None:
    """The answer to the optional question on sex; None for no answer."""
    if not raw:
        return None
    try:
        return Sex(raw)
    except ValueError:
        raise RegistrationError("sex", _l("Choose one of the answers, or none.")) from None


def _check(series: Series, data: RegistrationData) -> _Checked:
    fields = _check_text(data)
    email = normalize_email(data.email or "")
    country_code = (data.country_code or "").upper() or None
    if country_code is not None:
        if country_code not in MEMBER_ZONES:
            raise RegistrationError("country", _l("Choose a member country."))
        fields["observer_organization"] = ""
    elif not fields["observer_organization"]:
        raise RegistrationError(
            "country", _l("Choose a member country, or give the name of your organization.")
        )
    if data.language not in LANGUAGES:
        raise RegistrationError("language", _l("Choose Spanish or English."))
    zone = data.timezone or (MEMBER_ZONES[country_code] if country_code else series.timezone)
    if not is_known_zone(zone):
        raise RegistrationError("timezone", _l("Choose a valid time zone."))
    return _Checked(
        email=email,
        country_code=country_code,
        profile=_check_profile(series, data.profile_code),
        sessions=_check_sessions(series, data.session_ids),
        timezone=zone,
        sex=check_sex(data.sex),
        fields=fields,
    )


# --- registering -----------------------------------------------------------------------------


def needs_verification(series: Series, registered_by: User | None) -> bool:
    """Whether a new registration waits for its address to be verified: one made through the
    public form or API of a series that verifies addresses. Staff verify those they make."""
    return registered_by is None and series.verify_email


def register(
    series: Series,
    data: RegistrationData,
    *,
    registered_by: User | None = None,
    now: datetime | None = None,
    optimistic: bool = False,
) -> Registration:
    """A new registration: confirmed or pending when a seat is free, else waitlisted.

    Made anonymously in a series that verifies addresses, it is `unverified` instead: it holds
    no seat, and only the verification e-mail goes out (`verify_address` places it).

    `series` may be out of date: a copy kept between requests (`snapshots`), or changed by
    someone else since it was read. A refusal made on such a copy, or a version that the
    insert finds changed under the series lock, is not final: the series is read again
    (under the lock, in the second case) and the registration checked and written anew.

    `optimistic`: `series` may be the process's shared copy (`snapshots.kept_series`), only
    read; see `_register_predicted`. NotPredicted or Mispredicted: the caller rolls back and
    registers again without `optimistic`.
    """
    now = now or utcnow()
    if optimistic:
        return _register_predicted(series, data, now)
    try:
        checked = _check_open(series, data, now)
    except RegistrationError:
        if not snapshots.is_copy(series):
            raise
        _read_again(series)
        checked = _check_open(series, data, now)
    try:
        return _write(series, data, checked, registered_by, now)
    except inserts.SeriesChanged:
        # Nothing is left written. Under the lock, the series read again cannot change.
        seats.lock_series(series.id)
    _read_again(series)
    return _write(series, data, _check_open(series, data, now), registered_by, now)


class NotPredicted(Exception):
    """`register` could not go on optimistically: nothing is kept; the caller rolls back and
    registers again without `optimistic`."""


def _register_predicted(series: Series, data: RegistrationData, now: datetime) -> Registration:
    """An anonymous registration on PostgreSQL (`inserts.predicts`), with the status the
    count before the lock predicts (a seat, without a count, unless this process saw a
    limit of the series reached: `reached`). Confirmed at once: one statement that writes
    it all, takes the lock, counts and commits (`_write_confirmed`). Otherwise its e-mails
    and invitations are written by the statement that takes the lock, which also counts
    once the lock is granted (`seats.confirm_prediction`): two statements. One that waits is not counted again
    unless a seat was given back meanwhile; then a third statement counts.

    `series` is only read, and no object of it goes into the session. Whatever would have
    to read it again gives up instead (NotPredicted): a refusal, which may come from a copy
    out of date; a version found changed by the insert; an address to verify, whose e-mail
    is rendered now (its templates may read more of the series). When the prediction does
    not hold under the lock, Mispredicted. A copy found out of date is forgotten."""
    if not inserts.predicts() or needs_verification(series, None):
        raise NotPredicted()
    try:
        checked = _check_open(series, data, now)
    except RegistrationError as refused:
        raise NotPredicted() from refused
    try:
        return _write(series, data, checked, None, now, predict=True)
    except inserts.SeriesChanged as changed:
        snapshots.forget(series.id)  # out of date: the next attempt reads the series
        raise NotPredicted() from changed


def _read_again(series: Series) -> None:
    if not snapshots.read_again(series):
        raise SeriesGone()


def _check_open(series: Series, data: RegistrationData, now: datetime) -> _Checked:
    if not series.registration_is_open(now):
        raise RegistrationClosed()
    return _check(series, data)


def _write(
    series: Series,
    data: RegistrationData,
    checked: _Checked,
    registered_by: User | None,
    now: datetime,
    *,
    predict: bool = False,
) -> Registration:
    """The checked registration written (`_insert`, which takes the series lock), counted
    and announced. Under the lock only the count, the status if no seat is left, and the
    e-mails' small rows (nothing is rendered): registrations of one series wait for each
    other as briefly as possible. With `predict`, written and counted without the lock;
    its e-mails' and invitations' rows are held back (`held_inserts`) and written by the
    statement that takes the lock, which counts under it and so confirms the status
    (`seats.confirm_prediction`): under the lock only that statement and the commit."""
    if needs_verification(series, registered_by):
        # It holds no seat: nothing to count; linked once verified.
        registration = _insert(
            _new_values(data, checked, RegistrationStatus.UNVERIFIED, now),
            series,
            checked,
            link=False,
        ).registration
        notifications.send_verification(registration)
        return registration
    # Written with the status of a seat, which no other transaction sees before the commit.
    values = _new_values(data, checked, seats.seated_status(series), now)
    values["registered_by_id"] = registered_by.id if registered_by else None
    chosen = (checked.profile, checked.country_code, checked.sessions)
    if predict and inserts.confirms_at_once(series):
        return _write_confirmed(series, values, checked)
    if predict:
        registration, released = _insert(values, series, checked, link=True, predicting=now)
        with held_inserts.held() as held:
            _announce_placement(registration)
        seats.confirm_prediction(registration, series, *chosen, held, released)
        return registration
    registration = _insert(values, series, checked, link=True).registration
    seats.place(registration, series, *chosen, now)
    _announce_placement(registration)
    return registration


def _write_confirmed(series: Series, values: dict[str, Any], checked: _Checked) -> Registration:
    """The checked registration, confirmed, in one statement that also writes its e-mails'
    and invitations' rows, takes the series lock, counts under it and commits
    (`inserts.insert_confirmed`): the e-mails are built first, from the registration as it
    will be written. Its person is the statement's to find (`participation.link` has
    nothing to do), and a confirmed registration waits for no approver. A limit found
    reached under the lock: nothing was written, and the next registrations of the series
    count before the lock (`reached`); Mispredicted either way, as when a held row was left
    out."""
    registration = inserts.provisional(values, series, checked.profile, checked.sessions)
    with held_inserts.held() as held:
        notifications.announce(registration, _event_of(registration.status), placed=True)
    try:
        written = inserts.insert_confirmed(registration, held, link=True)
    except IntegrityError as error:
        raise DuplicateRegistration() from error
    except inserts.LimitReached as reached_now:
        reached.found_reached(series)
        raise seats.Mispredicted() from reached_now
    except inserts.RowLeftOut as left_out:
        raise seats.Mispredicted() from left_out
    if not written:
        raise DuplicateRegistration()
    return registration


def _insert(
    values: dict[str, Any],
    series: Series,
    checked: _Checked,
    *,
    link: bool,
    predicting: datetime | None = None,
) -> inserts.Inserted:
    """Write the new registration, its sessions and (with `link`) its person (`inserts`);
    DuplicateRegistration when the address is registered in the series already, or beat us
    to it (then the transaction is spoiled and the caller rolls back, as after any
    RegistrationError)."""
    try:
        inserted = inserts.insert_registration(
            values, series, checked.profile, checked.sessions, link=link, predicting=predicting
        )
    except IntegrityError as error:
        raise DuplicateRegistration() from error
    if inserted is None:
        raise DuplicateRegistration()
    return inserted


def _new_values(
    data: RegistrationData, checked: _Checked, status: RegistrationStatus, now: datetime
) -> dict[str, Any]:
    """Every column of a new registration (`inserts.COLUMNS`) but its series; the caller
    sets who registered it when staff did."""
    created = utcnow()
    return {
        "email": checked.email,
        "first_name": checked.fields["first_name"],
        "last_name": checked.fields["last_name"],
        "country_code": checked.country_code,
        "observer_organization": checked.fields["observer_organization"],
        "institution": checked.fields["institution"],
        "position": checked.fields["position"],
        "profile_id": checked.profile.id if checked.profile else None,
        "language": data.language,
        "timezone": checked.timezone,
        "consent_to_list": bool(data.consent_to_list),
        "sex": checked.sex,
        "status": status,
        "rejection_reason": "",
        "manage_token": new_secret(),
        "registered_by_id": None,
        "created_at": created,
        "updated_at": created,
        "waitlisted_at": now if status == RegistrationStatus.WAITLISTED else None,
    }


def _announce_placement(registration: Registration) -> None:
    """A registration just placed (its address verified, or no verification needed): linked
    to the same person's other registrations by that address, then its e-mails: its status,
    its invitations, the approver."""
    participation.link([registration])
    notifications.announce(registration, _event_of(registration.status), placed=True)
    approvals.notify_waiting(registration)


class VerificationLinkUsed(TransitionError):
    code = "verification_used"

    def __init__(self) -> None:
        super().__init__(_l("This address is verified already: this link has been used."))


def verify_address(registration: Registration, *, now: datetime | None = None) -> None:
    """The registrant followed the link of the verification e-mail: place the registration.

    The same path as a registration made now: under the series lock, confirmed or pending
    when a seat fits, else on the waiting list; then its e-mails. A link works once.
    """
    if registration.status != RegistrationStatus.UNVERIFIED:
        raise VerificationLinkUsed()
    now = now or utcnow()
    series = registration.series
    seats.lock_series(series.id)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.UNVERIFIED:  # verified meanwhile
        raise VerificationLinkUsed()
    if seats.seat_fits(
        series, registration.profile, registration.country_code, registration.sessions
    ):
        registration.status = seats.seated_status(series)
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    db.session.flush()
    _announce_placement(registration)


def expire_unverified(*, now: datetime | None = None) -> int:
    """Delete the registrations whose address was not verified in time; returns how many.

    Idempotent (a second pass finds nothing). An unverified registration holds no seat, so
    nothing moves on the waiting list; deleting it frees its address, which someone else may
    have typed, and forgets data nobody confirmed. Each series touched gets a waiting-list
    pass all the same, under its lock.
    """
    now = now or utcnow()
    cutoff = now - timedelta(hours=verification_hours())
    stale = db.session.scalars(
        db.select(Registration).where(
            Registration.status == RegistrationStatus.UNVERIFIED,
            Registration.created_at < cutoff,
        )
    ).all()
    series_ids = sorted({r.series_id for r in stale})
    for series_id in series_ids:
        seats.lock_series(series_id)
    for registration in stale:
        db.session.delete(registration)
    db.session.flush()
    for series in db.session.scalars(db.select(Series).where(Series.id.in_(series_ids))):
        seats.promote_waitlist(series)
    return len(stale)


def answer_duplicate(series: Series, email: str) -> None:
    """Someone typed an address already registered: tell the address, not the visitor.

    The registrant gets their link again ("you are already registered"), or the verification
    link again while the registration is unverified; both count in the daily allowance.
    """
    registration = db.session.execute(
        db.select(Registration).filter_by(series_id=series.id, email=normalize_email(email))
    ).scalar_one_or_none()
    if registration is None or is_anonymised_email(registration.email):
        return
    if registration.status == RegistrationStatus.UNVERIFIED:
        notifications.send_verification(registration)
    else:
        notifications.send_already_registered(registration)


def _event_of(status: RegistrationStatus) -> str:
    return {
        RegistrationStatus.CONFIRMED: "confirmed",
        RegistrationStatus.PENDING: "received",
        RegistrationStatus.WAITLISTED: "waitlisted",
    }[status]


# --- changes of status -------------------------------------------------------------------------


def approve(registration: Registration) -> None:
    """Pending -> confirmed. The seat was held since the registration came in."""
    if registration.status != RegistrationStatus.PENDING:
        raise TransitionError(_l("Only a pending registration can be approved."))
    registration.status = RegistrationStatus.CONFIRMED
    db.session.flush()
    notifications.announce(registration, "confirmed")


def reject(registration: Registration, reason: str = "") -> list[Registration]:
    """Refuse a registration (with an optional reason); its seat goes to the waiting list."""
    if registration.is_closed:
        raise TransitionError(_l("This registration is already closed."))
    if len(reason) > 500:
        raise RegistrationError("reason", _l("At most %(limit)d characters.", limit=500))
    _close_as_rejected(registration, reason)
    return seats.promote_waitlist(registration.series)


def _close_as_rejected(registration: Registration, reason: str) -> None:
    seats.lock_series(registration.series_id)
    registration.status = RegistrationStatus.REJECTED
    registration.rejection_reason = reason.strip()
    registration.waitlisted_at = None
    db.session.flush()
    notifications.announce(registration, "rejected")


@dataclass
class BatchOutcome:
    """What a change of several registrations at once did."""

    #: The registrations changed, in the order given.
    changed: list[Registration] = field(default_factory=list)
    #: Those left as they were: not in a status that allows the change.
    skipped: list[Registration] = field(default_factory=list)
    #: Registrations moved up from the waiting list by the seats freed.
    promoted: list[Registration] = field(default_factory=list)


def approve_many(registrations: Iterable[Registration]) -> BatchOutcome:
    """Approve every pending registration of `registrations`; the others are skipped."""
    outcome = BatchOutcome()
    for registration in registrations:
        if registration.status == RegistrationStatus.PENDING:
            approve(registration)
            outcome.changed.append(registration)
        else:
            outcome.skipped.append(registration)
    return outcome


def reject_many(
    series: Series, registrations: Iterable[Registration], reason: str = ""
) -> BatchOutcome:
    """Reject each open registration of `series` given, with one reason; closed ones are
    skipped.

    The seats freed go to the waiting list once, after the last rejection, so a waiting
    registration is never promoted and then rejected by the same batch.
    """
    if len(reason) > 500:
        raise RegistrationError("reason", _l("At most %(limit)d characters.", limit=500))
    outcome = BatchOutcome()
    for registration in registrations:
        assert registration.series_id == series.id
        if registration.is_closed:
            outcome.skipped.append(registration)
            continue
        _close_as_rejected(registration, reason)
        outcome.changed.append(registration)
    if outcome.changed:
        outcome.promoted = seats.promote_waitlist(series)
    return outcome


def cancel(registration: Registration) -> list[Registration]:
    """The registrant (or staff for them) cancels; the seat goes to the waiting list."""
    if registration.is_closed:
        raise TransitionError(_l("This registration is already closed."))
    seats.lock_series(registration.series_id)
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlisted_at = None
    db.session.flush()
    notifications.announce(registration, "cancelled")
    return seats.promote_waitlist(registration.series)


def change_choice(
    registration: Registration,
    *,
    profile_code: str | None,
    session_ids: Sequence[int] | None,
) -> list[Registration]:
    """Another profile or other sessions, checked against the limits again.

    A registration holding a seat keeps it only if the new choice fits; otherwise the change
    is refused and nothing moves. A waitlisted one takes its new choice to the queue. Seats
    freed by the change go to the waiting list.
    """
    if registration.is_closed:
        raise TransitionError(_l("This registration is already closed."))
    series = registration.series
    profile = _check_profile(series, profile_code)
    sessions = _check_sessions(series, session_ids)
    seats.lock_series(series.id)
    if registration.holds_seat and not seats.seat_fits(
        series, profile, registration.country_code, sessions, excluding=registration.id
    ):
        raise RegistrationError(
            "profile" if profile != registration.profile else "sessions",
            _l("There is no seat left for this choice; your registration is unchanged."),
        )
    registration.profile = profile
    registration.sessions = sessions
    db.session.flush()
    notifications.announce(registration, "updated")
    return seats.promote_waitlist(series)


#: What a registrant may correct on their private page: what certificates and lists print.
DETAIL_FIELDS = ("first_name", "last_name", "institution", "position")


def details_editable(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the registrant may still correct their details themselves: an open registration
    (not rejected or cancelled) of a series that has not ended yet."""
    if registration.is_closed:
        return False
    if is_anonymised_email(registration.email):
        return False
    ends_at = registration.series.ends_at
    return ends_at is None or (now or utcnow()) < ends_at


def correct_details(
    registration: Registration, values: dict[str, str], *, now: datetime | None = None
) -> bool:
    """The registrant corrects their name, institution or position (`DETAIL_FIELDS`).

    Allowed until the series ends (`details_editable`), since the name is printed on the
    certificates; the registered address gets an e-mail about the change, so a link that
    leaked cannot rename someone unseen. Returns whether anything changed.
    """
    if not details_editable(registration, now):
        raise TransitionError(
            _l("Your details can no longer be changed here: write to the organizers.")
        )
    checked: dict[str, str] = {}
    for name in DETAIL_FIELDS:
        value = " ".join(check_one_line(name, values.get(name) or "").split())
        if not value:
            raise RegistrationError(name, _l("This field is required."))
        if len(value) > MAX_LENGTHS[name]:
            raise RegistrationError(
                name, _l("At most %(limit)d characters.", limit=MAX_LENGTHS[name])
            )
        checked[name] = value
    changed = {k: v for k, v in checked.items() if getattr(registration, k) != v}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(registration, name, value)
    db.session.flush()
    notifications.notify(registration, "updated")
    return True


def resend_manage_link(series: Series, email: str) -> None:
    """Send the manage link of `email`'s registration in `series`, if there is one.

    Says nothing either way, so that nobody learns who registered.
    """
    registration = db.session.execute(
        db.select(Registration).filter_by(series_id=series.id, email=normalize_email(email))
    ).scalar_one_or_none()
    if registration is not None:
        notifications.send_manage_link(registration)


def series_with_working_links(now: datetime | None = None) -> list[Series]:
    """Public series whose registrants' private links still work (not ended long ago),
    the latest first: those a registrant may ask for their link again (two queries)."""
    now = now or utcnow()
    rows = db.session.scalars(
        db.select(Series)
        .where(Series.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Series.sessions))
    ).all()
    working = [s for s in rows if (link_expires_at_for_series(s) or now) >= now]
    return sorted(working, key=lambda s: (s.starts_at is not None, s.starts_at), reverse=True)


def revoke_manage_link(registration: Registration) -> None:
    """Give the registration a new private link and e-mail it to the registered address.

    The old link (and the API token, the same secret) stops working at once: a leaked or
    forwarded link is cut off without touching the registration itself.
    """
    if is_anonymised_email(registration.email):
        raise TransitionError(_l("This registration is anonymised: it has no link to send."))
    registration.manage_token = new_secret()
    db.session.flush()
    notifications.send_manage_link(registration)
