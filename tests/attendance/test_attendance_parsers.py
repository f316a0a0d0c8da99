"""Attendance report parsers: Zoom, Teams and plain CSV files read into one row per person.

The files under tests/data/attendance/ reproduce what the tools write: Zoom's UTF-8 with BOM,
summary block, sections and padded rows; Teams' UTF-16 LE with BOM and tabs; a Spanish
Excel CSV with semicolons in Windows-1252. The series is hosted in Costa Rica (UTC-6, no
daylight saving time), so 09:02:11 there is 15:02:11 UTC.

One bad row never discards a file: it is left out and listed in `report.skipped` with its
line and reason, and the other rows import. Only a file with no readable row is refused.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from webinars import create_app
from webinars.attendance.names import name_keys, report_names, short_name_keys
from webinars.attendance.parsers import (
    ColumnMapping,
    ParsedReport,
    ReportError,
    ReportFormat,
    ReportRole,
    ReportRow,
    RowProblem,
    UnknownLayout,
    detect_format,
    parse_report,
    read_table,
)
from webinars.folding import fold_name
from webinars.textfiles import TextFileError, decode

DATA = Path(__file__).parent.parent / "data" / "attendance"
COSTA_RICA = ZoneInfo("America/Costa_Rica")


@pytest.fixture(scope="module")
def parser_app() -> Flask:
    """The app, for its Babel set-up; the parsers never touch the database."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


@pytest.fixture(autouse=True)
def request_context(parser_app: Flask) -> Iterator[None]:
    """The messages are translated with flask_babel's gettext: an English request."""
    with parser_app.test_request_context():
        yield


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(*parts: int) -> datetime:
    """A moment in Costa Rica, in UTC."""
    return datetime(*parts, tzinfo=COSTA_RICA).astimezone(UTC)


#: Session 1 of the series: 8 September 2020, 09:00 to 12:00 in Costa Rica.
SESSION = (local(2020, 9, 8, 9, 0), local(2020, 9, 8, 12, 0))


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse(name: str, **options: object) -> ParsedReport:
    return parse_report(read(name), COSTA_RICA, **options)  # type: ignore[arg-type]


def by_key(report: ParsedReport) -> dict[str, ReportRow]:
    return {row.key: row for row in report.rows}


def error_of(data: bytes, format: ReportFormat | None = None, **options: object) -> ReportError:
    with pytest.raises(ReportError) as caught:
        parse_report(data, COSTA_RICA, format, **options)  # type: ignore[arg-type]
    return caught.value


def refused(data: bytes, format: ReportFormat | None = None, **options: object) -> ReportError:
    """The error of a file with no readable row (not an unknown layout)."""
    error = error_of(data, format, **options)
    assert not isinstance(error, UnknownLayout)
    assert error.line is None
    return error


def only_problem(report: ParsedReport) -> RowProblem:
    assert len(report.skipped) == 1, report.skipped
    return report.skipped[0]


def teams_bytes(text: str) -> bytes:
    """Text as Teams writes it: UTF-16 LE with a BOM, CRLF line ends."""
    return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")


# --- Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("  José  PÉREZ-Gómez ", "jose perez gomez"),
        ("María Fernanda Sánchez", "maria fernanda sanchez"),
        ("NÚÑEZ, José Ángel", "nunez jose angel"),
        ("Roberto D'Aubuisson", "roberto d aubuisson"),
        ("Ximena Rodríguez (OIM)", "ximena rodriguez oim"),
        ("Straße", "strasse"),
        ("\tAna\u00a0Lucía\n", "ana lucia"),
        ("", ""),
    ],
)
def test_fold_name(name: str, folded: str) -> None:
    assert fold_name(name) == folded


def test_name_keys_match_both_orders() -> None:
    keys = name_keys("José Ángel", "Núñez")
    assert keys == {"jose angel nunez", "nunez jose angel"}
    assert fold_name("Núñez, José Ángel") in keys
    assert fold_name("JOSE ANGEL NUÑEZ") in keys


def test_name_keys_of_a_blank_name_match_nothing() -> None:
    assert name_keys(" ", "") == set()


@pytest.mark.parametrize(
    ("name", "names"),
    [
        # Zoom: the current name, then the original one in brackets.
        ("Nancy Barnes (Nancy B)", ["nancy barnes", "nancy b"]),
        # What a platform appends is no name.
        ("Keith Rosario (Guest)", ["keith rosario"]),
        ("Dra. Pérez (iPhone) (Invitada)", ["perez"]),
        # Titles before the name are dropped...
        ("Lic. Ana Lucía Morales", ["ana lucia morales"]),
        # ... but not a title that is the whole name.
        ("Dr.", ["dr"]),
        # An organisation in brackets stays a candidate (it simply matches nobody).
        ("Óscar Quintanilla (UNODC)", ["oscar quintanilla", "unodc"]),
        ("José Núñez (José Núñez)", ["jose nunez"]),
        ("(Guest)", []),
        ("", []),
    ],
)
def test_report_names(name: str, names: list[str]) -> None:
    assert report_names(name) == names


def test_short_name_keys_leave_out_second_names() -> None:
    keys = short_name_keys("María José", "López García")
    assert keys == {
        "maria lopez",
        "lopez maria",
        "maria jose lopez",
        "lopez maria jose",
        "maria lopez garcia",
        "lopez garcia maria",
        "maria jose",  # the compound given name alone, as a phone shows it
    }
    # The full keys are `name_keys`' business, not a second try's.
    assert not keys & name_keys("María José", "López García")


def test_short_name_keys_of_simple_or_blank_names() -> None:
    # One given name and one surname: nothing shorter than the full name.
    assert short_name_keys("José", "Núñez") == set()
    assert short_name_keys("Luis Fernando", "Ortega") == {
        "luis ortega",
        "ortega luis",
        "luis fernando",
    }
    assert short_name_keys("", "Ortega") == set()
    assert short_name_keys("Luis", " ") == set()


# --- Decoding and detection -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode(),
        codecs.BOM_UTF8 + "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode(),
        "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode("utf-16"),
        codecs.BOM_UTF16_BE
        + "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode("utf-16-be"),
        "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode("utf-16-le"),
        "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode("utf-16-be"),
        "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n".encode("cp1252"),
    ],
    ids=[
        "utf-8",
        "utf-8-bom",
        "utf-16-le-bom",
        "utf-16-be-bom",
        "utf-16-le",
        "utf-16-be",
        "cp1252",
    ],
)
def test_decode_each_encoding(data: bytes) -> None:
    assert decode(data) == "Nombre;Correo\r\nJosé Ángel Núñez;janunez@migracion.gob.sv\r\n"


def test_decode_the_fixtures() -> None:
    teams = read("teams_attendance_list.csv")
    assert teams.startswith(codecs.BOM_UTF16_LE)
    assert decode(teams).startswith("1. Summary\r\nMeeting title\tWebinar: Flujos")
    assert read("zoom_webinar_attendee_report.csv").startswith(codecs.BOM_UTF8)
    assert decode(read("zoom_webinar_attendee_report.csv")).startswith("Attendee Report,")
    assert "Correo electrónico" in decode(read("asistencia_punto_y_coma.csv"))


def xlsx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buffer.getvalue()


NOT_TEXT = "This is not a text file (is it an Excel or PDF file?). Export or save it as CSV."


