"""The project's one accent folding (a pure function).

Text typed by people is compared folded: names in attendance reports against registrations,
column headers and yes/no words in uploaded files, titles proposed as slugs, the first level
of the collation's sort key. Folding removes what says nothing about which word it is:
accents, case, punctuation and spacing.
"""

from __future__ import annotations

import re
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


def hyphenated(text: str) -> str:
    """`text` folded, as ASCII letters and digits joined by hyphens ("Gestión de Fronteras 2021"
    -> "gestion-de-fronteras-2021"): for addresses and file names. Letters that have no ASCII
    form ("ł", "ø") separate words like punctuation; the result may be empty."""
    return re.sub(r"[^a-z0-9]+", "-", fold_name(text)).strip("-")
