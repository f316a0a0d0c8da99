"""`flask evaluations send SLUG [--session N | --session-id ID]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.evaluations.services import send
from webinars.extensions import db
from webinars.sessions.cli_options import chosen_session, session_options

evaluations_cli = AppGroup("evaluations", help="The questionnaire after sessions.")


@evaluations_cli.command("send")
@click.argument("slug")
@session_options
def send_command(slug: str, number: int | None, session_id: int | None) -> None:
    """E-mail the evaluation of series SLUG to the registrants who attended (of one session
    with --session N, its number, or --session-id ID, its database id), except those who were
    sent it already."""
    series, event_session = chosen_session(slug, number, session_id)
    written = send(series, event_session)
    db.session.commit()
    click.echo(f"{slug}: evaluation sent to {written} attendee(s).")
