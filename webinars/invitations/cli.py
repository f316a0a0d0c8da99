"""`flask reminders send`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.invitations.session_reminders import send_due_reminders

reminders_cli = AppGroup("reminders", help="Reminders before each session.")


@reminders_cli.command("send")
def send_command() -> None:
    """Queue every reminder due now that was not sent yet (safe to run at any time, often)."""
    count = send_due_reminders()
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")
