"""Export builders: CSV, XLSX and PDF tables, certificates (pure functions, no app needed)."""

from __future__ import annotations

import csv
import html
import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from webinars.exports import (
    FORMULA_PREFIXES,
    Table,
    csv_bytes,
    csv_chunks,
    pdf_document,
    pdf_table,
    safe_cell,
    xlsx_bytes,
)
from webinars.reports.certificate_pdf import CertificateText, certificate_pdf, certificates_zip

HEADER = ["Name", "E-mail", "Country", "Minutes"]
ROWS = [
    ["José Núñez", "jose@example.org", "El Salvador", 95],
    ["Zoë Müller-Peña", "zoe@example.org", "México", 40],
    ['=HYPERLINK("http://evil")', "x@example.org", "-", -3],
]


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _many_rows(count: int, columns: int = 10) -> Iterator[list[object]]:
    for i in range(count):
        yield [f"Participant {i} Núñez", f"p{i}@example.org", "Guatemala", i, -i / 2] + [
            f"value {i}-{c}" for c in range(columns - 5)
        ]


# --- safe_cell ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_cell_neutralises_every_formula_prefix(prefix: str) -> None:
    assert prefix in FORMULA_PREFIXES
    assert safe_cell(prefix + "1+2") == "'" + prefix + "1+2"


@pytest.mark.parametrize(
    "value",
    ["José", "", "a=b", "1-2", 0, -5, -1.5, Decimal("-2.50"), date(2026, 9, 8), True],
)
def test_safe_cell_keeps_harmless_values(value: object) -> None:
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_safe_cell_turns_none_into_empty_text() -> None:
    assert safe_cell(None) == ""


# --- CSV ------------------------------------------------------------------------------------


def test_csv_bom_accents_crlf_and_neutralised_cells() -> None:
    data = csv_bytes(HEADER, ROWS + [['a, "quoted"\nline', None, datetime(2026, 9, 8, 9, 2), 1.5]])

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\xef\xbb\xbf") == 1
    text = data.decode("utf-8-sig")
    assert text.startswith("Name,E-mail,Country,Minutes\r\n")
    assert "José Núñez" in text and "Zoë Müller-Peña" in text and "México" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[3] == ['\'=HYPERLINK("http://evil")', "x@example.org", "'-", "-3"]
    assert rows[4] == ['a, "quoted"\nline', "", "2026-09-08 09:02", "1.5"]
    assert text.count("\r\n") == 5  # one per record; the quoted line break stays "\n"


def test_csv_without_rows_is_the_header_alone() -> None:
    assert list(csv_chunks(["Name", "=x"], [])) == [b"\xef\xbb\xbfName,'=x\r\n"]


