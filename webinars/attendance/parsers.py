"""Attendance reports read into one row per person (pure functions: bytes in, rows out).

Three kinds of file (DESIGN.md, "Attendance report formats"):

- a Zoom webinar attendee report (or a Zoom meeting participant export): a summary block,
  then `Host Details`, `Panelist Details`, `Attendee Details`, `Other Attended` sections, each
  a title line, its own header line and one row per join; `--` where a value is absent, rows
  padded with trailing commas, rows with `Attended` = `No` are people who did not come;
- a Microsoft Teams attendance list: UTF-16, tab-separated, sections `1. Summary`,
  `2. Participants` (one row per person) and `3. In-Meeting Activities` (one row per join),
  or the older single table `Full Name / User Action / Timestamp` of Joined and Left rows;
- a plain CSV made by hand: one header row, English or Spanish column names.

Every join row becomes a visit; the visits of one person (same e-mail, or same folded name
when there is no e-mail) are merged into one `ReportRow`. Minutes are the union of the
person's intervals, so two devices connected at once count once; a row without both times
(Zoom `--`, a CSV with only minutes) adds its stated minutes instead. Teams' Participants
section spans the gaps between a person's first join and last leave, so there its
`In-Meeting Duration` is trusted; the per-join activities are used whenever the file has them.

Dates: naive times are in the zone the caller gives (the series' zone) and are returned in
UTC. Numeric dates such as 08/09/2020 are ambiguous; the whole file decides: if any date
starts with a number above 12 the file is day-first, else if any has one in second place it
is month-first. When no date settles it, a file whose times use AM/PM (the en-US locale,
Zoom's and Teams' default) is read month-first and any other day-first (the Spanish,
British and most other locales of the organizers). A file that mixes both orders fails on
its first date that does not fit.

A broken file raises `ReportError` naming the line and the problem; nothing is returned
half-read.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webinars.attendance.names import fold_name


class ReportFormat(enum.StrEnum):
    ZOOM = "zoom"
    TEAMS = "teams"
    CSV = "csv"


class ReportRole(enum.StrEnum):
    HOST = "host"
    PANELIST = "panelist"
    ATTENDEE = "attendee"


_ROLE_RANK = {ReportRole.ATTENDEE: 0, ReportRole.PANELIST: 1, ReportRole.HOST: 2}


def _person_key(email: str, name: str) -> str:
    return email or "name:" + fold_name(name)


@dataclass
class ReportRow:
    """One person, after merging their join rows."""

    #: As written in the file (Zoom: "User Name (Original Name)", else first and last name).
    name: str
    #: Lower-cased; "" when absent.
    email: str
    #: The highest role seen: host > panelist > attendee.
    role: ReportRole
    #: Union of the person's intervals in whole minutes (rounded half up), plus the stated
    #: minutes of rows that have no join and leave times.
    minutes: int
    first_join: datetime | None
    last_leave: datetime | None
    #: 1-based line numbers of every row merged into this one.
    lines: list[int]
    #: Zoom's "Country/Region Name" (where Zoom located the connection), when present.
    country_region: str = ""

    @property
    def key(self) -> str:
        """Identity for merging and re-import: the e-mail if any, else "name:" + folded name."""
        return _person_key(self.email, self.name)


@dataclass
class ParsedReport:
    format: ReportFormat
    #: In order of first appearance.
    rows: list[ReportRow]
    #: Join rows read (Zoom rows with "Attended: No" are not counted).
    source_rows: int
    #: source_rows - len(rows): rows folded into a person seen before.
    merged: int
    #: The meeting's topic or title when the file has one.
    title: str = ""


class ReportError(ValueError):
    """A file that cannot be read; `message` is translated, `line` is 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, line)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


# --- Bytes to text ---------------------------------------------------------------------------

#: Zip (xlsx, docx), PDF, the old binary Excel format, gzip, PNG.
_BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF-", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"\x89PNG")


