"""`flask materials send SLUG (N | --session-id ID)`: e-mail the links of a session's materials."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.materials.services import send_links
from webinars.sessions.cli_options import ID_HELP, required_session

materials_cli = AppGroup("materials", help="Presentations and documents of the sessions.")


@materials_cli.command("send")
@click.argument("slug")
@click.argument("number", type=click.IntRange(min=1), required=False)
@click.option("--session-id", "session_id", type=click.IntRange(min=1), help=ID_HELP)
def send_command(slug: str, number: int | None, session_id: int | None) -> None:
    """E-mail each confirmed registrant of a session of series SLUG the links to its
    materials (once per registrant): the NUMBER-th session (its number in the series, 1 = the
    first), or the session whose database id --session-id gives."""
    if number is None and session_id is None:
        raise click.UsageError("Name the session: its number N, or --session-id ID.")
    _series, event_session = required_session(slug, number, session_id)
    written = send_links(event_session)
    db.session.commit()
    click.echo(f"{slug}: links sent to {written} registrant(s).")
