"""Pure export builders: tables in, CSV / XLSX / PDF bytes out (no request, no database).

Every spreadsheet cell goes through `safe_cell`, so a value typed by a registrant (a name
such as ``=HYPERLINK(...)``) is shown as text and never run as a formula. PDF cells are not
neutralised: a PDF runs nothing, and an apostrophe before Zoom's ``--`` would only be noise.

PDFs use the core Helvetica font, which covers Windows-1252 (all Spanish and English text,
curly quotes, dashes, the euro sign). Any other character is transliterated (``Łódź`` ->
``Lódz``) or, failing that, printed as ``?``: no input text makes a builder fail.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from fpdf import FPDF
from fpdf.fonts import CORE_FONTS_CHARWIDTHS
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet may show it: a string that could start a formula gets a
    leading apostrophe; None becomes ""; numbers, dates and other values are unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Percent(float):
    """A share (0.64 for 64 %): a number in a spreadsheet, shown with a percent format so that
    it can be totalled and charted; "64 %" in a PDF, "64%" in a CSV (which Excel reads back as
    a number)."""

    def __repr__(self) -> str:
        return f"Percent({float(self)!r})"


@dataclass(frozen=True)
class Table:
    """One table of an export: a sheet in XLSX, a titled table in a PDF document."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[float] | None = None
    #: Columns whose numbers the PDF shades from pale to dark blue, as the page's heat map
    #: (the darkest for the largest number of the first 200 rows).
    heat: Sequence[int] = ()


@dataclass(frozen=True)
class Bar:
    """One row of a `BarChart`: a whole (registered) and the part of it (attended)."""

    label: str
    whole: float
    part: float
    #: Printed after the bars ("12 / 15").
    caption: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, as the report page draws them: the whole pale, its part dark inside."""

    title: str
    #: The legend's names of the whole and of the part.
    legend: tuple[str, str]
    bars: Sequence[Bar]


def _naive(value: datetime | time) -> Any:
    """Spreadsheets have no time zones: keep the wall-clock time the caller chose."""
    return value.replace(tzinfo=None) if value.tzinfo is not None else value


def _display(value: object) -> str:
    """The text of a cell in CSV and PDF (dates as ISO-like local wall-clock times)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Percent):
        return f"{round(value * 100)} %" if math.isfinite(value) else ""
    if isinstance(value, datetime):
        seconds = value.second or value.microsecond
        return _naive(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _naive(value).strftime("%H:%M:%S" if value.second else "%H:%M")
    return str(value)


# --- CSV -------------------------------------------------------------------------------------


def _csv_text(value: object) -> str:
    """Numbers as written (a negative number is no formula); any other value as safe text."""
    if isinstance(value, Percent):
        return _display(value).replace(" ", "")
    if isinstance(value, int | float | Decimal):
        return str(value)
    return str(safe_cell(_display(value)))


def _csv_line(writer: Any, row: Sequence[object]) -> None:
    writer.writerow([_csv_text(value) for value in row])


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], batch: int = 500
) -> Iterator[bytes]:
    """UTF-8 CSV (BOM first, so Excel reads the accents; CRLF line ends), one chunk per
    `batch` rows: a streamed response never holds more than one batch in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    _csv_line(writer, header)
    first = True
    for chunk in _batches(rows, max(1, batch)):
        for row in chunk:
            _csv_line(writer, row)
        yield _take(buffer, bom=first)
        first = False
    if first:
        yield _take(buffer, bom=True)


def _batches(rows: Iterable[Sequence[object]], size: int) -> Iterator[list[Sequence[object]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _take(buffer: io.StringIO, *, bom: bool) -> bytes:
    data = buffer.getvalue().encode("utf-8", "replace")  # "replace": lone surrogates
    buffer.seek(0)
    buffer.truncate(0)
    return b"\xef\xbb\xbf" + data if bom else data


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole CSV file at once (see `csv_chunks`)."""
    return b"".join(csv_chunks(header, rows))


# --- XLSX ------------------------------------------------------------------------------------

