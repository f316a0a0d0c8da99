"""`flask demo load [--if-empty]`"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from webinars.demo.loader import DEMO_PASSWORD, load
from webinars.extensions import db
from webinars.series.models import Series

demo_cli = AppGroup("demo", help="Demo data from the seeds.")


@demo_cli.command("load")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database holds any series already."
)
def load_command(if_empty: bool) -> None:
    """Create the seed events and demo staff accounts that are missing, then commit."""
    try:
        if if_empty and db.session.execute(db.select(Series.id).limit(1)).first():
            click.echo("Series exist already: the demo data is not loaded.")
            return
        result = load()
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        detail = getattr(error, "orig", None) or error
        raise click.ClickException(
            f"could not load the demo data: {detail} (has `flask db upgrade` been run?)"
        ) from error
    if not result.series and not result.users:
        click.echo("The demo data is loaded already: nothing to do.")
        return
    for slug in result.series:
        click.echo(f"Created series {slug}")
    if result.users:
        click.echo(f"Created demo staff accounts, all with the password {DEMO_PASSWORD!r}:")
        for user in result.users:
            country = f", {user.country_code}" if user.country_code else ""
            click.echo(f"  {user.email} ({user.role.value}{country})")
