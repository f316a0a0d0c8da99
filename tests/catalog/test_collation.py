"""Lists in the reader's collation (issue 11, defect 5): the key itself, then every list that
people read: participant lists (page, CSV, XLSX, PDF, `flask participants`), the quota matrix,
the report's country tables and "minimums met" sheet, the registrations list and the delegation
summary."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from webinars.accounts.models import StaffRole
from webinars.catalog.collation import collated, sort_key
from webinars.extensions import db
from webinars.registration.models import Registration, in_reading_order
from webinars.registration.targets import target_matrix
from webinars.reports.narrative import NarrativeFacts, narrative
from webinars.series.models import Series

from .. import factories
from ..conftest import AuthActions

#: Member countries of the fixture, in the order of their ISO codes (the old order).
CODES = ("DO", "MX", "PA", "SV", "US")
ENGLISH = ["Dominican Republic", "El Salvador", "Mexico", "Panama", "United States"]
SPANISH = ["El Salvador", "Estados Unidos", "México", "Panamá", "República Dominicana"]


def _ordered(text: str, words: list[str]) -> list[str]:
    """`words` in the order of their first appearance in `text` (each must appear)."""
    positions = {word: text.find(word) for word in words}
    assert all(at >= 0 for at in positions.values()), positions
    return sorted(words, key=positions.__getitem__)


# --- the key -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_countries_by_name_not_by_code(language: str) -> None:
    assert collated(["Panama", "El Salvador"], str, language) == ["El Salvador", "Panama"]
    assert collated(["Panamá", "El Salvador", "Belice"], str, language) == [
        "Belice",
        "El Salvador",
        "Panamá",
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_accents_and_case_are_folded(language: str) -> None:
    names = ["Ríos", "ávila", "Zúñiga", "Ávila", "Ocampo", "Álvarez", "ÉCIJA", "Ebro"]
    assert collated(names, str, language) == [
        "Álvarez",
        "ávila",
        "Ávila",
        "Ebro",
        "ÉCIJA",
        "Ocampo",
        "Ríos",
        "Zúñiga",
    ]


def test_spanish_enye_is_a_letter_between_n_and_o() -> None:
    names = ["Nuo", "Núñez", "Nunzz", "Ñandú", "Nuñez", "Nunez", "Oña", "Nzz"]
    assert collated(names, str, "es") == [
        "Nunez",
        "Nunzz",  # "n" < "ñ" in the third letter: every "nun…" before "nuñ…"
        "Nuñez",
        "Núñez",  # same letters: the accent breaks the tie, plain first
        "Nuo",
        "Nzz",
        "Ñandú",
        "Oña",
    ]


def test_english_enye_is_an_accented_n() -> None:
    names = ["Nuo", "Núñez", "Nunzz", "Ñandú", "Nuñez", "Nunez"]
    assert collated(names, str, "en") == ["Ñandú", "Nunez", "Nuñez", "Núñez", "Nunzz", "Nuo"]


def test_decomposed_text_sorts_as_composed_text() -> None:
    decomposed = "Nun\u0303ez"  # n + combining tilde, as some keyboards and PDFs write it
    assert sort_key(decomposed, "es")[0] == sort_key("Nuñez", "es")[0]
    assert collated(["Nuo", decomposed, "Nunzz"], str, "es") == ["Nunzz", decomposed, "Nuo"]


def test_equal_text_keeps_its_order_and_blank_sorts_first() -> None:
    rows = [("Pérez", 3), ("Perez", 1), ("Pérez", 2), ("", 4)]
    assert collated(rows, lambda row: row[0], "es") == [
        ("", 4),
        ("Perez", 1),
        ("Pérez", 3),
        ("Pérez", 2),
    ]


def test_the_readers_language_is_the_default(app: Flask) -> None:
    names = ["Ñandú", "Nuo"]
    with app.test_request_context(), force_locale("es"):
        assert collated(names, str) == ["Nuo", "Ñandú"]
    with app.test_request_context(), force_locale("en"):
        assert collated(names, str) == ["Ñandú", "Nuo"]


def test_the_narrative_lists_countries_in_each_languages_order() -> None:
    facts = NarrativeFacts(
        title_en="T",
        title_es="T",
        group_en="",
        group_es="",
        modality="online",
        days=[],
        countries=[
            ("United States", "Estados Unidos"),
            ("Dominican Republic", "República Dominicana"),
            ("El Salvador", "El Salvador"),
        ],
        organizations=["ÚNODC", "IOM"],
    )
    text = narrative(facts)
    assert "Dominican Republic, El Salvador and the United States." in text["en"]
    assert "El Salvador, Estados Unidos y República Dominicana." in text["es"]
    assert "of IOM and ÚNODC" in text["en"]


# --- the lists -----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    slug: str
    organizer: str
    focal_sv: str
    #: Registration ids by surname.
    ids: dict[str, int]


@pytest.fixture
def world(app: Flask) -> World:
    """A series with one registrant from each of five countries, three more Salvadorans whose
    surnames sort differently by byte and by collation, and an observer; everyone attended
    session 1. A prosecutor's minimum of 1 per country: only El Salvador and Panama meet it."""
    with app.app_context():
        series = factories.open_series(slug="collation", title_en="Order", title_es="Orden")
        prosecutor = factories.make_profile(
            series, code="prosecutor", label_en="Prosecutor", label_es="Fiscal", min_per_country=1
        )
        people = [
            ("Zamora", "US", None),
            ("Quesada", "PA", prosecutor.id),
            ("Lara", "MX", None),
            ("Báez", "DO", None),
            ("Ríos", "SV", prosecutor.id),
            ("Ávila", "SV", None),
            ("Nuñez", "SV", None),
            ("Nunzio", "SV", None),
        ]
        ids = {}
        for surname, code, profile_id in people:
            registration = factories.make_registration(
                series,
                first_name="Ana",
                last_name=surname,
                country_code=code,
                profile_id=profile_id,
                consent_to_list=True,
                email=f"{surname.lower()}.ana.long.address@migracion.gob.example",
            )
            factories.make_attendance(series.sessions[0], registration)
            ids[surname] = registration.id
        observer = factories.make_registration(
            series,
            first_name="Omar",
            last_name="Aaron",
            country_code=None,
            observer_organization="IOM",
        )
        ids["Aaron"] = observer.id
        organizer = factories.make_user(StaffRole.ORGANIZER)
        focal_sv = factories.make_user(StaffRole.FOCAL_POINT, country_code="SV")
        db.session.commit()
        return World(series.slug, organizer.email, focal_sv.email, ids)


