"""Zoom: the webinar attendee report, the meeting participants export and the usage report.

- Webinar attendee report: a title and summary block, then sections (`Host Details`,
  `Panelist Details`, `Attendee Details`, `Other Attended`, in the account's language), each a
  title line, its own header and one row per join; `--` where a value is absent, rows padded
  with trailing commas; rows with `Attended` = `No` are registrants who did not come.
- Meeting participants export: `Name (Original Name)`, `User Email`, `Join Time`,
  `Leave Time`, `Duration (Minutes)`, `Guest`..., with or without the meeting's summary block
  above it, or with "Show unique users" (`Total Duration (Minutes)`, no times).
- Usage report "export with meeting data": the meeting's columns (its host's `User Email` and
  `Duration (Minutes)` among them) then the participant's, repeating those names: the
  participant's (the later) columns count, and the host's e-mail marks the host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from webinars.attendance.parsers import headers as h
from webinars.attendance.parsers.report import (
    ReportRole,
    RowProblem,
    SourceResult,
    Visit,
    new_visit,
)
from webinars.folding import fold_name
from webinars.textfiles import Record

SECTIONS = {
    **dict.fromkeys(
        h.aliases(
            "Host Details",
            "Detalles del anfitrión",
            "Detalles de anfitrión",
            "Détails de l'hôte",
            "Détails de l’hôte",
            "Detalhes do anfitrião",
            "Detalhes do host",
        ),
        ReportRole.HOST,
    ),
    **dict.fromkeys(
        h.aliases(
            "Panelist Details",
            "Detalles del panelista",
            "Detalles de panelista",
            "Detalles de los panelistas",
            "Détails du panéliste",
            "Détails des panélistes",
            "Detalhes do painelista",
            "Detalhes dos painelistas",
        ),
        ReportRole.PANELIST,
    ),
    **dict.fromkeys(
        h.aliases(
            "Attendee Details",
            "Other Attended",
            "Detalles del asistente",
            "Detalles de asistente",
            "Detalles de los asistentes",
            "Otros asistentes",
            "Otro asistente",
            "Détails du participant",
            "Détails des participants",
            "Autres participants",
            "Detalhes do participante",
            "Detalhes dos participantes",
            "Outros participantes",
        ),
        ReportRole.ATTENDEE,
    ),
}
REPORT_TITLES = h.aliases(
    "Attendee Report",
    "Informe de asistentes",
    "Informe de asistencia",
    "Rapport des participants",
    "Relatório de participantes",
)
WAITING_ROOM = h.aliases(
    "In Waiting Room", "En sala de espera", "Na sala de espera", "Salle d'attente",
    "Dans la salle d'attente",
)  # fmt: skip
YES = h.aliases("Yes", "Sí", "Si", "Oui", "Sim", "True")
ATTENDED = h.aliases("Attended", "Asistió", "A participé", "Participou", "Compareceu")
NOT_ATTENDED = h.aliases("No", "Non", "Não", "Nao", "False")
GUEST = h.aliases("Guest", "Is Guest", "Invitado", "Es invitado", "Invité", "Convidado")
COUNTRY = h.aliases(
    "Country/Region Name",
    "Nombre de país/región",
    "Nombre del país/región",
    "Nom du pays/de la région",
    "País/Região",
)
#: The summary block's host: a name, sometimes with the e-mail in brackets.
HOST = h.aliases("Host", "Host Name", "Anfitrión", "Anfitrião", "Hôte", "Organisateur")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
TOPIC = h.aliases("Topic", "Tema", "Sujet", "Tópico", "Assunto")
#: Columns no other platform writes: a header with one of them is Zoom's.
_SIGNS = (
    h.ORIGINAL_NAME
    | ATTENDED
    | GUEST
    | COUNTRY
    | h.aliases(
        "Time in Session (minutes)",
        "Total Duration (Minutes)",
        "Recording Consent",
        "In Waiting Room",
        "Registration Time",
        "Approval Status",
        "User Email",
        "Tiempo en la sesión (minutos)",
        "E-mail del usuario",
        "Correo electrónico del usuario",
        "En sala de espera",
        "Na sala de espera",
        "Salle d'attente",
        "Dans la salle d'attente",
        "Respuesta al descargo de responsabilidad relativa a la grabación",
    )
)


@dataclass
class _Table:
    header: h.Header
    role: ReportRole
    attended: int | None
    whole: int | None
    first: int | None
    last: int | None
    email: int | None
    join: int | None
    leave: int | None
    minutes: int | None
    country: int | None
    waiting_room: int | None
    #: The meeting's host e-mail column of a usage report (an earlier e-mail column).
    host_email: int | None


def _table(cells: list[str], role: ReportRole) -> _Table | None:
    """The table a header row starts, None unless it has a name and times or minutes."""
    header = h.Header(cells)
    whole, first, last = h.name_columns(header)
    join, leave = header.find(h.JOIN), header.find(h.LEAVE)
    minutes = header.find(h.MINUTES, last=True)
    if whole is None and first is None:
        return None
    if (join is None or leave is None) and minutes is None:
        return None
    email = header.find(h.EMAIL, last=True)
    first_email = header.find(h.EMAIL)
    return _Table(
        header=header,
        role=role,
        attended=header.find(ATTENDED),
        whole=whole,
        first=first,
        last=last,
        email=email,
        join=join,
        leave=leave,
        minutes=minutes,
        country=header.find(COUNTRY),
        waiting_room=header.find(WAITING_ROOM),
        host_email=first_email if first_email != email else None,
    )


def recognise(cells: list[str]) -> int:
    """A score for a header line of a Zoom report (0: not one)."""
    header = h.Header(cells)
    if header.count(_SIGNS) == 0:
        return 0
    return header.count(_SIGNS, h.FULL_NAME, h.NAME, h.EMAIL, h.JOIN, h.LEAVE, h.MINUTES)


def detect(records: list[Record]) -> bool:
    """Zoom by its section titles, its report title or a header only Zoom writes."""
    for _line, cells in records[:200]:
        if len(cells) == 1 and (
            fold_name(cells[0]) in SECTIONS or fold_name(cells[0]) in REPORT_TITLES
        ):
            return True
        if recognise(cells) and _table(cells, ReportRole.ATTENDEE) is not None:
            return True
    return False


def _visit(table: _Table, line: int, cells: list[str], problems: list[RowProblem]) -> Visit | None:
    """The visit of one data row; None for a registrant who did not attend or a bad row."""
    if problem := table.header.too_wide(line, cells):
        problems.append(problem)
        return None
    if fold_name(h.text(table.attended, cells)) in NOT_ATTENDED:
        return None
    if fold_name(h.text(table.waiting_room, cells)) in YES:
        # Time in the waiting room, before the host let the person in: not presence.
        return None
    name = h.full_name(cells, table.whole, table.first, table.last)
    visit = new_visit(line, name, h.text(table.email, cells), table.role, problems)
    if visit is None:
        return None
    header = table.header
    visit.join = h.cell(header, table.join, line, cells)
    visit.leave = h.cell(header, table.leave, line, cells)
    visit.stated = h.cell(header, table.minutes, line, cells)
    visit.country_region = h.text(table.country, cells)
    if table.host_email is not None:
        host = h.text(table.host_email, cells).lower()
        if host and host == visit.email:
            visit.role = ReportRole.HOST
    return visit


def parse(records: list[Record]) -> SourceResult:
    title = ""
    hosts: set[str] = set()
    #: A summary block's header, whose values come on the next line.
    summary: h.Header | None = None
    table: _Table | None = None
    layout = _("Zoom meeting participants")
    #: The section whose title was read and whose header is expected next.
    pending: tuple[int, str, ReportRole] | None = None
    visits: list[Visit] = []
    problems: list[RowProblem] = []
    for line, cells in records:
        if not cells:
            continue
        folded = fold_name(cells[0]) if len(cells) == 1 else ""
        if folded in REPORT_TITLES:
            layout = _("Zoom webinar attendee report")
            continue
        if folded in SECTIONS:
            if pending is not None:
                problems.append(RowProblem(pending[0], _no_header(pending[1])))
            pending = (line, cells[0], SECTIONS[folded])
            layout = _("Zoom webinar attendee report")
            table = None
            continue
        if summary is not None:
            title = title or h.text(summary.find(TOPIC), cells)
            if host := _summary_host(summary, cells):
                hosts.add(host)
            summary = None
            continue
        if pending is not None:
            table = _table(cells, pending[2])
            if table is None:
                problems.append(RowProblem(line, _no_header(pending[1])))
            pending = None
            continue
        if table is None:
            # The summary block, or a meeting export whose table has no section title.
            table = _table(cells, ReportRole.ATTENDEE)
            if table is None:
                candidate = h.Header(cells)
                if candidate.count(TOPIC, h.EMAIL, HOST):
                    summary = candidate
            elif table.host_email is not None:
                layout = _("Zoom usage report with meeting data")
            continue
        if table.host_email is not None and not title:
            title = h.text(table.header.find(TOPIC), cells)
        visit = _visit(table, line, cells, problems)
        if visit is not None:
            visits.append(visit)
    if pending is not None:
        problems.append(RowProblem(pending[0], _no_header(pending[1])))
    _mark_hosts(visits, hosts)
    if _unique_users(visits):
        layout = _("Zoom meeting participants, unique users")
    return SourceResult(layout=layout, visits=visits, problems=problems, title=title)


def _summary_host(summary: h.Header, cells: list[str]) -> str:
    """The host named by a summary block's values: their address (from the e-mail column, or
    found in the host's name), else `name:` and their folded name; "" when none is given."""
    host = h.text(summary.find(h.EMAIL), cells).lower()
    named = h.text(summary.find(HOST), cells)
    if found := _EMAIL.search(named):
        host = host or found[0].lower()
    if host:
        return host
    return "name:" + fold_name(named) if named else ""


def _mark_hosts(visits: list[Visit], hosts: set[str]) -> None:
    """The visits of the hosts named in a summary block are the host's."""
    for visit in visits:
        if (visit.email and visit.email in hosts) or "name:" + fold_name(visit.name) in hosts:
            visit.role = ReportRole.HOST


def _unique_users(visits: list[Visit]) -> bool:
    """The "unique users" export: no times of joining, and someone with no times at all."""
    return any(v.join is None and v.leave is None for v in visits) and all(
        v.join is None for v in visits
    )


def _no_header(section: str) -> str:
    return _(
        "The “%(section)s” section has no complete column header (the file may be cut short).",
        section=section,
    )
