"""Delivering the outbox: build each row's MIME message, send it over SMTP, record the outcome.

Delivery runs after the commit that wrote the message (`flask outbox send` / `flask outbox work`),
never inside a request. A worker claims up to `CLAIM` due messages in one statement: it writes a
lease on them (`leased_until`, `LEASE`) and commits, so that no other worker takes them. Then
it sends them one at a time: each is locked (and its address's daily allowance counted) in one
statement, sent, and its outcome committed with the lease cleared. A row lock is never held
across several sends.

What a crash costs: the message in flight, sent but not committed, is sent again (with the
same Message-ID) once its lease has ended, as are the claimed messages not sent yet; none is
lost, and none is sent twice while its lease runs. A pass that stops early (SIGTERM, an
unreachable server) hands back what it claimed and did not send.

Several workers at once: on PostgreSQL the claim is `SELECT ... FOR UPDATE SKIP LOCKED` with the
due condition (`status = 'pending' AND next_attempt_at <= now` and no running lease) in its
WHERE clause. A worker skips the rows another one is claiming, and PostgreSQL re-checks that
condition on the newest version of a row once it holds the lock, so a message another worker
has just leased or sent no longer matches: no message is sent twice. A worker starts no send
after `SEND_WINDOW`, so its sends end before its lease does. SQLite has no row locks
(SQLAlchemy leaves FOR UPDATE out there): run a single worker on SQLite.

The SMTP settings are Flask-Mail's (`MAIL_SERVER`, `MAIL_PORT`, `MAIL_USE_TLS`, `MAIL_USE_SSL`,
`MAIL_USERNAME`, `MAIL_PASSWORD`, `MAIL_DEBUG`, `MAIL_MAX_EMAILS`, `MAIL_SUPPRESS_SEND`), read
from the app's Flask-Mail state. The connection is opened here with smtplib because Flask-Mail's
`Message` cannot carry the MIME tree we build (a `text/calendar; method=REQUEST` part, whose
`method` parameter Flask-Mail drops) and its connection has no timeout.
"""

from __future__ import annotations

import base64
import binascii
import enum
import functools
import re
import secrets
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType
from typing import Any

from flask import Config, Flask, current_app
from sqlalchemy import ColumnElement, ScalarSelect, Select, bindparam, func, or_
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from webinars.extensions import db
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.rendering import Rendered, delivering, freeze, shared_reads
from webinars.types import utcnow

#: Seconds to wait for the SMTP server (connecting, each reply) before counting a failed attempt.
SMTP_TIMEOUT_SECONDS = 30
#: The stored error text is cut to this length.
MAX_ERROR_LENGTH = 1000
#: The name of the calendar attachment of an invitation, update or cancellation.
ICS_FILENAME = "invite.ics"


# --- building ----------------------------------------------------------------------------------

#: Line end of the message, as SMTP sends it (the bytes go out as they are).
CRLF = "\r\n"
#: Header lines are folded to this length (RFC 5322 section 2.1.1).
MAX_HEADER_LINE = 78
#: UTF-8 bytes per RFC 2047 encoded word: 56 base64 characters, 68 with `=?utf-8?b?...?=`.
_ENCODED_WORD_BYTES = 42
#: A header value written as it is: printable ASCII only.
_PRINTABLE = re.compile(r"[ -~]*")
#: A display name written as it is: atoms and spaces (RFC 5322 `atext`), else quoted.
_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*")
#: A MIME parameter value written as it is (the calendar's METHOD).
_TOKEN = re.compile(r"[A-Za-z0-9-]+")


def build_message(
    message: OutboxMessage, *, sender: str | None = None, content: Rendered | None = None
) -> EmailMessage:
    """The e-mail of an outbox row as an `EmailMessage` (the staff pages read its headers and
    parts): `message_bytes`, parsed."""
    data = message_bytes(message, sender=sender, content=content)
    return BytesParser(EmailMessage, policy=policy.SMTP).parsebytes(data)


