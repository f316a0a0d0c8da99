"""Delivering the outbox: build each row's MIME message, send it over SMTP, record the outcome.

Delivery runs after the commit that wrote the message (`flask outbox send` / `flask outbox work`),
never inside a request. Each message is claimed, sent and committed on its own, so a crash loses
at most the one message in flight (it stays pending and is sent again, with the same Message-ID)
and a row lock is never held across several sends.

Several workers at once: on PostgreSQL each claim is `SELECT ... FOR UPDATE SKIP LOCKED` with the
due condition (`status = 'pending' AND next_attempt_at <= now`) in its WHERE clause. A worker
skips the row another one holds, and PostgreSQL re-checks that condition on the newest version of
a row once it holds the lock, so a message another worker has just sent no longer matches: no
message is sent twice. SQLite has no row locks (SQLAlchemy leaves FOR UPDATE out there): run a
single worker on SQLite.

The SMTP settings are Flask-Mail's (`MAIL_SERVER`, `MAIL_PORT`, `MAIL_USE_TLS`, `MAIL_USE_SSL`,
`MAIL_USERNAME`, `MAIL_PASSWORD`, `MAIL_DEBUG`, `MAIL_MAX_EMAILS`, `MAIL_SUPPRESS_SEND`), read
from the app's Flask-Mail state. The connection is opened here with smtplib because Flask-Mail's
`Message` cannot carry the MIME tree we build (a `text/calendar; method=REQUEST` part, whose
`method` parameter Flask-Mail drops) and its connection has no timeout.
"""

from __future__ import annotations

import enum
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import make_msgid, parseaddr
from types import TracebackType
from typing import Any

from flask import Config, Flask, current_app
from sqlalchemy import func

from webinars.extensions import db
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.rendering import Rendered, freeze, shared_reads
from webinars.types import utcnow

#: Seconds to wait for the SMTP server (connecting, each reply) before counting a failed attempt.
SMTP_TIMEOUT_SECONDS = 30
#: The stored error text is cut to this length.
MAX_ERROR_LENGTH = 1000
#: The name of the calendar attachment of an invitation, update or cancellation.
ICS_FILENAME = "invite.ics"


# --- building ----------------------------------------------------------------------------------


