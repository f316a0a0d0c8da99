"""Sorting in the reader's collation (pure functions).

Lists are read by people, in English or Spanish: "Ávila" comes before "Ríos" and "El Salvador"
before "Panamá", whatever the byte order of the text or the ISO code of the country. The key
compares, in turn:

1. the letters with accents, case and punctuation folded (the project's one folding,
   `webinars.folding.fold_name`), where Spanish keeps "ñ" a letter of its own, after "n" and
   before "o" (as the Real Academia's alphabet and ICU's Spanish collation do);
2. the accents: the plain letter first ("Nunez", "Nuñez", "Núñez" in English; in Spanish
   "Nuñez" before "Núñez");
3. the case, then the text as written.

Only the first level is the shared folding: matching wants "Nuñez" and "Núñez" equal, a sort
wants them equal first and then in a fixed order, so the key adds the levels a sort needs.

Text equal on every level keeps the order it came in (Python's sort is stable), so callers
add a last field (an id) where the order of twins matters.

The database is not asked to sort: SQLite has no locale and PostgreSQL follows the server's,
not the reader's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from webinars.folding import fold_name
from webinars.i18n import current_language

T = TypeVar("T")

#: Stands for "ñ" while `fold_name` strips accents: a letter it keeps unchanged (no case, no
#: decomposition) that no name uses.
_ENYE_MARK = "\U00010000"
#: "ñ" in the folded text: after every "n" followed by anything, before "o".
_ENYE_FOLDED = "n\U0010ffff"

SortKey = tuple[str, str, str]


def sort_key(text: str | None, language: str | None = None) -> SortKey:
    """The key that orders `text` in `language` (default: the reader's, see `current_language`)."""
    return _key(text or "", language or current_language())


@lru_cache(maxsize=8192)
def _key(text: str, language: str) -> SortKey:
    """Cached: lists repeat their countries, organizations and many first names."""
    written = unicodedata.normalize("NFC", text)
    if language == "es":
        marked = written.replace("ñ", _ENYE_MARK).replace("Ñ", _ENYE_MARK)
        letters = fold_name(marked).replace(_ENYE_MARK, _ENYE_FOLDED)
    else:
        letters = fold_name(written)
    accents = unicodedata.normalize("NFD", written.casefold())
    return letters, accents, written.swapcase()


def collated(items: Iterable[T], text: Callable[[T], str], language: str | None = None) -> list[T]:
    """`items` sorted by `text(item)` in `language` (default: the reader's)."""
    language = language or current_language()
    return sorted(items, key=lambda item: sort_key(text(item), language))