@pytest.mark.parametrize(
    "data",
    [
        xlsx_like(),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x00\x01\x02\x03\xff\x00\x10\x00\x00\x00\x7f\x00\x00\x00\x01\x00\x00\x00\x00\x80",
    ],
    ids=["xlsx", "pdf", "nul-rich"],
)
def test_decode_refuses_binary(data: bytes) -> None:
    with pytest.raises(TextFileError) as caught:
        decode(data)
    assert str(caught.value) == NOT_TEXT
    assert str(caught.value.message) == NOT_TEXT
    assert caught.value.line is None
    # parse_report turns it into its own error, with the same message.
    error = error_of(data)
    assert not isinstance(error, TextFileError)
    assert (error.message, error.line) == (NOT_TEXT, None)
    assert str(error) == NOT_TEXT


@pytest.mark.parametrize(
    ("name", "expected", "delimiter", "layout"),
    [
        (
            "zoom_webinar_attendee_report.csv",
            ReportFormat.ZOOM,
            ",",
            "Zoom webinar attendee report",
        ),
        ("zoom_webinar_numeric_dates.csv", ReportFormat.ZOOM, ",", "Zoom webinar attendee report"),
        ("zoom_meeting_participants.csv", ReportFormat.ZOOM, ",", "Zoom meeting participants"),
        (
            "teams_attendance_list.csv",
            ReportFormat.TEAMS,
            "\t",
            "Microsoft Teams attendance report",
        ),
        (
            "teams_attendance_legacy.csv",
            ReportFormat.TEAMS,
            "\t",
            "Microsoft Teams attendance list (2020)",
        ),
        ("attendance_minutes.csv", ReportFormat.CSV, ",", "CSV"),
        ("attendance_join_leave.csv", ReportFormat.CSV, ",", "CSV"),
        ("asistencia_punto_y_coma.csv", ReportFormat.CSV, ";", "CSV"),
    ],
)
def test_detect_format(name: str, expected: ReportFormat, delimiter: str, layout: str) -> None:
    found, found_delimiter = read_table(read(name))
    assert found_delimiter == delimiter
    assert detect_format(found) is expected
    report = parse(name)
    assert (report.format, report.layout) == (expected, layout)
    assert report.skipped == []


def test_detect_format_of_an_unknown_table_is_none() -> None:
    found, delimiter = read_table(b"Participante;Correo;Entrada\nJos\xc3\xa9;j@x.org;09:00\n")
    assert delimiter == ";"
    assert found[0] == (1, ["Participante", "Correo", "Entrada"])
    assert detect_format(found) is None


# --- Zoom -------------------------------------------------------------------------------------


def test_zoom_webinar_report() -> None:
    report = parse("zoom_webinar_attendee_report.csv")

    assert report.title == (
        "Intercambio técnico regional sobre tráfico ilícito de migrantes – Sesión 1"
    )
    # 13 rows in the sections, less Roberto (panelist) and Luis (attendee): "Attended: No".
    assert report.source_rows == 11
    assert [row.email or row.name for row in report.rows] == [
        "secretaria.tecnica@crmsv.example.org",
        "laura.mora@migracion.go.cr",
        "oscar.quintanilla@unodc.example.org",
        "janunez@migracion.gob.sv",
        "mfsanchez@mp.gob.gt",
        "kmejia@inm.gob.hn",
        "aherrera@migob.gob.ni",
        "Rodrigo Chávez - Migración Belice",
    ]
    assert report.merged == 3
    # Registrants who did not attend are no problem: nothing is skipped.
    assert report.skipped == []
    rows = by_key(report)
    assert "roberto.alvarez@oim.example.int" not in rows
    assert "lortega@migracion.gob.pa" not in rows

    host = rows["secretaria.tecnica@crmsv.example.org"]
    assert host.role is ReportRole.HOST
    assert (host.first_join, host.last_leave) == (
        utc(2020, 9, 8, 14, 55, 2),
        utc(2020, 9, 8, 18, 0, 10),
    )
    assert host.minutes == 185  # 3 h 5 min 8 s
    assert host.lines == [7]
    assert host.country_region == "Costa Rica"


def test_zoom_webinar_report_within_its_session_window() -> None:
    without = parse("zoom_webinar_attendee_report.csv")
    within = parse("zoom_webinar_attendee_report.csv", window=SESSION)
    assert within.skipped == []
    assert within.rows == without.rows


def test_zoom_reconnection_is_one_person() -> None:
    jose = by_key(parse("zoom_webinar_attendee_report.csv"))["janunez@migracion.gob.sv"]
    # The e-mail is written in capitals on the first row: lower-cased, the rows merge.
    assert jose.name == "José Ángel Núñez"
    assert jose.lines == [15, 18]
    # 09:02:11-10:15:40 and 10:17:05-11:58:30: 73 min 29 s + 101 min 25 s.
    assert jose.minutes == 175
    assert (jose.first_join, jose.last_leave) == (
        utc(2020, 9, 8, 15, 2, 11),
        utc(2020, 9, 8, 17, 58, 30),
    )
    assert jose.role is ReportRole.ATTENDEE


def test_zoom_two_devices_count_once() -> None:
    maria = by_key(parse("zoom_webinar_attendee_report.csv"))["mfsanchez@mp.gob.gt"]
    # Computer 09:00:30-11:30:30, phone 10:00:00-11:45:00: the union is 164 min 30 s,
    # rounded half up; the sum (150 + 105) would be wrong.
    assert maria.minutes == 165
    assert maria.name == "María Fernanda Sánchez"
    assert maria.lines == [17, 19]


def test_zoom_panelist_also_in_attendees_keeps_highest_role() -> None:
    laura = by_key(parse("zoom_webinar_attendee_report.csv"))["laura.mora@migracion.go.cr"]
    assert laura.role is ReportRole.PANELIST
    assert laura.name == "DGME Costa Rica - Laura Mora (Laura Mora Villalobos)"
    assert laura.lines == [10, 16]
    # As attendee 08:50:00-08:58:10, promoted, as panelist 08:58:40-11:59:00: 188 min 30 s.
    assert laura.minutes == 189
    assert laura.first_join == utc(2020, 9, 8, 14, 50, 0)


def test_zoom_dashes_and_guests() -> None:
    rows = by_key(parse("zoom_webinar_attendee_report.csv"))
    karla = rows["kmejia@inm.gob.hn"]  # "--" join and leave, 45 minutes stated
    assert (karla.minutes, karla.first_join, karla.last_leave) == (45, None, None)
    assert rows["oscar.quintanilla@unodc.example.org"].role is ReportRole.PANELIST
    guest = rows["name:rodrigo chavez migracion belice"]  # "Other Attended", e-mail "--"
    assert guest.email == ""
    assert guest.role is ReportRole.ATTENDEE
    assert (guest.minutes, guest.country_region, guest.lines) == (60, "Belize", [25])


