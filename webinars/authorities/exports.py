"""The directory as an XLSX sheet (the import reads it back) and as vCards (RFC 6350, version
3.0 for Outlook and older phones). Pure: entries in, tables or text out."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale
from flask_babel import gettext as _

from webinars.authorities.labels import TOPIC
from webinars.authorities.models import DirectoryEntry
from webinars.exports import Table
from webinars.i18n import current_language


def header(language: str) -> list[str]:
    """The columns of the export, which the import recognises in either language."""
    with force_locale(language):
        return [
            _("First name"),
            _("Last name"),
            _("Position"),
            _("Institution"),
            _("E-mail"),
            _("Phone"),
            _("Languages"),
            _("Topic"),
            _("Working group"),
            _("Focal point"),
            _("Confirmed on"),
        ]


def directory_table(entries: Iterable[DirectoryEntry], title: str) -> Table:
    language = current_language()
    rows = [
        [
            e.first_name,
            e.last_name,
            e.position,
            e.institution,
            e.email,
            e.phone,
            ", ".join(e.language_list),
            str(TOPIC[e.topic]),
            e.working_group.t("name", language) if e.working_group else "",
            _("yes") if e.is_focal_point else _("no"),
            e.confirmed_at.date(),
        ]
        for e in entries
    ]
    return Table(title[:31], header(language), rows, widths=(16, 18, 28, 30, 30, 16, 10, 24, 30))


def _escape(value: str) -> str:
    """A vCard text value: backslash, comma, semicolon and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (a CRLF and a space), never inside a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def vcards(entries: Iterable[DirectoryEntry]) -> str:
    """One VCARD per entry, CRLF line ends."""
    language = current_language()
    lines: list[str] = []
    for e in entries:
        note = str(TOPIC[e.topic])
        if e.working_group:
            note += f" · {e.working_group.t('name', language)}"
        if e.is_focal_point:
            note += f" · {_('Focal point')}"
        note += f" · {', '.join(e.language_list)}"
        card = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{_escape(e.last_name)};{_escape(e.first_name)};;;",
            f"FN:{_escape(e.full_name)}",
            f"ORG:{_escape(e.institution)}",
            f"TITLE:{_escape(e.position)}",
            f"EMAIL;TYPE=INTERNET,WORK:{e.email}",
        ]
        if e.phone:
            card.append(f"TEL;TYPE=WORK,VOICE:{_escape(e.phone)}")
        card += [
            f"ADR;TYPE=WORK:;;;;;;{_escape(e.country.t('name', language))}",
            f"NOTE:{_escape(note)}",
            f"UID:urn:rcm-directory:{e.id}",
            f"REV:{e.confirmed_at.strftime('%Y%m%dT%H%M%SZ')}",
            "END:VCARD",
        ]
        lines += [_fold(line) for line in card]
    return "\r\n".join(lines) + "\r\n" if lines else ""