def message_bytes(
    message: OutboxMessage, *, sender: str | None = None, content: Rendered | None = None
) -> bytes:
    """The e-mail of an outbox row, as SMTP sends it and an `.eml` file holds it.

    `content` is what the message says (default: `message.content()`, which renders a
    deferred message from the database; the rest is pure). `sender` defaults to
    `MAIL_DEFAULT_SENDER`. Date is the time the message was written (the moment it was ready
    to go, RFC 5322); Message-ID is the row's, so every retry and every `.eml` download carry
    the same one. Raises ValueError when a header or an address cannot be written (a line
    break in the subject, a non-ASCII local part), and CannotRender when what a deferred
    message is about is gone.

    Written directly rather than with `email.message.EmailMessage`, whose header registry
    parses every header it is given and every one it writes (a third of a delivery's time);
    the tests parse what this writes with the `email` package and `icalendar`, as clients do.
    """
    content = content or message.content()
    headers = [
        _sender_header(sender or current_app.config["MAIL_DEFAULT_SENDER"]),
        _fold("To: " + _mailbox(content.to_name, smtp_address(message.to_address))),
        _fold("Subject: " + _unstructured(content.subject)),
        "Date: " + format_datetime(message.created_at),
        "Message-ID: " + _one_line(message.message_id),
        # RFC 3834: automatic mail, so auto-responders do not answer it.
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
    ]
    body = _body(content, message.ical_method)
    headers += body.headers
    headers.append("Content-Language: " + _one_line(message.language))
    return (CRLF.join(headers) + CRLF + CRLF).encode("ascii") + body.data


def smtp_address(address: str) -> str:
    """The address with its domain in ASCII (IDNA), as headers and the SMTP envelope need it.

    A non-ASCII local part would need SMTPUTF8, which we do not use: `message_bytes` refuses it.
    """
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


@functools.lru_cache(maxsize=8)
def _sender_header(sender: str) -> str:
    """The From line, as the `email` package writes it (the sender is the same for every
    message: it is parsed once)."""
    header = policy.SMTP.header_factory("From", sender)
    return header.fold(policy=policy.SMTP).removesuffix(CRLF)


def _one_line(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"a header value may not contain a line break: {value!r}")
    return value


def _unstructured(text: str) -> str:
    """A Subject: as it is when printable ASCII, else with its other words encoded."""
    _one_line(text)
    if _PRINTABLE.fullmatch(text) and "=?" not in text:
        return text
    return _encoded(text, _PRINTABLE, chunked=True)


def _mailbox(name: str, address: str) -> str:
    """`Name <address>`, the name as atoms, a quoted string or with encoded words."""
    _one_line(name)
    if not address.isascii() or not _PRINTABLE.fullmatch(address):
        raise ValueError(f"the address needs SMTPUTF8, which is not used: {address!r}")
    if not name:
        return address
    if _ATOMS.fullmatch(name) and "=?" not in name:
        phrase = name
    elif _PRINTABLE.fullmatch(name) and "=?" not in name:
        phrase = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        phrase = _encoded(name, _ATOMS, chunked=False)
    return f"{phrase} <{address}>"


def _encoded(text: str, plain: re.Pattern[str], *, chunked: bool) -> str:
    """`text` with each run of words that `plain` does not match as RFC 2047 encoded words
    (UTF-8, base64); the words it matches stay as they are, one space between each.

    Two encoded words are never next to each other unless `chunked`: a decoder drops the
    space between two encoded words (RFC 2047 section 6.2) and the phrase parser of Python's
    `email` package keeps it, so a display name is one encoded word per run (possibly
    longer than 75 characters, which decoders accept). A Subject's runs are cut into words
    that fit on a line: every parser drops the space between them in unstructured text.
    """
    out: list[str] = []
    run: list[str] = []
    for word in [*text.split(" "), None]:
        if word is None or (word and plain.fullmatch(word) and "=?" not in word):
            if run:
                out += _encoded_words(" ".join(run), chunked=chunked)
                run = []
            if word is not None:
                out.append(word)
        else:
            run.append(word)
    return " ".join(out)


