"""`flask directory remind`: the twelve-month reminder to focal points (run it daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.authorities import services
from webinars.extensions import db

directory_cli = AppGroup("directory", help="The directory of national authorities.")


@directory_cli.command("remind")
def remind_command() -> None:
    """Queue an e-mail to each focal point whose country has entries not confirmed for twelve
    months (again after thirty days if still not confirmed)."""
    messages = services.remind_stale()
    db.session.commit()
    for message in messages:
        click.echo(f"Reminder queued for {message.to_address}.")
    click.echo(f"{len(messages)} reminder(s) queued.")
