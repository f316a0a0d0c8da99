"""What a file is, read from its content (never from its name).

PDF starts with `%PDF-`; Office Open XML files (DOCX, XLSX, PPTX) are zip archives holding
`[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part.
"""

from __future__ import annotations

import enum
import io
import zipfile


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
