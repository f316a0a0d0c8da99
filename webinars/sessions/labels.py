"""Human labels of the session enums (agenda kinds, speakers' roles), in the current language."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.folding import fold_name
from webinars.sessions.models import AgendaItem, AgendaKind, RoleKind

AGENDA_KIND: dict[AgendaKind, LazyString] = {
    AgendaKind.OPENING_REMARKS: _l("Opening remarks"),
    AgendaKind.INTRODUCTION: _l("Introduction"),
    AgendaKind.TECHNICAL_EXCHANGE: _l("Technical exchange"),
    AgendaKind.PANEL: _l("Panel of experts"),
    AgendaKind.PRESENTATION: _l("Presentation"),
    AgendaKind.QUESTIONS_AND_ANSWERS: _l("Questions and answers"),
    AgendaKind.GUIDED_DIALOGUE: _l("Guided dialogue"),
    AgendaKind.PLENARY: _l("Plenary session"),
    AgendaKind.GROUP_WORK: _l("Group work"),
    AgendaKind.CLOSING_REMARKS: _l("Closing remarks"),
    AgendaKind.BREAK: _l("Break"),
}

ROLE_KIND: dict[RoleKind, LazyString] = {
    RoleKind.PANELIST: _l("Panelist"),
    RoleKind.MODERATOR: _l("Moderator"),
    RoleKind.FACILITATOR: _l("Facilitator"),
    RoleKind.SPEAKER: _l("Speaker"),
    RoleKind.RAPPORTEUR: _l("Rapporteur"),
    RoleKind.OPENING_REMARKS: _l("Opening remarks"),
}


#: What may separate a kind repeated at the start of a title from the rest of it.
_AFTER_KIND = ":–—-(,. "


def agenda_title(item: AgendaItem, language: str | None = None) -> str:
    """The item's title without the kind its badge already shows, "" when it is only that.

    "Guided dialogue: the PPT suggests..." under a "Guided dialogue" badge reads "The PPT
    suggests...". Compared with accents and case folded; a longer word that merely starts like
    the kind ("Introductions") is kept whole.
    """
    title = item.t("title", language).strip()
    kind = str(AGENDA_KIND[item.kind])
    folded_title, folded_kind = fold_name(title), fold_name(kind)
    if folded_title == folded_kind:
        return ""
    if not folded_title.startswith(folded_kind + " ") or len(title) <= len(kind):
        return title
    if title[: len(kind)].casefold() != kind.casefold() or title[len(kind)] not in _AFTER_KIND:
        return title
    rest = title[len(kind) :].strip(_AFTER_KIND).removesuffix(")").strip()
    return rest[:1].upper() + rest[1:] if rest else ""
