"""`flask materials send SLUG N`: e-mail the links of a session's materials."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.materials.services import send_links
from webinars.series.queries import series_by_slug

materials_cli = AppGroup("materials", help="Presentations and documents of the sessions.")


@materials_cli.command("send")
@click.argument("slug")
@click.argument("number", type=click.IntRange(min=1))
def send_command(slug: str, number: int) -> None:
    """E-mail each confirmed registrant of the NUMBER-th session of series SLUG the links to
    its materials (once per registrant)."""
    series = series_by_slug(slug)
    if series is None:
        raise click.ClickException(f"No series with the address (slug) {slug!r}.")
    if number > len(series.sessions):
        raise click.ClickException(f"{slug} has {len(series.sessions)} session(s).")
    written = send_links(series.sessions[number - 1])
    db.session.commit()
    click.echo(f"{slug}: links sent to {written} registrant(s).")
