"""Certificates of attendance: one A4 landscape page per participant, and a zip of many.

The texts come in translated and filled in; this module only lays them out. Text is set in
the core Helvetica font like the other PDFs (see `exports.pdf_text` for characters outside
Windows-1252). Whatever the lengths, a certificate stays on one page: long names and bodies
are set smaller, and a body too long even at the smallest size is cut.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from fpdf import FPDF

from webinars.exports import PDF_FONT_ENCODING, pdf_text

_FONT = "Helvetica"
_BORDER_COLOUR = (31, 56, 100)
_TEXT_COLOUR = (25, 25, 25)
_MUTED_COLOUR = (80, 80, 80)
_INSET = 10.0  # outer border, from the page edge (mm)
_INNER_GAP = 2.5  # between the outer and the inner border
_TEXT_WIDTH = 225.0
_MAX_HEIGHT = 160.0  # all the text together, centred vertically on the page
_PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class CertificateText:
    """What a certificate says, already translated and filled in."""

    heading: str
    recipient: str
    body: str
    place_date: str
    issuer: str


@dataclass
class _Block:
    text: str
    style: str
    size: float
    colour: tuple[int, int, int]
    gap_after: float
    min_size: float
    height: float = 0.0

    @property
    def line_height(self) -> float:
        return self.size * _PT_TO_MM * 1.4


def _measure(pdf: FPDF, block: _Block) -> float:
    pdf.set_font(_FONT, block.style, block.size)
    if not block.text:
        return 0.0
    return float(
        pdf.multi_cell(
            _TEXT_WIDTH,
            block.line_height,
            block.text,
            align="C",
            dry_run=True,
            output="HEIGHT",
        )
    )


def _room(pdf: FPDF) -> float:
    """The width a line of text may take in a cell of `_TEXT_WIDTH`."""
    return _TEXT_WIDTH - 2 * pdf.c_margin


def _shrink_to_one_line(pdf: FPDF, block: _Block) -> None:
    """Set a short text (heading, name) smaller until it fits on one line, if it can."""
    while block.size > block.min_size:
        pdf.set_font(_FONT, block.style, block.size)
        if pdf.get_string_width(block.text) <= _room(pdf):
            return
        block.size -= 1


def _cut_to_height(pdf: FPDF, block: _Block, height: float) -> None:
    """Keep the lines of `block` that fit in `height`, the last one ending in '...'."""
    pdf.set_font(_FONT, block.style, block.size)
    lines = pdf.multi_cell(
        _TEXT_WIDTH, block.line_height, block.text, align="C", dry_run=True, output="LINES"
    )
    keep = max(1, int(height // block.line_height))
    if len(lines) > keep:
        lines = lines[:keep]
        last = lines[-1]
        while last and pdf.get_string_width(last + "...") > _room(pdf):
            last = last[:-1]
        lines[-1] = last.rstrip() + "..."
    block.text = "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    """Far more text than a page holds is cut before it is measured (measuring is slow)."""
    text = pdf_text(text)
    return text if len(text) <= limit else text[:limit] + "..."


def _layout(pdf: FPDF, text: CertificateText) -> list[_Block]:
    heading = _Block(_clip(text.heading, 600), "B", 30, _BORDER_COLOUR, 12, 16)
    recipient = _Block(_clip(text.recipient, 600), "B", 26, _TEXT_COLOUR, 10, 14)
    body = _Block(_clip(text.body, 8000), "", 14, _TEXT_COLOUR, 14, 8)
    place_date = _Block(_clip(text.place_date, 600), "", 12, _MUTED_COLOUR, 3, 8)
    issuer = _Block(_clip(text.issuer, 600), "I", 12, _MUTED_COLOUR, 0, 8)
    blocks = [heading, recipient, body, place_date, issuer]
    for block in (heading, recipient, place_date, issuer):
        _shrink_to_one_line(pdf, block)
        # The fixed texts never take more than three lines, so the body keeps most room.
        _cut_to_height(pdf, block, block.line_height * 3)
    for block in blocks:
        block.height = _measure(pdf, block)

    def fits(size: float) -> bool:
        body.size = size
        body.height = _measure(pdf, body)
        return sum(block.height + (block.gap_after if block.text else 0) for block in blocks) <= (
            _MAX_HEIGHT
        )

    # The largest body size (in half points) at which everything fits, by bisection.
    sizes = [body.size - step / 2 for step in range(int((body.size - body.min_size) * 2) + 1)]
    if not fits(sizes[0]):
        low, high = 1, len(sizes) - 1
        while low < high:
            middle = (low + high) // 2
            if fits(sizes[middle]):
                high = middle
            else:
                low = middle + 1
        if not fits(sizes[low]):
            others = sum(
                block.height + (block.gap_after if block.text else 0)
                for block in blocks
                if block is not body
            )
            _cut_to_height(pdf, body, _MAX_HEIGHT - others - body.gap_after)
            body.height = _measure(pdf, body)
    return blocks


def certificate_pdf(text: CertificateText) -> bytes:
    """One A4 landscape page: a double border, the texts centred one above the other."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.core_fonts_encoding = PDF_FONT_ENCODING
    pdf.alias_nb_pages(None)  # a name containing "{nb}" must print as written
    pdf.set_auto_page_break(False)
    pdf.set_title(pdf_text(text.heading))
    pdf.add_page()

    pdf.set_draw_color(*_BORDER_COLOUR)
    pdf.set_line_width(1.2)
    pdf.rect(_INSET, _INSET, pdf.w - 2 * _INSET, pdf.h - 2 * _INSET)
    inner = _INSET + _INNER_GAP
    pdf.set_line_width(0.3)
    pdf.rect(inner, inner, pdf.w - 2 * inner, pdf.h - 2 * inner)

    blocks = _layout(pdf, text)
    height = sum(block.height + (block.gap_after if block.text else 0) for block in blocks)
    y = (pdf.h - height) / 2
    left = (pdf.w - _TEXT_WIDTH) / 2
    for block in blocks:
        if not block.text:
            continue
        pdf.set_font(_FONT, block.style, block.size)
        pdf.set_text_color(*block.colour)
        pdf.set_xy(left, y)
        pdf.multi_cell(_TEXT_WIDTH, block.line_height, block.text, align="C")
        y += block.height + block.gap_after
    return bytes(pdf.output())


def _member_name(name: str, taken: set[str]) -> str:
    """A plain file name (no folders, no control characters), unique within the archive."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(char for char in base if char.isprintable()).strip().lstrip(".")
    base = base or "certificate.pdf"
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    candidate, number = base, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}.{extension}" if extension else f"{stem}-{number}"
    taken.add(candidate.casefold())
    return candidate


def certificates_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of (file name, PDF) pairs; duplicate names get '-2', '-3'..."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(_member_name(name, taken), data)
    return buffer.getvalue()
