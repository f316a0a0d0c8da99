"""Microsoft Teams: the attendance lists and reports of meetings, webinars and live events.

- 2020 meeting list: one table `Full Name`, `User Action` (Joined, Left, Joined before),
  `Timestamp`; Joined and Left rows are paired per person in file order.
- 2022+ report: numbered sections (`1. Summary`, `2. Participants`, `3. In-Meeting
  Activities`, titles in the account's language). Participants has one row per person (first
  join, last leave, in-meeting duration), activities one row per join; the activities are
  exact, the Participants row only fills in whoever has none.
- Webinar report: the same, with the registration's `Registration First Name`, `Last Name` and
  `Email` beside the join's: the registration e-mail is the one matched (the join's may be
  another tenant's account, or absent). Activity rows with a leave time and no join time carry
  the person's previous visit on to that leave time.
- Live Event attendee report: `Participant Id`, `Full Name`, `UTC Event Timestamp`, `Action`
  (Joined, Left), `Role`: one row per action, times in UTC.

Tabs between the cells (a list re-saved by a spreadsheet may have commas or semicolons).
"""

from __future__ import annotations

import enum
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

SECTION = re.compile(r"\d+\.\s*\S.*")
SUMMARY_TITLES = h.aliases("Summary", "Resumen", "Résumé", "Resumo")

FIRST_JOIN = h.aliases(
    "First Join", "First join", "Primera unión", "Primera entrada", "Primera conexión",
    "Première participation", "Première connexion", "Primeira entrada", "Primeira participação",
)  # fmt: skip
LAST_LEAVE = h.aliases(
    "Last Leave", "Última salida", "Última desconexión", "Dernier départ",
    "Dernière déconnexion", "Última saída",
)  # fmt: skip
IN_MEETING = h.aliases(
    "In-Meeting Duration", "In-meeting duration", "Duración en la reunión",
    "Duración de la reunión", "Durée de la réunion", "Durée dans la réunion",
    "Duração na reunião",
)  # fmt: skip
UPN = h.aliases(
    "Participant ID (UPN)",
    "UPN",
    "Participant Id",
    "Id. de participante (UPN)",
    "ID del participante (UPN)",
)
ACTION = h.aliases(
    "User Action",
    "Action",
    "Acción del usuario",
    "Acción",
    "Action de l'utilisateur",
    "Ação do usuário",
    "Ação",
)
TIMESTAMP = h.aliases(
    "Timestamp", "Marca de tiempo", "Marca de hora", "Horodatage", "Carimbo de data/hora"
)
UTC_TIMESTAMP = h.aliases("UTC Event Timestamp", "UtcEventTimestamp")
SESSION_ID = h.aliases("Session Id", "SessionId")
REGISTRATION_EMAIL = h.aliases(
    "Registration Email", "Registration email", "Correo electrónico de registro"
)
TITLE = h.aliases(
    "Meeting title",
    "Título de la reunión",
    "Titre de la réunion",
    "Título da reunião",
    "Meeting Title",
)
JOINED = h.aliases(
    "Joined",
    "Joined before",
    "Se unió",
    "Se unió antes",
    "Unido",
    "Unido antes",
    "A rejoint",
    "Ingressou",
)
LEFT = h.aliases("Left", "Salió", "Abandonó", "A quitté", "Saiu")
_SIGNS = FIRST_JOIN | LAST_LEAVE | IN_MEETING | UPN | UTC_TIMESTAMP | REGISTRATION_EMAIL
_ROLES = {
    ReportRole.HOST: h.aliases("Organizer", "Organiser", "Organizador", "Organisateur", "Host"),
    ReportRole.PANELIST: h.aliases(
        "Presenter", "Co-organizer", "Coorganizer", "Producer", "Presentador", "Coorganizador",
        "Productor", "Présentateur", "Coorganisateur", "Apresentador",
        "Coorganizador", "Panelist", "Speaker", "Event Team Member", "Miembro del equipo del evento",
    ),
}  # fmt: skip


def role(value: str) -> ReportRole:
    """Organizer and presenters by their names in the account's language; anyone else,
    blank included, is an attendee."""
    folded = fold_name(value)
    for found, names in _ROLES.items():
        if folded in names:
            return found
    return ReportRole.ATTENDEE


class _Kind(enum.Enum):
    PARTICIPANTS = "participants"  # one row per person: first join, last leave, duration
    ACTIVITIES = "activities"  # one row per join
    ACTIONS = "actions"  # one row per Joined or Left


