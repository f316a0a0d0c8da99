"""`flask evaluations send SLUG [--session N]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.evaluations.services import send
from webinars.extensions import db
from webinars.series.queries import series_by_slug

evaluations_cli = AppGroup("evaluations", help="The questionnaire after sessions.")


@evaluations_cli.command("send")
@click.argument("slug")
@click.option("--session", "number", type=click.IntRange(min=1), help="The N-th session only.")
def send_command(slug: str, number: int | None) -> None:
    """E-mail the evaluation of series SLUG to the registrants who attended (of its N-th
    session with --session), except those who were sent it already."""
    series = series_by_slug(slug)
    if series is None:
        raise click.ClickException(f"No series with the address (slug) {slug!r}.")
    event_session = None
    if number is not None:
        if number > len(series.sessions):
            raise click.ClickException(f"{slug} has {len(series.sessions)} session(s).")
        event_session = series.sessions[number - 1]
    written = send(series, event_session)
    db.session.commit()
    click.echo(f"{slug}: evaluation sent to {written} attendee(s).")