def test_csv_streams_100000_rows_in_small_chunks() -> None:
    produced = 0

    def rows() -> Iterator[list[object]]:
        nonlocal produced
        for i in range(100_000):
            produced += 1
            yield [f"Participant {i} Núñez", f"p{i}@example.org", "=1+2", i]

    chunks = csv_chunks(HEADER, rows(), batch=500)
    tracemalloc.start()
    try:
        first = next(chunks)
        assert produced <= 501  # one batch read ahead at most: nothing is materialised
        count, size, lines = 1, len(first), first.count(b"\r\n")
        for chunk in chunks:
            assert not chunk.startswith(b"\xef\xbb\xbf")
            count += 1
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert first.startswith(b"\xef\xbb\xbf")
    assert count == 200
    assert lines == 100_001
    assert size > 5_000_000  # the file is far bigger than the memory it took
    assert peak < 5 * 1024 * 1024, peak


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_sheets_header_filter_widths_and_values() -> None:
    when = datetime(2026, 9, 8, 9, 2, tzinfo=ZoneInfo("America/El_Salvador"))
    long_title = "Participants by country and profile of the series"
    data = xlsx_bytes(
        [
            Table(long_title, HEADER, iter(ROWS + [["Ana", "a@x.org", "Perú", Decimal("1.5")]])),
            Table("Dates: 8/9 [day 1]", ["Joined", "Day", "Note"], [[when, date(2026, 9, 8)]]),
            Table(long_title, ["A"], [], widths=[33]),
        ]
    )
    book = load_workbook(io.BytesIO(data))

    assert book.sheetnames == [long_title[:31], "Dates_ 8_9 _day 1_", long_title[:27] + " (2)"]
    sheet = book[long_title[:31]]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D5"
    assert sheet["A2"].value == "José Núñez" and sheet["C3"].value == "México"
    assert sheet["A4"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["A4"].data_type == "s"  # text, not a formula
    assert sheet["C4"].value == "'-"
    assert sheet["D4"].value == -3 and sheet["D2"].value == 95  # numbers stay numbers
    assert sheet["D5"].value == 1.5
    widths = {col: sheet.column_dimensions[col].width for col in "ABCD"}
    assert all(8 <= width <= 60 for width in widths.values())
    assert widths["A"] > widths["D"]  # "=HYPERLINK(...)" is the longest value

    dates = book["Dates_ 8_9 _day 1_"]
    assert dates["A2"].value == datetime(2026, 9, 8, 9, 2)  # wall-clock time, naive
    assert dates["A2"].is_date and dates["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert dates["B2"].is_date and dates["B2"].number_format == "yyyy-mm-dd"
    assert dates.auto_filter.ref == "A1:C2"

    assert book[long_title[:27] + " (2)"].column_dimensions["A"].width == 33
    assert book[long_title[:27] + " (2)"].auto_filter.ref == "A1:A1"


def test_xlsx_10000_rows_quickly() -> None:
    started = time.perf_counter()
    data = xlsx_bytes(
        [Table("Participants", [f"Column {c}" for c in range(10)], _many_rows(10_000))]
    )
    elapsed = time.perf_counter() - started
    print(f"xlsx_bytes: 10,000 rows x 10 columns in {elapsed:.2f} s")

    # Reading 10,000 rows back takes longer than writing them: look at the sheet's XML instead.
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="10001"' in sheet_xml and '<row r="10002"' not in sheet_xml
    # Inline strings; with lxml, openpyxl writes non-ASCII characters as references.
    assert html.unescape("Participant 9999 Núñez") in html.unescape(sheet_xml)
    assert '<autoFilter ref="A1:J10001"' in sheet_xml
    assert elapsed < 5


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_table_title_header_on_every_page_and_landscape() -> None:
    rows = [[f"Núñez {i}", f"n{i}@example.org", "Perú", i] for i in range(120)]
    data = pdf_table(
        "Participants — Migración laboral",
        "8–10 September 2026",
        Table("ignored", HEADER, iter(rows)),
        footer="Regional Conference on Migration · Presidency Pro-Tempore",
    )
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]

    assert len(pages) >= 3
    assert "Participants — Migración laboral" in pages[0]
    assert "8–10 September 2026" in pages[0]
    assert "Participants — Migración laboral" not in pages[1]
    for number, text in enumerate(pages, 1):
        assert "Name" in text and "E-mail" in text and "Minutes" in text
        assert f"{number} / {len(pages)}" in text
        assert "Presidency Pro-Tempore" in text
    assert "Núñez 0" in pages[0] and "Núñez 119" in pages[-1]
    for page in reader.pages:
        assert page.mediabox.width > page.mediabox.height


def test_pdf_page_count_grows_with_rows() -> None:
    def count(rows: int) -> int:
        table = Table("t", HEADER, [["Ana", "a@x.org", "Perú", i] for i in range(rows)])
        return len(PdfReader(io.BytesIO(pdf_table("T", "", table))).pages)

    assert count(0) == 1
    assert count(10) == 1
    assert count(100) < count(400)


def test_pdf_wraps_long_cells_and_never_fails_on_odd_text() -> None:
    rows = [
        ["Łódź Straße Œuvre € “quoted”", "中文 名字 😀", "a\x00b\tc\u200bd", 1],
        ["word " * 400, "x" * 5000, "line 1\nline 2\r\nline 3", -2.5],
        [None, "lone \ud800 surrogate", "{pages} {nb}", Decimal("3.10")],
    ]
    data = pdf_table("Odd — text 😀", "", Table("t", HEADER, rows), footer="\x07")
    text = "\n".join(_pages(data))

    assert "Lódz Straße Œuvre € “quoted”" in text
    assert "?? ?? ?" in text
    assert "line 1" in text and "line 3" in text
    assert "{pages} {nb}" in text  # user text is never taken for the page-count alias
    assert "..." in text  # the 5,000-char cell is cut rather than breaking the page


def test_pdf_10000_rows_in_reasonable_time() -> None:
    started = time.perf_counter()
    data = pdf_table(
        "Participants", "", Table("t", [f"Column {c}" for c in range(10)], _many_rows(10_000))
    )
    elapsed = time.perf_counter() - started
    print(f"pdf_table: 10,000 rows x 10 columns in {elapsed:.2f} s")

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 100
    assert "Participant 9999 Núñez" in reader.pages[-1].extract_text()
    assert elapsed < 15


def test_pdf_document_paragraphs_and_tables_in_order() -> None:
    data = pdf_document(
        "Report — Webinar series",
        "September 2026",
        [
            "Attendance was recorded from the Zoom reports.\nSecond paragraph: Núñez.",
            Table("By country", ["Country", "People"], [["México", 12], ["Perú", 7]]),
            Table("By profile", ["Profile", "People"], ({"Government": 5}.items())),
            "Closing remarks.",
        ],
    )
    pages = _pages(data)
    text = "\n".join(pages)

    assert "Report — Webinar series" in pages[0]
    order = ["Zoom reports", "Second paragraph: Núñez.", "By country", "México", "By profile"]
    positions = [text.index(part) for part in order + ["Government", "Closing remarks."]]
    assert positions == sorted(positions)
    assert PdfReader(io.BytesIO(data)).pages[0].mediabox.width > 800


# --- Certificates ---------------------------------------------------------------------------

CERTIFICATE = CertificateText(
    heading="Constancia de participación",
    recipient="María José Núñez Peña",
    body="Por su participación en el webinario «Migración laboral».\nDuración: 6 horas.",
    place_date="San Salvador, 25 de noviembre de 2026",
    issuer="Conferencia Regional sobre Migración · Presidencia Pro-Tempore",
)


def test_certificate_is_one_landscape_page_with_name_and_heading() -> None:
    reader = PdfReader(io.BytesIO(certificate_pdf(CERTIFICATE)))

    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    text = reader.pages[0].extract_text()
    for part in (
        "Constancia de participación",
        "María José Núñez Peña",
        "Duración: 6 horas.",
        "San Salvador, 25 de noviembre de 2026",
        "Presidencia Pro-Tempore",
    ):
        assert part in text


def test_certificate_stays_on_one_page_whatever_the_text() -> None:
    text = CertificateText(
        heading="Certificate " * 40,
        recipient="Name " * 80 + "中文 {nb}",
        body="A long body. " * 3000,
        place_date="",
        issuer="\x00",
    )
    assert len(PdfReader(io.BytesIO(certificate_pdf(text))).pages) == 1


def test_certificates_zip_lists_unique_plain_names_of_pdfs() -> None:
    pdf = certificate_pdf(CERTIFICATE)
    data = certificates_zip(
        [("núñez.pdf", pdf), ("núñez.pdf", pdf), ("../../etc/ana.pdf", pdf), ("", pdf)]
    )
    archive = zipfile.ZipFile(io.BytesIO(data))

    assert archive.namelist() == ["núñez.pdf", "núñez-2.pdf", "ana.pdf", "certificate.pdf"]
    for info in archive.infolist():
        assert info.compress_type == zipfile.ZIP_DEFLATED
        member = archive.read(info)
        assert member.startswith(b"%PDF-")
        assert "María José Núñez Peña" in PdfReader(io.BytesIO(member)).pages[0].extract_text()
