"""Delegations: a focal point (or an organizer) registers several officials at once.

Two halves:

- Reading a file (pure: bytes in, rows out). A CSV (UTF-8 with or without BOM, comma,
  semicolon or tab separated) or an XLSX workbook (its first sheet); columns are found by
  their header, in English or Spanish, with case and accents folded. Rows are numbered as in
  the file (the header is row 1, as Excel numbers them). Anything unreadable raises
  `DelegationFileError` with the row and the reason, before anything is written.
- The all-or-none rule (`register_delegation`): every row goes through
  `services.register`, in row order, inside the caller's transaction; the errors of every
  row are collected, and if there is any, `DelegationRejected` carries them all and the
  caller rolls the whole transaction back (registrations and their e-mails). Otherwise the
  caller commits once.

The template a delegation fills in (`template_csv`, `template_xlsx`) is built here too, so the
columns written and the columns read are the same.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import IO, Any
from xml.etree import ElementTree as ET

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from webinars import textfiles
from webinars.accounts.access import country_scope
from webinars.accounts.models import User
from webinars.catalog.models import Country
from webinars.exports import safe_cell
from webinars.extensions import db
from webinars.folding import fold_name
from webinars.registration import services
from webinars.registration.models import Registration
from webinars.registration.services import (
    OTHER_PROFILE,
    RegistrationClosed,
    RegistrationData,
    RegistrationError,
    fold_control_characters,
)
from webinars.series.models import Series
from webinars.types import utcnow

#: Largest file accepted, and most officials in one file.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
#: Lines read at most (blank ones included), and columns: a guard against sheets padded with
#: millions of empty formatted rows, or zip archives that unpack to something enormous.
MAX_LINES = 10 * MAX_ROWS
MAX_COLUMNS = 50
#: An XLSX is checked against these before a row is built (`_check_xlsx_limits`): its members
#: once unpacked (all together, and each), the extent its sheets declare, the cells of a row,
#: the cells of a sheet and the shared strings. A filled template is far below each.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 8 * 1024 * 1024
MAX_SHEET_COLUMNS = 1000
MAX_SHEET_CELLS = MAX_LINES * MAX_COLUMNS
MAX_SHARED_STRINGS = 50_000

#: The columns of a delegation, in template order.
COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "institution",
    "position",
    "profile",
    "language",
    "consent_to_list",
)
#: Read for organizers, who register officials of any country or observer organization.
ORIGIN_COLUMNS = ("country", "observer_organization")
REQUIRED_COLUMNS = COLUMNS[:-1]  # consent may be left out: then nobody is listed
_REQUIRED_CELLS = ("first_name", "last_name", "email", "institution", "position")
#: The order of a row's errors: its columns, then what is chosen for the whole delegation.
_ERROR_ORDER = (*COLUMNS[:3], *ORIGIN_COLUMNS, *COLUMNS[3:], "timezone", "sessions")

#: Spanish header names, written in the Spanish template and accepted in any file.
SPANISH_HEADERS = {
    "first_name": "nombre",
    "last_name": "apellido",
    "email": "correo",
    "institution": "institución",
    "position": "cargo",
    "profile": "perfil",
    "language": "idioma",
    "consent_to_list": "consentimiento",
    "country": "país",
    "observer_organization": "organización observadora",
}

#: The example row of the templates uses this address; a file that still holds it uploads
#: without it, so a template filled in below the example needs no cleaning.
EXAMPLE_EMAIL = "ana.perez@example.org"

_XLSX_MAGIC = b"PK\x03\x04"


def _words(*words: str) -> frozenset[str]:
    return frozenset(fold_name(word) for word in words)


_HEADER_WORDS: dict[str, frozenset[str]] = {
    "first_name": _words("first_name", "first name", "given name", "nombre", "nombres"),
    "last_name": _words("last_name", "last name", "surname", "apellido", "apellidos"),
    "email": _words("email", "e-mail", "mail", "correo", "correo electrónico"),
    "institution": _words("institution", "institución", "entidad"),
    "position": _words("position", "job title", "cargo", "puesto"),
    "profile": _words("profile", "perfil"),
    "language": _words("language", "idioma"),
    "consent_to_list": _words("consent_to_list", "consent", "consentimiento"),
    "country": _words("country", "country code", "país", "código de país"),
    "observer_organization": _words(
        "observer_organization", "observer", "organización observadora", "observador"
    ),
    # Optional, like the question of the registration form; not in the templates.
    "sex": _words("sex", "sexo"),
}
_HEADERS: dict[str, str] = {
    word: column for column, words in _HEADER_WORDS.items() for word in words
}
_LANGUAGE_WORDS: dict[str, str] = {
    **dict.fromkeys(_words("es", "esp", "spa", "español", "spanish", "castellano"), "es"),
    **dict.fromkeys(_words("en", "eng", "inglés", "english"), "en"),
}
_YES = _words("yes", "y", "sí", "s", "true", "verdadero", "1", "x")
_NO = _words("", "no", "n", "false", "falso", "0")
_YES_OR_NO = _YES | _NO
#: The answers to the optional question on sex, in English or Spanish.
_SEX_WORDS: dict[str, str] = {
    **dict.fromkeys(_words("female", "f", "woman", "femenino", "mujer"), "female"),
    **dict.fromkeys(_words("male", "m", "man", "masculino", "hombre"), "male"),
    **dict.fromkeys(_words("another", "other", "otro", "otra"), "another"),
    **dict.fromkeys(
        _words("undisclosed", "prefer not to say", "prefiero no decirlo"), "undisclosed"
    ),
}
_OTHER_WORDS = _words(OTHER_PROFILE, "otro", "otra", "otros")


class DelegationFileError(Exception):
    """The file cannot be read as a delegation; `line` is its row number, when known."""

    def __init__(self, reason: str | LazyString, line: int | None = None) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class DelegationRow:
    """One official: `line` is the row number shown to the user (in the file or the form);
    `values` maps column names (`COLUMNS`, `ORIGIN_COLUMNS`) to the text typed."""

    line: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class RowError:
    line: int
    #: A column name, or another field of the registration rules ("sessions", "timezone").
    field: str
    message: str | LazyString
    value: str = ""


class DelegationRejected(Exception):
    """At least one row was refused; nothing of the delegation may be kept."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = list(errors)


