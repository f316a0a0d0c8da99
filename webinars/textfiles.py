"""Text files that people upload: bytes to text, the delimiter of a CSV, its records.

One reader for every CSV the service accepts (attendance reports, delegation lists), so that
both understand what spreadsheets and meeting platforms really write: UTF-8 with or without a
BOM, UTF-16 LE or BE (Teams), Windows-1252 (what Excel saves as "CSV" on a Spanish or English
Windows), and a comma, a semicolon (Excel in locales whose decimal mark is the comma) or a tab
(Teams) between the cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

#: The delimiters tried, in order of preference when they score the same.
DELIMITERS = (",", ";", "\t")

#: Zip (xlsx, docx), PDF, the old binary Excel format, gzip, PNG.
_BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF-", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"\x89PNG")

#: A record: its first line (1-based) and its cells, stripped.
Record = tuple[int, list[str]]


class TextFileError(ValueError):
    """The upload is no text file of a kind we read; `message` is translated (lazily)."""

    def __init__(self, message: object, line: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.line = line


def _not_text() -> TextFileError:
    return TextFileError(
        _l("This is not a text file (is it an Excel or PDF file?). Export or save it as CSV.")
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec whose NUL bytes fall where the data has them, if any.

    Text in Latin script written as UTF-16 has a NUL in almost every other byte, always on
    the same side; a binary file has them anywhere.
    """
    sample = data[:4096]
    half = len(sample) // 2 or 1
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """The text of an upload: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one
    when its NUL bytes give it away), else Windows-1252. Raises `TextFileError` for a binary
    file (xlsx, pdf, zip...)."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE):
        encoding = "utf-16-le"
        data = data[len(codecs.BOM_UTF16_LE) :]
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16-be"
        data = data[len(codecs.BOM_UTF16_BE) :]
    elif data.startswith(_BINARY_SIGNATURES):
        raise _not_text()
    elif b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise _not_text()
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise _not_text() from None
    if "\x00" in text:
        raise _not_text()
    return text


def split_line(line: str, delimiter: str) -> list[str]:
    """The stripped cells of one line (quotes understood)."""
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]


def sniff_delimiter(
    text: str, recognise: Callable[[list[str]], int], *, search_lines: int = 40
) -> str:
    """The delimiter under which one of the first non-blank lines reads best as a header.

    `recognise(cells)` scores a line's cells (0: not a header of ours, else e.g. the number of
    known column names). The best score wins, then the one giving more cells; when no line is
    recognised under any delimiter, the one that splits the first line into the most cells.
    """
    lines = [line for line in re.split(r"\r\n|\r|\n", text, maxsplit=search_lines * 4) if line]
    lines = [line for line in lines if line.strip()][:search_lines]
    best: tuple[int, int, int] = (0, 0, 0)
    chosen = DELIMITERS[0]
    for line in lines:
        for preference, delimiter in enumerate(DELIMITERS):
            cells = split_line(line, delimiter)
            score = recognise(cells)
            candidate = (score, len(cells), -preference)
            if score and candidate > best:
                best, chosen = candidate, delimiter
    if best[0]:
        return chosen
    first = lines[0] if lines else ""
    return max(DELIMITERS, key=lambda d: (len(split_line(first, d)), -DELIMITERS.index(d)))


def records(text: str, delimiter: str, *, limit: int | None = None) -> list[Record]:
    """(first line, cells) per CSV record; cells stripped, trailing empty cells dropped (Zoom
    pads every row to the widest section), blank lines kept as empty lists.

    Raises `TextFileError` when the CSV itself is broken (a quote never closed), or when there
    are more than `limit` records.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[Record] = []
    start = 1
    try:
        for cells in reader:
            if limit is not None and len(found) == limit:
                raise TextFileError(
                    _l("The file has more than %(count)d lines.", count=limit), start
                )
            stripped = [cell.strip() for cell in cells]
            while stripped and not stripped[-1]:
                stripped.pop()
            found.append((start, stripped))
            start = reader.line_num + 1
    except csv.Error as error:
        raise TextFileError(
            _l("The file cannot be read as CSV: %(error)s", error=str(error)), start
        ) from None
    return found