def build_message(
    message: OutboxMessage, *, sender: str | None = None, content: Rendered | None = None
) -> EmailMessage:
    """The e-mail of an outbox row, ready for SMTP or an `.eml` file.

    `content` is what the message says (default: `message.content()`, which renders a
    deferred message from the database; the rest is pure). `sender` defaults to
    `MAIL_DEFAULT_SENDER`. Date is the time the message was written (the moment it was ready
    to go, RFC 5322); Message-ID is the row's, so every retry and every `.eml` download carry
    the same one. Raises ValueError (or an `email.errors` error) when a stored header or
    address cannot be written, e.g. a line break in the subject, and CannotRender when what a
    deferred message is about is gone.
    """
    content = content or message.content()
    email = EmailMessage(policy=policy.SMTP)
    email["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = Address(display_name=content.to_name, addr_spec=smtp_address(message.to_address))
    email["Subject"] = content.subject
    email["Date"] = message.created_at
    email["Message-ID"] = message.message_id
    # RFC 3834: automatic mail, so auto-responders do not answer it.
    email["Auto-Submitted"] = "auto-generated"
    email["MIME-Version"] = "1.0"
    _set_body(email, content, message.ical_method)
    # After the body: making a multipart moves the Content-* headers into the first part.
    email["Content-Language"] = message.language
    return email


def smtp_address(address: str) -> str:
    """The address with its domain in ASCII (IDNA), as headers and the SMTP envelope need it.

    A non-ASCII local part would need SMTPUTF8, which we do not use: `build_message` refuses it.
    """
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def _set_body(email: EmailMessage, content: Rendered, ical_method: str) -> None:
    """The MIME tree: multipart/alternative with text/plain and text/html, both UTF-8.

    A calendar message (RFC 6047) is multipart/mixed: the alternative gets a third part,
    `text/calendar; method=...; charset=utf-8`, the one calendar clients act on, and an
    `invite.ics` attachment carries the same bytes for clients that only show attachments.
    Every body part is added here and only here: the headers and the delivery do not change.
    """
    email.make_alternative()
    email.attach(_text_part(content.body_text, "plain"))
    email.attach(_text_part(content.body_html, "html"))
    if not content.ical:
        return
    # Flask-Mail's `alts` would drop the `method` parameter: the part is built here.
    email.attach(_text_part(content.ical, "calendar", params={"method": ical_method}))
    email.make_mixed()
    attachment = MIMEPart(policy=policy.SMTP)
    attachment.set_content(
        content.ical.encode("utf-8"),
        maintype="application",
        subtype="ics",
        disposition="attachment",
        filename=ICS_FILENAME,
        params={"name": ICS_FILENAME},
    )
    email.attach(attachment)


def _text_part(text: str, subtype: str, **options: Any) -> MIMEPart:
    """A UTF-8 text part, quoted-printable so that it is 7-bit clean for any SMTP server."""
    part = MIMEPart(policy=policy.SMTP)
    part.set_content(text, subtype=subtype, charset="utf-8", cte="quoted-printable", **options)
    return part


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


def daily_cap_reached(message: OutboxMessage, now: datetime) -> str:
    """Why sending `message` now would pass its address's daily allowance, or "".

    Counted at delivery, from what was actually sent to the address in the last 24 hours
    (one indexed query per message, as delivery already costs): all kinds together
    (`MAIL_PER_ADDRESS_PER_DAY`), and the requested kinds among themselves.
    """
    since = now - timedelta(days=1)
    rows = db.session.execute(
        db.select(OutboxMessage.kind, func.count())
        .where(
            OutboxMessage.to_address == message.to_address,
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at >= since,
        )
        .group_by(OutboxMessage.kind)
    ).all()
    total = sum(count for _kind, count in rows)
    requested = sum(count for kind, count in rows if kind in REQUESTED_KINDS)
    config = current_app.config
    if total >= int(config["MAIL_PER_ADDRESS_PER_DAY"]):
        return f"Daily allowance reached: {total} messages sent to this address in 24 hours."
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


def _deliver_due(batch: int, now: datetime | None, stop: threading.Event | None) -> DeliveryReport:
    holdup = delivery_holdup()
    if holdup is not None:
        return DeliveryReport(holdup=holdup)
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    config = current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    envelope_from = parseaddr(sender)[1] or sender
    # Within the batch the deferred messages of one session share its agenda and speakers
    # (`shared_reads`), which must outlive each message's commit: the session does not
    # expire them. Each message and its recipient are read afresh (populate_existing).
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        with _SmtpLink(current_app.extensions["mail"]) as link, shared_reads():
            return _deliver_batch(batch, clock, stop, link, sender, envelope_from, config)
    finally:
        session.expire_on_commit = expiring


def _deliver_batch(
    batch: int,
    clock: Callable[[], datetime],
    stop: threading.Event | None,
    link: _SmtpLink,
    sender: str,
    envelope_from: str,
    config: Config,
) -> DeliveryReport:
    """Claim, send and commit one message at a time, up to `batch`."""
    outcomes = dict.fromkeys(_Outcome, 0)
    last_id = 0
    while sum(outcomes.values()) < batch and not (stop is not None and stop.is_set()):
        message = _claim_next(after_id=last_id, now=clock())
        if message is None:
            break
        # Keyset order: a message retried with no backoff is not taken twice in one pass.
        last_id = message.id
        outcome, unreachable = _deliver_one(message, link, sender, envelope_from, clock, config)
        db.session.commit()
        outcomes[outcome] += 1
        if unreachable:
            return _report(outcomes, holdup=Holdup.UNREACHABLE, detail=unreachable)
    return _report(outcomes)


def _deliver_one(
    message: OutboxMessage,
    link: _SmtpLink,
    sender: str,
    envelope_from: str,
    clock: Callable[[], datetime],
    config: Config,
) -> tuple[_Outcome, str]:
    """Send one claimed message and record the outcome on its row.

    Returns the outcome and, when the server could not be reached, the error (else "").
    A message past its address's daily allowance is not sent: it is kept as `suppressed`.
    """
    held = "" if message.over_cap_allowed else daily_cap_reached(message, clock())
    if held:
        message.status = OutboxStatus.SUPPRESSED
        message.last_error = held
        return _Outcome.SUPPRESSED, ""
    try:
        recipient = smtp_address(message.to_address)
        content = message.content()
        data = build_message(message, sender=sender, content=content).as_bytes()
    except (ValueError, LookupError, MessageError) as error:
        # A header or an address that cannot be written, or a deferred message whose
        # registration or session is gone (CannotRender): no retry can fix it.
        return _give_up(message, f"Cannot build the message: {error}"), ""
    try:
        link.send(envelope_from, recipient, data)
    except _Unreachable as error:
        return _record_failure(message, error.detail, clock(), config, unreachable=True), (
            error.detail
        )
    except (smtplib.SMTPException, OSError) as error:
        link.close()  # start the next message on a fresh connection
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


def _claim_next(*, after_id: int, now: datetime) -> OutboxMessage | None:
    """Lock the oldest due message no other worker holds (its lock lasts until the commit)."""
    return db.session.execute(
        db.select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.id > after_id,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


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