# --- reading a file --------------------------------------------------------------------------


def parse_file(filename: str, data: bytes, *, require_origin: bool) -> list[DelegationRow]:
    """The non-empty rows of an uploaded CSV or XLSX file.

    `require_origin`: the file must have a `country` or `observer_organization` column
    (organizers); a focal point's officials are of their own country, so it may be absent.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise DelegationFileError(_l("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx)."))
    if not data.strip():
        raise DelegationFileError(_l("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise DelegationFileError(
            _l("The file is larger than %(size)d MB.", size=MAX_FILE_BYTES // (1024 * 1024))
        )
    if suffix == ".xlsx" or data.startswith(_XLSX_MAGIC):
        records = _xlsx_records(data)
    else:
        records = _csv_records(data)
    return _rows(records, require_origin=require_origin)


def _csv_records(data: bytes) -> list[list[str]]:
    """The records of a CSV in any encoding and delimiter Excel or a text editor writes (the
    one reader the attendance import uses too)."""
    try:
        text = textfiles.decode(data)
        delimiter = textfiles.sniff_delimiter(text, _known_columns, search_lines=1)
        records = textfiles.records(text, delimiter, limit=MAX_LINES)
    except textfiles.TextFileError as error:
        raise DelegationFileError(error.message, line=error.line) from error
    return [cells for _line, cells in records]


def _known_columns(cells: list[str]) -> int:
    return sum(fold_name(cell) in _HEADERS for cell in cells)


def read_xlsx_records(data: bytes) -> list[list[str]]:
    """The cells of a workbook's first sheet as text, with the limits of a delegation file
    (unpacked size, lines, columns): also how the directory of authorities reads an import."""
    return _xlsx_records(data)


def _xlsx_records(data: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_xlsx_limits(archive)
    except (zipfile.BadZipFile, ET.ParseError, EOFError, OSError) as error:
        raise DelegationFileError(
            _l("This is not an Excel workbook (.xlsx), or the file is damaged.")
        ) from error
    records: list[list[str]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                if len(records) == MAX_LINES:
                    raise _too_many_lines()
                records.append([_cell_text(value) for value in values])
        finally:
            workbook.close()
    except DelegationFileError:
        raise
    except Exception as error:  # a malformed workbook fails in many ways inside openpyxl
        raise DelegationFileError(
            _l("This is not an Excel workbook (.xlsx), or the file is damaged."),
            line=len(records) + 1 if records else None,
        ) from error
    return records


def _check_xlsx_limits(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook that would take seconds and gigabytes to read, before openpyxl builds
    anything: an 87 KB file can hold one row of 3.5 million empty cells (openpyxl builds the
    whole row before `max_col` cuts it) or 2.9 million shared strings (all loaded at once).

    The zip's declared sizes bound what can be unpacked (zipfile stops at them); the sheets
    and the shared strings are then streamed, element by element, and the scan stops at the
    first limit passed, so a refusal costs a fraction of a second and a few megabytes.
    """
    members = archive.infolist()
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES or any(
        info.file_size > MAX_MEMBER_BYTES for info in members
    ):
        raise DelegationFileError(_l("The workbook is too large once unpacked."))
    for info in members:
        name = info.filename.lower()
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(info) as stream:
                _scan_sheet(stream)
        elif name == "xl/sharedstrings.xml":
            with archive.open(info) as stream:
                _scan_shared_strings(stream)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _too_many_columns() -> DelegationFileError:
    return DelegationFileError(
        _l(
            "The sheet has more than %(columns)d columns; keep only the columns of the template.",
            columns=MAX_SHEET_COLUMNS,
        )
    )