def test_zoom_bad_rows_in_the_middle_leave_the_rest() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    # Line 17, María's computer: leaves at 08:30:30, before she joined at 09:00:30.
    data = data.replace(b'"Sep 8, 2020 11:30:30",150', b'"Sep 8, 2020 08:30:30",150')
    # Line 22, Ana: 31 September does not exist.
    data = data.replace(b'"Sep 8, 2020 09:10:00"', b'"Sep 31, 2020 09:10:00"')
    report = parse_report(data, COSTA_RICA, window=SESSION)

    assert report.skipped == [
        RowProblem(
            17,
            "The leave time (Sep 8, 2020 08:30:30) is before the join time (Sep 8, 2020 09:00:30).",
        ),
        RowProblem(22, "Column “Join Time”: “Sep 31, 2020 09:10:00” is not a date and time."),
    ]
    assert str(report.skipped[1]).startswith("Line 22: Column “Join Time”")
    # 11 join rows less the 2 left out; 7 people (Ana is gone), so 2 rows merged (José and
    # Laura; María's phone row is now her only one).
    assert (report.source_rows, report.merged, len(report.rows)) == (9, 2, 7)
    rows = by_key(report)
    assert "aherrera@migob.gob.ni" not in rows
    maria = rows["mfsanchez@mp.gob.gt"]
    assert (maria.lines, maria.minutes) == ([19], 105)  # the phone, 10:00:00-11:45:00
    assert maria.first_join == utc(2020, 9, 8, 16, 0, 0)
    assert rows["janunez@migracion.gob.sv"].minutes == 175  # the others are untouched
    assert report.format is ReportFormat.ZOOM
    assert report.title.endswith("Sesión 1")


def test_zoom_numeric_dates_are_month_first() -> None:
    report = parse("zoom_webinar_numeric_dates.csv")
    assert report.title.endswith("Sesión 2")
    rows = by_key(report)
    host = rows["secretaria.tecnica@crmsv.example.org"]
    # "09/10/2020 01:02:40 PM": 10 September (AM/PM is the en-US locale), 13:02:40.
    assert (host.first_join, host.last_leave) == (
        utc(2020, 9, 10, 14, 57, 12),
        utc(2020, 9, 10, 19, 2, 40),
    )
    assert rows["janunez@migracion.gob.sv"].minutes == 210
    assert report.source_rows == 3  # the Panelist section has a header and no rows
    # A section with a header and no rows is no problem.
    assert report.skipped == []


@pytest.mark.parametrize(
    ("day", "first_join"),
    [
        # The session is on 10 September: month first, as the AM/PM guess says.
        ((2020, 9, 10), utc(2020, 9, 10, 14, 57, 12)),
        # The session is on 9 October: the dates are near it read day first.
        ((2020, 10, 9), utc(2020, 10, 9, 14, 57, 12)),
    ],
)
def test_zoom_numeric_dates_follow_the_session(
    day: tuple[int, int, int], first_join: datetime
) -> None:
    window = (local(*day, 8, 0), local(*day, 13, 0))
    report = parse("zoom_webinar_numeric_dates.csv", window=window)
    assert report.skipped == []
    host = by_key(report)["secretaria.tecnica@crmsv.example.org"]
    assert host.first_join == first_join


def test_zoom_meeting_participant_export() -> None:
    report = parse("zoom_meeting_participants.csv")
    assert report.title == "Reunión virtual del Grupo de Trabajo sobre Gestión de Fronteras"
    assert (report.source_rows, report.merged) == (4, 1)
    rows = by_key(report)
    gabriela = rows["gsolis@migracion.go.cr"]
    # 09:00:40-10:30:10 and 10:29:50-11:01:00 overlap by 20 s: 120 min 20 s.
    assert gabriela.minutes == 120
    assert gabriela.lines == [6, 7]
    assert rows["name:raul dominguez"].minutes == 45


ZOOM_FIRST_SECTIONS = [
    "secretaria.tecnica@crmsv.example.org",
    "laura.mora@migracion.go.cr",
    "oscar.quintanilla@unodc.example.org",
]


def test_zoom_file_cut_in_the_middle_of_a_header() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    report = parse_report(data[: data.index(b"Registration Time,Approval")], COSTA_RICA)
    # The host and the panelists before the cut still import.
    assert [row.key for row in report.rows] == ZOOM_FIRST_SECTIONS
    problem = only_problem(report)
    assert problem.line == 14
    assert "“Attendee Details”" in problem.message
    assert "no complete column header" in problem.message
    assert str(problem).startswith("Line 14: ")


def test_zoom_file_cut_after_a_section_title() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    report = parse_report(
        data[: data.index(b"Attended,User Name (Original Name),First Name")], COSTA_RICA
    )
    assert [row.key for row in report.rows] == ZOOM_FIRST_SECTIONS
    problem = only_problem(report)
    assert problem.line == 13  # the section's title: its header never came
    assert "Attendee Details" in problem.message


def test_zoom_file_cut_in_the_middle_of_a_date() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    report = parse_report(data[: data.index(b"09:02:11") + 4], COSTA_RICA)
    assert [row.key for row in report.rows] == ZOOM_FIRST_SECTIONS
    problem = only_problem(report)
    assert problem.line == 15
    assert "“Sep 8, 2020 09:0”" in problem.message
    assert "Join Time" in problem.message


def test_zoom_section_title_without_a_header_in_the_middle() -> None:
    text = (
        "Host Details,\r\n"
        "Panelist Details,\r\n"
        "Attendee Details,\r\n"
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),\r\n"
        'Yes,José Ángel Núñez,janunez@migracion.gob.sv,"Sep 8, 2020 09:02:11","Sep 8, 2020 10:15:40",74,\r\n'
    )
    report = parse_report(codecs.BOM_UTF8 + text.encode(), COSTA_RICA)
    assert [row.key for row in report.rows] == ["janunez@migracion.gob.sv"]
    assert [problem.line for problem in report.skipped] == [1, 2]
    assert "“Host Details”" in report.skipped[0].message
    assert "“Panelist Details”" in report.skipped[1].message


ZOOM_ATTENDEES = (
    "Attendee Report,\r\n"
    "Attendee Details,\r\n"
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),\r\n"
)
ZOOM_JOSE = 'Yes,José Ángel Núñez,janunez@migracion.gob.sv,"Sep 8, 2020 09:02:11","Sep 8, 2020 10:15:40",74,\r\n'


def test_zoom_attended_row_without_times_or_minutes() -> None:
    karla = "Yes,Karla Patricia Mejía,kmejia@inm.gob.hn,--,--,--,\r\n"
    report = parse_report(
        codecs.BOM_UTF8 + (ZOOM_ATTENDEES + ZOOM_JOSE + karla).encode(), COSTA_RICA
    )
    assert [row.key for row in report.rows] == ["janunez@migracion.gob.sv"]
    assert report.skipped == [RowProblem(5, "This row has no join and leave times and no minutes.")]
    # Alone in its file, the row leaves nothing to import: the file is refused, with why.
    error = refused(codecs.BOM_UTF8 + (ZOOM_ATTENDEES + karla).encode())
    assert "(1 left out)" in error.message
    assert "Line 4: This row has no join and leave times and no minutes." in error.message


def test_zoom_row_wider_than_its_header() -> None:
    header = (
        "Host Details,,,,,,,,\n"
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),,,\n"
    )
    wide = 'Yes,Secretaría Técnica CRM,st@crmsv.example.org,"Sep 8, 2020 08:55:02","Sep 8, 2020 12:00:10",186,No,,\n'
    fitting = 'Yes,Óscar Quintanilla,oq@unodc.example.org,"Sep 8, 2020 09:00:05","Sep 8, 2020 11:20:05",140,,,\n'
    report = parse_report((header + wide + fitting).encode(), COSTA_RICA)
    assert [row.key for row in report.rows] == ["oq@unodc.example.org"]
    problem = only_problem(report)
    assert problem.line == 3
    assert "7 cells" in problem.message
    assert "its header has 6" in problem.message

    error = refused((header + wide).encode())
    assert "Line 3: " in error.message
    assert "7 cells" in error.message