#: The list's surnames in each language: countries by name, then surnames; the observer last.
LIST_EN = ["Báez", "Ávila", "Nuñez", "Nunzio", "Ríos", "Lara", "Quesada", "Zamora", "Aaron"]
LIST_ES = ["Ávila", "Nunzio", "Nuñez", "Ríos", "Zamora", "Lara", "Quesada", "Báez", "Aaron"]


def _csv_surnames(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize(("language", "expected"), [("en", LIST_EN), ("es", LIST_ES)])
def test_participant_list_files_in_the_readers_order(
    client: FlaskClient, auth: AuthActions, world: World, language: str, expected: list[str]
) -> None:
    auth.login(world.organizer)
    base = f"/staff/series/{world.slug}/participants"
    assert _csv_surnames(client.get(f"{base}.csv?lang={language}").get_data()) == expected

    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx?lang={language}").get_data())).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected

    pdf = PdfReader(io.BytesIO(client.get(f"{base}.pdf?lang={language}").get_data()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert _ordered(text, expected) == expected

    page = client.get(f"{base}?lang={language}").get_data(as_text=True)
    assert _ordered(page, expected) == expected


def test_flask_participants_in_the_chosen_language(
    runner: FlaskCliRunner, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    result = runner.invoke(
        args=["participants", world.slug, "--format", "csv", "-o", str(path), "--language", "es"]
    )
    assert result.exit_code == 0, result.output
    assert _csv_surnames(path.read_bytes()) == LIST_ES


def test_participant_pdf_keeps_email_addresses_whole(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    data = client.get(f"/staff/series/{world.slug}/participants.pdf").get_data()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for surname in ("zamora", "ríos", "nunzio"):
        assert f"{surname}.ana.long.address@migracion.gob.example" in text


def test_quota_matrix_follows_the_readers_names(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.test_request_context():
        series = db.session.scalar(db.select(Series).filter_by(slug=world.slug))
        for language, names in (("en", ENGLISH), ("es", SPANISH)):
            with force_locale(language):
                rows = [row.country.name for row in target_matrix(series).rows]
            assert [name for name in rows if name in names] == names
            assert rows == collated(rows, str, language)
    auth.login(world.organizer)
    page = client.get(f"/staff/series/{world.slug}/quotas?lang=es").get_data(as_text=True)
    assert _ordered(page, SPANISH) == SPANISH
    quotas_csv = client.get(f"/staff/series/{world.slug}/quotas.csv").get_data()
    lines = list(csv.reader(io.StringIO(quotas_csv.decode("utf-8-sig"))))
    names = [line[0] for line in lines[1:-1]]
    assert [name for name in names if name in SPANISH] == SPANISH


def test_report_country_tables_and_minimums_in_the_readers_order(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    book = load_workbook(
        io.BytesIO(client.get(f"/staff/series/{world.slug}/report.xlsx?lang=es").get_data())
    )
    by_country = [row[0] for row in book["Por país"].iter_rows(min_row=2, values_only=True)]
    assert [name for name in by_country if name in SPANISH] == SPANISH
    assert by_country[-1] == "IOM"
    matrix = [row[0] for row in book["Quiénes asistieron"].iter_rows(min_row=2, values_only=True)]
    assert [name for name in matrix if name in SPANISH] == SPANISH
    [minimum] = book["Mínimos cumplidos"].iter_rows(min_row=2, values_only=True)
    assert minimum[2] == "El Salvador, Panamá"
    missing = minimum[3].split(", ")
    assert [name for name in missing if name in SPANISH] == [
        "Estados Unidos",
        "México",
        "República Dominicana",
    ]
    assert missing == collated(missing, str, "es")

    page = client.get(f"/staff/series/{world.slug}/report").get_data(as_text=True)
    chart = page[page.index('id="country-chart"') :]
    assert _ordered(chart, SPANISH) == SPANISH
    minimums = page[page.index('id="minimums-list"') :]
    assert "El Salvador, Panamá" in minimums


def test_registrations_list_by_country_and_name(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    page = client.get(f"/staff/series/{world.slug}/registrations?lang=es").get_data(as_text=True)
    order = re.findall(r'id="registration-(\d+)"', page)
    by_id = {str(number): surname for surname, number in world.ids.items()}
    assert [by_id[number] for number in order] == LIST_ES
    auth.logout()
    auth.login(world.focal_sv)
    page = client.get(f"/staff/series/{world.slug}/registrations?lang=en").get_data(as_text=True)
    order = re.findall(r'id="registration-(\d+)"', page)
    assert [by_id[number] for number in order] == ["Ávila", "Nuñez", "Nunzio", "Ríos"]


def test_delegation_summary_and_country_choices_in_order(app: Flask, world: World) -> None:
    with app.test_request_context():
        registrations = db.session.scalars(db.select(Registration)).all()
        for registration in registrations:
            registration.country  # noqa: B018 - loaded, as the views load it
        surnames = [r.last_name for r in in_reading_order(registrations, "es")]
        assert surnames == LIST_ES


def test_delegation_page_offers_countries_in_the_readers_order(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login(world.organizer)
    page = client.get(f"/staff/series/{world.slug}/delegation?lang=es").get_data(as_text=True)
    select = page[page.index("<select") :]
    assert _ordered(select, SPANISH) == SPANISH