def _scan_sheet(stream: IO[bytes]) -> None:
    """The declared extent (`<dimension ref="A1:XFD1">`), then the rows as they come: row
    numbers, cells per row, cells in all. Each element is dropped once seen."""
    rows = cells = in_row = 0
    for event, element in ET.iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "end":
            element.clear()
            continue
        if tag == "dimension":
            last = (element.get("ref") or "").split(":")[-1]
            match = _CELL_REFERENCE.fullmatch(last.replace("$", "").upper())
            if match is not None:
                if int(match.group(2)) > MAX_LINES:
                    raise _too_many_lines()
                if _column_number(match.group(1)) > MAX_SHEET_COLUMNS:
                    raise _too_many_columns()
        elif tag == "row":
            rows += 1
            in_row = 0
            number = element.get("r") or ""
            if rows > MAX_LINES or (
                number.isdigit() and len(number) < 8 and int(number) > MAX_LINES
            ):
                raise _too_many_lines()
        elif tag == "c":
            in_row += 1
            cells += 1
            if in_row > MAX_SHEET_COLUMNS:
                raise _too_many_columns()
            if cells > MAX_SHEET_CELLS:
                raise _too_many_lines()


def _scan_shared_strings(stream: IO[bytes]) -> None:
    strings = 0
    for event, element in ET.iterparse(stream, events=("start", "end")):
        if event == "end":
            element.clear()
        elif _local(element.tag) == "si":
            strings += 1
            if strings > MAX_SHARED_STRINGS:
                raise DelegationFileError(
                    _l(
                        "The workbook holds more than %(count)d different texts; keep only"
                        " the rows of the officials.",
                        count=MAX_SHARED_STRINGS,
                    )
                )


