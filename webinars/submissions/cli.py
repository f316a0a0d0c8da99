"""`flask submissions remind`: run daily (cron or a systemd timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.submissions.deadline_reminders import DEFAULT_DAYS_BEFORE, remind

submissions_cli = AppGroup("submissions", help="What countries are asked to send.")


@submissions_cli.command("remind")
@click.option(
    "--days",
    default=DEFAULT_DAYS_BEFORE,
    show_default=True,
    type=click.IntRange(min=1),
    help="Remind about deadlines this many days ahead.",
)
def remind_command(days: int) -> None:
    """E-mail the focal points of countries that have not answered a request due soon
    (at most once a day per request and country)."""
    written = remind(days_before=days)
    db.session.commit()
    click.echo(f"{written} reminder(s) queued.")
