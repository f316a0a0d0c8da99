"""What every parser produces: visits read from rows, then people, and the rows it skipped."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from webinars.folding import fold_name


class ReportFormat(enum.StrEnum):
    ZOOM = "zoom"
    TEAMS = "teams"
    MEET = "meet"
    #: A plain CSV, with columns we know or columns the facilitator mapped.
    CSV = "csv"


class ReportRole(enum.StrEnum):
    HOST = "host"
    PANELIST = "panelist"
    ATTENDEE = "attendee"


ROLE_RANK = {ReportRole.ATTENDEE: 0, ReportRole.PANELIST: 1, ReportRole.HOST: 2}


def person_key(email: str, name: str) -> str:
    """Identity for merging rows and for finding a person again in a later import."""
    return email or "name:" + fold_name(name)


@dataclass
class ReportRow:
    """One person, after merging their join rows."""

    #: As written in the file (Zoom: "Name (Original Name)", else first and last name).
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
    #: The e-mail the person registered with on the platform (Teams webinars), lower-cased:
    #: matched before `email`, which may be another tenant's account.
    registration_email: str = ""

    @property
    def key(self) -> str:
        """Identity for merging and re-import: the e-mail if any, else "name:" + folded name."""
        return person_key(self.registration_email or self.email, self.name)


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be read and was left out; `message` is translated."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


@dataclass
class ParsedReport:
    format: ReportFormat
    #: In order of first appearance.
    rows: list[ReportRow]
    #: Join rows read (rows of people who did not attend are not counted).
    source_rows: int
    #: source_rows - len(rows): rows folded into a person seen before.
    merged: int
    #: The meeting's topic or title when the file has one.
    title: str = ""
    #: Rows left out, with the reason, in line order.
    skipped: list[RowProblem] = field(default_factory=list)
    #: How the layout was recognised, for the preview ("Zoom meeting participants", ...).
    layout: str = ""


class ReportError(ValueError):
    """A file that cannot be read at all; `message` is translated, `line` is 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, line)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


class UnknownLayout(ReportError):
    """A readable table whose columns no parser recognises: a person may map them."""

    def __init__(self, message: str, records: list[tuple[int, list[str]]], delimiter: str):
        super().__init__(message)
        #: The first non-blank records of the file, for the mapping page.
        self.records = records
        self.delimiter = delimiter


@dataclass
class Cell:
    """A raw value, with where it came from, for the messages about it."""

    column: str
    value: str
    line: int
    #: The layout says this time is in UTC whatever the file's zone (Teams Live Events).
    in_utc: bool = False


@dataclass
class Visit:
    """One join row, values still as written (dates are read once the whole file is known)."""

    lines: list[int]
    name: str
    email: str
    role: ReportRole
    join: Cell | None = None
    leave: Cell | None = None
    #: Minutes or a duration ("1h 2m 10s", "1 hr 46 min") stated by the file.
    stated: Cell | None = None
    #: The join..leave span includes gaps (Teams' Participants section): count `stated`.
    trust_stated: bool = False
    #: Still connected when the file ends (an old Teams list): leave at its last timestamp.
    until_end: bool = False
    #: ... or, for a live event, at the session's end.
    until_session_end: bool = False
    #: A Teams webinar activity row with a leave time and no join time: a leg whose join
    #: Teams did not log. Teams' own in-meeting duration leaves it out, and so do we.
    continues: bool = False
    country_region: str = ""
    registration_email: str = ""
    #: Times of rows folded into this visit (a second device's Joined): they tell when the
    #: file ends, nothing more.
    marks: list[Cell] = field(default_factory=list)

    @property
    def key(self) -> str:
        return person_key(self.registration_email or self.email, self.name)


@dataclass
class SourceResult:
    """What a source parser read from the records of a file."""

    layout: str
    visits: list[Visit]
    problems: list[RowProblem] = field(default_factory=list)
    title: str = ""


def new_visit(
    line: int, name: str, email: str, role: ReportRole, problems: list[RowProblem]
) -> Visit | None:
    """A visit of a row, or None (and a problem) when the row names nobody."""
    email = email.strip().lower()
    if "@" not in email or "*" in email:
        # Absent, or masked as Meet masks outside accounts ("kros******@***.com").
        email = ""
    if not name.strip() and not email:
        problems.append(RowProblem(line, _("This row has neither a name nor an e-mail.")))
        return None
    return Visit([line], name.strip(), email, role)
