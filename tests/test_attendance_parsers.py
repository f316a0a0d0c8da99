"""Attendance report parsers: Zoom, Teams and plain CSV files read into one row per person.

The files under tests/data/attendance/ reproduce what the tools write: Zoom's UTF-8 with BOM,
summary block, sections and padded rows; Teams' UTF-16 LE with BOM and tabs; a Spanish
Excel CSV with semicolons in Windows-1252. The series is hosted in Costa Rica (UTC-6, no
daylight saving time), so 09:02:11 there is 15:02:11 UTC.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from webinars.attendance.names import fold_name, name_keys
from webinars.attendance.parsers import (
    ParsedReport,
    ReportError,
    ReportFormat,
    ReportRole,
    ReportRow,
    decode,
    detect_format,
    parse_report,
)

DATA = Path(__file__).parent / "data" / "attendance"
COSTA_RICA = ZoneInfo("America/Costa_Rica")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse(name: str) -> ParsedReport:
    return parse_report(read(name), COSTA_RICA)


def by_key(report: ParsedReport) -> dict[str, ReportRow]:
    return {row.key: row for row in report.rows}


def error_of(data: bytes, format: ReportFormat | None = None) -> ReportError:
    with pytest.raises(ReportError) as caught:
        parse_report(data, COSTA_RICA, format)
    return caught.value


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
    with pytest.raises(ReportError) as caught:
        decode(data)
    assert "not a text file" in str(caught.value)
    assert caught.value.line is None
    assert "not a text file" in str(error_of(data))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("zoom_webinar_attendee_report.csv", ReportFormat.ZOOM),
        ("zoom_webinar_numeric_dates.csv", ReportFormat.ZOOM),
        ("zoom_meeting_participants.csv", ReportFormat.ZOOM),
        ("teams_attendance_list.csv", ReportFormat.TEAMS),
        ("teams_attendance_legacy.csv", ReportFormat.TEAMS),
        ("attendance_minutes.csv", ReportFormat.CSV),
        ("attendance_join_leave.csv", ReportFormat.CSV),
        ("asistencia_punto_y_coma.csv", ReportFormat.CSV),
    ],
)
def test_detect_format(name: str, expected: ReportFormat) -> None:
    assert detect_format(decode(read(name))) is expected
    assert parse(name).format is expected


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


def test_zoom_file_cut_in_the_middle_of_a_header() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    cut = data[: data.index(b"Registration Time,Approval")]
    error = error_of(cut)
    assert error.line == 14
    assert "Attendee Details" in error.message
    assert str(error).startswith("Line 14: ")


def test_zoom_file_cut_after_a_section_title() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    cut = data[: data.index(b"Attended,User Name (Original Name),First Name")]
    error = error_of(cut)
    assert error.line == 13
    assert "Attendee Details" in error.message


def test_zoom_file_cut_in_the_middle_of_a_date() -> None:
    data = read("zoom_webinar_attendee_report.csv")
    cut = data[: data.index(b"09:02:11") + 4]
    error = error_of(cut)
    assert error.line == 15
    assert "“Sep 8, 2020 09:0”" in error.message
    assert "Join Time" in error.message


def test_zoom_attended_row_without_times_or_minutes() -> None:
    text = (
        "Attendee Report,\r\n"
        "Attendee Details,\r\n"
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),\r\n"
        "Yes,José Ángel Núñez,janunez@migracion.gob.sv,--,--,--,\r\n"
    )
    error = error_of(codecs.BOM_UTF8 + text.encode())
    assert error.line == 4
    assert "no join and leave times and no minutes" in error.message


def test_zoom_row_wider_than_its_header() -> None:
    text = (
        "Host Details,,,,,,,,\n"
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),,,\n"
        'Yes,Secretaría Técnica CRM,st@crmsv.example.org,"Sep 8, 2020 08:55:02","Sep 8, 2020 12:00:10",186,No,,\n'
    )
    error = error_of(text.encode())
    assert error.line == 3
    assert "7 cells" in error.message


def test_not_a_zoom_report() -> None:
    error = error_of(b"Name,Email\nJos\xc3\xa9,j@migracion.gob.sv\n", ReportFormat.ZOOM)
    assert "Zoom" in error.message


# --- Teams ------------------------------------------------------------------------------------


def test_teams_attendance_list() -> None:
    report = parse("teams_attendance_list.csv")

    assert report.title == "Webinar: Flujos migratorios masivos intrarregionales – Sesión 1"
    # The activities section (one row per join) is what counts.
    assert (report.source_rows, report.merged) == (7, 1)
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
    text = PARTICIPANTS_ONLY.format(join="13/09/2020, 09:02:11", leave="09/14/2020, 11:58:30")
    error = error_of(teams_bytes(text))
    assert error.line == 6
    assert "“09/14/2020, 11:58:30”" in error.message
    assert "Last Leave" in error.message


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


def test_teams_legacy_repeated_joined_and_stray_left() -> None:
    text = (
        "Full Name\tUser Action\tTimestamp\n"
        "Karla Patricia Mejía\tLeft\t11/17/2020, 8:59:00 AM\n"
        "Karla Patricia Mejía\tJoined\t11/17/2020, 9:00:00 AM\n"
        "Karla Patricia Mejía\tJoined\t11/17/2020, 9:05:00 AM\n"
        "Karla Patricia Mejía\tLeft\t11/17/2020, 9:45:00 AM\n"
    )
    karla = parse_report(teams_bytes(text), COSTA_RICA).rows[0]
    # The Left before any Joined closes nothing; the second Joined is the same connection.
    assert (karla.minutes, karla.lines) == (45, [3, 4, 5])


def test_teams_legacy_unknown_action() -> None:
    text = (
        "Full Name\tUser Action\tTimestamp\nKarla Patricia Mejía\tSe unió\t11/17/2020, 9:00:00 AM\n"
    )
    error = error_of(teams_bytes(text))
    assert error.line == 2
    assert "“Se unió”" in error.message


def test_teams_section_cut_before_its_header() -> None:
    text = "1. Summary\nMeeting title\tReunión\n\n2. Participants\nName\tFirst Jo"
    error = error_of(teams_bytes(text))
    assert error.line == 5
    assert "2. Participants" in error.message


def test_teams_bad_duration() -> None:
    text = PARTICIPANTS_ONLY.format(join="9/8/20, 9:02:11 AM", leave="9/8/20, 11:58:30 AM")
    error = error_of(teams_bytes(text.replace("45m 3s", "cuarenta")))
    assert error.line == 7
    assert "“cuarenta”" in error.message


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
    assert rows["secretaria.tecnica@crmsv.example.org"].role is ReportRole.HOST
    jose = rows["janunez@migracion.gob.sv"]
    # Overlapping rows (10:10 < 10:15:40): union 09:02:11-11:58:30.
    assert jose.minutes == 176
    assert jose.first_join == utc(2020, 9, 11, 15, 2, 11)
    # Times with an explicit offset are not moved by the series' zone.
    ana = rows["aherrera@migob.gob.ni"]
    assert (ana.first_join, ana.minutes) == (utc(2020, 9, 11, 15, 10), 110)


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


def test_csv_bad_date_names_line_column_and_value() -> None:
    text = (
        "Name,Email,Join Time,Leave Time\n"
        "José Ángel Núñez,janunez@migracion.gob.sv,2020-09-08 09:02:11,2020-09-08 10:15:40\n"
        "María Fernanda Sánchez,mfsanchez@mp.gob.gt,2020-09-08 09:00:30,mañana\n"
    )
    error = error_of(text.encode())
    assert error.line == 3
    assert error.message == "Column “Leave Time”: “mañana” is not a date and time."
    assert str(error) == "Line 3: Column “Leave Time”: “mañana” is not a date and time."


def test_csv_impossible_date() -> None:
    text = "Name,Email,Join Time,Leave Time\nJosé,j@migracion.gob.sv,2020-02-30 09:00,2020-02-30 10:00\n"
    assert error_of(text.encode()).line == 2


def test_csv_leave_before_join() -> None:
    text = (
        "Name,Email,Join Time,Leave Time\n"
        "José Ángel Núñez,janunez@migracion.gob.sv,2020-09-08 10:15:40,2020-09-08 09:02:11\n"
    )
    error = error_of(text.encode())
    assert error.line == 2
    assert "before the join time" in error.message


def test_csv_minutes_not_a_number() -> None:
    text = "Nombre;Correo;Minutos\r\nJosé Ángel Núñez;janunez@migracion.gob.sv;120\r\nMaría Fernanda Sánchez;mfsanchez@mp.gob.gt;abc\r\n"
    error = error_of(text.encode())
    assert error.line == 3
    assert error.message == "Column “Minutos”: “abc” is not a number of minutes."


def test_csv_line_numbers_count_quoted_line_breaks() -> None:
    text = (
        "Name,Email,Minutes\n"
        '"José Ángel\nNúñez",janunez@migracion.gob.sv,120\n'
        "María Fernanda Sánchez,mfsanchez@mp.gob.gt,abc\n"
    )
    assert error_of(text.encode()).line == 4


def test_csv_row_without_name_or_email() -> None:
    text = "Name,Email,Minutes\nJosé Ángel Núñez,janunez@migracion.gob.sv,120\n,,30\n"
    error = error_of(text.encode())
    assert error.line == 3
    assert "neither a name nor an e-mail" in error.message


def test_csv_extra_cells_only_when_empty() -> None:
    padded = "Name,Email,Minutes\nJosé Ángel Núñez,janunez@migracion.gob.sv,120,,,\n"
    assert parse_report(padded.encode(), COSTA_RICA).rows[0].minutes == 120
    shifted = "Name,Email,Minutes\nNúñez, José Ángel,janunez@migracion.gob.sv,120\n"
    error = error_of(shifted.encode())
    assert error.line == 2
    assert "4 cells" in error.message


def test_csv_header_without_minutes_or_times() -> None:
    text = "Name,Email,Join Time\nJosé Ángel Núñez,janunez@migracion.gob.sv,2020-09-08 09:02\n"
    error = error_of(text.encode())
    assert error.line == 1
    assert "no minutes column" in error.message


def test_csv_without_a_recognisable_header() -> None:
    text = "José Ángel Núñez,janunez@migracion.gob.sv,120\nMaría Fernanda Sánchez,mfsanchez@mp.gob.gt,95\n"
    error = error_of(text.encode())
    assert error.line is None
    assert error.message.startswith("No header row with a name or e-mail column")


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8 + b"\r\n", "\n".encode("utf-16")])
def test_empty_file(data: bytes) -> None:
    error = error_of(data)
    assert (error.message, error.line) == ("The file is empty.", None)
    assert str(error) == "The file is empty."


def test_explicit_format_overrides_detection() -> None:
    error = error_of(read("attendance_minutes.csv"), ReportFormat.TEAMS)
    assert "Teams" in error.message
    report = parse_report(read("attendance_minutes.csv"), COSTA_RICA, ReportFormat.CSV)
    assert report.format is ReportFormat.CSV