def test_not_a_zoom_report() -> None:
    error = refused(b"Name,Email\nJos\xc3\xa9,j@migracion.gob.sv\n", ReportFormat.ZOOM)
    assert error.message == "No row of this file names a person who attended (format: zoom)."


# --- Teams ------------------------------------------------------------------------------------


def test_teams_attendance_list() -> None:
    report = parse("teams_attendance_list.csv")

    assert report.title == "Webinar: Flujos migratorios masivos intrarregionales – Sesión 1"
    # The activities section (one row per join) is what counts.
    assert (report.source_rows, report.merged) == (7, 1)
    assert report.skipped == []
    rows = by_key(report)
    assert [row.role for row in report.rows[:4]] == [
        ReportRole.HOST,
        ReportRole.PANELIST,  # Presenter
        ReportRole.PANELIST,  # Co-organizer
        ReportRole.ATTENDEE,
    ]
    host = rows["secretaria.tecnica@crmsv.example.org"]
    # "16/11/2020, 08:55:02": 16 > 12, so the whole file is day-first.
    assert (host.first_join, host.last_leave) == (
        utc(2020, 11, 16, 14, 55, 2),
        utc(2020, 11, 16, 18, 1, 15),
    )
    assert host.minutes == 186
    assert host.lines == [20]

    jose = rows["janunez@migracion.gob.sv"]
    assert jose.lines == [23, 25]
    assert jose.minutes == 175  # 1h 2m 10s + 1h 52m 54s
    assert jose.last_leave == utc(2020, 11, 16, 17, 58, 30)
    assert rows["mfsanchez@mp.gob.gt"].name == "Sánchez, María Fernanda"
    guest = rows["name:mauricio castillo guest"]
    assert (guest.email, guest.minutes) == ("", 1)  # 50 s, rounded half up


PARTICIPANTS_ONLY = (
    "1. Summary\n"
    "Meeting title\tReunión de puntos focales\n"
    "\n"
    "2. Participants\n"
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
    "José Ángel Núñez\t{join}\t{leave}\t2h 10m\t\tjanunez@migracion.gob.sv\tAttendee\n"
    "María Fernanda Sánchez\t{join}\t{leave}\t45m 3s\t\tmfsanchez_mp.gob.gt#EXT#@crm.onmicrosoft.com\tAttendee\n"
)


def test_teams_participants_only_trusts_the_stated_duration() -> None:
    text = PARTICIPANTS_ONLY.format(join="9/8/20, 9:02:11 AM", leave="9/8/20, 11:58:30 AM")
    report = parse_report(teams_bytes(text), COSTA_RICA)
    assert report.title == "Reunión de puntos focales"
    jose, maria = report.rows
    # First join to last leave spans his gaps: the stated 2h 10m counts.
    assert jose.minutes == 130
    # No Email: the UPN stands in, unless it is a guest's "#EXT#" one.
    assert jose.email == "janunez@migracion.gob.sv"
    assert (maria.email, maria.key) == ("", "name:maria fernanda sanchez")
    assert maria.minutes == 45
    assert jose.lines == [6]


@pytest.mark.parametrize(
    ("join", "leave", "first_join"),
    [
        # en-US: AM/PM and no number above 12 settles it: month first.
        ("9/8/20, 9:02:11 AM", "9/8/20, 11:58:30 AM", utc(2020, 9, 8, 15, 2, 11)),
        # Proven month-first by "9/13/20".
        ("9/8/20, 9:02:11 AM", "9/13/20, 11:58:30 AM", utc(2020, 9, 8, 15, 2, 11)),
        # en-GB, es: 24-hour clock, nothing above 12: day first.
        ("08/09/2020, 09:02:11", "08/09/2020, 11:58:30", utc(2020, 9, 8, 15, 2, 11)),
        # Spanish "a. m.": day first.
        ("8/9/2020, 9:02:11 a. m.", "8/9/2020, 11:58:30 a. m.", utc(2020, 9, 8, 15, 2, 11)),
        # Proven day-first by "13/09/2020", although the clock says AM.
        ("13/09/2020, 9:02:11 AM", "13/09/2020, 11:58:30 AM", utc(2020, 9, 13, 15, 2, 11)),
        ("2020-09-08 09:02:11", "2020-09-08 11:58:30", utc(2020, 9, 8, 15, 2, 11)),
    ],
)
def test_teams_day_or_month_first(join: str, leave: str, first_join: datetime) -> None:
    text = PARTICIPANTS_ONLY.format(join=join, leave=leave)
    jose = parse_report(teams_bytes(text), COSTA_RICA).rows[0]
    assert jose.first_join == first_join


def test_teams_dates_of_both_orders() -> None:
    # "13/09" makes the file day-first: "09/14/2020" (month 14) is then no date.
    text = PARTICIPANTS_ONLY.replace("{join}\t{leave}\t45m", "{join}\t13/09/2020, 11:00:00\t45m")
    text = text.format(join="13/09/2020, 09:02:11", leave="09/14/2020, 11:58:30")
    report = parse_report(teams_bytes(text), COSTA_RICA)
    problem = only_problem(report)
    assert problem.line == 6
    assert "“09/14/2020, 11:58:30”" in problem.message
    assert "Last Leave" in problem.message
    [maria] = report.rows
    assert (maria.key, maria.first_join) == (
        "name:maria fernanda sanchez",
        utc(2020, 9, 13, 15, 2, 11),
    )

    # When every row has the mixed dates, nothing is left: refused, naming both rows.
    both = PARTICIPANTS_ONLY.format(join="13/09/2020, 09:02:11", leave="09/14/2020, 11:58:30")
    error = refused(teams_bytes(both))
    assert "(2 left out)" in error.message
    assert (
        "Line 6: Column “Last Leave”: “09/14/2020, 11:58:30” is not a date and time."
        in error.message
    )
    assert "Line 7: " in error.message


def test_teams_legacy_joined_left_list() -> None:
    report = parse("teams_attendance_legacy.csv")
    assert report.title == ""
    assert (report.source_rows, report.merged) == (4, 1)
    rows = by_key(report)
    jose = rows["name:jose angel nunez"]
    # 9:02:11-10:15:41, then from 10:17:05 until the list's last time, 12:01:15 PM.
    assert jose.minutes == 178
    assert jose.lines == [4, 5, 6]
    assert jose.last_leave == utc(2020, 11, 17, 18, 1, 15)
    maria = rows["name:maria fernanda sanchez"]  # "Joined before"
    assert (maria.first_join, maria.minutes) == (utc(2020, 11, 17, 14, 58), 153)


LEGACY = "Full Name\tUser Action\tTimestamp\n"


def test_teams_legacy_repeated_joined_and_stray_left() -> None:
    text = LEGACY + (
        "Karla Patricia Mejía\tLeft\t11/17/2020, 8:59:00 AM\n"
        "Karla Patricia Mejía\tJoined\t11/17/2020, 9:00:00 AM\n"
        "Karla Patricia Mejía\tJoined\t11/17/2020, 9:05:00 AM\n"
        "Karla Patricia Mejía\tLeft\t11/17/2020, 9:45:00 AM\n"
        "Karla Patricia Mejía\tLeft\t11/17/2020, 9:50:00 AM\n"
    )
    report = parse_report(teams_bytes(text), COSTA_RICA)
    karla = report.rows[0]
    # The Left before any Joined closes nothing (and is no problem). The second Joined is a
    # second device: the first Left (9:45) leaves her connected on the other, and the
    # interval closes on the Left that brings her back to no connection (9:50).
    assert (karla.minutes, karla.lines) == (50, [3, 4, 5, 6])
    assert (karla.first_join, karla.last_leave) == (
        utc(2020, 11, 17, 15, 0),
        utc(2020, 11, 17, 15, 50),
    )
    assert report.skipped == []
    assert (report.source_rows, report.merged) == (1, 0)


