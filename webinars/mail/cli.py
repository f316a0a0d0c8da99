"""`flask outbox send`, `flask outbox work` and `flask outbox status`."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from webinars.extensions import db
from webinars.invitations.session_reminders import send_due_reminders
from webinars.mail.delivery import (
    DeliveryReport,
    Holdup,
    deliver_due,
    delivery_holdup,
    status_counts,
)
from webinars.mail.models import OutboxStatus
from webinars.registration.approvals import send_due_digests
from webinars.registration.services import expire_unverified

outbox_cli = AppGroup("outbox", help="The mail outbox.")

#: Messages per call of `deliver_due`; a pass repeats calls until nothing more is due.
BATCH = 50


def deliver_everything_due(stop: threading.Event | None = None) -> DeliveryReport:
    """Deliver every message due now, `BATCH` at a time, until none is left or delivery stops."""
    total = DeliveryReport()
    while True:
        report = deliver_due(None, batch=BATCH, stop=stop)
        total += report
        if report.holdup or report.handled < BATCH or (stop is not None and stop.is_set()):
            return total


def _waiting() -> str:
    count = status_counts()[OutboxStatus.PENDING]
    return f"{count} message waits" if count == 1 else f"{count} messages wait"


def _holdup_line(report: DeliveryReport) -> str:
    if report.holdup is Holdup.NOT_CONFIGURED:
        return f"No SMTP server configured (MAIL_SERVER): {_waiting()} in the outbox."
    if report.holdup is Holdup.SUPPRESSED:
        return f"Sending is suppressed (MAIL_SUPPRESS_SEND): {_waiting()} in the outbox."
    return (
        f"SMTP server unreachable ({report.detail}): {_waiting()} in the outbox;"
        " they are tried again on the next pass."
    )


def _counts_line(report: DeliveryReport) -> str:
    line = f"Sent {report.sent}, retried later {report.retried}, failed {report.failed}."
    if report.suppressed:
        line += f" {report.suppressed} held back by the daily allowance per address."
    return line


@outbox_cli.command("send")
def send_command() -> None:
    """Deliver every message that is due now, once, and say what happened."""
    report = deliver_everything_due()
    click.echo(_counts_line(report))
    if report.holdup:
        click.echo(_holdup_line(report))


def _work_pass(stop: threading.Event, previous: Holdup | None) -> Holdup | None:
    """Everything the worker does on each pass: expire the registrations whose address was not
    verified in time, queue the reminders and the focal points' approval digests due (committed at once, so this pass delivers them), then deliver.

    Runs in a fresh app context, so the pass's database session and connection are released
    before the worker sleeps. Prints a line when something was queued or delivered or the
    holdup changed, and returns the holdup, to compare with the next pass.
    """
    with current_app.app_context():
        expired = expire_unverified()
        reminders = send_due_reminders()
        digests = send_due_digests()
        db.session.commit()
        if expired:
            click.echo(f"{expired} unverified registration(s) expired.")
        if reminders:
            click.echo(f"{reminders} reminder(s) queued.")
        if digests:
            click.echo(f"{digests} approval digest(s) queued.")
        report = deliver_everything_due(stop)
        if report.handled:
            click.echo(_counts_line(report))
        if report.holdup and (report.holdup != previous or report.handled):
            click.echo(_holdup_line(report))
    return report.holdup


@outbox_cli.command("work")
@click.option(
    "--interval",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds to sleep between passes.",
)
@click.option("--once", is_flag=True, help="Make one pass, then stop.")
def work_command(interval: float, once: bool) -> None:
    """Deliver due messages in a loop; SIGTERM or Ctrl-C stops it after the message in flight."""
    stop = threading.Event()
    previous_handlers = {
        signum: signal.signal(signum, lambda _signum, _frame: stop.set())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    holdup: Holdup | None = None
    try:
        while not stop.is_set():
            try:
                holdup = _work_pass(stop, holdup)
            except SQLAlchemyError as error:
                if once:
                    raise click.ClickException(f"database error: {error}") from error
                click.echo(f"Database error, trying again in {interval:g} s: {error}", err=True)
            if once:
                break
            stop.wait(interval)
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
    click.echo("Outbox worker stopped.")


@outbox_cli.command("status")
def status_command() -> None:
    """How many messages are pending, sent and failed."""
    for status, count in status_counts().items():
        click.echo(f"{status.value:<8} {count}")
    holdup = delivery_holdup()
    if holdup is Holdup.NOT_CONFIGURED:
        click.echo("No SMTP server configured (MAIL_SERVER): nothing is delivered.")
    elif holdup is Holdup.SUPPRESSED:
        click.echo("Sending is suppressed (MAIL_SUPPRESS_SEND): nothing is delivered.")