def _encoded_words(text: str, *, chunked: bool) -> list[str]:
    """`text` as encoded words; `chunked`: each short enough for one line, a character never
    split between two."""
    chunks: list[bytes] = []
    chunk = b""
    for character in text:
        encoded = character.encode("utf-8")
        if chunked and len(chunk) + len(encoded) > _ENCODED_WORD_BYTES:
            chunks.append(chunk)
            chunk = b""
        chunk += encoded
    chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?=" for chunk in chunks]


def _fold(line: str) -> str:
    """A header line folded before spaces so that no line passes `MAX_HEADER_LINE` where a
    space allows it; unfolding (removing each CRLF) gives `line` back. The first line keeps
    the name and the first word: a value that starts on the next line would start with the
    folding space."""
    if len(line) <= MAX_HEADER_LINE:
        return line
    lines: list[str] = []
    current = ""
    for index, word in enumerate(line.split(" ")):
        if index == 0:
            current = word
        elif word and index > 1 and len(current) + 1 + len(word) > MAX_HEADER_LINE:
            lines.append(current)
            current = " " + word
        else:
            current += " " + word
    lines.append(current)
    return CRLF.join(lines)


@dataclass(frozen=True)
class _Part:
    """One MIME entity: its header lines and its encoded body (ending with CRLF)."""

    headers: list[str]
    data: bytes

    def entity(self) -> bytes:
        return (CRLF.join(self.headers) + CRLF + CRLF).encode("ascii") + self.data


def _body(content: Rendered, ical_method: str) -> _Part:
    """The MIME tree: multipart/alternative with text/plain and text/html, both UTF-8.

    A calendar message (RFC 6047) is multipart/mixed: the alternative gets a third part,
    `text/calendar; method=...; charset=utf-8`, the one calendar clients act on, and an
    `invite.ics` attachment carries the same bytes for clients that only show attachments.
    Every body part is added here and only here: the headers and the delivery do not change.
    """
    parts = [_text_part(content.body_text, "plain"), _text_part(content.body_html, "html")]
    if not content.ical:
        return _multipart("alternative", parts)
    if not _TOKEN.fullmatch(ical_method):
        raise ValueError(f"not a calendar METHOD: {ical_method!r}")
    parts.append(_text_part(content.ical, "calendar", f'; method="{ical_method}"'))
    attachment = _Part(
        [
            f'Content-Type: application/ics; name="{ICS_FILENAME}"',
            "Content-Transfer-Encoding: base64",
            f'Content-Disposition: attachment; filename="{ICS_FILENAME}"',
        ],
        base64.encodebytes(content.ical.encode("utf-8")).replace(b"\n", b"\r\n"),
    )
    return _multipart("mixed", [_multipart("alternative", parts), attachment])


def _text_part(text: str, subtype: str, params: str = "") -> _Part:
    """A UTF-8 text part, quoted-printable so that it is 7-bit clean for any SMTP server.

    Its lines end with CRLF, and it ends with a line break, as the `email` package writes it.
    """
    lines = text.encode("utf-8").splitlines()
    data = binascii.b2a_qp(b"\r\n".join(lines) + b"\r\n", istext=True)
    return _Part(
        [
            f'Content-Type: text/{subtype}; charset="utf-8"{params}',
            "Content-Transfer-Encoding: quoted-printable",
        ],
        data,
    )


def _multipart(subtype: str, parts: list[_Part]) -> _Part:
    """A multipart of `parts`. Its boundary starts with "=_", which neither quoted-printable
    nor base64 can write, so no part can contain it."""
    boundary = f"=_{secrets.token_hex(16)}"
    delimiter = f"--{boundary}\r\n".encode("ascii")
    # Each part ends with CRLF; the CRLF before a delimiter belongs to the delimiter.
    data = b"".join(delimiter + part.entity() + b"\r\n" for part in parts)
    return _Part(
        [_fold(f'Content-Type: multipart/{subtype}; boundary="{boundary}"')],
        data + f"--{boundary}--\r\n".encode("ascii"),
    )


