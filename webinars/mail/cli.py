"""`flask outbox send` and `flask outbox status` (`flask outbox work` is in `webinars.worker`)."""

from __future__ import annotations

import threading

import click
from flask.cli import AppGroup

from webinars.mail.delivery import (
    DeliveryReport,
    Holdup,
    deliver_due,
    delivery_holdup,
    status_counts,
)
from webinars.mail.models import OutboxStatus

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


def holdup_line(report: DeliveryReport) -> str:
    if report.holdup is Holdup.NOT_CONFIGURED:
        return f"No SMTP server configured (MAIL_SERVER): {_waiting()} in the outbox."
    if report.holdup is Holdup.SUPPRESSED:
        return f"Sending is suppressed (MAIL_SUPPRESS_SEND): {_waiting()} in the outbox."
    return (
        f"SMTP server unreachable ({report.detail}): {_waiting()} in the outbox;"
        " they are tried again on the next pass."
    )


def counts_line(report: DeliveryReport) -> str:
    line = f"Sent {report.sent}, retried later {report.retried}, failed {report.failed}."
    if report.suppressed:
        line += f" {report.suppressed} held back by the daily allowance per address."
    return line


@outbox_cli.command("send")
def send_command() -> None:
    """Deliver every message that is due now, once, and say what happened."""
    report = deliver_everything_due()
    click.echo(counts_line(report))
    if report.holdup:
        click.echo(holdup_line(report))


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
