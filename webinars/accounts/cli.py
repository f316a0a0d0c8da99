"""`flask users create EMAIL --role ROLE [--country XX] [--series SLUG]`"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webinars.accounts.models import StaffRole
from webinars.accounts.services import AccountError, create_user
from webinars.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


def _read_password() -> str:
    """From a prompt on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in StaffRole]), help="Staff role."
)
@click.option("--country", "country_code", help="ISO code of a focal point's country.")
@click.option("--series", "series_slugs", multiple=True, help="Series a facilitator works on.")
@click.option("--name", default="", help="Display name.")
def create_command(
    email: str, role: str, country_code: str | None, series_slugs: tuple[str, ...], name: str
) -> None:
    """Create a staff user; the password comes from a prompt or standard input."""
    password = _read_password()
    try:
        user = create_user(
            email,
            password,
            StaffRole(role),
            name=name,
            country_code=country_code,
            series_slugs=series_slugs,
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")
