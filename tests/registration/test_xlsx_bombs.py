"""XLSX memory bombs in delegation uploads (issue 12, item 3).

Before: an 87 KB workbook holding one row of 3.5 million empty cells (42 MB unpacked) took 22 s
and 2.2 GB (both gunicorn workers were killed); 2.9 million shared strings in 125 KB took 22 s
and 429 MB. The bombs are built here with zipfile, on a real template, and must be refused with
a clear message while the reader's peak memory stays small (measured with tracemalloc).
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import Workbook

from webinars.registration import delegation
from webinars.registration.delegation import DelegationFileError, parse_file

from .test_delegation import _registrations, _text, _upload, world  # noqa: F401 (the fixture)

HEADER = ("first_name", "last_name", "email", "institution", "position", "profile", "language")
#: Peak memory allowed while a bomb is refused (the bombs took 429 MB to 2.2 GB before).
PEAK_BYTES = 30 * 1024 * 1024


def _workbook(**replaced: bytes) -> bytes:
    """A genuine workbook (a header and one official), with some members replaced."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(("Ana", "Pérez", "ana@example.gov", "Fiscalía", "Fiscal", "other", "es"))
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, replaced.pop(info.filename, source.read(info)))
        for name, body in replaced.items():
            target.writestr(name, body)
    return out.getvalue()


def _sheet(rows: bytes, dimension: str = "A1:G2") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="'
        + dimension.encode()
        + b'"/><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )


def _shared_strings(count: int) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
        + str(count).encode()
        + b'">'
        + b"<si><t/></si>" * count
        + b"</sst>"
    )


def _one_row_of_empty_cells(cells: int) -> bytes:
    return b'<row r="1">' + b"<c/>" * cells + b"</row>"


SHEET = "xl/worksheets/sheet1.xml"

BOMBS: dict[str, Callable[[], bytes]] = {
    # The attack of the report: 3.5 million empty cells in one row, 42 MB unpacked.
    "3.5 million empty cells": lambda: _workbook(
        **{SHEET: _sheet(b'<row r="1">' + b'<c r="A1"/>' * 3_500_000 + b"</row>", "A1:A1")}
    ),
    # Under the per-member size limit: refused by the cells-per-row scan.
    "600,000 empty cells under the size limit": lambda: _workbook(
        **{SHEET: _sheet(_one_row_of_empty_cells(600_000), "A1:A1")}
    ),
    # A sheet that says what it is.
    "a declared extent of A1:XFD1048576": lambda: _workbook(
        **{SHEET: _sheet(b"", "A1:XFD1048576")}
    ),
    # The other attack: 2.9 million shared strings.
    "2.9 million shared strings": lambda: _workbook(
        **{"xl/sharedStrings.xml": _shared_strings(2_900_000)}
    ),
    # Under the size limit: refused by the shared-strings count.
    "200,000 shared strings under the size limit": lambda: _workbook(
        **{"xl/sharedStrings.xml": _shared_strings(200_000)}
    ),
    # Many rows, each small.
    "100,000 rows": lambda: _workbook(
        **{SHEET: _sheet(b"".join(b'<row r="%d"/>' % n for n in range(1, 100_001)), "A1:A1")}
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_is_refused_before_rows_are_built_in_bounded_memory(name: str) -> None:
    data = BOMBS[name]()
    assert len(data) < delegation.MAX_FILE_BYTES
    tracemalloc.start()
    try:
        with pytest.raises(DelegationFileError) as refused:
            parse_file("bomb.xlsx", data, require_origin=False)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{name}: {peak / 1e6:.1f} MB"
    message = str(refused.value)
    assert any(
        words in message
        for words in ("too large once unpacked", "columns", "different texts", "lines")
    ), message


def test_the_report_bombs_are_small_files() -> None:
    assert len(BOMBS["3.5 million empty cells"]()) < 200_000
    assert len(BOMBS["2.9 million shared strings"]()) < 200_000


def test_a_genuine_workbook_still_reads() -> None:
    (row,) = parse_file("d.xlsx", _workbook(), require_origin=False)
    assert row.values["email"] == "ana@example.gov"


def test_a_template_filled_to_the_limit_reads() -> None:
    """500 officials with every column of the template: far below every limit."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(delegation.MAX_ROWS):
        sheet.append(
            (
                f"Nombre {n}",
                f"Apellido {n}",
                f"p{n}@example.gov",
                f"Inst {n}",
                "Fiscal",
                "other",
                "es",
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    rows = parse_file("d.xlsx", buffer.getvalue(), require_origin=False)
    assert len(rows) == delegation.MAX_ROWS


def test_a_bomb_uploaded_through_the_page_gets_the_message_and_writes_nothing(
    app,
    client,
    auth,
    world,  # noqa: F811 (the fixture of test_delegation)
) -> None:
    auth.login(world.focal_point)
    response = _upload(client, world, "delegation.xlsx", BOMBS["3.5 million empty cells"]())
    assert response.status_code == 200
    html = _text(response)
    assert "The workbook is too large once unpacked." in html
    assert "Nothing was registered." in html
    assert _registrations(app) == []