# --- state of the outbox -----------------------------------------------------------------------


class Holdup(enum.StrEnum):
    """Why a pass delivered nothing, or stopped early."""

    #: MAIL_SERVER is not set (the `make run` default): messages wait in the outbox.
    NOT_CONFIGURED = "not_configured"
    #: MAIL_SUPPRESS_SEND (Flask-Mail's default under TESTING): nothing leaves the app.
    SUPPRESSED = "suppressed"
    #: Connecting or logging in to the SMTP server failed; the pass stopped after one attempt.
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class DeliveryReport:
    """What one call of `deliver_due` did."""

    sent: int = 0
    #: Held back: their address had received its daily allowance (`daily_cap_reached`).
    suppressed: int = 0
    #: Failed attempts that will be tried again after the backoff.
    retried: int = 0
    #: Messages refused OUTBOX_MAX_ATTEMPTS times (or that cannot be built), now `failed`.
    failed: int = 0
    holdup: Holdup | None = None
    #: The error behind an UNREACHABLE holdup.
    detail: str = ""

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.suppressed

    def __add__(self, later: DeliveryReport) -> DeliveryReport:
        """Two consecutive reports as one; the holdup is the later one's."""
        return DeliveryReport(
            sent=self.sent + later.sent,
            suppressed=self.suppressed + later.suppressed,
            retried=self.retried + later.retried,
            failed=self.failed + later.failed,
            holdup=later.holdup,
            detail=later.detail,
        )


def delivery_holdup() -> Holdup | None:
    """Why this app sends nothing at all, or None when it delivers over SMTP."""
    state = current_app.extensions["mail"]
    if not state.server:
        return Holdup.NOT_CONFIGURED
    if state.suppress:
        return Holdup.SUPPRESSED
    return None


