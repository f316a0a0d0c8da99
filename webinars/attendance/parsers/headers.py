"""Column headers in the languages platforms export in, and rows read through them.

A Zoom or Teams account exports in its owner's language, so a header is found by any of its
names (English, Spanish, French, Portuguese), compared folded: case, accents, punctuation and
spacing ignored ("Duración (minutos)" is "duracion minutos").
"""

from __future__ import annotations

from flask_babel import gettext as _

from webinars.attendance.parsers.report import Cell, RowProblem
from webinars.folding import fold_name

#: Values a platform writes where a value is absent.
ABSENT = frozenset({"", "--", "-", "n/a", "N/A"})


def aliases(*names: str) -> frozenset[str]:
    return frozenset(fold_name(name) for name in names)


class Header:
    """A header row: finds columns by folded name."""

    def __init__(self, cells: list[str]) -> None:
        self.cells = cells
        self.folded = [fold_name(cell) for cell in cells]

    def find(self, names: frozenset[str], *, last: bool = False) -> int | None:
        """The index of the first column (or the last, when a layout repeats a column and the
        later one is the one that counts) whose name is one of `names`."""
        found = [index for index, cell in enumerate(self.folded) if cell in names]
        if not found:
            return None
        return found[-1] if last else found[0]

    def count(self, *name_sets: frozenset[str]) -> int:
        """How many of the name sets have a column here (a score for recognising a header)."""
        return sum(1 for names in name_sets if self.find(names) is not None)

    def too_wide(self, line: int, cells: list[str]) -> RowProblem | None:
        """Extra cells are fine when empty (already dropped), not when they hold something."""
        if len(cells) <= len(self.cells):
            return None
        return RowProblem(
            line,
            _(
                "This row has %(cells)d cells but its header has %(columns)d.",
                cells=len(cells),
                columns=len(self.cells),
            ),
        )


def text(index: int | None, cells: list[str]) -> str:
    """The value at `index`, "" when the column is missing or the value absent."""
    if index is None or index >= len(cells) or cells[index] in ABSENT:
        return ""
    return cells[index]


def cell(header: Header, index: int | None, line: int, cells: list[str]) -> Cell | None:
    """The cell at `index` with its column's name, None when missing or absent."""
    value = text(index, cells)
    if not value:
        return None
    assert index is not None
    return Cell(header.cells[index], value, line)


# --- Names shared by several platforms -------------------------------------------------------

#: Zoom's name column: the current name and the original in brackets.
ORIGINAL_NAME = aliases(
    "Name (Original Name)",
    "User Name (Original Name)",
    "Nombre (nombre original)",
    "Nombre de usuario (nombre original)",
    "Nom (nom original)",
    "Nom d'utilisateur (nom original)",
    "Nome (nome original)",
    "Nome do usuário (nome original)",
    "Nome de usuário (nome original)",
    "Nome (nome originale)",
)
#: One column holding the whole name.
FULL_NAME = ORIGINAL_NAME | aliases(
    "Name (Original Name)",
    "User Name (Original Name)",
    "Name (original name)",
    "Participant Name",
    "Full Name",
    "Display Name",
    "Nombre (nombre original)",
    "Nombre de usuario (nombre original)",
    "Nombre (Nombre original)",
    "Nombre completo",
    "Nom (nom original)",
    "Nom d'utilisateur (nom original)",
    "Nom complet",
    "Nome (nome original)",
    "Nome do usuário (nome original)",
    "Nome de usuário (nome original)",
    "Nome completo",
    "Nome (nome originale)",
)
#: "Name" alone: the whole name, or the first name when a last-name column stands beside it.
NAME = aliases("Name", "User Name", "Nombre", "Nombre de usuario", "Nom", "Nome")
FIRST_NAME = aliases(
    "First Name", "First name", "Given Name", "Nombres", "Prénom", "Primeiro nome", "Nome próprio"
)
LAST_NAME = aliases(
    "Last Name",
    "Surname",
    "Family Name",
    "Apellido",
    "Apellidos",
    "Nom de famille",
    "Sobrenome",
    "Último nome",
)
EMAIL = aliases(
    "Email",
    "E-mail",
    "User Email",
    "Email Address",
    "E-mail Address",
    "Attendee Email",
    "Correo",
    "Correo electrónico",
    "Correo electrónico del usuario",
    "E-mail del usuario",
    "E-mail de usuario",
    "Adresse e-mail de l'utilisateur",
    "Email del usuario",
    "Dirección de correo electrónico",
    "Adresse e-mail",
    "Adresse électronique",
    "E-mail de l'utilisateur",
    "Courriel",
    "E-mail do usuário",
    "Email do usuário",
    "Endereço de e-mail",
)
JOIN = aliases(
    "Join Time",
    "Join",
    "Joined",
    "Time joined",
    "Hora de entrada",
    "Hora para unirse",
    "Heure de connexion",
    "Ingressar na hora",
    "Hora de unión",
    "Hora de ingreso",
    "Entrada",
    "Heure d'arrivée",
    "Heure de participation",
    "Arrivée",
    "Horário de entrada",
    "Hora de entrada na reunião",
    "Entrou",
)
LEAVE = aliases(
    "Leave Time",
    "Leave",
    "Left",
    "Time exited",
    "Time left",
    "Hora de salida",
    "Hora para salir",
    "Heure de déconnexion",
    "Salida",
    "Heure de départ",
    "Départ",
    "Horário de saída",
    "Hora de saída",
    "Saiu",
)
MINUTES = aliases(
    "Duration (Minutes)",
    "Time in Session (minutes)",
    "Total Duration (Minutes)",
    "Minutes",
    "Duration",
    "Attendance Minutes",
    "Duración (minutos)",
    "Duración total (minutos)",
    "Tiempo en la sesión (minutos)",
    "Duración",
    "Minutos",
    "Durée (minutes)",
    "Durée totale (minutes)",
    "Durée",
    "Duração (minutos)",
    "Duração total (minutos)",
    "Duração",
)
ROLE = aliases("Role", "Rol", "Rôle", "Função", "Papel")


def name_columns(header: Header) -> tuple[int | None, int | None, int | None]:
    """The whole-name, first-name and last-name columns. A bare "Name"/"Nombre" is the whole
    name, unless a last-name column stands beside it: then it is the first name."""
    whole, first, last = header.find(FULL_NAME), header.find(FIRST_NAME), header.find(LAST_NAME)
    name = header.find(NAME)
    if name is not None:
        if last is None and whole is None:
            whole = name
        elif first is None and last is not None:
            first = name
    return whole, first, last


def full_name(cells: list[str], whole: int | None, first: int | None, last: int | None) -> str:
    """The name of a row: the whole-name column, else first and last name joined."""
    return text(whole, cells) or " ".join(filter(None, (text(first, cells), text(last, cells))))
