"""Visits merged into people: times read, checked against the session, intervals united.

Every join row becomes a visit; the visits of one person (same e-mail, or same folded name
when there is no e-mail) are merged into one `ReportRow`. Minutes are the union of the
person's intervals, so two devices connected at once count once; a row without both times
(Zoom's unique users, Meet's durations) adds its stated minutes instead. Teams' Participants
section spans the gaps between a person's first join and last leave, so there its
`In-Meeting Duration` is trusted.

A visit that cannot be read (a date that is no date, a leave before the join, a time far from
the session, more minutes than the session could hold) is left out with its reason: one bad row
never discards the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webinars.attendance.parsers.dates import (
    US_PER_MINUTE,
    day_first,
    read_datetime,
    stated_microseconds,
)
from webinars.attendance.parsers.report import (
    ROLE_RANK,
    Cell,
    ReportRow,
    RowProblem,
    Visit,
)

UTC_ZONE = ZoneInfo("UTC")
#: How far from the session a time may be and still belong to it: a host opens the room
#: early, a meeting runs over. A report read in the wrong zone (UTC for the Americas: five
#: hours or more) falls outside and says so.
WINDOW_MARGIN = timedelta(hours=3)
#: Stated minutes beyond the session's length plus this are refused.
STATED_MARGIN = timedelta(hours=2)


@dataclass(frozen=True)
class Reading:
    """How to read the times of a file."""

    #: The zone naive times are written in.
    zone: ZoneInfo
    #: The session's start and end (UTC), when known: times far from it are refused.
    window: tuple[datetime, datetime] | None = None
    #: None: the file decides (see `dates`).
    day_first: bool | None = None

    def day_of_session(self) -> datetime | None:
        return self.window[0].astimezone(self.zone) if self.window else None


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
        return (total + US_PER_MINUTE // 2) // US_PER_MINUTE


def _format_local(moment: datetime, zone: ZoneInfo) -> str:
    try:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError):
        # At the edge of the calendar (year 1 or 9999): say it in UTC.
        return moment.strftime("%Y-%m-%d %H:%M UTC")


class _Reader:
    """Reads the cells of visits, noting a problem per row that cannot be read."""

    def __init__(self, visits: list[Visit], reading: Reading) -> None:
        self.reading = reading
        values = [cell.value for visit in visits for cell in (visit.join, visit.leave) if cell]
        session_day = reading.day_of_session()
        self.on_date = session_day.date() if session_day else None
        if reading.day_first is not None:
            self.day_first = reading.day_first
        else:
            self.day_first = self._closer_order(values, day_first(values))

    def _closer_order(self, values: list[str], guess: bool) -> bool:
        """Of the two orders of day and month, the one that puts more of the file's dates
        near the session; the file's own evidence (`guess`) when both do as well."""
        window = self.reading.window
        if window is None:
            return guess
        start, end = window[0] - WINDOW_MARGIN, window[1] + WINDOW_MARGIN

        def near(order: bool) -> int:
            moments = (
                read_datetime(value, order, self.reading.zone, self.on_date) for value in values
            )
            return sum(1 for m in moments if m is not None and start <= m <= end)

        day_month, month_day = near(True), near(False)
        if day_month == month_day:
            return guess
        return day_month > month_day

    def moment(self, cell: Cell | None) -> datetime | None | RowProblem:
        if cell is None:
            return None
        zone = UTC_ZONE if cell.in_utc else self.reading.zone
        moment = read_datetime(cell.value, self.day_first, zone, self.on_date)
        if moment is None:
            return RowProblem(
                cell.line,
                _(
                    "Column “%(column)s”: “%(value)s” is not a date and time.",
                    column=cell.column,
                    value=cell.value,
                ),
            )
        window = self.reading.window
        if window and not window[0] - WINDOW_MARGIN <= moment <= window[1] + WINDOW_MARGIN:
            zone = self.reading.zone
            return RowProblem(
                cell.line,
                _(
                    "Column “%(column)s”: %(value)s is far from the session (%(start)s to "
                    "%(end)s): is this the report of another session, or are its times in "
                    "another time zone?",
                    column=cell.column,
                    value=_format_local(moment, zone),
                    start=_format_local(window[0], zone),
                    end=_format_local(window[1], zone),
                ),
            )
        return moment

    def stated(self, cell: Cell | None) -> int | None | RowProblem:
        if cell is None:
            return None
        stated_us = stated_microseconds(cell.value)
        if stated_us is None:
            return RowProblem(
                cell.line,
                _(
                    "Column “%(column)s”: “%(value)s” is not a number of minutes.",
                    column=cell.column,
                    value=cell.value,
                ),
            )
        window = self.reading.window
        if window:
            longest = window[1] - window[0] + STATED_MARGIN
            if timedelta(microseconds=stated_us) > longest:
                return RowProblem(
                    cell.line,
                    _(
                        "Column “%(column)s”: %(minutes)d minutes is more than the session "
                        "could hold (%(longest)d).",
                        column=cell.column,
                        minutes=stated_us // US_PER_MINUTE,
                        longest=longest // timedelta(minutes=1),
                    ),
                )
        return stated_us