def _not_text() -> ReportError:
    return ReportError(
        _("This is not a text file (is it an Excel or PDF file?). Export the report as CSV.")
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec whose NUL bytes fall where the data has them, if any.

    Text in Latin script written as UTF-16 has a NUL in almost every other byte, always on
    the same side; a binary file has them anywhere.
    """
    sample = data[:4096]
    half = len(sample) // 2 or 1
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """The text of a report: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one
    when its NUL bytes give it away), else Windows-1252 (what Excel writes as "CSV" on
    Windows). Raises `ReportError` for a binary file (xlsx, pdf, zip...)."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(_BINARY_SIGNATURES):
        raise _not_text()
    elif b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise _not_text()
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise _not_text() from None


# --- Format detection ------------------------------------------------------------------------

_ZOOM_SECTIONS = {
    "host details": ReportRole.HOST,
    "panelist details": ReportRole.PANELIST,
    "attendee details": ReportRole.ATTENDEE,
    "other attended": ReportRole.ATTENDEE,
}
_TEAMS_SECTION = re.compile(r"\d+\.\s*(?P<title>.+)")
_TEAMS_TABLE_SECTIONS = {"participants", "in-meeting activities"}
_TEAMS_SECTION_TITLES = {"summary"} | _TEAMS_TABLE_SECTIONS


def detect_format(text: str) -> ReportFormat:
    """Zoom by its section titles or its "(Original Name)" column, Teams by its numbered
    sections or its own column names, anything else is a plain CSV."""
    for raw_line in text.splitlines():
        line = raw_line.strip().strip(",").strip().casefold()
        if line in _ZOOM_SECTIONS or line == "attendee report" or "(original name)" in line:
            return ReportFormat.ZOOM
        section = _TEAMS_SECTION.fullmatch(line)
        if (
            (section and section["title"].strip() in _TEAMS_SECTION_TITLES)
            or "in-meeting duration" in line
            or ("user action" in line and "timestamp" in line)
        ):
            return ReportFormat.TEAMS
    return ReportFormat.CSV


# --- Records and columns ---------------------------------------------------------------------

_Record = tuple[int, list[str]]