@dataclass
class _Table:
    header: h.Header
    kind: _Kind
    name: int
    email: int | None
    upn: int | None
    role: int | None
    registration_email: int | None
    join: int | None = None
    leave: int | None = None
    duration: int | None = None
    action: int | None = None
    timestamp: int | None = None
    in_utc: bool = False
    #: A live event's connection: its Joined and Left rows share it.
    session_id: int | None = None


def _table(cells: list[str]) -> _Table | None:
    """The table a header row starts, None when the row is no complete Teams header."""
    header = h.Header(cells)
    whole, first, _last = h.name_columns(header)
    name = whole if whole is not None else first
    if name is None:
        return None
    table = _Table(
        header,
        _Kind.ACTIONS,
        name,
        email=header.find(h.EMAIL),
        upn=header.find(UPN),
        role=header.find(h.ROLE),
        registration_email=header.find(REGISTRATION_EMAIL),
        session_id=header.find(SESSION_ID),
    )
    action = header.find(ACTION)
    timestamp, utc = header.find(TIMESTAMP), header.find(UTC_TIMESTAMP)
    first_join, last_leave = header.find(FIRST_JOIN), header.find(LAST_LEAVE)
    join, leave = header.find(h.JOIN), header.find(h.LEAVE)
    if action is not None and (timestamp is not None or utc is not None):
        table.action = action
        table.timestamp = utc if utc is not None else timestamp
        table.in_utc = utc is not None
    elif first_join is not None and last_leave is not None:
        table.kind = _Kind.PARTICIPANTS
        table.join, table.leave = first_join, last_leave
        table.duration = header.find(IN_MEETING)
    elif join is not None and leave is not None:
        table.kind = _Kind.ACTIVITIES
        table.join, table.leave = join, leave
        table.duration = header.find(h.MINUTES)
    else:
        return None
    return table


def recognise(cells: list[str]) -> int:
    """A score for a header line of a Teams report (0: not one)."""
    header = h.Header(cells)
    signs = header.count(_SIGNS) + (
        header.find(ACTION) is not None and header.find(TIMESTAMP | UTC_TIMESTAMP) is not None
    )
    if not signs or _table(cells) is None:
        return 0
    return signs + header.count(h.NAME, h.FULL_NAME, h.EMAIL, h.ROLE, h.JOIN, h.LEAVE)


def detect(records: list[Record]) -> bool:
    return any(recognise(cells) for _line, cells in records[:200])


def _email(table: _Table, cells: list[str]) -> str:
    """The Email column, else the UPN when it is an address (a guest's "...#EXT#@..." is not)."""
    email = h.text(table.email, cells)
    upn = h.text(table.upn, cells)
    if not email and "@" in upn and "#ext#" not in upn.casefold():
        return upn
    return email


def _visit(table: _Table, line: int, cells: list[str], problems: list[RowProblem]) -> Visit | None:
    if problem := table.header.too_wide(line, cells):
        problems.append(problem)
        return None
    visit = new_visit(
        line,
        h.text(table.name, cells),
        _email(table, cells),
        role(h.text(table.role, cells)),
        problems,
    )
    if visit is None:
        return None
    header = table.header
    visit.registration_email = h.text(table.registration_email, cells).lower()
    visit.join = h.cell(header, table.join, line, cells)
    visit.leave = h.cell(header, table.leave, line, cells)
    visit.stated = h.cell(header, table.duration, line, cells)
    visit.trust_stated = table.kind is _Kind.PARTICIPANTS and visit.stated is not None
    visit.continues = table.kind is _Kind.ACTIVITIES and visit.join is None and bool(visit.leave)
    return visit


