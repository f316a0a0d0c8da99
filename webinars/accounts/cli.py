"""Staff accounts from the command line.

`flask users create EMAIL --role ROLE [--country XX] [--series SLUG]`; `flask users token EMAIL`.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webinars.accounts.models import StaffRole, User
from webinars.accounts.services import AccountError, create_user, normalize_email
from webinars.accounts.tokens import issue_token
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


@users_cli.command("token")
@click.argument("email")
def token_command(email: str) -> None:
    """Print a new API token for a staff user; their previous token stops working."""
    user = db.session.execute(
        db.select(User).filter_by(email=normalize_email(email))
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with the e-mail {email}")
    if not user.active:
        raise click.ClickException(f"{user.email} is not active: a token would not work")
    replaced = user.api_token_hash is not None
    token = issue_token(user)
    db.session.commit()
    click.echo(token)
    if replaced:
        click.echo(f"The previous token of {user.email} no longer works.", err=True)
    click.echo("Send it in the header 'Authorization: Bearer <token>'.", err=True)