def _records(text: str, delimiter: str) -> list[_Record]:
    """(first line, cells) per CSV record; cells stripped, trailing empty cells dropped (Zoom
    pads every row to the widest section), blank lines kept as empty lists."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[_Record] = []
    start = 1
    try:
        for cells in reader:
            stripped = [cell.strip() for cell in cells]
            while stripped and not stripped[-1]:
                stripped.pop()
            records.append((start, stripped))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ReportError(
            _("The file cannot be read as CSV: %(error)s", error=str(error)), start
        ) from None
    return records


def _aliases(*names: str) -> tuple[str, ...]:
    return tuple(fold_name(name) for name in names)


class _Header:
    """A header row: finds columns by folded name (case, accents and punctuation ignored)."""

    def __init__(self, cells: list[str]) -> None:
        self.cells = cells
        self._index: dict[str, int] = {}
        for index, cell in enumerate(cells):
            self._index.setdefault(fold_name(cell), index)

    def find(self, aliases: tuple[str, ...]) -> int | None:
        for alias in aliases:
            if alias in self._index:
                return self._index[alias]
        return None

    def check_width(self, line: int, cells: list[str]) -> None:
        """Extra cells are fine when empty (already dropped), not when they hold something."""
        if len(cells) > len(self.cells):
            raise ReportError(
                _(
                    "This row has %(cells)d cells but its header has %(columns)d.",
                    cells=len(cells),
                    columns=len(self.cells),
                ),
                line,
            )


@dataclass
class _Cell:
    """A raw value, with where it came from, for the error messages."""

    column: str
    value: str
    line: int


def _cell(header: _Header, index: int | None, line: int, cells: list[str]) -> _Cell | None:
    """The cell at `index`, None when the column is missing or the value absent ("", "--")."""
    if index is None or index >= len(cells) or cells[index] in ("", "--"):
        return None
    return _Cell(header.cells[index], cells[index], line)


def _text(index: int | None, cells: list[str]) -> str:
    if index is None or index >= len(cells) or cells[index] == "--":
        return ""
    return cells[index]


@dataclass
class _Visit:
    """One join row, values still as written (dates are read once the whole file is known)."""

    lines: list[int]
    name: str
    email: str
    role: ReportRole
    join: _Cell | None = None
    leave: _Cell | None = None
    #: Minutes or a duration ("1h 2m 10s") stated by the file.
    stated: _Cell | None = None
    #: The join..leave span includes gaps (Teams' Participants section): count `stated`.
    trust_stated: bool = False
    #: Still connected when the file ends (an old Teams list): leave at its last timestamp.
    until_end: bool = False
    country_region: str = ""

    @property
    def key(self) -> str:
        return _person_key(self.email, self.name)


def _visit(line: int, name: str, email: str, role: ReportRole) -> _Visit:
    email = email.lower()
    if not name and not email:
        raise ReportError(_("This row has neither a name nor an e-mail."), line)
    return _Visit([line], name, email, role)


_ROLE_ALIASES = {
    ReportRole.HOST: _aliases("host", "organizer", "organiser", "organizador", "anfitrión"),
    ReportRole.PANELIST: _aliases(
        "panelist",
        "panelista",
        "presenter",
        "presentador",
        "co-organizer",
        "coorganizer",
        "coorganizador",
        "co-host",
        "cohost",
        "coanfitrión",
        "moderator",
        "moderador",
        "speaker",
        "ponente",
    ),
}


def _role(value: str) -> ReportRole:
    """Host and panelist by their usual names (Teams: Organizer, Presenter, Co-organizer);
    anything else, blank included, is an attendee."""
    folded = fold_name(value)
    for role, aliases in _ROLE_ALIASES.items():
        if folded in aliases:
            return role
    return ReportRole.ATTENDEE


def _no_header(section: str) -> str:
    return _(
        "The “%(section)s” section has no complete column header (the file may be cut short).",
        section=section,
    )


# --- Zoom ------------------------------------------------------------------------------------

_ZOOM_ATTENDED = _aliases("Attended")
_ZOOM_NAME = _aliases("User Name (Original Name)", "Name (Original Name)", "User Name", "Name")
_ZOOM_FIRST = _aliases("First Name")
_ZOOM_LAST = _aliases("Last Name")
_ZOOM_EMAIL = _aliases("Email", "User Email")
_ZOOM_JOIN = _aliases("Join Time")
_ZOOM_LEAVE = _aliases("Leave Time")
_ZOOM_MINUTES = _aliases("Time in Session (minutes)", "Duration (Minutes)")
_ZOOM_COUNTRY = _aliases("Country/Region Name")
_TOPIC = _aliases("Topic")


@dataclass
class _ZoomTable:
    header: _Header
    role: ReportRole
    attended: int | None
    name: int | None
    first: int | None
    last: int | None
    email: int | None
    join: int
    leave: int
    minutes: int
    country: int | None


def _zoom_table(cells: list[str], role: ReportRole) -> _ZoomTable | None:
    """The table a header row starts, None unless it has a name, both times and minutes."""
    header = _Header(cells)
    name, first = header.find(_ZOOM_NAME), header.find(_ZOOM_FIRST)
    join, leave = header.find(_ZOOM_JOIN), header.find(_ZOOM_LEAVE)
    minutes = header.find(_ZOOM_MINUTES)
    if (name is None and first is None) or join is None or leave is None or minutes is None:
        return None
    return _ZoomTable(
        header=header,
        role=role,
        attended=header.find(_ZOOM_ATTENDED),
        name=name,
        first=first,
        last=header.find(_ZOOM_LAST),
        email=header.find(_ZOOM_EMAIL),
        join=join,
        leave=leave,
        minutes=minutes,
        country=header.find(_ZOOM_COUNTRY),
    )


def _zoom_visit(table: _ZoomTable, line: int, cells: list[str]) -> _Visit | None:
    """The visit of one data row; None for a registrant who did not attend."""
    table.header.check_width(line, cells)
    if _text(table.attended, cells).casefold() == "no":
        return None
    name = _text(table.name, cells)
    if not name:
        name = " ".join(filter(None, (_text(table.first, cells), _text(table.last, cells))))
    visit = _visit(line, name, _text(table.email, cells), table.role)
    header = table.header
    visit.join = _cell(header, table.join, line, cells)
    visit.leave = _cell(header, table.leave, line, cells)
    visit.stated = _cell(header, table.minutes, line, cells)
    visit.country_region = _text(table.country, cells)
    return visit


def _parse_zoom(text: str) -> tuple[str, list[_Visit]]:
    title = ""
    topic_index: int | None = None
    table: _ZoomTable | None = None
    #: The section whose title was read and whose header is expected next.
    pending: tuple[int, str, ReportRole] | None = None
    found = False
    visits: list[_Visit] = []
    for line, cells in _records(text, ","):
        if not cells:
            continue
        if topic_index is not None:
            title = _text(topic_index, cells)
            topic_index = None
            continue
        if len(cells) == 1 and cells[0].casefold() in _ZOOM_SECTIONS:
            pending = (line, cells[0], _ZOOM_SECTIONS[cells[0].casefold()])
            table = None
            found = True
            continue
        if pending is not None:
            table = _zoom_table(cells, pending[2])
            if table is None:
                raise ReportError(_no_header(pending[1]), line)
            pending = None
        elif table is None:
            # The summary block, or a meeting export whose table has no section title.
            table = _zoom_table(cells, ReportRole.ATTENDEE)
            found = found or table is not None
            if table is None and not title:
                topic_index = _Header(cells).find(_TOPIC)
        else:
            visit = _zoom_visit(table, line, cells)
            if visit is not None:
                visits.append(visit)
    if pending is not None:
        raise ReportError(_no_header(pending[1]), pending[0])
    if not found:
        raise ReportError(
            _("No Host, Panelist or Attendee section was found: is this a Zoom report?")
        )
    return title, visits


# --- Teams -----------------------------------------------------------------------------------

_TEAMS_NAME = _aliases("Name", "Full Name")
_TEAMS_EMAIL = _aliases("Email")
_TEAMS_UPN = _aliases("Participant ID (UPN)", "UPN")
_TEAMS_ROLE = _aliases("Role")
_TEAMS_FIRST_JOIN = _aliases("First Join")
_TEAMS_LAST_LEAVE = _aliases("Last Leave")
_TEAMS_IN_MEETING = _aliases("In-Meeting Duration")
_TEAMS_JOIN = _aliases("Join Time")
_TEAMS_LEAVE = _aliases("Leave Time")
_TEAMS_DURATION = _aliases("Duration")
_TEAMS_ACTION = _aliases("User Action")
_TEAMS_TIMESTAMP = _aliases("Timestamp")
_TEAMS_TITLE = _aliases("Meeting title")
_TEAMS_JOINED = _aliases("Joined", "Joined before")
_TEAMS_LEFT = _aliases("Left")


class _TeamsKind(enum.Enum):
    PARTICIPANTS = "participants"  # one row per person: first join, last leave, duration
    ACTIVITIES = "activities"  # one row per join
    ACTIONS = "actions"  # the old list: one row per Joined or Left


@dataclass
class _TeamsTable:
    header: _Header
    kind: _TeamsKind
    name: int
    email: int | None
    upn: int | None
    role: int | None
    join: int | None = None
    leave: int | None = None
    duration: int | None = None
    action: int | None = None
    timestamp: int | None = None


def _teams_table(cells: list[str]) -> _TeamsTable | None:
    """The table a header row starts, None when the row is no complete Teams header."""
    header = _Header(cells)
    name = header.find(_TEAMS_NAME)
    if name is None:
        return None
    table = _TeamsTable(
        header,
        _TeamsKind.ACTIONS,
        name,
        email=header.find(_TEAMS_EMAIL),
        upn=header.find(_TEAMS_UPN),
        role=header.find(_TEAMS_ROLE),
    )
    action, timestamp = header.find(_TEAMS_ACTION), header.find(_TEAMS_TIMESTAMP)
    first_join, last_leave = header.find(_TEAMS_FIRST_JOIN), header.find(_TEAMS_LAST_LEAVE)
    join, leave = header.find(_TEAMS_JOIN), header.find(_TEAMS_LEAVE)
    if action is not None and timestamp is not None:
        table.action, table.timestamp = action, timestamp
    elif first_join is not None and last_leave is not None:
        table.kind = _TeamsKind.PARTICIPANTS
        table.join, table.leave = first_join, last_leave
        table.duration = header.find(_TEAMS_IN_MEETING)
    elif join is not None and leave is not None:
        table.kind = _TeamsKind.ACTIVITIES
        table.join, table.leave = join, leave
        table.duration = header.find(_TEAMS_DURATION)
    else:
        return None
    return table


def _teams_email(table: _TeamsTable, cells: list[str]) -> str:
    """The Email column, else the UPN when it is an address (a guest's "...#EXT#@..." is not)."""
    email = _text(table.email, cells)
    upn = _text(table.upn, cells)
    if not email and "@" in upn and "#ext#" not in upn.casefold():
        return upn
    return email


def _teams_visit(table: _TeamsTable, line: int, cells: list[str]) -> _Visit:
    table.header.check_width(line, cells)
    visit = _visit(
        line,
        _text(table.name, cells),
        _teams_email(table, cells),
        _role(_text(table.role, cells)),
    )
    header = table.header
    visit.join = _cell(header, table.join, line, cells)
    visit.leave = _cell(header, table.leave, line, cells)
    visit.stated = _cell(header, table.duration, line, cells)
    visit.trust_stated = table.kind is _TeamsKind.PARTICIPANTS and visit.stated is not None
    return visit


def _teams_actions(table: _TeamsTable, rows: list[_Record]) -> list[_Visit]:
    """Visits from the old list's Joined/Left rows, paired per person in file order.

    A second Joined while connected is a reconnection noted twice (kept in the visit's lines);
    a Left without a Joined before it has nothing to close and is ignored; whoever is still
    connected at the end stays until the file's last timestamp.
    """
    open_visits: dict[str, _Visit] = {}
    visits: list[_Visit] = []
    header = table.header
    for line, cells in rows:
        header.check_width(line, cells)
        action = _text(table.action, cells)
        folded = fold_name(action)
        if folded not in _TEAMS_JOINED and folded not in _TEAMS_LEFT:
            raise ReportError(_("“%(value)s” is neither Joined nor Left.", value=action), line)
        visit = _visit(
            line, _text(table.name, cells), _teams_email(table, cells), ReportRole.ATTENDEE
        )
        timestamp = _cell(header, table.timestamp, line, cells)
        if timestamp is None:
            raise ReportError(_("This row has no timestamp."), line)
        current = open_visits.get(visit.key)
        if folded in _TEAMS_JOINED:
            if current is None:
                visit.join = timestamp
                visit.until_end = True
                open_visits[visit.key] = visit
                visits.append(visit)
            else:
                current.lines.append(line)
        elif current is not None:
            current.leave = timestamp
            current.until_end = False
            current.lines.append(line)
            del open_visits[visit.key]
    return visits


def _parse_teams(text: str) -> tuple[str, list[_Visit]]:
    # Teams writes tabs; a list re-saved by a spreadsheet may have commas instead.
    delimiter = "\t" if "\t" in text else ","
    title = ""
    tables: list[tuple[_TeamsTable, list[_Record]]] = []
    rows: list[_Record] | None = None
    #: A participants or activities section whose header is expected next.
    pending: tuple[int, str] | None = None
    for line, cells in _records(text, delimiter):
        if not cells:
            continue
        section = _TEAMS_SECTION.fullmatch(cells[0]) if len(cells) == 1 else None
        if section:
            has_table = section["title"].strip().casefold() in _TEAMS_TABLE_SECTIONS
            pending = (line, cells[0]) if has_table else None
            rows = None
            continue
        if rows is not None:
            rows.append((line, cells))
            continue
        table = _teams_table(cells)
        if table is not None:
            rows = []
            tables.append((table, rows))
            pending = None
        elif pending is not None:
            raise ReportError(_no_header(pending[1]), line)
        elif fold_name(cells[0]) in _TEAMS_TITLE and len(cells) > 1:
            title = cells[1]
    if pending is not None:
        raise ReportError(_no_header(pending[1]), pending[0])
    if not tables:
        raise ReportError(
            _("No list of participants was found: is this a Teams attendance report?")
        )
    by_kind: dict[_TeamsKind, list[_Visit]] = {kind: [] for kind in _TeamsKind}
    for table, table_rows in tables:
        if table.kind is _TeamsKind.ACTIONS:
            by_kind[table.kind].extend(_teams_actions(table, table_rows))
        else:
            by_kind[table.kind].extend(
                _teams_visit(table, line, cells) for line, cells in table_rows
            )
    # Per-join rows are exact; the Participants summary only fills in whoever they lack.
    joins = by_kind[_TeamsKind.ACTIVITIES] + by_kind[_TeamsKind.ACTIONS]
    seen = {visit.key for visit in joins}
    return title, joins + [v for v in by_kind[_TeamsKind.PARTICIPANTS] if v.key not in seen]


# --- Plain CSV -------------------------------------------------------------------------------

_CSV_EMAIL = _aliases("Email", "E-mail", "Email address", "Correo", "Correo electrónico")
_CSV_FULL_NAME = _aliases("Full Name", "Nombre completo")
_CSV_NAME = _aliases("Name", "Nombre")
_CSV_FIRST = _aliases("First Name", "Nombres")
_CSV_LAST = _aliases("Last Name", "Surname", "Apellido", "Apellidos")
_CSV_MINUTES = _aliases(
    "Minutes", "Duration", "Duration (minutes)", "Minutos", "Duración", "Duración (minutos)"
)
_CSV_JOIN = _aliases("Join", "Join Time", "Entrada", "Hora de entrada")
_CSV_LEAVE = _aliases("Leave", "Leave Time", "Salida", "Hora de salida")
_CSV_ROLE = _aliases("Role", "Rol")
#: The header is looked for among the first non-blank lines only (a title line may precede it).
_CSV_HEADER_SEARCH = 10


@dataclass
class _CsvTable:
    header: _Header
    email: int | None
    full_name: int | None
    first: int | None
    last: int | None
    minutes: int | None
    join: int | None
    leave: int | None
    role: int | None


def _csv_table(cells: list[str]) -> _CsvTable | None:
    """The table a header row starts, None unless it has a name or an e-mail column."""
    header = _Header(cells)
    last = header.find(_CSV_LAST)
    full_name = header.find(_CSV_FULL_NAME)
    if last is None:
        first = None
        if full_name is None:
            full_name = header.find(_CSV_NAME)
    else:
        # Next to a last-name column, a bare "Name"/"Nombre" is the first name.
        first = header.find(_CSV_FIRST + _CSV_NAME)
    email = header.find(_CSV_EMAIL)
    if email is None and full_name is None and first is None and last is None:
        return None
    return _CsvTable(
        header=header,
        email=email,
        full_name=full_name,
        first=first,
        last=last,
        minutes=header.find(_CSV_MINUTES),
        join=header.find(_CSV_JOIN),
        leave=header.find(_CSV_LEAVE),
        role=header.find(_CSV_ROLE),
    )


def _csv_delimiter(text: str) -> str | None:
    """The delimiter that makes one of the first lines a header: of those that do, the one
    splitting it into the most cells."""
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
    for line in lines[:_CSV_HEADER_SEARCH]:
        found: list[tuple[int, str]] = []
        for delimiter in (",", ";", "\t"):
            cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]
            if _csv_table(cells) is not None:
                found.append((len(cells), delimiter))
        if found:
            return max(found)[1]
    return None


