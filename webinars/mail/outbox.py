"""Writing e-mails into the outbox, in the same transaction as the change that causes them.

Nothing here talks to an SMTP server: the delivery worker does that after the commit.
A calendar message (RFC 6047) also stores its iCalendar body, METHOD and SEQUENCE and its
session: the delivery adds the `text/calendar` part and the `invite.ics` attachment from them.

Two ways in: `enqueue` / `enqueue_template` store a message rendered now; `enqueue_deferred`
stores a small row that a registered renderer writes at delivery (`rendering`), which is what
the registration path uses so that a request holding the series lock renders nothing. A message
to a registrant goes through `enqueue_to_registrant` (or `enqueue_deferred_to_registrant`),
which address it the one way: to their address and name, in their language, filed under their
series and registration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any, TypedDict

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import insert

from webinars import held_inserts
from webinars.extensions import db
from webinars.mail.addresses import normalized_address
from webinars.mail.models import OutboxMessage
from webinars.mail.rendering import Rendered

if TYPE_CHECKING:
    from webinars.registration.models import Registration


class UnsendableAddress(ValueError):
    """An address no mail server would take: refused before it reaches the outbox."""


def _checked_address(address: str) -> str:
    """The address as given, if a mail server could take it; else `UnsendableAddress`.

    Input is checked where it is typed; this is the last guard, so that the outbox never
    holds a message that fails for good (a line break in an address or a name does).
    """
    if normalized_address(address) is None:
        raise UnsendableAddress(address)
    return address


def _one_line(text: str) -> str:
    """A header value on one line: control characters and line breaks become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def enqueue(
    *,
    kind: str,
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str,
    language: str,
    to_name: str = "",
    series_id: int | None = None,
    registration_id: int | None = None,
    ical: str = "",
    ical_method: str = "",
    ical_sequence: int | None = None,
    session_id: int | None = None,
) -> OutboxMessage:
    """Add one message to the outbox; flushes, never commits.

    `ical` (with its `ical_method`, REQUEST or CANCEL, and `ical_sequence`) makes it a
    calendar invitation, update or cancellation for the session `session_id`.
    """
    to_address = _checked_address(to_address)
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        to_name=_one_line(to_name),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=language,
        message_id=_new_message_id(),
        series_id=series_id,
        registration_id=registration_id,
        ical=ical,
        ical_method=ical_method,
        ical_sequence=ical_sequence,
        session_id=session_id,
    )
    db.session.add(message)
    db.session.flush()
    return message


def enqueue_deferred(
    renderer: str,
    *,
    kind: str,
    to_address: str,
    language: str,
    to_name: str = "",
    series_id: int | None = None,
    registration_id: int | None = None,
    session_id: int | None = None,
    ical_method: str = "",
    ical_sequence: int | None = None,
    session_sequence: int | None = None,
    note: str = "",
) -> None:
    """Write one message that `renderer` writes when it is delivered or read.

    Nothing is rendered here: the row holds what the renderer needs to find its subject
    (the registration, the session) and, for a calendar message, the METHOD, the SEQUENCE
    the address stood at and the session's own SEQUENCE then (`session_sequence`), from
    which the SEQUENCE at delivery follows. It is inserted at once, without the ORM's unit
    of work (nothing reads it back in the request), or at the end of the `one_insert` block
    around the call, with the others of the block.
    """
    row = {
        "kind": kind,
        "renderer": renderer,
        "to_address": _checked_address(to_address),
        "to_name": _one_line(to_name),
        "language": language,
        "message_id": _new_message_id(),
        "series_id": series_id,
        "registration_id": registration_id,
        "session_id": session_id,
        "ical_method": ical_method,
        "ical_sequence": ical_sequence,
        "session_sequence": session_sequence,
        "note": note,
    }
    batch = _batch.get()
    if batch is None:
        _insert([row])
    else:
        batch.append(row)


#: The deferred rows enqueued inside the open `one_insert` block; None outside one.
_batch: ContextVar[list[dict[str, Any]] | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def one_insert() -> Iterator[None]:
    """The deferred messages enqueued inside the block are written at its end, in the order
    they were enqueued, together: the receipt and invitations of a registration, or a
    session's update to every invitee, is one statement instead of one per message. A block
    inside another writes at the end of the outer one. Inside the block the outbox does not
    show them yet (nothing in a request that enqueues reads them back)."""
    if _batch.get() is not None:
        yield
        return
    rows: list[dict[str, Any]] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    _insert(rows)


#: Built once: a statement keeps its cache key (SQLAlchemy computes it on first execution).
#: RETURNING makes SQLAlchemy write several rows as one multi-row INSERT ("insertmanyvalues");
#: without it, psycopg's executemany pipeline took 3 more sends and 7 more polls for the
#: three rows of a confirmed registration (`strace -c` of bench/profile_registration.py).
_INSERT = insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)


def _insert(rows: list[dict[str, Any]]) -> None:
    """One INSERT of deferred rows, on the table: the rows are keyed by column. Inside a
    `held_inserts.held()` block, its owner sends them with its next statement."""
    if rows and not held_inserts.hold(OutboxMessage.__table__, rows):
        db.session.execute(_INSERT, rows)


def _new_message_id() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = sender.rsplit("@", 1)[-1].strip(">") if "@" in sender else None
    return make_msgid(domain=domain)


def render_email(
    template: str,
    *,
    language: str,
    to_name: str,
    ical: str = "",
    ical_sequence: int | None = None,
    **context: Any,
) -> Rendered:
    """Render `templates/email/<template>.{subject.txt,txt,html}` in `language`."""
    with force_locale(language):
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", **context)
    return Rendered(
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        to_name=to_name,
        ical=ical,
        ical_sequence=ical_sequence,
    )


def enqueue_template(
    template: str,
    *,
    kind: str,
    to_address: str,
    language: str,
    to_name: str = "",
    series_id: int | None = None,
    registration_id: int | None = None,
    ical: str = "",
    ical_method: str = "",
    ical_sequence: int | None = None,
    session_id: int | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render `templates/email/<template>.{subject.txt,txt,html}` in `language` and enqueue it."""
    rendered = render_email(template, language=language, to_name=to_name, **context)
    return enqueue(
        kind=kind,
        to_address=to_address,
        to_name=to_name,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        language=language,
        series_id=series_id,
        registration_id=registration_id,
        ical=ical,
        ical_method=ical_method,
        ical_sequence=ical_sequence,
        session_id=session_id,
    )


class _Addressee(TypedDict):
    to_address: str
    to_name: str
    language: str
    series_id: int
    registration_id: int


def _registrant(registration: Registration) -> _Addressee:
    return {
        "to_address": registration.email,
        "to_name": registration.full_name,
        "language": registration.language,
        "series_id": registration.series_id,
        "registration_id": registration.id,
    }


def enqueue_to_registrant(
    registration: Registration,
    template: str,
    *,
    kind: str,
    session_id: int | None = None,
    **context: Any,
) -> OutboxMessage:
    """`enqueue_template` to the registrant, in their language, filed under their series and
    registration (and `session_id`, for a message about one session). The template reads
    `registration` and `series` besides `context`."""
    return enqueue_template(
        template,
        kind=kind,
        session_id=session_id,
        **_registrant(registration),
        registration=registration,
        series=registration.series,
        **context,
    )


def enqueue_deferred_to_registrant(renderer: str, registration: Registration, *, kind: str) -> None:
    """`enqueue_deferred` to the registrant, filed as `enqueue_to_registrant` files it."""
    enqueue_deferred(renderer, kind=kind, **_registrant(registration))
