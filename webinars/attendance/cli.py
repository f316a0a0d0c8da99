"""`flask attendance import SLUG (--session N | --session-id ID) FILE [--format ...] [--zone ...]
[column options] [--dry-run]`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask.cli import AppGroup

from webinars.attendance import services
from webinars.attendance.parsers import (
    ColumnMapping,
    ParsedReport,
    ReportError,
    ReportFormat,
    UnknownLayout,
)
from webinars.extensions import db
from webinars.sessions.cli_options import required_session, session_options
from webinars.sessions.models import EventSession

attendance_cli = AppGroup("attendance", help="Attendance of the sessions.")


_MAPPING_OPTIONS = {
    "name": "--name-column",
    "first_name": "--first-name-column",
    "last_name": "--last-name-column",
    "email": "--email-column",
    "minutes": "--minutes-column",
    "join": "--join-column",
    "leave": "--leave-column",
}


def _mapping(columns: dict[str, str | None], date_order: str) -> ColumnMapping | None:
    chosen = {name: value for name, value in columns.items() if value}
    if not chosen:
        return None
    mapping = ColumnMapping.from_dict({**chosen, "date_order": date_order})
    if problem := mapping.problem():
        raise click.UsageError(problem)
    return mapping


def _mapping_options(command: Callable[..., None]) -> Callable[..., None]:
    for name, option in reversed(_MAPPING_OPTIONS.items()):
        command = click.option(
            option,
            name,
            metavar="HEADER",
            help=f"For a layout not recognised: the column holding the {name.replace('_', ' ')}.",
        )(command)
    return command


def _check_zone(zone: str) -> None:
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise click.BadParameter(
                f"{zone!r} is no IANA time zone.", param_hint="--zone"
            ) from None


def _read(
    event_session: EventSession,
    path: Path,
    data: bytes,
    report_format: str,
    mapping: ColumnMapping | None,
    zone: str,
) -> tuple[ParsedReport, ColumnMapping | None]:
    """The report and the mapping used; a layout not recognised stops with its first lines
    and the column options to name its columns."""
    chosen = None if report_format == "auto" else ReportFormat(report_format)
    try:
        return services.read_report(
            event_session, data, report_format=chosen, mapping=mapping, zone=zone
        )
    except UnknownLayout as unknown:
        lines = "\n".join(f"  line {line}: {' | '.join(cells)}" for line, cells in unknown.records)
        options = ", ".join(_MAPPING_OPTIONS.values())
        raise click.ClickException(
            f"{path.name}: {unknown}\n{lines}\nSay which column holds what with {options}"
            " (and --date-order, --zone)."
        ) from unknown
    except ReportError as error:
        raise click.ClickException(f"{path.name}: {error}") from error


def _echo_plan(path: Path, report: ParsedReport, plan: services.ImportPlan) -> None:
    click.echo(
        f"{path.name} ({report.layout or report.format.value}): {report.source_rows} join"
        f" row(s), {len(plan.rows)} people; {plan.matched} matched, {report.merged} merged,"
        f" {plan.unmatched} unmatched, {len(report.skipped)} row(s) left out;"
        f" {plan.changes} change(s)."
    )
    for problem in report.skipped:
        click.echo(f"  left out: {problem}")
    for planned in plan.rows:
        if planned.needs_a_person:
            row = planned.row
            click.echo(f"  unmatched: {row.name} <{row.email or 'no e-mail'}> {row.minutes} min")


@attendance_cli.command("import")
@click.argument("slug")
@session_options
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["auto", *[f.value for f in ReportFormat]]),
    default="auto",
    show_default=True,
)
@click.option("--zone", default="", help="The zone of the report's times (default: the series').")
@_mapping_options
@click.option(
    "--date-order",
    type=click.Choice(["auto", "day_first", "month_first"]),
    default="auto",
    show_default=True,
    help="With the column options: how to read 08/01/2027.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_command(
    slug: str,
    number: int | None,
    session_id: int | None,
    path: Path,
    report_format: str,
    zone: str,
    date_order: str,
    dry_run: bool,
    **columns: str | None,
) -> None:
    """Import the attendance report PATH (Zoom, Teams, Meet, CSV, or any table with the
    column options) into one session of series SLUG: --session N (its number, 1 = the first)
    or --session-id ID (its database id)."""
    series, event_session = required_session(slug, number, session_id)
    _check_zone(zone)
    mapping = _mapping(columns, date_order)
    data = path.read_bytes()
    report, used = _read(event_session, path, data, report_format, mapping, zone)
    plan = services.plan_import(event_session, report)
    _echo_plan(path, report, plan)
    if dry_run:
        click.echo("Dry run: nothing written.")
        return
    record = services.apply_import(
        plan, filename=path.name, digest=services.checksum(data), user=None
    )
    if used is not None:
        services.remember_mapping(series, used, None)
    db.session.commit()
    if record is None:
        click.echo("Nothing changed: this report was imported already.")
    else:
        click.echo(f"Imported into session {number} of {slug}.")