def test_teams_legacy_second_device_still_connected_at_the_end() -> None:
    text = LEGACY + (
        "Karla Patricia Mejía\tJoined\t11/17/2020, 9:00:00 AM\n"
        "Karla Patricia Mejía\tJoined\t11/17/2020, 9:05:00 AM\n"
        "Karla Patricia Mejía\tLeft\t11/17/2020, 9:45:00 AM\n"
    )
    karla = parse_report(teams_bytes(text), COSTA_RICA).rows[0]
    # Still connected on one device at the list's last timestamp, 9:45.
    assert (karla.minutes, karla.lines) == (45, [2, 3, 4])


def test_teams_legacy_spanish_actions() -> None:
    text = (
        "Nombre completo\tAcción del usuario\tMarca de tiempo\n"
        "Karla Patricia Mejía\tSe unió\t17/11/2020, 9:00:00\n"
        "Karla Patricia Mejía\tSalió\t17/11/2020, 9:45:00\n"
    )
    report = parse_report(teams_bytes(text), COSTA_RICA)
    assert report.format is ReportFormat.TEAMS
    assert (report.rows[0].minutes, report.skipped) == (45, [])


def test_teams_legacy_unknown_action() -> None:
    text = LEGACY + (
        "Karla Patricia Mejía\tReconnected\t11/17/2020, 9:00:00 AM\n"
        "José Ángel Núñez\tJoined\t11/17/2020, 9:02:00 AM\n"
        "José Ángel Núñez\tLeft\t11/17/2020, 10:02:00 AM\n"
    )
    report = parse_report(teams_bytes(text), COSTA_RICA)
    assert [(row.key, row.minutes) for row in report.rows] == [("name:jose angel nunez", 60)]
    problem = only_problem(report)
    assert problem.line == 2
    assert "“Reconnected”" in problem.message
    assert "neither Joined nor Left" in problem.message

    error = refused(
        teams_bytes(LEGACY + "Karla Patricia Mejía\tReconnected\t11/17/2020, 9:00:00 AM\n")
    )
    assert "Line 2: “Reconnected” is neither Joined nor Left." in error.message


def test_teams_section_cut_before_its_header() -> None:
    text = "1. Summary\nMeeting title\tReunión\n\n2. Participants\nName\tFirst Jo"
    error = error_of(teams_bytes(text))
    # No table is left to recognise: a person may say which column holds what.
    assert isinstance(error, UnknownLayout)
    assert [line for line, _cells in error.records] == [1, 2, 4, 5]  # blank line 3 left out
    assert (4, ["2. Participants"]) in error.records


def test_teams_section_without_header_after_a_good_one() -> None:
    text = PARTICIPANTS_ONLY.format(join="9/8/20, 9:02:11 AM", leave="9/8/20, 11:58:30 AM")
    text += "\n3. In-Meeting Activities\nName\tJoin Ti"
    report = parse_report(teams_bytes(text), COSTA_RICA)
    assert len(report.rows) == 2
    problem = only_problem(report)
    assert problem.line in (9, 10)
    assert "In-Meeting Activities" in problem.message


def test_teams_bad_duration() -> None:
    text = PARTICIPANTS_ONLY.format(join="9/8/20, 9:02:11 AM", leave="9/8/20, 11:58:30 AM")
    report = parse_report(teams_bytes(text.replace("45m 3s", "cuarenta")), COSTA_RICA)
    assert [row.key for row in report.rows] == ["janunez@migracion.gob.sv"]
    problem = only_problem(report)
    assert problem.line == 7
    assert problem.message == "Column “In-Meeting Duration”: “cuarenta” is not a number of minutes."


# --- Plain CSV --------------------------------------------------------------------------------


def test_csv_with_minutes() -> None:
    report = parse("attendance_minutes.csv")
    assert (report.source_rows, report.merged) == (6, 1)
    rows = by_key(report)
    assert rows["janunez@migracion.gob.sv"].minutes == 120
    maria = rows["mfsanchez@mp.gob.gt"]
    assert (maria.name, maria.minutes) == ("Sánchez, María Fernanda", 96)  # 95.5 rounds up
    karla = rows["kmejia@inm.gob.hn"]  # two rows, the first with the e-mail in capitals
    assert (karla.minutes, karla.lines) == (75, [4, 5])
    assert (karla.first_join, karla.last_leave) == (None, None)
    assert rows["xrodriguez@oim.example.int"].role is ReportRole.PANELIST
    assert rows["name:rodrigo chavez"].minutes == 60


def test_csv_with_join_and_leave() -> None:
    report = parse("attendance_join_leave.csv")
    rows = by_key(report)
    jose = rows["janunez@migracion.gob.sv"]
    # Overlapping rows (10:10 < 10:15:40): union 09:02:11-11:58:30.
    assert jose.minutes == 176
    assert jose.first_join == utc(2020, 9, 11, 15, 2, 11)
    # Times with an explicit offset are not moved by the series' zone.
    ana = rows["aherrera@migob.gob.ni"]
    assert (ana.first_join, ana.minutes) == (utc(2020, 9, 11, 15, 10), 110)


def test_csv_role_column() -> None:
    report = parse("attendance_join_leave.csv")
    assert report.format is ReportFormat.CSV
    assert by_key(report)["secretaria.tecnica@crmsv.example.org"].role is ReportRole.HOST


def test_csv_role_column_with_a_plain_name_header() -> None:
    data = read("attendance_join_leave.csv").replace(b"Full Name,", b"Name,", 1)
    report = parse_report(data, COSTA_RICA)
    assert report.format is ReportFormat.CSV
    assert by_key(report)["secretaria.tecnica@crmsv.example.org"].role is ReportRole.HOST


def test_csv_spanish_semicolons_windows_1252() -> None:
    report = parse("asistencia_punto_y_coma.csv")
    assert report.format is ReportFormat.CSV
    rows = by_key(report)
    jose = rows["janunez@migracion.gob.sv"]
    assert jose.name == "José Ángel Núñez"
    # "10/09/2020 09:02": no AM/PM and nothing above 12: day first, 10 September.
    assert (jose.first_join, jose.minutes) == (utc(2020, 9, 10, 15, 2), 176)
    assert rows["kmejia@inm.gob.hn"].minutes == 45  # only "Minutos"
    assert rows["name:rodrigo chavez"].last_leave == utc(2020, 9, 10, 16, 30)


def test_csv_first_line_may_be_a_title() -> None:
    text = "Lista de asistencia – Sesión 3\n\nnombre completo,correo,duración\nJosé Ángel Núñez,janunez@migracion.gob.sv,1h 2m 10s\n"
    report = parse_report(text.encode(), COSTA_RICA)
    assert report.rows[0].minutes == 62
    assert report.rows[0].lines == [4]
    assert report.skipped == []


@pytest.mark.parametrize(
    ("stated", "minutes"),
    [
        ("45", 45),
        ("45,5", 46),
        ("45.4", 45),
        ("1:02:10", 62),
        ("1h 2m 30s", 63),
        ("50s", 1),
        ("2 h", 120),
    ],
)
def test_csv_minutes_and_durations(stated: str, minutes: int) -> None:
    text = f"Nombre completo;Correo;Duración\nJosé Ángel Núñez;janunez@migracion.gob.sv;{stated}\n"
    assert parse_report(text.encode(), COSTA_RICA).rows[0].minutes == minutes