def status_counts() -> dict[OutboxStatus, int]:
    """How many messages are in each status (every status present, zero included)."""
    counts = dict.fromkeys(OutboxStatus, 0)
    rows = db.session.execute(
        db.select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    for status, count in rows:
        counts[status] = count
    return counts


#: Kinds of e-mail that anyone can cause by typing an address into a public form: they have
#: their own, smaller daily allowance (`MAIL_REQUESTED_PER_ADDRESS_PER_DAY`), so that a flood
#: of them never eats the allowance of the mails a registrant or the staff cause.
REQUESTED_KINDS = frozenset(
    {
        "registration.verify",
        "registration.already_registered",
        "registration.manage_link",
    }
)


def daily_cap_reached(message: OutboxMessage, sent: int, requested: int) -> str:
    """Why sending `message` now would pass its address's daily allowance, or "".

    `sent` and `requested` are what was actually sent to the address in the last 24 hours,
    all kinds together (`MAIL_PER_ADDRESS_PER_DAY`) and the requested kinds among themselves;
    the delivery counts them when it locks the message, in the statement that locks it.
    """
    config = current_app.config
    if sent >= int(config["MAIL_PER_ADDRESS_PER_DAY"]):
        return f"Daily allowance reached: {sent} messages sent to this address in 24 hours."
    requested_cap = int(config["MAIL_REQUESTED_PER_ADDRESS_PER_DAY"])
    if message.kind in REQUESTED_KINDS and requested >= requested_cap:
        return (
            f"Daily allowance reached: {requested} requested messages (verification, already "
            "registered, link again) sent to this address in 24 hours."
        )
    return ""


class NotResendable(Exception):
    """Only a sent or failed message can be put back in line; a pending one is there already."""


def requeue(message: OutboxMessage, *, now: datetime | None = None) -> None:
    """Put a sent, failed or suppressed message back in line: pending, no attempts, due now
    (a suppressed one then goes past the daily allowance). Flushes.

    A message that was sent gets a new Message-ID: it is a new copy, and mail systems drop a
    second message whose Message-ID they have seen already (Gmail does).
    """
    if message.status is OutboxStatus.PENDING:
        raise NotResendable()
    if message.status is OutboxStatus.SENT:
        message.message_id = make_msgid(domain=message.message_id.rsplit("@", 1)[-1].rstrip(">"))
    if message.status is OutboxStatus.SUPPRESSED:
        # An organizer chose to send it: past the daily allowance this time.
        message.over_cap_allowed = True
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
    message.last_error = ""
    message.sent_at = None
    db.session.flush()


# --- delivery ----------------------------------------------------------------------------------

#: Messages claimed at once: what a crash delays until its lease ends, and about how long
#: before its send a recipient's data is read (a fraction of a second). A pass of `batch`
#: messages claims this many at a time, so that several workers share a short outbox.
CLAIM = 25
#: How long the messages a worker claims are kept from the other workers (`leased_until`).
LEASE = timedelta(minutes=10)
#: A worker starts no send later than this after its claim, so that a send started in time
#: (each of its SMTP steps times out after SMTP_TIMEOUT_SECONDS) ends before the lease does;
#: what is left of the batch is handed back.
SEND_WINDOW = LEASE / 2


def deliver_due(
    app: Flask | None = None,
    *,
    batch: int = 50,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Send up to `batch` due messages, oldest first, committing after each one.

    Runs in a new context of `app` when given (a thread or a worker gets its own session),
    else in the current app context. `now` fixes the clock of the whole pass (tests); by default
    each step reads the real time. Once `stop` is set (SIGTERM), the pass ends after the
    message in flight. With no SMTP server configured nothing is sent: the report says why.
    """
    if app is not None:
        with app.app_context():
            return _deliver_due(batch, now, stop)
    return _deliver_due(batch, now, stop)


class _Outcome(enum.Enum):
    SENT = "sent"
    SUPPRESSED = "suppressed"
    RETRIED = "retried"
    FAILED = "failed"


@dataclass(frozen=True)
class _Sender:
    """What every message of a pass is sent with."""

    link: _SmtpLink
    sender: str
    envelope_from: str
    clock: Callable[[], datetime]
    config: Config


def _deliver_due(batch: int, now: datetime | None, stop: threading.Event | None) -> DeliveryReport:
    holdup = delivery_holdup()
    if holdup is not None:
        return DeliveryReport(holdup=holdup)
    config = current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    # Within a pass the deferred messages of one session share its agenda and speakers
    # (`shared_reads`), which must outlive each message's commit: the session does not expire
    # them. Each claim reads its messages and their recipients afresh (populate_existing).
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        with _SmtpLink(current_app.extensions["mail"]) as link, shared_reads():
            sending = _Sender(
                link,
                sender,
                parseaddr(sender)[1] or sender,
                (lambda: now) if now is not None else utcnow,
                config,
            )
            return _deliver_batch(batch, stop, sending)
    finally:
        session.expire_on_commit = expiring


def _stopped(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _deliver_batch(batch: int, stop: threading.Event | None, sending: _Sender) -> DeliveryReport:
    """Claim up to `CLAIM` messages in one statement, send and commit them one by one, and so
    on up to `batch` messages."""
    outcomes = dict.fromkeys(_Outcome, 0)
    last_id = 0
    while (left := batch - sum(outcomes.values())) > 0 and not _stopped(stop):
        claimed = _claim(after_id=last_id, now=sending.clock(), limit=min(left, CLAIM))
        if not claimed:
            break
        # Keyset order: a message retried with no backoff is not taken twice in one pass.
        last_id = claimed[-1].id
        unreachable = _send_claimed(claimed, outcomes, stop, sending)
        if unreachable:
            return _report(outcomes, holdup=Holdup.UNREACHABLE, detail=unreachable)
    return _report(outcomes)


def _send_claimed(
    claimed: list[OutboxMessage],
    outcomes: dict[_Outcome, int],
    stop: threading.Event | None,
    sending: _Sender,
) -> str:
    """Send the claimed messages in order, each committed on its own; hand back the ones not
    sent when the pass stops. Returns the error when the server could not be reached, else ""."""
    deadline = sending.clock() + SEND_WINDOW
    with delivering(claimed):
        for index, message in enumerate(claimed):
            if _stopped(stop) or sending.clock() >= deadline:
                _release(claimed[index:])
                return ""
            sent_today = _lock(message, sending.clock())
            if sent_today is None:
                continue  # deleted since the claim (an erasure): nothing to send
            outcome, unreachable = _deliver_one(message, sent_today, sending)
            message.leased_until = None
            db.session.commit()
            outcomes[outcome] += 1
            if unreachable:
                _release(claimed[index + 1 :])
                return unreachable
    return ""


def _deliver_one(
    message: OutboxMessage, sent_today: tuple[int, int], sending: _Sender
) -> tuple[_Outcome, str]:
    """Send one claimed and locked message and record the outcome on its row.

    Returns the outcome and, when the server could not be reached, the error (else "").
    A message past its address's daily allowance is not sent: it is kept as `suppressed`.
    """
    held = "" if message.over_cap_allowed else daily_cap_reached(message, *sent_today)
    if held:
        message.status = OutboxStatus.SUPPRESSED
        message.last_error = held
        return _Outcome.SUPPRESSED, ""
    try:
        recipient = smtp_address(message.to_address)
        content = message.content()
        data = message_bytes(message, sender=sending.sender, content=content)
    except (ValueError, LookupError, MessageError) as error:
        # A header or an address that cannot be written, or a deferred message whose
        # registration or session is gone (CannotRender): no retry can fix it.
        return _give_up(message, f"Cannot build the message: {error}"), ""
    clock, config = sending.clock, sending.config
    try:
        sending.link.send(sending.envelope_from, recipient, data)
    except _Unreachable as error:
        return _record_failure(message, error.detail, clock(), config, unreachable=True), (
            error.detail
        )
    except (smtplib.SMTPException, OSError) as error:
        sending.link.close()  # start the next message on a fresh connection
        outcome = _record_failure(message, _describe(error), clock(), config)
        if outcome is _Outcome.FAILED:
            freeze(message, content)  # the row keeps what was refused
        return outcome, ""
    message.status = OutboxStatus.SENT
    message.sent_at = clock()
    message.last_error = ""
    # The row keeps what was sent: the staff see it, and a re-send sends it again.
    freeze(message, content)
    return _Outcome.SENT, ""


def _report(outcomes: dict[_Outcome, int], **fields: Any) -> DeliveryReport:
    return DeliveryReport(
        sent=outcomes[_Outcome.SENT],
        suppressed=outcomes[_Outcome.SUPPRESSED],
        retried=outcomes[_Outcome.RETRIED],
        failed=outcomes[_Outcome.FAILED],
        **fields,
    )


def _claim(*, after_id: int, now: datetime, limit: int) -> list[OutboxMessage]:
    """Lease up to `limit` due messages that no other worker holds or leases, oldest first,
    and commit: one statement and one commit for the batch.

    On PostgreSQL the rows are locked (`FOR UPDATE SKIP LOCKED`) until the commit that
    writes their lease, and PostgreSQL re-checks the WHERE clause on the newest version of
    a row once it holds the lock: two workers never lease one message.
    """
    claimed = list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until <= now),
                OutboxMessage.id > after_id,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )
    for message in claimed:
        message.leased_until = now + LEASE
    db.session.commit()
    return claimed


def _lock(message: OutboxMessage, now: datetime) -> tuple[int, int] | None:
    """Lock the leased message for its send (until the commit of its outcome) and count what
    its address received in the 24 hours before `now`: all kinds, and the requested kinds
    (`daily_cap_reached`). One statement. None when it is no longer pending.

    The lock keeps a service that changes the message meanwhile (`freeze` before a deletion,
    an erasure) waiting until the outcome is written, as the claim's lock did when each
    message was claimed on its own; a change made since the claim is read here.
    """
    row = db.session.execute(
        _lock_statement(), {"message_id": message.id, "since": now - timedelta(days=1)}
    ).one_or_none()
    if row is None:
        return None
    if row.renderer != message.renderer:
        db.session.refresh(message)  # frozen since the claim: send what it stores
    return row.sent, row.requested


@functools.cache
def _lock_statement() -> Select[tuple[str, int, int]]:
    """`_lock`'s statement, built once (building it costs more than running it)."""
    sent = aliased(OutboxMessage)

    def count(*more: ColumnElement[bool]) -> ScalarSelect[int]:
        return (
            db.select(func.count())
            .select_from(sent)
            .where(
                sent.to_address == OutboxMessage.to_address,
                sent.status == OutboxStatus.SENT,
                sent.sent_at >= bindparam("since"),
                *more,
            )
            .scalar_subquery()
        )

    return (
        db.select(
            OutboxMessage.renderer,
            count().label("sent"),
            count(sent.kind.in_(REQUESTED_KINDS)).label("requested"),
        )
        .where(
            OutboxMessage.id == bindparam("message_id"),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .with_for_update(of=OutboxMessage)
    )


def _release(messages: list[OutboxMessage]) -> None:
    """Hand claimed messages back (their lease ends now), so that the next pass or another
    worker takes them without waiting for the lease."""
    if messages:
        db.session.execute(
            db.update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in messages]))
            .values(leased_until=None)
            .execution_options(synchronize_session=False)
        )
        for message in messages:
            set_committed_value(message, "leased_until", None)
    db.session.commit()


