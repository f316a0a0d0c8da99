"""`flask participants SLUG ...` and `flask report SLUG ...`: the lists and reports as files."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from webinars.audit import services as audit
from webinars.exports import csv_chunks, pdf_document, pdf_table, xlsx_bytes
from webinars.extensions import db
from webinars.reports.participants import (
    ListScope,
    iter_participants,
    list_title,
    participant_cells,
    participant_header,
    participant_table,
)
from webinars.reports.report import build_report, load_report_data, report_json
from webinars.reports.report_tables import report_blocks, report_tables
from webinars.reports.titles import document_subtitle, report_title
from webinars.series.models import Series
from webinars.sessions.cli_options import chosen_session, session_options

_LANGUAGE = click.option(
    "--language", type=click.Choice(["en", "es"]), default="en", show_default=True
)


def _audit(action: str, series: Series, path: Path) -> None:
    audit.record(None, action, series, path.name, channel="cli", actor=f"cli:{getpass.getuser()}")
    db.session.commit()


@click.command("participants")
@with_appcontext
@click.argument("slug")
@session_options
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_LANGUAGE
def participants_command(
    slug: str, number: int | None, session_id: int | None, fmt: str, output: Path, language: str
) -> None:
    """Write the participant list of series SLUG (or of one session: --session N, its number,
    or --session-id ID, its database id) to OUTPUT."""
    series, event_session = chosen_session(slug, number, session_id)
    scope = ListScope(series, event_session)
    with force_locale(language):
        if fmt == "csv":
            with output.open("wb") as out:
                rows = (participant_cells(scope, p) for p in iter_participants(scope))
                for chunk in csv_chunks(participant_header(scope), rows):
                    out.write(chunk)
        elif fmt == "xlsx":
            output.write_bytes(xlsx_bytes([participant_table(scope)]))
        else:
            subtitle = document_subtitle(series, event_session)
            output.write_bytes(pdf_table(list_title(scope), subtitle, participant_table(scope)))
    _audit(audit.PARTICIPANTS, series, output)
    click.echo(f"Wrote {output}.")


@click.command("report")
@with_appcontext
@click.argument("slug")
@session_options
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf", "json"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_LANGUAGE
def report_command(
    slug: str, number: int | None, session_id: int | None, fmt: str, output: Path, language: str
) -> None:
    """Write the attendance report of series SLUG (or of one session: --session N, its number,
    or --session-id ID, its database id) to OUTPUT."""
    series, event_session = chosen_session(slug, number, session_id)
    report = build_report(load_report_data(series, event_session))
    with force_locale(language):
        if fmt == "json":
            output.write_text(
                json.dumps(report_json(report), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        elif fmt == "xlsx":
            output.write_bytes(xlsx_bytes(report_tables(report)))
        else:
            output.write_bytes(
                pdf_document(
                    report_title(series, event_session),
                    document_subtitle(series, event_session),
                    report_blocks(report),
                )
            )
    _audit(audit.REPORT, series, output)
    click.echo(f"Wrote {output}.")