JOIN_LEAVE = "Name,Email,Join Time,Leave Time\n"
JOSE_JOIN_LEAVE = (
    "José Ángel Núñez,janunez@migracion.gob.sv,2020-09-08 09:02:11,2020-09-08 10:15:40\n"
)


def test_csv_bad_date_names_line_column_and_value() -> None:
    text = (
        JOIN_LEAVE
        + JOSE_JOIN_LEAVE
        + "María Fernanda Sánchez,mfsanchez@mp.gob.gt,2020-09-08 09:00:30,mañana\n"
    )
    report = parse_report(text.encode(), COSTA_RICA)
    problem = only_problem(report)
    assert problem.line == 3
    assert problem.message == "Column “Leave Time”: “mañana” is not a date and time."
    assert str(problem) == "Line 3: Column “Leave Time”: “mañana” is not a date and time."
    # José's row imports all the same.
    assert [(row.key, row.minutes) for row in report.rows] == [("janunez@migracion.gob.sv", 73)]
    assert (report.source_rows, report.merged) == (1, 0)


def test_csv_impossible_date() -> None:
    bad = "José,j@migracion.gob.sv,2020-02-30 09:00,2020-02-30 10:00\n"
    error = refused((JOIN_LEAVE + bad).encode())
    assert "(1 left out)" in error.message
    assert "Line 2: Column “Join Time”: “2020-02-30 09:00” is not a date and time." in error.message

    report = parse_report((JOIN_LEAVE + bad + JOSE_JOIN_LEAVE).encode(), COSTA_RICA)
    assert only_problem(report).line == 2
    assert [row.lines for row in report.rows] == [[3]]


def test_csv_leave_before_join() -> None:
    bad = "José Ángel Núñez,janunez@migracion.gob.sv,2020-09-08 10:15:40,2020-09-08 09:02:11\n"
    error = refused((JOIN_LEAVE + bad).encode())
    assert "Line 2: " in error.message
    assert "before the join time" in error.message

    good = "María Fernanda Sánchez,mfsanchez@mp.gob.gt,2020-09-08 09:00:30,2020-09-08 10:00:30\n"
    report = parse_report((JOIN_LEAVE + bad + good).encode(), COSTA_RICA)
    assert report.skipped == [
        RowProblem(
            2,
            "The leave time (2020-09-08 09:02:11) is before the join time (2020-09-08 10:15:40).",
        )
    ]
    assert [(row.key, row.minutes) for row in report.rows] == [("mfsanchez@mp.gob.gt", 60)]


def test_csv_minutes_not_a_number() -> None:
    text = "Nombre;Correo;Minutos\r\nJosé Ángel Núñez;janunez@migracion.gob.sv;120\r\nMaría Fernanda Sánchez;mfsanchez@mp.gob.gt;abc\r\n"
    report = parse_report(text.encode(), COSTA_RICA)
    assert only_problem(report) == RowProblem(
        3, "Column “Minutos”: “abc” is not a number of minutes."
    )
    assert [(row.key, row.minutes) for row in report.rows] == [("janunez@migracion.gob.sv", 120)]


def test_csv_line_numbers_count_quoted_line_breaks() -> None:
    text = (
        "Name,Email,Minutes\n"
        '"José Ángel\nNúñez",janunez@migracion.gob.sv,120\n'
        "María Fernanda Sánchez,mfsanchez@mp.gob.gt,abc\n"
    )
    report = parse_report(text.encode(), COSTA_RICA)
    assert only_problem(report).line == 4
    jose = report.rows[0]
    assert (jose.name, jose.lines) == ("José Ángel\nNúñez", [2])


def test_csv_row_without_name_or_email() -> None:
    text = "Name,Email,Minutes\nJosé Ángel Núñez,janunez@migracion.gob.sv,120\n,,30\n"
    report = parse_report(text.encode(), COSTA_RICA)
    problem = only_problem(report)
    assert problem.line == 3
    assert "neither a name nor an e-mail" in problem.message
    assert len(report.rows) == 1


def test_csv_extra_cells_only_when_empty() -> None:
    padded = "Name,Email,Minutes\nJosé Ángel Núñez,janunez@migracion.gob.sv,120,,,\n"
    report = parse_report(padded.encode(), COSTA_RICA)
    assert (report.rows[0].minutes, report.skipped) == (120, [])

    shifted_row = "Núñez, José Ángel,janunez@migracion.gob.sv,120\n"
    error = refused(("Name,Email,Minutes\n" + shifted_row).encode())
    assert "Line 2: " in error.message
    assert "4 cells" in error.message

    text = "Name,Email,Minutes\n" + shifted_row + "María Fernanda Sánchez,mfsanchez@mp.gob.gt,95\n"
    report = parse_report(text.encode(), COSTA_RICA)
    assert only_problem(report) == RowProblem(2, "This row has 4 cells but its header has 3.")
    assert [row.key for row in report.rows] == ["mfsanchez@mp.gob.gt"]


def test_csv_header_without_minutes_or_times() -> None:
    text = "Name,Email,Join Time\nJosé Ángel Núñez,janunez@migracion.gob.sv,2020-09-08 09:02\n"
    error = error_of(text.encode())
    # Not a layout we read by itself: the person says which column holds what.
    assert isinstance(error, UnknownLayout)
    assert error.records == [
        (1, ["Name", "Email", "Join Time"]),
        (2, ["José Ángel Núñez", "janunez@migracion.gob.sv", "2020-09-08 09:02"]),
    ]
    assert error.delimiter == ","


def test_csv_without_a_recognisable_header() -> None:
    text = "José Ángel Núñez,janunez@migracion.gob.sv,120\nMaría Fernanda Sánchez,mfsanchez@mp.gob.gt,95\n"
    error = error_of(text.encode())
    assert isinstance(error, UnknownLayout)
    assert error.line is None
    assert error.message.startswith("The columns of this file were not recognised")
    assert [cells[0] for _line, cells in error.records] == [
        "José Ángel Núñez",
        "María Fernanda Sánchez",
    ]


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8 + b"\r\n", "\n".encode("utf-16")])
def test_empty_file(data: bytes) -> None:
    error = error_of(data)
    assert not isinstance(error, UnknownLayout)
    assert (error.message, error.line) == ("The file is empty.", None)
    assert str(error) == "The file is empty."


def test_explicit_format_overrides_detection() -> None:
    error = refused(read("attendance_minutes.csv"), ReportFormat.TEAMS)
    assert error.message == "No row of this file names a person who attended (format: teams)."
    report = parse_report(read("attendance_minutes.csv"), COSTA_RICA, ReportFormat.CSV)
    assert report.format is ReportFormat.CSV


def test_header_alone_names_nobody() -> None:
    error = refused(b"Name,Email,Minutes\r\n\r\n")
    assert error.message == "No row of this file names a person who attended (format: csv)."


# --- A file of bad rows only ------------------------------------------------------------------