def _record_failure(
    message: OutboxMessage, error: str, now: datetime, config: Config, *, unreachable: bool = False
) -> _Outcome:
    """One more failed attempt: retry after the exponential backoff, or give up after the last.

    An `unreachable` server is not the message's fault: the attempt is counted, but it never
    makes the message `failed`, so an outage of any length loses nothing. The delay stops
    growing at the one before the last attempt (16 min by default): once the server is back,
    every message goes out within that time.
    """
    message.attempts += 1
    message.last_error = error[:MAX_ERROR_LENGTH]
    last = config["OUTBOX_MAX_ATTEMPTS"]
    if message.attempts >= last and not unreachable:
        message.status = OutboxStatus.FAILED
        return _Outcome.FAILED
    doublings = max(min(message.attempts, last - 1) - 1, 0)
    message.next_attempt_at = now + timedelta(
        seconds=config["OUTBOX_BACKOFF_SECONDS"] * 2**doublings
    )
    return _Outcome.RETRIED


def _give_up(message: OutboxMessage, error: str) -> _Outcome:
    message.attempts += 1
    message.last_error = error[:MAX_ERROR_LENGTH]
    message.status = OutboxStatus.FAILED
    return _Outcome.FAILED


def _describe(error: Exception) -> str:
    """One readable line: the SMTP reply when the server gave one, else the exception."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
        return f"{code} {_text(reply)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


class _Unreachable(Exception):
    """Connecting, STARTTLS or logging in failed: the server, not the message, is at fault."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _SmtpLink:
    """One SMTP connection for a pass: opened on first use, reopened after an error."""

    def __init__(self, state: Any) -> None:
        self._state = state  # Flask-Mail's settings for this app
        self._smtp: smtplib.SMTP | None = None
        self._sent = 0

    def __enter__(self) -> _SmtpLink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as error:
                raise _Unreachable(
                    f"{self._state.server}:{self._state.port}: {_describe(error)}"
                ) from error
        self._smtp.sendmail(envelope_from, [recipient], data)
        self._sent += 1
        if self._state.max_emails and self._sent % self._state.max_emails == 0:
            self.close()  # MAIL_MAX_EMAILS: a fresh connection after that many messages

    def _connect(self) -> smtplib.SMTP:
        """As Flask-Mail connects (SSL, STARTTLS, login), with a timeout."""
        state = self._state
        factory = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        smtp = factory(state.server, state.port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            smtp.set_debuglevel(int(state.debug))
            if state.use_tls:
                smtp.starttls()
            if state.username and state.password:
                smtp.login(state.username, state.password)
        except Exception:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
