"""`flask attendance import SLUG --session N FILE [--format ...] [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from webinars.attendance import services
from webinars.attendance.parsers import ReportError, ReportFormat, parse_report
from webinars.extensions import db
from webinars.series.models import EventSession, Series

attendance_cli = AppGroup("attendance", help="Attendance of the sessions.")


def series_session(slug: str, number: int) -> tuple[Series, EventSession]:
    """Series SLUG and its NUMBER-th session in time order, or a clear error."""
    series = db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one_or_none()
    if series is None:
        raise click.ClickException(f"No series with the address (slug) {slug!r}.")
    if not 1 <= number <= len(series.sessions):
        raise click.ClickException(
            f"{slug} has {len(series.sessions)} session(s): choose --session 1 to"
            f" {len(series.sessions)}."
        )
    return series, series.sessions[number - 1]


@attendance_cli.command("import")
@click.argument("slug")
@click.option("--session", "number", type=int, required=True, help="1 = the first session.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["auto", *[f.value for f in ReportFormat]]),
    default="auto",
    show_default=True,
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_command(slug: str, number: int, path: Path, report_format: str, dry_run: bool) -> None:
    """Import the attendance report PATH (Zoom, Teams or CSV) into session N of series SLUG."""
    series, event_session = series_session(slug, number)
    data = path.read_bytes()
    try:
        report = parse_report(
            data, series.zone, None if report_format == "auto" else ReportFormat(report_format)
        )
    except ReportError as error:
        raise click.ClickException(f"{path.name}: {error}") from error
    plan = services.plan_import(event_session, report)
    click.echo(
        f"{path.name} ({report.format.value}): {report.source_rows} join row(s), "
        f"{len(plan.rows)} people; {plan.matched} matched, {report.merged} merged, "
        f"{plan.unmatched} unmatched; {plan.changes} change(s)."
    )
    for planned in plan.rows:
        if planned.needs_a_person:
            row = planned.row
            click.echo(f"  unmatched: {row.name} <{row.email or 'no e-mail'}> {row.minutes} min")
    if dry_run:
        click.echo("Dry run: nothing written.")
        return
    record = services.apply_import(
        plan, filename=path.name, digest=services.checksum(data), user=None
    )
    db.session.commit()
    if record is None:
        click.echo("Nothing changed: this report was imported already.")
    else:
        click.echo(f"Imported into session {number} of {slug}.")