def test_file_whose_rows_are_all_bad_is_refused_with_reasons() -> None:
    text = (
        "Name,Email,Join Time,Leave Time,Minutes\n"
        "José Ángel Núñez,janunez@migracion.gob.sv,ayer,2020-09-08 10:00,\n"
        ",,2020-09-08 09:00,2020-09-08 10:00,60\n"
        "Karla Patricia Mejía,kmejia@inm.gob.hn,--,--,mucho\n"
        "Ana Lucía Herrera,aherrera@migob.gob.ni,2020-09-08 11:00,2020-09-08 10:00,\n"
    )
    error = refused(text.encode())
    assert error.message.startswith("Not one row of this file could be read (4 left out). ")
    # The first reasons, in line order; not all of them.
    assert "Line 2: Column “Join Time”: “ayer” is not a date and time." in error.message
    assert "Line 3: This row has neither a name nor an e-mail." in error.message
    assert "Line 4: Column “Minutes”: “mucho” is not a number of minutes." in error.message
    assert "Line 5" not in error.message
    assert str(error) == error.message


# --- The session's window ---------------------------------------------------------------------

MINUTES_HEADER = "Name,Email,Minutes\n"
JOSE_MINUTES = "José Ángel Núñez,janunez@migracion.gob.sv,120\n"


@pytest.mark.parametrize(
    ("join", "reason"),
    [
        # In UTC this is in the year 10000: no moment at all.
        ("9999-12-31 23:00", "“9999-12-31 23:00” is not a date and time."),
        ("9999-01-01 10:00", "9999-01-01 10:00 is far from the session"),
        ("9999-12-31T20:00:00Z", "9999-12-31 14:00 is far from the session"),
        ("0001-01-01 10:00", "is far from the session"),
        ("2020-09-07 09:00", "2020-09-07 09:00 is far from the session"),
        ("99/99/9999 99:99", "“99/99/9999 99:99” is not a date and time."),
        ("Sep 8, 2020 13:00 PM", "is not a date and time."),
    ],
)
def test_absurd_times_are_refused_per_row(join: str, reason: str) -> None:
    text = (
        JOIN_LEAVE
        + JOSE_JOIN_LEAVE
        + f'Ana Lucía Herrera,aherrera@migob.gob.ni,"{join}",2020-09-08 11:00\n'
    )
    report = parse_report(text.encode(), COSTA_RICA, window=SESSION)
    problem = only_problem(report)
    assert problem.line == 3
    assert problem.message.startswith("Column “Join Time”: ")
    assert reason in problem.message
    assert [row.key for row in report.rows] == ["janunez@migracion.gob.sv"]


def test_far_time_message_gives_the_session_in_the_series_zone() -> None:
    text = JOIN_LEAVE + JOSE_JOIN_LEAVE.replace("2020-09-08 10:15:40", "2020-09-08 15:30:00")
    error = refused(text.encode(), window=SESSION)
    assert (
        "Line 2: Column “Leave Time”: 2020-09-08 15:30 is far from the session "
        "(2020-09-08 09:00 to 2020-09-08 12:00)"
    ) in error.message


@pytest.mark.parametrize(
    ("value", "line"),
    [
        # Three hours of margin either side of 09:00-12:00: enough for a host who opens
        # early and a meeting that runs over, not for a report read six hours off.
        ("2020-09-08 06:00", None),
        ("2020-09-08 05:59", 3),
        ("2020-09-08T12:00:00Z", None),  # 06:00 in Costa Rica
        ("2020-09-08T11:59:00Z", 3),
        ("2020-09-08T09:00:00Z", 3),  # a Costa Rica time read as UTC
    ],
)
def test_window_margin(value: str, line: int | None) -> None:
    text = JOIN_LEAVE + JOSE_JOIN_LEAVE + f"Ana,aherrera@migob.gob.ni,{value},2020-09-08 11:00\n"
    report = parse_report(text.encode(), COSTA_RICA, window=SESSION)
    assert [problem.line for problem in report.skipped] == ([line] if line else [])


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("0001-01-01T03:00:00Z", COSTA_RICA),
        ("9999-12-31T20:00:00Z", ZoneInfo("Asia/Tokyo")),
    ],
)
def test_extreme_explicit_offsets_are_refused_per_row(value: str, zone: ZoneInfo) -> None:
    text = MINUTES_HEADER.replace("Minutes", "Join Time,Leave Time,Minutes") + (
        f"Ana,aherrera@migob.gob.ni,{value},,\nJosé Ángel Núñez,janunez@migracion.gob.sv,,,120\n"
    )
    report = parse_report(text.encode(), zone, window=SESSION)
    assert only_problem(report).line == 2
    assert [row.key for row in report.rows] == ["janunez@migracion.gob.sv"]


@pytest.mark.parametrize(
    ("minutes", "reason"),
    [
        # The session lasts 3 h: more than 3 h + 2 h is refused.
        ("301", "301 minutes is more than the session could hold (300)."),
        ("5h 1m", "301 minutes is more than the session could hold (300)."),
        ("100000", "100000 minutes is more than the session could hold (300)."),
        ("99999999999", "“99999999999” is not a number of minutes."),
        ("9" * 400, "is not a number of minutes."),
        ("99999999999999999999h", "is not a number of minutes."),
        ("9999:59:59", "is not a number of minutes."),
        ("1e400", "“1e400” is not a number of minutes."),
        ("-5", "“-5” is not a number of minutes."),
    ],
)
def test_absurd_minutes_are_refused_per_row(minutes: str, reason: str) -> None:
    text = MINUTES_HEADER + JOSE_MINUTES + f"Ana Lucía Herrera,aherrera@migob.gob.ni,{minutes}\n"
    report = parse_report(text.encode(), COSTA_RICA, window=SESSION)
    problem = only_problem(report)
    assert problem.line == 3
    assert problem.message.startswith("Column “Minutes”: ")
    assert reason in problem.message
    assert [(row.key, row.minutes) for row in report.rows] == [("janunez@migracion.gob.sv", 120)]


def test_minutes_up_to_the_session_and_two_hours_are_kept() -> None:
    text = MINUTES_HEADER + JOSE_MINUTES + "Ana Lucía Herrera,aherrera@migob.gob.ni,300\n"
    report = parse_report(text.encode(), COSTA_RICA, window=SESSION)
    assert report.skipped == []
    assert by_key(report)["aherrera@migob.gob.ni"].minutes == 300
    # Without a window, nothing bounds them but the parser's own limit.
    text = MINUTES_HEADER + JOSE_MINUTES + "Ana Lucía Herrera,aherrera@migob.gob.ni,5000\n"
    assert by_key(parse_report(text.encode(), COSTA_RICA))["aherrera@migob.gob.ni"].minutes == 5000


# --- Day and month chosen by the session ------------------------------------------------------

AMBIGUOUS_AM_PM = JOIN_LEAVE + (
    "José Ángel Núñez,janunez@migracion.gob.sv,08/09/2020 09:02 AM,08/09/2020 11:00 AM\n"
    "Ana Lucía Herrera,aherrera@migob.gob.ni,08/09/2020 09:10 AM,08/09/2020 10:00 AM\n"
)
AMBIGUOUS_24H = JOIN_LEAVE + (
    "José Ángel Núñez,janunez@migracion.gob.sv,08/09/2020 09:02,08/09/2020 11:00\n"
)
ON_9_AUGUST = (local(2020, 8, 9, 9, 0), local(2020, 8, 9, 12, 0))


