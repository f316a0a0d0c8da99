"""Google Meet: the attendance report e-mailed to the organizer and the attendance sheet.

One row per participant (sometimes two when Meet split a person): a name (whole, or first and
last), an e-mail (masked `kros******@***.com` for outside accounts: no e-mail), a duration
(`1h 46m`, `42m`, `1 hr 46 min`, `1 h 35 min`, `45 sec`), the first join and the last exit
(full dates in the e-mailed report, times alone in the sheet). The duration is the time in the
call without the gaps, so it counts; the times give the first join and last leave.
"""

from __future__ import annotations

from flask_babel import gettext as _

from webinars.attendance.parsers import headers as h
from webinars.attendance.parsers.report import (
    ReportRole,
    RowProblem,
    SourceResult,
    Visit,
    new_visit,
)
from webinars.textfiles import Record

JOINED = h.aliases(
    "Time joined",
    "Joined at",
    "Hora a la que se unió",
    "Hora de incorporación",
    "Heure d'arrivée dans la réunion",
    "Horário de entrada na chamada",
)
EXITED = h.aliases(
    "Time exited",
    "Left at",
    "Hora a la que salió",
    "Hora a la que abandonó la reunión",
    "Heure de départ de la réunion",
    "Horário de saída da chamada",
)
DURATION = h.aliases("Duration", "Duración", "Durée", "Duração")
#: The largest number of header lines looked at.
_HEADER_SEARCH = 10


def _columns(cells: list[str]) -> dict[str, int | None] | None:
    header = h.Header(cells)
    joined, exited, duration = header.find(JOINED), header.find(EXITED), header.find(DURATION)
    whole, first, last = h.name_columns(header)
    if joined is None or exited is None or (whole is None and first is None):
        return None
    return {
        "whole": whole,
        "first": first,
        "last": last,
        "email": header.find(h.EMAIL),
        "duration": duration,
        "joined": joined,
        "exited": exited,
    }


def recognise(cells: list[str]) -> int:
    """A score for a header line of a Meet report (0: not one)."""
    if _columns(cells) is None:
        return 0
    return 2 + h.Header(cells).count(h.EMAIL, DURATION, h.LAST_NAME)


def detect(records: list[Record]) -> bool:
    return any(recognise(cells) for _line, cells in records[:_HEADER_SEARCH])


def parse(records: list[Record]) -> SourceResult:
    layout = _("Google Meet attendance report")
    columns: dict[str, int | None] | None = None
    header: h.Header | None = None
    visits: list[Visit] = []
    problems: list[RowProblem] = []
    for line, cells in records:
        if not cells:
            continue
        if columns is None or header is None:
            columns = _columns(cells)
            header = h.Header(cells) if columns else None
            continue
        if problem := header.too_wide(line, cells):
            problems.append(problem)
            continue
        name = h.full_name(cells, columns["whole"], columns["first"], columns["last"])
        visit = new_visit(
            line, name, h.text(columns["email"], cells), ReportRole.ATTENDEE, problems
        )
        if visit is None:
            continue
        visit.join = h.cell(header, columns["joined"], line, cells)
        visit.leave = h.cell(header, columns["exited"], line, cells)
        visit.stated = h.cell(header, columns["duration"], line, cells)
        visit.trust_stated = visit.stated is not None
        visits.append(visit)
    return SourceResult(layout=layout, visits=visits, problems=problems)
