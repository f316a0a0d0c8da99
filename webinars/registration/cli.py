"""`flask quotas remind SLUG`, `flask approvals digest`, `flask registrations
expire-unverified`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webinars.extensions import db
from webinars.registration.approvals import send_due_digests
from webinars.registration.delegation_reminders import remind_by_country
from webinars.registration.services import RegistrationError, expire_unverified
from webinars.series.queries import series_by_slug

quotas_cli = AppGroup("quotas", help="Per-country profile quotas.")
approvals_cli = AppGroup("approvals", help="Registrations waiting for a focal point.")
registrations_cli = AppGroup("registrations", help="Registrations of officials.")


@registrations_cli.command("expire-unverified")
def expire_unverified_command() -> None:
    """Delete the registrations whose address was not verified within
    REGISTRATION_VERIFY_HOURS (safe to run at any time, often). `flask outbox work` does this
    on every pass."""
    count = expire_unverified()
    db.session.commit()
    click.echo(f"{count} unverified registration(s) expired.")


@quotas_cli.command("remind")
@click.argument("slug")
def remind_command(slug: str) -> None:
    """E-mail the focal points of the countries that still lack profiles in series SLUG."""
    series = series_by_slug(slug)
    if series is None:
        raise click.ClickException(f"No series with the address (slug) {slug!r}.")
    try:
        reminders = remind_by_country(series)
    except RegistrationError as error:
        db.session.rollback()
        raise click.ClickException(f"{slug}: {error}") from error
    db.session.commit()
    if not reminders:
        click.echo(f"{slug}: every country has reached its targets; no reminder queued.")
        return
    for reminder in reminders:
        lacks = ", ".join(
            f"{c.missing} {c.profile.label_en}" for c in reminder.row.lacking if c.profile
        )
        recipients = ", ".join(m.to_address for m in reminder.messages) or "no active focal point"
        click.echo(
            f"{reminder.row.country.name_en} ({lacks}): "
            f"{len(reminder.messages)} queued [{recipients}]"
        )
    total = sum(len(r.messages) for r in reminders)
    click.echo(f"{slug}: {total} reminder(s) queued for {len(reminders)} country(ies).")


@approvals_cli.command("digest")
def digest_command() -> None:
    """Queue the digests due now to focal points whose country's registrations wait for their
    approval (at most one a day per series; safe to run at any time, often). `flask outbox
    work` does this on every pass."""
    count = send_due_digests()
    db.session.commit()
    click.echo(f"{count} digest(s) queued.")
