"""The paragraph for the meeting report, in English and Spanish, the way seed 004 writes it:

"The Working Group on Border Management held an online meeting on 28 September 2020, with
participation of representatives from the following countries: Canada, Costa Rica, ... and the
United States."

Pure: names and dates in, two strings out. Both languages are produced whatever the reader's
language, since the meeting report is written in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from webinars.catalog.collation import sort_key
from webinars.folding import fold_name


@dataclass(frozen=True)
class NarrativeFacts:
    """What the paragraph says, with every name already in both languages."""

    title_en: str
    title_es: str
    #: The working group's name ("Working Group on Border Management"), or "" if none.
    group_en: str
    group_es: str
    modality: str  # "online", "in_person" or "hybrid"
    days: list[date]
    #: (name_en, name_es) of each country with at least one attendee.
    countries: list[tuple[str, str]]
    #: Observer organizations with at least one attendee (acronyms or names).
    organizations: list[str]
    #: Women among the participants who stated their sex; None leaves the sentence out.
    women_share: float | None = None


#: Country names that take an article in English running text.
_ARTICLE_EN = {"United States": "the United States"}

_MEETING = {
    "online": ("an online meeting", "una reunión virtual", "online sessions", "sesiones virtuales"),
    "in_person": (
        "an in-person meeting",
        "una reunión presencial",
        "in-person sessions",
        "sesiones presenciales",
    ),
    "hybrid": ("a hybrid meeting", "una reunión híbrida", "hybrid sessions", "sesiones híbridas"),
}
_HELD = {
    "online": ("online", "de manera virtual"),
    "in_person": ("in person", "de manera presencial"),
    "hybrid": ("in hybrid format", "en formato híbrido"),
}


def join_en(items: list[str]) -> str:
    """ "A, B and C", as the seeds write it (no serial comma)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def join_es(items: list[str]) -> str:
    """ "A, B y C"; "e" before a word sounding /i/ ("Francia e Italia")."""
    if len(items) <= 1:
        return "".join(items)
    last = items[-1]
    sound = fold_name(last)
    sounds_i = sound.startswith(("i", "hi")) and not sound.startswith(("hia", "hie", "hio", "hiu"))
    conjunction = "e" if sounds_i else "y"
    return f"{', '.join(items[:-1])} {conjunction} {last}"


def _when_en(days: list[date]) -> str:
    if not days:
        return ""
    first, last = days[0], days[-1]
    if first == last:
        return f"on {format_date(first, 'd MMMM y', locale='en')}"
    if (first.year, first.month) == (last.year, last.month):
        return f"from {first.day} to {format_date(last, 'd MMMM y', locale='en')}"
    return f"from {format_date(first, 'd MMMM y', locale='en')} to {format_date(last, 'd MMMM y', locale='en')}"


def _when_es(days: list[date]) -> str:
    if not days:
        return ""
    full = "d 'de' MMMM 'de' y"
    first, last = days[0], days[-1]
    if first == last:
        return f"el {format_date(first, full, locale='es')}"
    if (first.year, first.month) == (last.year, last.month):
        return f"del {first.day} al {format_date(last, full, locale='es')}"
    return f"del {format_date(first, full, locale='es')} al {format_date(last, full, locale='es')}"


def narrative(facts: NarrativeFacts) -> dict[str, str]:
    """{"en": ..., "es": ...}; countries in alphabetical order of each language."""
    days = sorted(set(facts.days))
    countries_en = sorted((en for en, _ in facts.countries), key=lambda n: sort_key(n, "en"))
    countries_es = sorted((es for _, es in facts.countries), key=lambda n: sort_key(n, "es"))
    one, uno, many, varias = _MEETING.get(facts.modality, _MEETING["online"])
    held_en, held_es = _HELD.get(facts.modality, _HELD["online"])
    sittings = len(days)
    when_en, when_es = _when_en(days), _when_es(days)

    if facts.group_en:
        what_en = one if sittings <= 1 else f"{sittings} {many}"
        what_es = uno if sittings <= 1 else f"{sittings} {varias}"
        en = f"The {facts.group_en} held {what_en} {when_en}".rstrip()
        es = f"El {facts.group_es} celebró {what_es} {when_es}".rstrip()
    else:
        en = f"“{facts.title_en}” was held {held_en} {when_en}".rstrip()
        es = f"«{facts.title_es}» se realizó {held_es} {when_es}".rstrip()

    if countries_en:
        en += ", with participation of representatives from the following countries: "
        en += join_en([_ARTICLE_EN.get(name, name) for name in countries_en]) + "."
        es += ", con la participación de representantes de los siguientes países: "
        es += join_es(countries_es) + "."
    else:
        en += "; no country representative attended."
        es += "; no asistió ninguna representación de país."
    if facts.organizations:
        organizations_en = sorted(facts.organizations, key=lambda n: sort_key(n, "en"))
        organizations_es = sorted(facts.organizations, key=lambda n: sort_key(n, "es"))
        en += f" Representatives of {join_en(organizations_en)} also took part."
        es += f" También participaron representantes de {join_es(organizations_es)}."
    if facts.women_share is not None:
        share = round(facts.women_share * 100)
        en += f" Women were {share} % of the participants who stated their sex."
        es += (
            f" Las mujeres fueron el {share} % de las personas participantes que indicaron su sexo."
        )
    return {"en": en, "es": es}