@pytest.mark.parametrize(
    ("text", "window", "first_join"),
    [
        # No window: the file's own evidence. AM/PM: month first, 9 August...
        (AMBIGUOUS_AM_PM, None, local(2020, 8, 9, 9, 2)),
        # ... unless the session is on 8 September: the order that puts the dates near it.
        (AMBIGUOUS_AM_PM, SESSION, local(2020, 9, 8, 9, 2)),
        (AMBIGUOUS_AM_PM, ON_9_AUGUST, local(2020, 8, 9, 9, 2)),
        # A 24-hour clock: day first, 8 September, unless the session is on 9 August.
        (AMBIGUOUS_24H, None, local(2020, 9, 8, 9, 2)),
        (AMBIGUOUS_24H, SESSION, local(2020, 9, 8, 9, 2)),
        (AMBIGUOUS_24H, ON_9_AUGUST, local(2020, 8, 9, 9, 2)),
    ],
)
def test_day_and_month_order_follows_the_session(
    text: str, window: tuple[datetime, datetime] | None, first_join: datetime
) -> None:
    report = parse_report(text.encode(), COSTA_RICA, window=window)
    assert report.skipped == []
    assert report.rows[0].first_join == first_join


def test_day_and_month_order_far_from_both_keeps_the_file_evidence() -> None:
    # Neither order is near a session in 2021: the AM/PM guess stands, every row is far.
    window = (local(2021, 1, 5, 9, 0), local(2021, 1, 5, 12, 0))
    error = refused(AMBIGUOUS_AM_PM.encode(), window=window)
    assert "(2 left out)" in error.message
    assert "2020-08-09 09:02 is far from the session" in error.message


def test_a_row_of_the_other_order_is_left_out_with_a_window() -> None:
    # Most dates are near 8 September read day first; the one that is not leaves alone.
    text = AMBIGUOUS_24H + (
        "Ana Lucía Herrera,aherrera@migob.gob.ni,08/09/2020 09:10,08/09/2020 10:00\n"
        "Karla Patricia Mejía,kmejia@inm.gob.hn,09/08/2020 09:10,09/08/2020 10:00\n"
    )
    report = parse_report(text.encode(), COSTA_RICA, window=SESSION)
    assert [row.key for row in report.rows] == ["janunez@migracion.gob.sv", "aherrera@migob.gob.ni"]
    problem = only_problem(report)
    assert problem.line == 4
    assert "2020-08-09 09:10 is far from the session" in problem.message


# --- Unknown layouts and column mappings ------------------------------------------------------

UNKNOWN = (
    "Participante;Correo;Entró a las;Salió a las;Comentario\n"
    "José Ángel Núñez;janunez@migracion.gob.sv;08/09/2020 09:02;08/09/2020 11:58;\n"
    "\n"
    "María Fernanda Sánchez;;08/09/2020 09:00;08/09/2020 10:00;llegó tarde\n"
)


def test_unknown_layout_carries_the_first_records() -> None:
    error = error_of(UNKNOWN.encode())
    assert isinstance(error, UnknownLayout)
    assert isinstance(error, ReportError)
    assert error.line is None
    assert "not recognised" in error.message
    assert error.delimiter == ";"
    # Blank records are left out; trailing empty cells are dropped.
    assert error.records == [
        (1, ["Participante", "Correo", "Entró a las", "Salió a las", "Comentario"]),
        (
            2,
            [
                "José Ángel Núñez",
                "janunez@migracion.gob.sv",
                "08/09/2020 09:02",
                "08/09/2020 11:58",
            ],
        ),
        (4, ["María Fernanda Sánchez", "", "08/09/2020 09:00", "08/09/2020 10:00", "llegó tarde"]),
    ]


def test_unknown_layout_shows_only_the_first_records() -> None:
    text = "A;B;C\n" + "".join(f"{n};x;y\n" for n in range(20))
    error = error_of(text.encode())
    assert isinstance(error, UnknownLayout)
    assert [line for line, _cells in error.records] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_column_mapping_reads_an_unknown_table() -> None:
    # Header texts are matched folded: case and accents do not matter.
    mapping = ColumnMapping(
        name="Participante", email="correo", join="Entró a las", leave="SALIO A LAS"
    )
    assert mapping.problem() is None
    report = parse_report(UNKNOWN.encode(), COSTA_RICA, mapping=mapping, window=SESSION)
    assert report.format is ReportFormat.CSV
    assert report.layout == "CSV with the columns you chose"
    assert report.skipped == []
    jose, maria = report.rows
    assert (jose.key, jose.minutes, jose.lines) == ("janunez@migracion.gob.sv", 176, [2])
    assert jose.first_join == local(2020, 9, 8, 9, 2)
    assert (maria.key, maria.minutes, maria.lines) == ("name:maria fernanda sanchez", 60, [4])


def test_column_mapping_date_order_and_zone() -> None:
    month_first = ColumnMapping(
        name="Participante", join="Entró a las", leave="Salió a las", date_order="month_first"
    )
    jose = parse_report(UNKNOWN.encode(), COSTA_RICA, mapping=month_first).rows[0]
    assert jose.first_join == local(2020, 8, 9, 9, 2)
    in_utc = ColumnMapping(name="Participante", join="Entró a las", leave="Salió a las", zone="UTC")
    jose = parse_report(UNKNOWN.encode(), COSTA_RICA, mapping=in_utc).rows[0]
    assert jose.first_join == utc(2020, 9, 8, 9, 2)


def test_column_mapping_bad_row_is_left_out() -> None:
    text = UNKNOWN + "Karla Patricia Mejía;;mañana;08/09/2020 10:00;\n"
    mapping = ColumnMapping(name="Participante", join="Entró a las", leave="Salió a las")
    report = parse_report(text.encode(), COSTA_RICA, mapping=mapping)
    assert len(report.rows) == 2
    assert only_problem(report) == RowProblem(
        5, "Column “Entró a las”: “mañana” is not a date and time."
    )


def test_column_mapping_that_does_not_fit_the_file() -> None:
    mapping = ColumnMapping(name="Nombre", minutes="Minutos")
    error = refused(UNKNOWN.encode(), mapping=mapping)
    assert error.message == "No row of this file names a person who attended (format: csv)."


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        (ColumnMapping(), "Choose the column with the name or the one with the e-mail."),
        (
            ColumnMapping(minutes="Minutos"),
            "Choose the column with the name or the one with the e-mail.",
        ),
        (
            ColumnMapping(email="Correo"),
            "Choose the column with the minutes, or both the join and leave columns.",
        ),
        (
            ColumnMapping(name="Participante", join="Entró a las"),
            "Choose the column with the minutes, or both the join and leave columns.",
        ),
        (
            ColumnMapping(last_name="Apellido", minutes="M", date_order="x"),
            "Choose the order of day and month.",
        ),
        (ColumnMapping(first_name="Nombre", join="Entrada", leave="Salida"), None),
        (ColumnMapping(email="Correo", minutes="Minutos", date_order="day_first"), None),
    ],
)
def test_column_mapping_problem(mapping: ColumnMapping, problem: str | None) -> None:
    assert mapping.problem() == problem


def test_column_mapping_round_trip() -> None:
    mapping = ColumnMapping(name="Participante", minutes="Minutos", date_order="day_first")
    assert mapping.columns() == {"name": "Participante", "minutes": "Minutos"}
    assert ColumnMapping.from_dict(mapping.as_dict()) == mapping
    # Unknown keys ignored, None as "", values cut at 200 characters.
    loaded = ColumnMapping.from_dict({"name": "N", "email": None, "bogus": 1, "join": "j" * 300})
    assert (loaded.name, loaded.email, len(loaded.join)) == ("N", "", 200)
