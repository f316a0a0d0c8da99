"""Staff accounts from the command line.

`flask users create EMAIL --role ROLE [--country XX] [--series SLUG]`; `flask users token EMAIL`;
`flask users deactivate EMAIL`; `flask users logout-everywhere EMAIL`; `flask users reset-second-factor
EMAIL` (a lost phone and lost recovery codes: the user sets it up again at the next log-in).
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webinars.accounts import second_factor, sessions
from webinars.accounts.models import StaffRole, User
from webinars.accounts.services import (
    AccountError,
    create_user,
    deactivate,
    find_user,
    normalize_email,
)
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


def _existing(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with the e-mail {email}")
    return user


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """The account can no longer log in; its sessions end now."""
    user = _existing(email)
    deactivate(user)
    db.session.commit()
    click.echo(f"{user.email} is deactivated; its sessions have ended.")


@users_cli.command("logout-everywhere")
@click.argument("email")
def logout_everywhere_command(email: str) -> None:
    """End every session of the account on every device."""
    user = _existing(email)
    sessions.end_everywhere(user)
    db.session.commit()
    click.echo(f"Every session of {user.email} has ended.")


@users_cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor_command(email: str) -> None:
    """Remove the account's second factor and recovery codes, and end its sessions."""
    user = _existing(email)
    second_factor.disable(user)
    sessions.end_everywhere(user)
    db.session.commit()
    click.echo(f"{user.email} has no second factor now; its sessions have ended.")