_SHEET_TITLE_INVALID = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31
# What XML 1.0 cannot hold: control characters, lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XLSX_TEXT_MAX = 32767  # Excel's limit for one cell
_WIDTH_SAMPLE = 1000
_WIDTH_MIN, _WIDTH_MAX = 8, 60
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DATETIME_SECONDS_FORMAT = "yyyy-mm-dd hh:mm:ss"
_DATE_FORMAT = "yyyy-mm-dd"
_TIME_FORMAT = "hh:mm"
_PERCENT_FORMAT = "0%"


def _sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique (case-insensitively, as Excel compares) sheet name of <= 31 chars."""
    base = _SHEET_TITLE_INVALID.sub("_", title).strip().strip("'").strip() or "Sheet"
    base = "".join(ch for ch in base if ch.isprintable()) or "Sheet"
    candidate = base[:_SHEET_TITLE_MAX]
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: _SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _xlsx_value(value: object) -> object:
    """A value openpyxl can store: numbers and dates as such, everything else as safe text."""
    if type(value) is str:  # most cells: the short way
        text = "'" + value if value.startswith(FORMULA_PREFIXES) else value
        return _XML_ILLEGAL.sub("", text)[:_XLSX_TEXT_MAX]
    value = safe_cell(value)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return str(value)  # Excel has no NaN or infinity: a file holding one is "corrupt"
    if isinstance(value, bool | int | float | Decimal | timedelta):
        return value
    if isinstance(value, datetime | time):
        return _naive(value)
    if isinstance(value, date):
        return value
    text = value if isinstance(value, str) else str(safe_cell(str(value)))  # UUIDs, enums
    return _XML_ILLEGAL.sub("", text)[:_XLSX_TEXT_MAX]


def _xlsx_cell(sheet: Any, value: object) -> object:
    """Dates and percentages need a number format, so they travel as styled cells; the rest as
    plain values."""
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, float(value))
        cell.number_format = _PERCENT_FORMAT
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = (
            _DATETIME_SECONDS_FORMAT if value.second or value.microsecond else _DATETIME_FORMAT
        )
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = _DATE_FORMAT
        return cell
    if isinstance(value, time):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = _TIME_FORMAT
        return cell
    return value


def _text_width(value: object) -> int:
    if isinstance(value, Percent):
        return 5
    if isinstance(value, datetime):
        return 19 if value.second or value.microsecond else 16
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return max((len(line) for line in text.split("\n")), default=0)


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table: bold frozen header, autofilter, fitted widths.

    Written in openpyxl's write-only mode, whose XML writing is most of the time taken
    (10,000 rows x 10 columns: about 2 s on a 2-core CI machine). Column widths come from
    the header and the first 1,000 rows, the only rows held in memory.
    """
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables or [Table("Sheet", [], [])]:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        header = [_xlsx_value(name) for name in table.header]
        rows = iter(table.rows)
        sample = [
            [_xlsx_value(value) for value in row] for row in itertools.islice(rows, _WIDTH_SAMPLE)
        ]

        columns = max([len(header), *(len(row) for row in sample)])
        for index in range(columns):
            if table.widths is not None and index < len(table.widths):
                width = float(table.widths[index])
            else:
                longest = max(
                    [_text_width(row[index]) for row in (header, *sample) if index < len(row)],
                    default=0,
                )
                width = min(_WIDTH_MAX, max(_WIDTH_MIN, longest + 2))
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        if header:
            sheet.freeze_panes = "A2"

        header_cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, name)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        count = 0
        for row in itertools.chain(sample, ([_xlsx_value(value) for value in row] for row in rows)):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            columns = max(columns, len(row))
            count += 1
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------

_FONT = "Helvetica"
PDF_FONT_ENCODING = "cp1252"  # what fpdf2 then writes as WinAnsiEncoding for the core fonts
_MM_PER_PT = 25.4 / 72

_TRANSLITERATION = {
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i", "ŀ": "l", "Ŀ": "L",
    "‐": "-", "‑": "-", "‒": "-", "―": "-", "−": "-", "⁄": "/", "∕": "/",
}  # fmt: skip


