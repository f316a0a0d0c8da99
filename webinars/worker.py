"""`flask outbox work`: the background worker, which runs the periodic jobs of every domain.

Each pass expires the registrations whose address was not verified in time, queues the
session reminders and the focal points' approval digests that are due, then delivers the
outbox. It sits above the domains it calls (registration, invitations, mail), so that the mail
package imports none of them; `webinars.cli` adds the command to the `outbox` group.
"""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from webinars.extensions import db
from webinars.invitations.session_reminders import send_due_reminders
from webinars.mail.cli import counts_line, deliver_everything_due, holdup_line
from webinars.mail.delivery import Holdup
from webinars.registration.approvals import send_due_digests
from webinars.registration.services import expire_unverified


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
            click.echo(counts_line(report))
        if report.holdup and (report.holdup != previous or report.handled):
            click.echo(holdup_line(report))
    return report.holdup


@click.command("work")
@with_appcontext
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