@dataclass
class _Timed:
    visit: Visit
    join: datetime | None
    leave: datetime | None
    stated_us: int | None
    marks: list[datetime]


def _read_visits(visits: list[Visit], reading: Reading) -> tuple[list[_Timed], list[RowProblem]]:
    reader = _Reader(visits, reading)
    timed: list[_Timed] = []
    problems: list[RowProblem] = []
    for visit in visits:
        join, leave, stated = (
            reader.moment(visit.join),
            reader.moment(visit.leave),
            reader.stated(visit.stated),
        )
        problem = next((v for v in (join, leave, stated) if isinstance(v, RowProblem)), None)
        if problem is not None:
            problems.append(problem)
            continue
        assert not isinstance(join, RowProblem) and not isinstance(leave, RowProblem)
        assert not isinstance(stated, RowProblem)
        if join and leave and leave < join and visit.leave:
            problems.append(
                RowProblem(
                    visit.leave.line,
                    _(
                        "The leave time (%(leave)s) is before the join time (%(join)s).",
                        leave=visit.leave.value,
                        join=visit.join.value if visit.join else "",
                    ),
                )
            )
            continue
        usable = (join and (leave or visit.until_end)) or (visit.continues and leave)
        if not usable and stated is None:
            problems.append(
                RowProblem(
                    visit.lines[0], _("This row has no join and leave times and no minutes.")
                )
            )
            continue
        marks = [reader.moment(mark) for mark in visit.marks]
        timed.append(
            _Timed(visit, join, leave, stated, [m for m in marks if isinstance(m, datetime)])
        )
    return timed, problems


def _file_end(timed: list[_Timed]) -> datetime | None:
    """The last moment the file shows: where a visit "until the end" of the file ends."""
    return max(
        (moment for t in timed for moment in (t.join, t.leave, *t.marks) if moment is not None),
        default=None,
    )


def _leave(item: _Timed, reading: Reading, file_end: datetime | None) -> datetime | None:
    """The visit's leave time; one that lasts until the end ends with the session (when it
    says so and the window is known) or with the file."""
    visit, leave = item.visit, item.leave
    if visit.until_end:
        session_end = reading.window[1] if reading.window else None
        leave = leave or (session_end if visit.until_session_end else None) or file_end
    return leave


def _new_person(visit: Visit) -> _Person:
    return _Person(
        ReportRow(
            name=visit.name,
            email=visit.email,
            role=visit.role,
            minutes=0,
            first_join=None,
            last_leave=None,
            lines=[],
            registration_email=visit.registration_email,
        )
    )


def _add_visit(person: _Person, item: _Timed, leave: datetime | None) -> None:
    """The visit into its person's row: the highest role, its lines, and its time."""
    visit, join = item.visit, item.join
    row = person.row
    if ROLE_RANK[visit.role] > ROLE_RANK[row.role]:
        row.role = visit.role
    row.lines.extend(visit.lines)
    row.country_region = row.country_region or visit.country_region
    row.email = row.email or visit.email
    if visit.continues:
        return
    if join:
        row.first_join = min(join, row.first_join or join)
    if leave:
        row.last_leave = max(leave, row.last_leave or leave)
    if join and leave and not visit.trust_stated:
        person.intervals.append((join, leave))
    elif item.stated_us is not None:
        person.stated_us += item.stated_us


def _finished_rows(people: dict[str, _Person]) -> list[ReportRow]:
    rows = []
    for person in people.values():
        person.row.minutes = person.minutes()
        person.row.lines.sort()
        rows.append(person.row)
    return rows


def merge_people(
    visits: list[Visit], reading: Reading
) -> tuple[list[ReportRow], list[RowProblem], int]:
    """The people of the visits, the rows left out, and the number of visits used."""
    timed, problems = _read_visits(visits, reading)
    file_end = _file_end(timed)
    people: dict[str, _Person] = {}
    used = 0
    for item in timed:
        visit = item.visit
        leave = _leave(item, reading, file_end)
        person = people.get(visit.key)
        if person is None:
            if visit.continues:
                problems.append(
                    RowProblem(
                        visit.lines[0], _("This row has a leave time but no join time before it.")
                    )
                )
                continue
            person = people[visit.key] = _new_person(visit)
        used += 1
        _add_visit(person, item, leave)
    problems.sort(key=lambda problem: problem.line)
    return _finished_rows(people), problems, used