@cache
def _pdf_char(char: str) -> str:
    """One character as the core font can print it (see the module docstring)."""
    category = unicodedata.category(char)
    if char == "\n":
        return char
    if category == "Cc" or category in ("Zs", "Zl", "Zp"):
        return " "
    if category == "Cf":  # soft hyphens, zero-width joiners, direction marks
        return ""
    try:
        char.encode(PDF_FONT_ENCODING)
        return char
    except UnicodeEncodeError:
        pass
    if char in _TRANSLITERATION:
        return _TRANSLITERATION[char]
    kept = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part) in ("Mn", "Me", "Mc"):
            continue
        try:
            part.encode(PDF_FONT_ENCODING)
        except UnicodeEncodeError:
            continue
        if part.isprintable():
            kept.append(part)
    return "".join(kept) or "?"


def pdf_text(text: str) -> str:
    """`text` with only characters the core PDF font prints ("\\n" kept as line breaks)."""
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_pdf_char(char) for char in text)


class _Widths(dict[str, int]):
    """Glyph widths by character; a character the font lacks counts as an average glyph."""

    def __missing__(self, char: str) -> int:
        return 556


@cache
def _char_widths(style: str) -> _Widths:
    """Glyph widths (thousandths of the font size) by Unicode character, for Windows-1252."""
    font_widths = CORE_FONTS_CHARWIDTHS["helvetica" + style]
    widths = _Widths()
    for code in range(256):
        try:
            char = bytes([code]).decode(PDF_FONT_ENCODING)
        except UnicodeDecodeError:
            continue
        widths[char] = font_widths[chr(code)]
    return widths


#: The parts of a long word between the places it may break: each starts at "@", ".", "/", "-"
#: or "_" (but for the first).
_BREAKS = re.compile(r"[@./_-]*[^@./_-]+|[@./_-]+")


class _Wrapper:
    """Word-wraps sanitised text for one font style and size (fpdf2's own wrapping costs
    about half a millisecond a cell, far too slow for 10,000-row participant lists)."""

    def __init__(self, style: str, size_pt: float) -> None:
        self.widths = _char_widths(style)
        self.size_mm = size_pt * _MM_PER_PT
        self.narrowest = min(width for char, width in self.widths.items() if char.isprintable())

    def measure(self, text: str) -> int:
        """Width of one line, in thousandths of the font size."""
        return sum(map(self.widths.__getitem__, text))

    def width(self, text: str) -> float:
        """Width of one line, in mm."""
        return self.measure(text) * self.size_mm / 1000

    def lines(self, text: str, width_mm: float, max_lines: int) -> list[str]:
        """The lines of `text` in `width_mm`; beyond `max_lines` it is cut and ends in '...'."""
        measure = self.measure
        limit = max(1.0, width_mm * 1000 / self.size_mm)
        # Characters past what max_lines full lines could hold are never shown: do not wrap them.
        budget = max_lines * (int(limit / self.narrowest) + 2)
        cut = len(text) > budget
        text = text[:budget]
        result: list[str] = []
        space = self.widths[" "]
        for paragraph in text.split("\n"):
            if measure(paragraph) <= limit:
                result.append(paragraph)
            else:
                result.extend(self._wrap_paragraph(paragraph, limit, space, measure))
            if len(result) > max_lines:
                break
        if len(result) > max_lines or cut:
            result = result[:max_lines]
            last = result[-1] if result else ""
            while last and measure(last + "...") > limit:
                last = last[:-1]
            result[-1:] = [last + "..."]
        return result

    @staticmethod
    def _wrap_paragraph(
        paragraph: str, limit: float, space: int, measure: Callable[[str], int]
    ) -> list[str]:
        lines: list[str] = []
        line: str | None = None
        line_width = 0.0
        for word in paragraph.split(" "):
            word_width = measure(word)
            if line is not None and line_width + space + word_width <= limit:
                line += " " + word
                line_width += space + word_width
                continue
            if line is not None:
                lines.append(line)
            if word_width <= limit:
                line, line_width = word, word_width
                continue
            *whole, line = _Wrapper._split_word(word, limit, measure)
            lines.extend(whole)
            line_width = measure(line)
        if line is not None:
            lines.append(line)
        return lines

    @staticmethod
    def _split_word(word: str, limit: float, measure: Callable[[str], int]) -> list[str]:
        """A word longer than the column, in lines: broken before "@", ".", "/", "-" or "_"
        (an e-mail address or a web address stays readable: "migrant.smuggling" /
        "@example.org"), and only where no such place fits, between any two characters."""
        lines: list[str] = []
        line, line_width = "", 0
        for part in _BREAKS.findall(word):
            part_width = measure(part)
            if not line or line_width + part_width <= limit:
                line += part
                line_width += part_width
                continue
            lines.append(line)
            line, line_width = part, part_width
        # Parts still too wide are split wherever they have to be.
        result: list[str] = []
        for text in [*lines, line]:
            if measure(text) <= limit:
                result.append(text)
                continue
            piece, piece_width = "", 0
            for char in text:
                char_width = measure(char)
                if piece and piece_width + char_width > limit:
                    result.append(piece)
                    piece, piece_width = "", 0
                piece += char
                piece_width += char_width
            result.append(piece)
        return result