def _actions(table: _Table, rows: list[Record], problems: list[RowProblem]) -> list[Visit]:
    """Visits from Joined/Left rows, paired per person (or per live-event connection).

    A person is present while they have joined more often than they have left (two devices
    at once); a Left with nothing open is ignored; whoever is still connected at the end stays
    until the file's last timestamp (a live event: until the session's end).
    """
    #: Per person: the open visit and how many connections it has.
    open_visits: dict[str, tuple[Visit, int]] = {}
    visits: list[Visit] = []
    header = table.header
    for line, cells in rows:
        if problem := header.too_wide(line, cells):
            problems.append(problem)
            continue
        action = h.text(table.action, cells)
        folded = fold_name(action)
        if folded not in JOINED and folded not in LEFT:
            problems.append(
                RowProblem(line, _("“%(value)s” is neither Joined nor Left.", value=action))
            )
            continue
        visit = new_visit(
            line, h.text(table.name, cells), _email(table, cells), ReportRole.ATTENDEE, problems
        )
        if visit is None:
            continue
        visit.role = role(h.text(table.role, cells))
        timestamp = h.cell(header, table.timestamp, line, cells)
        if timestamp is None:
            problems.append(RowProblem(line, _("This row has no timestamp.")))
            continue
        timestamp.in_utc = table.in_utc
        # A live event lists a person's Joined rows, then their Left rows: its session id
        # pairs them (an anonymous viewer has no other identity).
        key = h.text(table.session_id, cells) or visit.key
        current, connections = open_visits.get(key, (None, 0))
        if folded in JOINED:
            if current is None:
                visit.join = timestamp
                visit.until_end = True
                visit.until_session_end = table.in_utc
                open_visits[key] = (visit, 1)
                visits.append(visit)
            else:
                current.lines.append(line)
                current.marks.append(timestamp)
                open_visits[key] = (current, connections + 1)
        elif current is not None:
            current.lines.append(line)
            if connections > 1:
                current.marks.append(timestamp)
                open_visits[key] = (current, connections - 1)
            else:
                current.leave = timestamp
                current.until_end = False
                del open_visits[key]
    return visits


def parse(records: list[Record]) -> SourceResult:
    title = ""
    tables: list[tuple[_Table, list[Record]]] = []
    rows: list[Record] | None = None
    problems: list[RowProblem] = []
    #: A section after the summary, whose first line must be its header.
    expecting: tuple[int, str] | None = None
    for line, cells in records:
        if not cells:
            continue
        if len(cells) == 1 and SECTION.fullmatch(cells[0]):
            rows = None
            is_summary = fold_name(cells[0].split(".", 1)[1]) in SUMMARY_TITLES
            expecting = None if is_summary else (line, cells[0])
            continue
        if expecting is not None and _table(cells) is None:
            problems.append(
                RowProblem(
                    expecting[0],
                    _(
                        "The “%(section)s” section has no complete column header (the file "
                        "may be cut short).",
                        section=expecting[1],
                    ),
                )
            )
        expecting = None
        if rows is not None:
            rows.append((line, cells))
            continue
        table = _table(cells)
        if table is not None:
            rows = []
            tables.append((table, rows))
        elif h.Header(cells).find(TITLE) == 0 and len(cells) > 1:
            title = cells[1]
    if not tables:
        return SourceResult(layout=_("Microsoft Teams"), visits=[], problems=problems)
    by_kind: dict[_Kind, list[Visit]] = {kind: [] for kind in _Kind}
    for table, table_rows in tables:
        if table.kind is _Kind.ACTIONS:
            by_kind[table.kind].extend(_actions(table, table_rows, problems))
        else:
            for line, cells in table_rows:
                visit = _visit(table, line, cells, problems)
                if visit is not None:
                    by_kind[table.kind].append(visit)
    participants = by_kind[_Kind.PARTICIPANTS]
    _carry_registration_emails(participants, by_kind[_Kind.ACTIVITIES])
    # Per-join rows are exact; the Participants summary only fills in whoever they lack.
    joins = by_kind[_Kind.ACTIVITIES] + by_kind[_Kind.ACTIONS]
    seen = {visit.key for visit in joins}
    visits = joins + [v for v in participants if v.key not in seen]
    return SourceResult(layout=_layout(tables), visits=visits, problems=problems, title=title)


def _carry_registration_emails(participants: list[Visit], activities: list[Visit]) -> None:
    """Activity rows of a webinar have no registration columns: they take those of the
    person's Participants row (same join e-mail, else same name)."""
    by_email = {v.email: v.registration_email for v in participants if v.registration_email}
    by_name = {
        fold_name(v.name): v.registration_email for v in participants if v.registration_email
    }
    for visit in activities:
        if not visit.registration_email:
            visit.registration_email = by_email.get(visit.email, "") if visit.email else ""
            visit.registration_email = visit.registration_email or by_name.get(
                fold_name(visit.name), ""
            )


def _layout(tables: list[tuple[_Table, list[Record]]]) -> str:
    kinds = {table.kind for table, _rows in tables}
    if any(table.in_utc for table, _rows in tables):
        return _("Microsoft Teams live event attendee report")
    if any(table.registration_email is not None for table, _rows in tables):
        return _("Microsoft Teams webinar attendance report")
    if kinds == {_Kind.ACTIONS}:
        return _("Microsoft Teams attendance list (2020)")
    return _("Microsoft Teams attendance report")
