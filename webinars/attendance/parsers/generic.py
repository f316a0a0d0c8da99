"""A plain table: columns we know by name (English, Spanish...), or columns a person mapped.

A CSV made by hand, or the export of a platform nobody foresaw: one header row (a title line
may come before it), then one row per person or per join. When the columns cannot be
recognised, the facilitator says which column holds what (`ColumnMapping`), and the mapping
is remembered for the series' next session.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from flask_babel import gettext as _

from webinars.attendance.parsers import headers as h
from webinars.attendance.parsers.report import (
    ReportRole,
    RowProblem,
    SourceResult,
    Visit,
    new_visit,
)
from webinars.attendance.parsers.teams import role
from webinars.folding import fold_name
from webinars.textfiles import Record

#: The header is looked for among the first non-blank records only.
HEADER_SEARCH = 15


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds what, by the header's text (so it fits the next session's file).

    A name (whole, or first and last) or an e-mail is needed, and minutes or both times.
    """

    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    minutes: str = ""
    join: str = ""
    leave: str = ""
    #: "auto", "day_first" or "month_first".
    date_order: str = "auto"
    #: An IANA zone for the file's times; "" is the series' zone.
    zone: str = ""

    COLUMNS = ("name", "first_name", "last_name", "email", "minutes", "join", "leave")

    def columns(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in self.COLUMNS if getattr(self, column)}

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict[str, object]) -> ColumnMapping:
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v or "")[:200] for k, v in values.items() if k in known})

    def problem(self) -> str | None:
        """Why this mapping cannot read a file, or None."""
        if not (self.name or self.first_name or self.last_name or self.email):
            return _("Choose the column with the name or the one with the e-mail.")
        if not self.minutes and not (self.join and self.leave):
            return _("Choose the column with the minutes, or both the join and leave columns.")
        if self.date_order not in ("auto", "day_first", "month_first"):
            return _("Choose the order of day and month.")
        return None


@dataclass
class _Table:
    header: h.Header
    email: int | None
    whole: int | None
    first: int | None
    last: int | None
    minutes: int | None
    join: int | None
    leave: int | None
    role: int | None


def _known_table(cells: list[str]) -> _Table | None:
    """The table a header row starts, None unless it has a name or an e-mail column and
    minutes or join and leave columns."""
    header = h.Header(cells)
    whole, first, last = h.name_columns(header)
    email = header.find(h.EMAIL)
    minutes, join, leave = header.find(h.MINUTES), header.find(h.JOIN), header.find(h.LEAVE)
    if email is None and whole is None and first is None and last is None:
        return None
    if minutes is None and (join is None or leave is None):
        return None
    return _Table(header, email, whole, first, last, minutes, join, leave, header.find(h.ROLE))


def _mapped_table(cells: list[str], mapping: ColumnMapping) -> _Table | None:
    """The table a header row starts when it has every column of the mapping."""
    folded = [fold_name(cell) for cell in cells]
    index: dict[str, int] = {}
    for column, header_text in mapping.columns().items():
        wanted = fold_name(header_text)
        if wanted not in folded:
            return None
        index[column] = folded.index(wanted)
    return _Table(
        h.Header(cells),
        email=index.get("email"),
        whole=index.get("name"),
        first=index.get("first_name"),
        last=index.get("last_name"),
        minutes=index.get("minutes"),
        join=index.get("join"),
        leave=index.get("leave"),
        role=None,
    )


def recognise(cells: list[str]) -> int:
    """A score for a header line of a plain table (0: not one)."""
    if _known_table(cells) is None:
        return 0
    header = h.Header(cells)
    return header.count(h.NAME, h.FULL_NAME, h.FIRST_NAME, h.LAST_NAME, h.EMAIL, h.MINUTES)


def detect(records: list[Record]) -> bool:
    return any(recognise(cells) for _line, cells in _first(records))


def mapping_fits(records: list[Record], mapping: ColumnMapping) -> bool:
    """Whether a header row of the file has every column of the mapping."""
    return any(_mapped_table(cells, mapping) for _line, cells in _first(records))


def _first(records: list[Record]) -> list[Record]:
    return [record for record in records if record[1]][:HEADER_SEARCH]


def parse(records: list[Record], mapping: ColumnMapping | None = None) -> SourceResult:
    table: _Table | None = None
    header_line = 0
    for line, cells in _first(records):
        table = _mapped_table(cells, mapping) if mapping else _known_table(cells)
        if table is not None:
            header_line = line
            break
    layout = _("CSV with the columns you chose") if mapping else _("CSV")
    if table is None:
        return SourceResult(layout=layout, visits=[])
    visits: list[Visit] = []
    problems: list[RowProblem] = []
    for line, cells in records:
        if line <= header_line or not cells:
            continue
        if problem := table.header.too_wide(line, cells):
            problems.append(problem)
            continue
        name = h.full_name(cells, table.whole, table.first, table.last)
        row_role = role(h.text(table.role, cells)) if table.role is not None else None
        visit = new_visit(
            line, name, h.text(table.email, cells), row_role or ReportRole.ATTENDEE, problems
        )
        if visit is None:
            continue
        visit.join = h.cell(table.header, table.join, line, cells)
        visit.leave = h.cell(table.header, table.leave, line, cells)
        visit.stated = h.cell(table.header, table.minutes, line, cells)
        # A platform's duration leaves out the gaps between the first join and last leave.
        visit.trust_stated = visit.stated is not None
        visits.append(visit)
    return SourceResult(layout=layout, visits=visits, problems=problems)