class _Pdf(FPDF):
    """A4 landscape with "footer   n / N" at the bottom of every page."""

    MARGIN = 12.0
    BOTTOM = 15.0
    TOTAL_PAGES = "{pages}"  # fpdf2 reserves room for as many digits as the alias has chars

    def __init__(self, title: str, footer: str = "") -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.core_fonts_encoding = PDF_FONT_ENCODING
        self.set_margins(self.MARGIN, self.MARGIN, self.MARGIN)
        self.set_auto_page_break(False, margin=self.BOTTOM)
        self.set_title(pdf_text(title))
        # Left-aligned: the number of pages then ends where its digits end, not after the room
        # fpdf2 reserves for them.
        self.alias_nb_pages(self.TOTAL_PAGES, align="L")
        self.footer_text = pdf_text(footer).replace("\n", " ")
        self.draw = _Drawing(self)

    def footer(self) -> None:
        self.set_font(_FONT, "", 7)
        self.set_text_color(90)
        y = self.h - 8
        number = f"{self.page_no()} / {self.TOTAL_PAGES}"
        if self.footer_text:
            wrapper = _Wrapper("", 7)
            room = self.epw - 25
            self.text(self.l_margin, y, wrapper.lines(self.footer_text, room, 1)[0])
        self.set_xy(self.w - self.r_margin - 20, y - 2.5)
        self.cell(20, 3.5, number, align="L")

    @property
    def bottom(self) -> float:
        return self.page_break_trigger


