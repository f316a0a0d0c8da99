"""Person names folded for matching report rows to registrations (pure functions).

Reports write names however the participant typed them in Zoom or Teams: "JOSÉ PÉREZ",
"Jose Perez", "Pérez, José", "Nancy Barnes (Nancy B)", "Keith Rosario (Guest)". Folding removes
the differences that say nothing about who the person is (accents, case, punctuation,
spacing); the word order is handled by `name_keys`, what platforms append in brackets by
`report_names`, a second surname left out by `short_name_keys`.
"""

from __future__ import annotations

import re

from webinars.folding import fold_name


def name_keys(first: str, last: str) -> set[str]:
    """Folded "first last" and "last first", so "Pérez, José" in a report matches José Pérez.

    Empty when both parts are blank: a blank name must never match anyone.
    """
    keys = {fold_name(f"{first} {last}"), fold_name(f"{last} {first}")}
    keys.discard("")
    return keys


#: A bracketed part at the end of a name: "(Guest)", "(Original Name)", "[SRE]".
_BRACKETED = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
#: What platforms write in brackets after a name that is no name.
_NOT_NAMES = frozenset(
    fold_name(word)
    for word in (
        "Guest", "Invitado", "Invitada", "Invité", "Invitée", "Convidado", "Convidada",
        "External", "Externo", "Externa", "Unverified", "No verificado", "Host", "Co-host",
        "Anfitrión", "Coanfitrión", "Organizer", "Organizador", "Me", "Yo", "Original Name",
        "Nombre original", "iPhone", "iPad", "Android", "Mobile", "Móvil", "Celular",
        "Tablet", "Laptop", "PC",
    )
)  # fmt: skip
#: Titles written before a name ("Lic. Ana Lucía Morales", "Dra. Pérez"), folded.
_TITLES = frozenset(
    [
        "lic",
        "licda",
        "licdo",
        "lcda",
        "lcdo",
        "licenciado",
        "licenciada",
        "dr",
        "dra",
        "doctor",
        "doctora",
        "ing",
        "inga",
        "ingeniero",
        "ingeniera",
        "mtro",
        "mtra",
        "mgtr",
        "msc",
        "sr",
        "sra",
        "srta",
        "mr",
        "mrs",
        "ms",
        "miss",
        "prof",
        "profa",
        "abg",
        "abog",
        "arq",
        "amb",
        "embajador",
        "embajadora",
        "hon",
        "don",
        "dona",
    ]
)


def report_names(name: str) -> list[str]:
    """The folded names a report's display name may stand for, the name itself first.

    "Nancy Barnes (Nancy B)" -> ["nancy barnes", "nancy b"] (Zoom writes the current name, then
    the original one in brackets); "Keith Rosario (Guest)" -> ["keith rosario"]; an
    organisation in brackets is kept as a candidate too, and simply matches nobody.
    """
    found: list[str] = []
    rest = name
    while match := _BRACKETED.search(rest):
        inner = fold_name(match[1])
        if inner and inner not in _NOT_NAMES:
            found.append(inner)
        rest = rest[: match.start()]
    words = fold_name(rest).split()
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    base = " ".join(words)
    names = [base, *found] if base else found
    return list(dict.fromkeys(names))


def short_name_keys(first: str, last: str) -> set[str]:
    """Keys of the name with a second given name or a second surname left out, as reports
    often write it: María José López García -> "maria lopez", "lopez maria", "maria jose
    lopez"..., and a compound given name alone ("luis fernando", what a phone shows).
    Only for a second try, when no name matches in full."""
    first_words, last_words = fold_name(first).split(), fold_name(last).split()
    if not first_words or not last_words:
        return set()
    firsts = {" ".join(first_words), first_words[0]}
    lasts = {" ".join(last_words), last_words[0]}
    keys = {f"{f} {la}" for f in firsts for la in lasts}
    keys |= {f"{la} {f}" for f in firsts for la in lasts}
    if len(first_words) > 1:
        keys.add(" ".join(first_words))
    return keys - name_keys(first, last)
