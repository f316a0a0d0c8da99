"""`flask participation link` and `flask participation suggestions`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.participation import services

participation_cli = AppGroup("participation", help="The same person across series.")


@participation_cli.command("link")
def link_command() -> None:
    """Link every registration not linked yet to its person, by e-mail address (run once
    after upgrading; new registrations are linked as they come)."""
    linked = services.link_all()
    db.session.commit()
    click.echo(f"Linked {linked} registration(s).")


@participation_cli.command("suggestions")
@click.option("--country", default=None, help="Only this country (ISO code).")
def suggestions_command(country: str | None) -> None:
    """List the pairs with the same name and country under different addresses."""
    found = services.suggestions(country.upper() if country else None)
    for suggestion in found:
        emails = ", ".join(sorted({r.email for r in suggestion.registrations}))
        click.echo(
            f"{suggestion.first_id} / {suggestion.second_id} {suggestion.country_code} "
            f"{suggestion.name}: {emails}"
        )
    click.echo(f"{len(found)} suggestion(s).")
