"""What a file is, read from its content (never from its name).

PDF starts with `%PDF-`; Office Open XML files (DOCX, XLSX, PPTX) are zip archives holding
`[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part.
"""

from __future__ import annotations

import enum
import io
import zipfile

from flask_babel import gettext as _
from werkzeug.utils import secure_filename


class FileKind(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"


CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

_OOXML_PARTS = (("word/", FileKind.DOCX), ("xl/", FileKind.XLSX), ("ppt/", FileKind.PPTX))


def sniff(data: bytes) -> FileKind | None:
    """The kind of `data`, or None when it is none of the accepted kinds."""
    if data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        return FileKind.PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS:
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def content_type(kind: FileKind) -> str:
    return CONTENT_TYPES[kind]


class UploadRefused(ValueError):
    """A file that is too large or of a kind not accepted; the message says which."""


def check_document(data: bytes, max_bytes: int) -> FileKind:
    """The kind of an uploaded document, or `UploadRefused`."""
    if len(data) > max_bytes:
        raise UploadRefused(
            _(
                "This file is larger than %(size)d MB: send a smaller one.",
                size=max_bytes // (1024 * 1024),
            )
        )
    kind = sniff(data)
    if kind is None:
        raise UploadRefused(
            _(
                "This file is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) "
                "document, whatever its name says."
            )
        )
    return kind


def stored_name(filename: str, kind: FileKind) -> str:
    """The sender's file name made safe, with the extension of what the content is."""
    stem = secure_filename(filename).rsplit(".", 1)[0][:150] or "document"
    return f"{stem}.{kind.value}"