def _csv_visit(table: _CsvTable, line: int, cells: list[str]) -> _Visit:
    table.header.check_width(line, cells)
    name = _text(table.full_name, cells) or " ".join(
        filter(None, (_text(table.first, cells), _text(table.last, cells)))
    )
    visit = _visit(line, name, _text(table.email, cells), _role(_text(table.role, cells)))
    header = table.header
    visit.join = _cell(header, table.join, line, cells)
    visit.leave = _cell(header, table.leave, line, cells)
    visit.stated = _cell(header, table.minutes, line, cells)
    return visit


def _parse_csv(text: str) -> tuple[str, list[_Visit]]:
    delimiter = _csv_delimiter(text)
    if delimiter is None:
        raise ReportError(
            _(
                "No header row with a name or e-mail column was found. The first row must "
                "name the columns, for example: Name, E-mail, Minutes."
            )
        )
    table: _CsvTable | None = None
    visits: list[_Visit] = []
    for line, cells in _records(text, delimiter):
        if not cells:
            continue
        if table is not None:
            visits.append(_csv_visit(table, line, cells))
            continue
        table = _csv_table(cells)
        if table is not None and table.minutes is None and None in (table.join, table.leave):
            raise ReportError(
                _("The header has no minutes column and no join and leave time columns."), line
            )
    return "", visits