#: A cell reference such as `XFD1048576`: its column letters and its row number.
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _too_many_lines() -> DelegationFileError:
    return DelegationFileError(
        _l(
            "The file has more than %(lines)d lines; keep only the rows of the officials.",
            lines=MAX_LINES,
        ),
        line=MAX_LINES + 1,
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _rows(records: list[list[str]], *, require_origin: bool) -> list[DelegationRow]:
    start = next((i for i, record in enumerate(records) if any(c.strip() for c in record)), None)
    if start is None:
        raise DelegationFileError(_l("The file is empty."))
    header_line = start + 1
    columns: dict[str, int] = {}
    for position, name in enumerate(records[start]):
        column = _HEADERS.get(fold_name(name))
        if column is None:
            continue
        if column in columns:
            raise DelegationFileError(
                _l("The column “%(name)s” appears twice.", name=name.strip()), line=header_line
            )
        columns[column] = position
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if require_origin and not columns.keys() & set(ORIGIN_COLUMNS):
        missing.append("country")
    if missing:
        names = ", ".join(f"{column} ({SPANISH_HEADERS[column]})" for column in missing)
        raise DelegationFileError(
            _l(
                "Missing columns: %(columns)s. The first row must name the columns, as in"
                " the template.",
                columns=names,
            ),
            line=header_line,
        )
    rows: list[DelegationRow] = []
    for line, record in enumerate(records[start + 1 :], start=header_line + 1):
        # A line break typed in a cell (Alt+Enter), a tab or another control character
        # becomes a space: names go into e-mail headers, where they must be one line.
        values = {
            column: fold_control_characters(record[position]) if position < len(record) else ""
            for column, position in columns.items()
        }
        if not any(values.values()) or values["email"].casefold() == EXAMPLE_EMAIL:
            continue
        if len(rows) == MAX_ROWS:
            raise DelegationFileError(
                _l("At most %(rows)d officials per file.", rows=MAX_ROWS), line=line
            )
        rows.append(DelegationRow(line=line, values=values))
    return rows


# --- registering: all rows or none -----------------------------------------------------------


def register_delegation(
    series: Series,
    rows: Sequence[DelegationRow],
    *,
    registered_by: User,
    session_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> list[Registration]:
    """Register every row, in order, or raise `DelegationRejected` with every row's errors.

    A focal point's officials are of the focal point's country whatever the row says: a row
    naming another country or an observer organization is refused. Organizers give a country
    (ISO code or name) or an observer organization per row. The same e-mail twice in the
    delegation is an error on the later row. Past a hard limit a row is waitlisted, not
    refused, as any registration. `session_ids` is one choice shared by the whole delegation
    (None: every session). On `DelegationRejected` (or a `RegistrationError` such as a
    closed registration) the caller must roll back; nothing else is undone here.
    """
    now = now or utcnow()
    if not series.registration_is_open(now):
        raise RegistrationClosed()
    if not rows:
        raise RegistrationError("rows", _l("There is no official to register."))
    reader = _RowReader(series, registered_by)
    errors: list[RowError] = []
    registered: list[Registration] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        data, row_errors = reader.read(row, session_ids)
        email = _email_key(row, row_errors)
        if email is not None and email in first_line_of:
            row_errors.append(
                _error(
                    row,
                    "email",
                    _l(
                        "This e-mail address is already in row %(line)d of this delegation.",
                        line=first_line_of[email],
                    ),
                )
            )
        elif email is not None:
            first_line_of[email] = row.line
        if row_errors:
            errors.extend(row_errors)
            continue
        try:
            registered.append(services.register(series, data, registered_by=registered_by, now=now))
        except RegistrationError as error:
            errors.append(_error(row, error.field, error.message))
    if errors:
        raise DelegationRejected(sorted(errors, key=_error_position))
    return registered


def _error_position(error: RowError) -> tuple[int, int]:
    order = _ERROR_ORDER.index(error.field) if error.field in _ERROR_ORDER else len(_ERROR_ORDER)
    return error.line, order


def _error(row: DelegationRow, field: str, message: str | LazyString) -> RowError:
    return RowError(line=row.line, field=field, message=message, value=row.values.get(field, ""))


def _email_key(row: DelegationRow, row_errors: list[RowError]) -> str | None:
    """The normalized address, or None (and an error when one was typed but is invalid)."""
    raw = row.values.get("email", "").strip()
    if not raw:
        return None
    try:
        return services.normalize_email(raw)
    except RegistrationError as error:
        row_errors.append(_error(row, "email", error.message))
        return None


_Refuse = Callable[[str, str | LazyString], None]


class _RowReader:
    """Turns the text of a row into `RegistrationData`: profile codes or labels, language and
    yes/no words in English or Spanish, and the country a focal point is bound to."""

    def __init__(self, series: Series, user: User) -> None:
        self.series = series
        self.own_country = country_scope(user)
        self.own_country_name = user.country.name if user.country is not None else ""
        self.profiles: dict[str, str] = {}
        for profile in series.profiles:
            for word in (profile.code, profile.label_en, profile.label_es):
                self.profiles.setdefault(fold_name(word), profile.code)
        self.countries: dict[str, str] = {}
        for country in db.session.scalars(db.select(Country)):
            for word in (country.code, country.name_en, country.name_es):
                self.countries[fold_name(word)] = country.code

    def read(
        self, row: DelegationRow, session_ids: Sequence[int] | None
    ) -> tuple[RegistrationData, list[RowError]]:
        errors: list[RowError] = []
        values = row.values

        def refuse(field: str, message: str | LazyString) -> None:
            errors.append(_error(row, field, message))

        # Blank cells are reported here, all at once; the registration rules would stop at
        # the first one (they check length and everything else).
        for column in _REQUIRED_CELLS:
            if not values.get(column, "").strip():
                refuse(column, _l("This field is required."))
        country_code, observer = self._origin(values, refuse)
        language = _LANGUAGE_WORDS.get(fold_name(values.get("language", "")))
        if language is None:
            refuse("language", _l("Write es (Spanish) or en (English)."))
        consent = fold_name(values.get("consent_to_list", ""))
        if consent not in _YES_OR_NO:
            refuse("consent_to_list", _l("Write yes or no."))
        sex = fold_name(values.get("sex", ""))
        if sex and sex not in _SEX_WORDS:
            refuse("sex", _l("Write female, male, another or prefer not to say, or nothing."))
        data = RegistrationData(
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            email=values.get("email", ""),
            institution=values.get("institution", ""),
            position=values.get("position", ""),
            language=language or "",
            country_code=country_code,
            observer_organization=observer,
            profile_code=self._profile(values.get("profile", ""), refuse),
            session_ids=session_ids,
            consent_to_list=consent in _YES,
            sex=_SEX_WORDS.get(sex),
        )
        return data, errors

    def _origin(self, values: Mapping[str, str], refuse: _Refuse) -> tuple[str | None, str]:
        country = values.get("country", "").strip()
        observer = values.get("observer_organization", "").strip()
        if self.own_country is None:
            if not country:
                return None, observer
            return self.countries.get(fold_name(country), country.upper()), ""
        if observer or (country and self.countries.get(fold_name(country)) != self.own_country):
            refuse(
                "country",
                _l(
                    "You can register officials of %(country)s only.",
                    country=self.own_country_name,
                ),
            )
        return self.own_country, ""

    def _profile(self, value: str, refuse: _Refuse) -> str | None:
        word = fold_name(value)
        if word in _OTHER_WORDS or (not word and not self.series.profiles):
            return OTHER_PROFILE
        if word in self.profiles:
            return self.profiles[word]
        codes = ", ".join([p.code for p in self.series.profiles] + [OTHER_PROFILE])
        if not word:
            refuse("profile", _l("Choose a profile (%(codes)s).", codes=codes))
        else:
            refuse(
                "profile",
                _l("Unknown profile “%(value)s”: use one of %(codes)s.", value=value, codes=codes),
            )
        return None


# --- the template to fill in -----------------------------------------------------------------


def template_columns(*, with_origin: bool) -> tuple[str, ...]:
    return COLUMNS + ORIGIN_COLUMNS if with_origin else COLUMNS


def template_header(*, with_origin: bool, language: str) -> list[str]:
    columns = template_columns(with_origin=with_origin)
    return [SPANISH_HEADERS[c] for c in columns] if language == "es" else list(columns)


def template_example(series: Series, *, with_origin: bool, language: str) -> list[str]:
    """One filled-in row; uploads skip it (`EXAMPLE_EMAIL`)."""
    spanish = language == "es"
    row = [
        "Ana",
        "Pérez",
        EXAMPLE_EMAIL,
        "Fiscalía General de la República" if spanish else "Attorney General's Office",
        "Fiscal" if spanish else "Prosecutor",
        series.profiles[0].code if series.profiles else OTHER_PROFILE,
        "es",
        "sí" if spanish else "yes",
    ]
    if with_origin:
        row += ["CR", ""]
    return row


def template_csv(series: Series, *, with_origin: bool, language: str) -> bytes:
    """Header and example row, UTF-8 with BOM so that Excel reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_header(with_origin=with_origin, language=language))
    writer.writerow(template_example(series, with_origin=with_origin, language=language))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(
    series: Series, *, with_origin: bool, language: str, countries: Sequence[Country] = ()
) -> bytes:
    """A workbook: the delegation sheet (header and example), then the series' profile codes
    and, for organizers, the country codes. Drop-down lists offer the profiles and languages.
    Sheet titles and labels are in the current language of the request."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Delegation")
    # Every cell through `safe_cell`: a profile label an organizer typed as "=..." is text.
    sheet.append(template_header(with_origin=with_origin, language=language))
    sheet.append(
        [safe_cell(v) for v in template_example(series, with_origin=with_origin, language=language)]
    )
    sheet.freeze_panes = "A2"
    profiles = workbook.create_sheet(_("Profiles"))
    profiles.append([_("Code"), _("Profile")])
    for profile in series.profiles:
        profiles.append([safe_cell(profile.code), safe_cell(profile.t("label", language))])
    profiles.append([OTHER_PROFILE, _("Other")])
    if with_origin:
        listed = workbook.create_sheet(_("Countries"))
        listed.append([_("Code"), _("Country")])
        for country in countries:
            listed.append([safe_cell(country.code), safe_cell(country.t("name", language))])
    for each in workbook.worksheets:
        for cell in each[1]:
            cell.font = Font(bold=True)

    last = MAX_ROWS + 1
    columns = template_columns(with_origin=with_origin)
    profile_letter = chr(ord("A") + columns.index("profile"))
    language_letter = chr(ord("A") + columns.index("language"))
    quoted = profiles.title.replace("'", "''")
    choices = DataValidation(
        type="list", formula1=f"'{quoted}'!$A$2:$A${profiles.max_row}", allow_blank=True
    )
    choices.add(f"{profile_letter}2:{profile_letter}{last}")
    languages = DataValidation(type="list", formula1='"es,en"', allow_blank=True)
    languages.add(f"{language_letter}2:{language_letter}{last}")
    sheet.add_data_validation(choices)
    sheet.add_data_validation(languages)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
