"""`flask privacy purge --older-than MONTHS [--dry-run]`."""

from __future__ import annotations

import getpass

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.privacy.services import cutoff, ended_series, purge_series

privacy_cli = AppGroup("privacy", help="Personal data of past series.")


@privacy_cli.command("purge")
@click.option(
    "--older-than",
    "months",
    type=click.IntRange(min=1),
    required=True,
    help="Purge the series whose last session ended more than MONTHS months ago.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be purged; write nothing.")
def purge_command(months: int, dry_run: bool) -> None:
    """Anonymise the registrations and attendance of series that ended MONTHS months ago,
    and delete their outbox messages. The reports' figures stay the same; running it again
    changes nothing. Each series is committed on its own."""
    before = cutoff(months)
    actor = f"cli:{getpass.getuser()}"
    verb = "would purge" if dry_run else "purged"
    totals = [0, 0, 0, 0]
    found = ended_series(before)
    for series, ended_at in found:
        result = purge_series(series, ended_at, dry_run=dry_run, actor=actor)
        counts = (result.registrations, result.attendances, result.invitations, result.messages)
        totals = [t + n for t, n in zip(totals, counts, strict=True)]
        state = "nothing left to purge" if result.empty else f"{verb} {result.summary()}"
        click.echo(f"{series.slug} (ended {ended_at:%Y-%m-%d}): {state}.")
        if not dry_run:
            db.session.commit()
    click.echo(
        f"{len(found)} series ended before {before:%Y-%m-%d}; {verb} "
        f"{totals[0]} registration(s), {totals[1]} attendance row(s), {totals[2]} invitation(s); "
        f"{'would delete' if dry_run else 'deleted'} {totals[3]} outbox message(s)."
    )
