"""Person names folded for matching report rows to registrations (pure functions).

Reports write names however the participant typed them in Zoom or Teams: "JOSÉ PÉREZ",
"Jose Perez", "Pérez, José". Folding removes the differences that say nothing about who the
person is (accents, case, punctuation, spacing); the word order is handled by `name_keys`.
"""

from __future__ import annotations

import unicodedata


def fold_name(name: str) -> str:
    """Accents stripped (NFKD, combining marks dropped), casefolded, punctuation other than
    letters/digits turned into spaces, whitespace collapsed: "  José  PÉREZ-Gómez " -> "jose perez gomez".
    """
    # Casefold first: some letters only decompose after it ("İ" -> "i" + combining dot).
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = (
        char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char)
    )
    return " ".join("".join(letters).split())


def name_keys(first: str, last: str) -> set[str]:
    """Folded "first last" and "last first", so "Pérez, José" in a report matches José Pérez.

    Empty when both parts are blank: a blank name must never match anyone.
    """
    keys = {fold_name(f"{first} {last}"), fold_name(f"{last} {first}")}
    keys.discard("")
    return keys