class _Drawing:
    """Paragraphs and tables drawn with `FPDF.text` (see `_Wrapper` for why).

    Table borders are drawn per page rather than per cell: one line under each row, and the
    column rules from the header to the last row once the page is full.
    """

    SIZE = 8.0
    LINE = 3.6
    PAD_X = 1.2
    PAD_Y = 0.9
    MAX_LINES = 30  # a body cell: keeps every row well inside one page
    MAX_HEADER_LINES = 6
    BORDER_GREY = 150
    HEADER_FILL = 225

    def __init__(self, pdf: _Pdf) -> None:
        self.pdf = pdf
        self.regular = _Wrapper("", self.SIZE)
        self.bold = _Wrapper("B", self.SIZE)

    def heading(self, text: str, size: float, style: str = "B", gap: float = 2.0) -> None:
        """Text wrapped across the page (title, subtitle, table title, paragraph)."""
        pdf = self.pdf
        wrapper = _Wrapper(style, size)
        line = size * _MM_PER_PT * 1.35
        pdf.set_font(_FONT, style, size)
        pdf.set_text_color(0)
        for text_line in wrapper.lines(pdf_text(text), pdf.epw, 10_000):
            if pdf.y + line > pdf.bottom:
                pdf.add_page()
            pdf.text(pdf.l_margin, pdf.y + line * 0.75, text_line)
            pdf.y += line
        pdf.y += gap

    #: Colours of the page's charts (static/css/app.css: .bar-registered, .bar-attended).
    WHOLE_FILL = (201, 214, 232)
    PART_FILL = (31, 95, 153)
    BAR_ROW = 5.0
    LABEL_MAX = 70.0

    def bar_chart(self, chart: BarChart) -> None:
        """The chart with its legend; rows that do not fit go on to the next page."""
        pdf = self.pdf
        labels = [pdf_text(bar.label) for bar in chart.bars]
        captions = [pdf_text(bar.caption) for bar in chart.bars]
        label_width = min(
            self.LABEL_MAX, max((self.regular.width(t) for t in labels), default=0) + 3
        )
        caption_width = max((self.regular.width(t) for t in captions), default=0) + 3
        bars_width = pdf.epw - label_width - caption_width
        widest = max([bar.whole for bar in chart.bars] + [bar.part for bar in chart.bars] + [1])
        pdf.set_font(_FONT, "", self.SIZE)
        pdf.set_text_color(0)
        pdf.set_draw_color(self.BORDER_GREY)
        if pdf.y + self.BAR_ROW * 2 > pdf.bottom:
            pdf.add_page()
        x = pdf.l_margin
        for name, fill in zip(chart.legend, (self.WHOLE_FILL, self.PART_FILL), strict=True):
            pdf.set_fill_color(*fill)
            pdf.rect(x, pdf.y + 1, 3, 3, style="F")
            text = pdf_text(name)
            pdf.text(x + 4.5, pdf.y + 3.6, text)
            x += 4.5 + self.regular.width(text) + 6
        pdf.y += self.BAR_ROW + 1
        for bar, label, caption in zip(chart.bars, labels, captions, strict=True):
            if pdf.y + self.BAR_ROW > pdf.bottom:
                pdf.add_page()
            y = pdf.y
            baseline = y + self.BAR_ROW / 2 + self.regular.size_mm * 0.35
            pdf.text(pdf.l_margin, baseline, self.regular.lines(label, label_width - 3, 1)[0])
            left = pdf.l_margin + label_width
            pdf.set_fill_color(238, 241, 245)  # the track, as .bar-track on the page
            pdf.rect(left, y + 0.6, bars_width, self.BAR_ROW - 1.2, style="F")
            if bar.whole > 0:
                pdf.set_fill_color(*self.WHOLE_FILL)
                pdf.rect(left, y + 0.6, bars_width * bar.whole / widest, self.BAR_ROW - 1.2, "F")
            if bar.part > 0:
                pdf.set_fill_color(*self.PART_FILL)
                pdf.rect(left, y + 1.5, bars_width * bar.part / widest, self.BAR_ROW - 3.0, "F")
            pdf.text(left + bars_width + 2, baseline, caption)
            pdf.y = y + self.BAR_ROW
        pdf.y += 4

    def table(self, table: Table) -> None:
        pdf = self.pdf
        header = [pdf_text(str(name)) for name in table.header]
        if not header:
            return
        rows = iter(table.rows)
        sample = list(itertools.islice(rows, 200))
        widths = self._widths(table, header, sample)
        header_cells = [
            self.bold.lines(name, width - 2 * self.PAD_X, self.MAX_HEADER_LINES)
            for name, width in zip(header, widths, strict=True)
        ]
        header_height = self._height(header_cells)
        hottest = max(
            (
                float(row[index])  # type: ignore[arg-type]
                for row in sample
                for index in table.heat
                if index < len(row) and _is_number(row[index])
            ),
            default=0,
        )
        top: float | None = None  # where this page's part of the table starts
        for row in itertools.chain(sample, rows):
            cells, right = self._cells(row, widths)
            height = self._height(cells)
            if top is None or pdf.y + height > pdf.bottom:
                if top is not None:
                    self._rules(widths, top)
                if pdf.y + header_height + height > pdf.bottom:
                    pdf.add_page()
                top = pdf.y
                self._header(header_cells, widths, header_height)
            levels = [
                self._heat_level(row[index] if index < len(row) else None, hottest)
                if index in table.heat
                else 0
                for index in range(len(widths))
            ]
            self._row(cells, right, widths, height, levels)
        if top is None:  # no rows: the header alone still says what the table would list
            if pdf.y + header_height > pdf.bottom:
                pdf.add_page()
            top = pdf.y
            self._header(header_cells, widths, header_height)
        self._rules(widths, top)
        pdf.y += 4

    def _cells(
        self, row: Sequence[object], widths: list[float]
    ) -> tuple[list[list[str]], list[bool]]:
        values = list(row)[: len(widths)]
        values += [""] * (len(widths) - len(values))
        cells = []
        right = []
        for value, width in zip(values, widths, strict=True):
            text = pdf_text(_display(value))
            room = width - 2 * self.PAD_X
            if "\n" not in text and self.regular.width(text) <= room:
                cells.append([text])
            else:
                cells.append(self.regular.lines(text, room, self.MAX_LINES))
            right.append(isinstance(value, int | float | Decimal) and not isinstance(value, bool))
        return cells, right

    def _height(self, cells: list[list[str]]) -> float:
        return max(len(lines) for lines in cells) * self.LINE + 2 * self.PAD_Y

    def _baseline(self, wrapper: _Wrapper) -> float:
        return self.PAD_Y + self.LINE * 0.5 + wrapper.size_mm * 0.35

    def _header(self, cells: list[list[str]], widths: list[float], height: float) -> None:
        pdf = self.pdf
        pdf.set_font(_FONT, "B", self.SIZE)
        pdf.set_text_color(0)
        pdf.set_draw_color(self.BORDER_GREY)
        pdf.set_line_width(0.1)
        pdf.set_fill_color(self.HEADER_FILL)
        x, y = pdf.l_margin, pdf.y
        pdf.rect(x, y, sum(widths), height, style="DF")
        baseline = y + self._baseline(self.bold)
        for lines, width in zip(cells, widths, strict=True):
            for number, line in enumerate(lines):
                pdf.text(x + self.PAD_X, baseline + number * self.LINE, line)
            x += width
        pdf.y = y + height
        pdf.set_font(_FONT, "", self.SIZE)

    #: The page's heat map (static/css/app.css: .heat-1 to .heat-4); white text on the two
    #: darkest.
    HEAT_FILLS = ((219, 232, 245), (169, 198, 229), (107, 159, 208), (31, 95, 153))

    @staticmethod
    def _heat_level(value: object, hottest: float) -> int:
        """0 (no shade) to 4 (the darkest), as the page computes it."""
        if not isinstance(value, int | float) or isinstance(value, bool) or hottest <= 0:
            return 0
        return max(0, min(4, math.ceil(4 * value / hottest)))

    def _row(
        self,
        cells: list[list[str]],
        right: list[bool],
        widths: list[float],
        height: float,
        levels: list[int],
    ) -> None:
        pdf = self.pdf
        x, y = pdf.l_margin, pdf.y
        baseline = y + self._baseline(self.regular)
        for lines, width, align_right, level in zip(cells, widths, right, levels, strict=True):
            if level:
                pdf.set_fill_color(*self.HEAT_FILLS[level - 1])
                pdf.rect(x, y, width, height, style="F")
                pdf.set_text_color(255 if level >= 3 else 0)
            for number, line in enumerate(lines):
                left = (
                    x + width - self.PAD_X - self.regular.width(line)
                    if align_right
                    else x + self.PAD_X
                )
                pdf.text(left, baseline + number * self.LINE, line)
            if level:
                pdf.set_text_color(0)
            x += width
        pdf.y = y + height
        pdf.line(pdf.l_margin, pdf.y, x, pdf.y)

    def _rules(self, widths: list[float], top: float) -> None:
        """The column rules (and the table's sides) of this page's part of the table."""
        pdf = self.pdf
        x = pdf.l_margin
        pdf.line(x, top, x, pdf.y)
        for width in widths:
            x += width
            pdf.line(x, top, x, pdf.y)

    def _widths(
        self, table: Table, header: list[str], sample: list[Sequence[object]]
    ) -> list[float]:
        """Column widths in mm filling the page: the caller's proportions, or the content's.

        From the content: each column wants its widest value (up to 80 mm) and its whole
        header; when that is too wide, headers wrap at their words; when that is still too
        wide, values wrap at their words too, and the room above the longest words goes first
        to the columns that need little to stay on one line (a name, an e-mail address, which
        has no word to wrap at), the rest shared by the long texts; when even the longest
        words do not fit, narrow columns keep their width and the wide ones share the rest.
        """
        available = self.pdf.epw
        if table.widths is not None and len(table.widths) == len(header):
            weights = [max(0.0, float(width)) for width in table.widths]
            if sum(weights) > 0:
                return [available * weight / sum(weights) for weight in weights]
        pad = 2 * self.PAD_X + 0.5  # and a little air: a value never wraps by a rounding error
        full: list[float] = []
        least: list[float] = []
        words: list[float] = []
        for index, name in enumerate(header):
            content = 0.0
            word = max((self.bold.width(part) for part in name.split()), default=0.0)
            header_word = word
            for row in sample:
                if index < len(row):
                    text = pdf_text(_display(row[index]))
                    for line in text.split("\n"):
                        width = self.regular.width(line)
                        content = max(content, width)
                        if width > word:
                            word = max(word, *(self.regular.width(w) for w in line.split(" ")))
            least.append(min(80.0, max(12.0, content + pad, header_word + pad)))
            full.append(min(80.0, max(least[-1], self.bold.width(name) + pad)))
            words.append(min(least[-1], max(12.0, word + pad)))
        if sum(full) <= available:
            return [available * width / sum(full) for width in full]
        if sum(least) <= available:
            spare = available - sum(least)
            wanted = sum(full) - sum(least)
            return [
                low + spare * (high - low) / wanted for low, high in zip(least, full, strict=True)
            ]
        if sum(words) <= available:
            extra = _share(
                [whole - word for whole, word in zip(least, words, strict=True)],
                available - sum(words),
            )
            return [word + more for word, more in zip(words, extra, strict=True)]
        return _share(least, available)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _share(wanted: list[float], available: float) -> list[float]:
    """Columns that want less than an equal share get what they want; the others split the
    rest equally (so a "Yes" column stays narrow and long texts wrap instead)."""
    widths = list(wanted)
    left, remaining = available, len(wanted)
    for index in sorted(range(len(wanted)), key=wanted.__getitem__):
        share = left / remaining
        widths[index] = min(wanted[index], share)
        left -= widths[index]
        remaining -= 1
    return widths