# --- Dates and durations ---------------------------------------------------------------------

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# "a. m." and "p. m." are how Spanish locales write AM and PM.
_CLOCK = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?"
)
#: 2020-09-08 09:02:11, 2020-09-08T09:02:11Z, 2020/09/08 9:02 AM
_YMD = re.compile(
    rf"(?P<year>\d{{4}})[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}})(?:T|,?\s+){_CLOCK}"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
#: Sep 8, 2020 09:02:11
_NAMED = re.compile(
    rf"(?P<month_name>[a-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}),?\s+{_CLOCK}",
    re.IGNORECASE,
)
#: 09/08/2020 09:02:11 AM, 9/8/20, 9:02:11 AM, 08.09.2020 09:02 (day or month first)
_NUMERIC = re.compile(
    rf"(?P<lead>\d{{1,2}})[-/.](?P<follow>\d{{1,2}})[-/.](?P<year>\d{{4}}|\d{{2}}),?\s+{_CLOCK}",
    re.IGNORECASE,
)


def _day_first(values: Iterable[str]) -> bool:
    """Whether the file's numeric dates put the day first (see the module docstring)."""
    month_first = english_clock = False
    for value in values:
        match = _NUMERIC.fullmatch(value)
        if match is None:
            continue
        if int(match["lead"]) > 12:
            return True
        month_first = month_first or int(match["follow"]) > 12
        english_clock = english_clock or bool(match["ampm"] and match["ampm"].isalpha())
    return not (month_first or english_clock)


def _month(name: str) -> int | None:
    name = name.casefold()
    for number, month in enumerate(_MONTH_NAMES, start=1):
        if month.startswith(name):
            return number
    return None


def _read_datetime(value: str, day_first: bool, zone: ZoneInfo) -> datetime | None:
    """`value` in UTC, or None when it is no date and time of a shape reports use."""
    if match := _YMD.fullmatch(value):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    elif match := _NAMED.fullmatch(value):
        year, day = int(match["year"]), int(match["day"])
        month = _month(match["month_name"]) or 0
    elif match := _NUMERIC.fullmatch(value):
        lead, follow = int(match["lead"]), int(match["follow"])
        day, month = (lead, follow) if day_first else (follow, lead)
        year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
    else:
        return None
    hour = int(match["hour"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"][0] in "pP" else 0)
    try:
        moment = datetime(year, month, day, hour, int(match["minute"]), int(match["sec"] or 0))
    except ValueError:
        return None
    offset = match.groupdict().get("offset")
    if offset:
        moment = datetime.fromisoformat(moment.isoformat() + offset)
    else:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


_US_PER_MINUTE = 60_000_000
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HMS = re.compile(r"(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2})")
#: Teams: "1h 2m 10s", "45m 3s", "50s".
_UNITS = re.compile(
    r"(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*(?:(?P<s>\d+)\s*s)?", re.IGNORECASE
)


def _stated_us(cell: _Cell) -> int:
    """Microseconds stated by a minutes or duration cell: "45", "45.5", "1h 2m 10s", "1:02:10"."""
    value = cell.value
    if _NUMBER.fullmatch(value):
        return int(Decimal(value.replace(",", ".")) * _US_PER_MINUTE)
    match = _HMS.fullmatch(value) or _UNITS.fullmatch(value)
    if match is None or not any(match.groups()):
        raise ReportError(
            _(
                "Column “%(column)s”: “%(value)s” is not a number of minutes.",
                column=cell.column,
                value=value,
            ),
            cell.line,
        )
    hours, minutes, seconds = (int(match[part] or 0) for part in ("h", "m", "s"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1_000_000


# --- Merging visits into people --------------------------------------------------------------


@dataclass
class _Person:
    row: ReportRow
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    stated_us: int = 0

    def minutes(self) -> int:
        """Stated time plus the union of the intervals, in whole minutes rounded half up."""
        total = self.stated_us
        covered_until: datetime | None = None
        for start, end in sorted(self.intervals):
            if covered_until is not None:
                start = max(start, covered_until)
            if end > start:
                total += (end - start) // timedelta(microseconds=1)
                covered_until = end
        return (total + _US_PER_MINUTE // 2) // _US_PER_MINUTE


def _people(visits: list[_Visit], zone: ZoneInfo) -> list[ReportRow]:
    day_first = _day_first(
        cell.value for visit in visits for cell in (visit.join, visit.leave) if cell
    )

    def read(cell: _Cell | None) -> datetime | None:
        if cell is None:
            return None
        moment = _read_datetime(cell.value, day_first, zone)
        if moment is None:
            raise ReportError(
                _(
                    "Column “%(column)s”: “%(value)s” is not a date and time.",
                    column=cell.column,
                    value=cell.value,
                ),
                cell.line,
            )
        return moment

    timed = [(visit, read(visit.join), read(visit.leave)) for visit in visits]
    file_end = max((moment for _, *times in timed for moment in times if moment), default=None)
    people: dict[str, _Person] = {}
    for visit, join, leave in timed:
        if visit.until_end:
            leave = file_end
        elif join and leave and leave < join and visit.leave:
            raise ReportError(
                _(
                    "The leave time (%(leave)s) is before the join time (%(join)s).",
                    leave=visit.leave.value,
                    join=visit.join.value if visit.join else "",
                ),
                visit.leave.line,
            )
        stated_us = _stated_us(visit.stated) if visit.stated else None
        person = people.get(visit.key)
        if person is None:
            person = people[visit.key] = _Person(
                ReportRow(
                    name=visit.name,
                    email=visit.email,
                    role=visit.role,
                    minutes=0,
                    first_join=None,
                    last_leave=None,
                    lines=[],
                )
            )
        row = person.row
        if _ROLE_RANK[visit.role] > _ROLE_RANK[row.role]:
            row.role = visit.role
        row.lines.extend(visit.lines)
        row.country_region = row.country_region or visit.country_region
        if join:
            row.first_join = min(join, row.first_join or join)
        if leave:
            row.last_leave = max(leave, row.last_leave or leave)
        if join and leave and not visit.trust_stated:
            person.intervals.append((join, leave))
        elif stated_us is not None:
            person.stated_us += stated_us
        else:
            raise ReportError(
                _("This row has no join and leave times and no minutes."), visit.lines[0]
            )
    for person in people.values():
        person.row.minutes = person.minutes()
        person.row.lines.sort()
    return [person.row for person in people.values()]


# --- Entry point -----------------------------------------------------------------------------

_PARSERS: dict[ReportFormat, Callable[[str], tuple[str, list[_Visit]]]] = {
    ReportFormat.ZOOM: _parse_zoom,
    ReportFormat.TEAMS: _parse_teams,
    ReportFormat.CSV: _parse_csv,
}


def parse_report(data: bytes, zone: ZoneInfo, format: ReportFormat | None = None) -> ParsedReport:
    """Read a report. `zone` is the zone its naive times are written in (the series' zone);
    `format` None detects it. Raises `ReportError` for a file that cannot be read whole."""
    text = decode(data)
    if not text.strip():
        raise ReportError(_("The file is empty."))
    report_format = ReportFormat(format) if format else detect_format(text)
    title, visits = _PARSERS[report_format](text)
    rows = _people(visits, zone)
    return ParsedReport(
        format=report_format,
        rows=rows,
        source_rows=len(visits),
        merged=len(visits) - len(rows),
        title=title,
    )
