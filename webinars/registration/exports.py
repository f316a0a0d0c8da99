"""The quota matrix as a spreadsheet: a pure builder, matrix in, CSV bytes out."""

from __future__ import annotations

from flask_babel import gettext as _

from webinars.exports import csv_bytes
from webinars.registration.targets import Cell, TargetMatrix


def met_counts(matrix: TargetMatrix) -> list[int]:
    """Per profile, how many countries have reached its target."""
    return [sum(1 for row in matrix.rows if row.cells[i].met) for i in range(len(matrix.profiles))]


def _cell_values(cell: Cell, *, target: bool) -> list[object]:
    values: list[object] = [cell.confirmed, cell.pending, cell.waitlisted]
    if target:
        values += [cell.minimum, _("yes") if cell.met else _("no")]
    return values


def matrix_csv(matrix: TargetMatrix) -> bytes:
    """The matrix as CSV for spreadsheets (`webinars.exports.csv_bytes`: UTF-8 with a BOM,
    formulas neutralised).

    Columns: the country; per profile its confirmed, pending, waitlisted, minimum and met;
    "other" (no target) and the row's totals with confirmed, pending and waitlisted. A row per
    country, then a totals row whose "met" column counts the countries that met the target.
    """
    counts = (_("confirmed"), _("pending"), _("waiting list"))
    target = (*counts, _("minimum"), _("met"))
    header = [_("Country")]
    for profile in matrix.profiles:
        header += [f"{profile.label}: {part}" for part in target]
    header += [f"{_('Other')}: {part}" for part in counts]
    header += [f"{_('Total')}: {part}" for part in counts]

    lines: list[list[object]] = []
    for row in matrix.rows:
        line: list[object] = [row.country.name]
        for cell in row.cells:
            line += _cell_values(cell, target=True)
        line += _cell_values(row.other, target=False)
        line += [row.confirmed, row.pending, row.waitlisted]
        lines.append(line)

    totals: list[object] = [_("Total")]
    columns = matrix.columns
    for column, met in zip(columns[:-1], met_counts(matrix), strict=True):
        totals += _cell_values(column, target=False)
        totals += [column.minimum * len(matrix.rows), f"{met}/{len(matrix.rows)}"]
    totals += _cell_values(columns[-1], target=False)
    totals += [
        sum(r.confirmed for r in matrix.rows),
        sum(r.pending for r in matrix.rows),
        sum(r.waitlisted for r in matrix.rows),
    ]
    lines.append(totals)
    return csv_bytes(header, lines)