def _output(pdf: _Pdf) -> bytes:
    return bytes(pdf.output())


def pdf_table(title: str, subtitle: str, table: Table, *, footer: str = "") -> bytes:
    """One table on A4 landscape pages: title and subtitle on page 1, the header row on every
    page, long cells wrapped, "footer   n / N" at the bottom."""
    pdf = _Pdf(title, footer)
    pdf.add_page()
    pdf.draw.heading(title, 16, gap=1)
    if subtitle:
        pdf.draw.heading(subtitle, 10, style="", gap=3)
    pdf.draw.table(table)
    return _output(pdf)


def pdf_document(title: str, subtitle: str, blocks: Sequence[Table | BarChart | str]) -> bytes:
    """Paragraphs (str), titled tables and charts one after the other, set up as `pdf_table`."""
    pdf = _Pdf(title)
    pdf.add_page()
    pdf.draw.heading(title, 16, gap=1)
    if subtitle:
        pdf.draw.heading(subtitle, 10, style="", gap=3)
    for block in blocks:
        if isinstance(block, str):
            pdf.draw.heading(block, 10, style="", gap=3)
            continue
        if block.title:
            # Keep the table's title with its first rows.
            if pdf.y + 30 > pdf.bottom:
                pdf.add_page()
            pdf.draw.heading(block.title, 12, gap=1)
        if isinstance(block, BarChart):
            pdf.draw.bar_chart(block)
        else:
            pdf.draw.table(block)
    return _output(pdf)
