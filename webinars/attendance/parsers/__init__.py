"""Attendance reports read into one row per person (pure functions: bytes in, rows out).

The layout is recognised by itself (`detect`): Microsoft Teams (`teams`), Zoom (`zoom`),
Google Meet (`meet`), or a plain table with columns we know (`generic`), in English, Spanish,
French or Portuguese. A table nobody foresaw raises `UnknownLayout` with its first rows, so
that a person can say which column holds what (`ColumnMapping`).

The shared core: `webinars.textfiles` (encoding and delimiter sniffing, shared with the
delegation upload), `headers` (column names in several languages), `dates` (dates, times and
durations), `people` (visits merged into people, intervals united, rows checked against the
session). A row that cannot be read is left out with its line and reason (`skipped`); a file
with no readable row raises `ReportError`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from webinars.attendance.parsers import generic, meet, teams, zoom
from webinars.attendance.parsers.generic import ColumnMapping
from webinars.attendance.parsers.people import Reading, merge_people
from webinars.attendance.parsers.report import (
    ParsedReport,
    ReportError,
    ReportFormat,
    ReportRole,
    ReportRow,
    RowProblem,
    SourceResult,
    UnknownLayout,
)
from webinars.textfiles import Record, TextFileError, decode, records, sniff_delimiter

__all__ = [
    "ColumnMapping",
    "ParsedReport",
    "ReportError",
    "ReportFormat",
    "ReportRole",
    "ReportRow",
    "RowProblem",
    "UnknownLayout",
    "detect_format",
    "mapping_fits",
    "parse_report",
    "preview_records",
    "read_table",
]

#: In the order they are tried: the most particular layouts first.
_SOURCES: tuple[tuple[ReportFormat, Callable[[list[Record]], bool]], ...] = (
    (ReportFormat.TEAMS, teams.detect),
    (ReportFormat.ZOOM, zoom.detect),
    (ReportFormat.MEET, meet.detect),
    (ReportFormat.CSV, generic.detect),
)
_PARSERS: dict[ReportFormat, Callable[[list[Record]], SourceResult]] = {
    ReportFormat.TEAMS: teams.parse,
    ReportFormat.ZOOM: zoom.parse,
    ReportFormat.MEET: meet.parse,
    ReportFormat.CSV: generic.parse,
}
#: The largest number of lines read (a Zoom report of 3,000 joins has about 3,100).
MAX_LINES = 100_000
#: Records shown on the mapping page.
PREVIEW_RECORDS = 8


def _recognise(cells: list[str]) -> int:
    return max(source.recognise(cells) for source in (teams, zoom, meet, generic))


def read_table(data: bytes) -> tuple[list[Record], str]:
    """The records of an upload and the delimiter they were split with."""
    try:
        text = decode(data)
        if not text.strip():
            raise ReportError(_("The file is empty."))
        delimiter = sniff_delimiter(text, _recognise)
        return records(text, delimiter, limit=MAX_LINES), delimiter
    except TextFileError as error:
        raise ReportError(str(error.message), error.line) from None


def preview_records(data: bytes) -> list[Record]:
    """The first non-blank records of a file, for a person to map its columns."""
    found, _delimiter = read_table(data)
    return [record for record in found if record[1]][:PREVIEW_RECORDS]


def mapping_fits(data: bytes, mapping: ColumnMapping) -> bool:
    """Whether a file has every column of `mapping` (an unreadable file has not)."""
    try:
        found, _delimiter = read_table(data)
    except ReportError:
        return False
    return generic.mapping_fits(found, mapping)


def detect_format(found: list[Record]) -> ReportFormat | None:
    """The layout of a file's records, None when no parser knows it."""
    for report_format, detect in _SOURCES:
        if detect(found):
            return report_format
    return None


def parse_report(
    data: bytes,
    zone: ZoneInfo,
    format: ReportFormat | None = None,
    *,
    window: tuple[datetime, datetime] | None = None,
    mapping: ColumnMapping | None = None,
) -> ParsedReport:
    """Read a report. `zone` is the zone its naive times are written in (the series' zone);
    `format` None detects it; `window` is the session's start and end (UTC), to refuse rows
    far from it; `mapping` reads a table by the columns a person chose.

    Raises `UnknownLayout` when no layout is recognised, `ReportError` for a file of which
    not one row can be read."""
    found, delimiter = read_table(data)
    if mapping is not None:
        report_format = ReportFormat.CSV
        result = generic.parse(found, mapping)
        if mapping.zone:
            try:
                zone = ZoneInfo(mapping.zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ReportError(_("Choose a time zone from the list.")) from None
    else:
        report_format = format or detect_format(found)
        if report_format is None:
            preview = [record for record in found if record[1]][:PREVIEW_RECORDS]
            raise UnknownLayout(
                _(
                    "The columns of this file were not recognised: say which column holds "
                    "the name, the e-mail and the times or minutes."
                ),
                preview,
                delimiter,
            )
        result = _PARSERS[report_format](found)
    order = mapping.date_order if mapping else "auto"
    reading = Reading(
        zone=zone, window=window, day_first=None if order == "auto" else order == "day_first"
    )
    rows, problems, used = merge_people(result.visits, reading)
    skipped = sorted(result.problems + problems, key=lambda problem: problem.line)
    if not rows:
        raise ReportError(_no_rows(report_format, skipped))
    return ParsedReport(
        format=report_format,
        rows=rows,
        source_rows=used,
        merged=used - len(rows),
        title=result.title,
        skipped=skipped,
        layout=result.layout,
    )


def _no_rows(report_format: ReportFormat, skipped: list[RowProblem]) -> str:
    if not skipped:
        return _(
            "No row of this file names a person who attended (format: %(format)s).",
            format=report_format.value,
        )
    reasons = "; ".join(str(problem) for problem in skipped[:3])
    return _(
        "Not one row of this file could be read (%(count)d left out). %(reasons)s",
        count=len(skipped),
        reasons=reasons,
    )
