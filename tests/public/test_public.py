"""Public pages: the list of series, a series' page, languages and time zones."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from webinars.catalog.reference import working_group
from webinars.extensions import db
from webinars.public.display import date_span
from webinars.series.models import Modality, Series, SeriesStatus
from webinars.sessions.models import AgendaKind, RoleKind
from webinars.types import utcnow

from ..factories import (
    make_agenda_item,
    make_person,
    make_profile,
    make_role,
    make_series,
    make_session,
    organization,
)

CONFERENCE_URL = "https://zoom.example/j/8162534-secret"
# 8 September 2020 09:00 in Costa Rica (UTC-6), 10:00 in Mexico City (UTC-5, summer time then).
SEP_8 = datetime(2020, 9, 8, 15, 0, tzinfo=UTC)


def text_of(markup: str) -> str:
    """The visible text of a page: tags dropped, entities decoded, ASCII spaces collapsed.

    Inline tags vanish ("<abbr>IOM</abbr>, UNODC" reads "IOM, UNODC"); block tags separate.
    """
    inline_dropped = re.sub(r"</?(?:a|abbr|b|em|span|strong|time)\b[^>]*>", "", markup)
    without_tags = re.sub(r"<[^>]+>", " ", inline_dropped)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(without_tags)).strip()


def section(markup: str, section_id: str) -> str:
    """The HTML of `<section id=...>` up to its closing tag (sections are not nested there)."""
    start = markup.index(f'<section id="{section_id}"')
    return markup[start : markup.index("</section>", start)]


def page(client: FlaskClient, url: str, **kwargs: Any) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def smuggling_series() -> Series:
    """Seed 000 in small: four daily sessions 09:00–11:00 Costa Rica, 8–11 September 2020."""
    series = make_series(
        slug="smuggling",
        title_en="Regional technical exchange on migrant smuggling",
        title_es="Intercambio técnico regional sobre tráfico ilícito de migrantes",
        background_en="First paragraph of the background.\n\nSecond paragraph, after a blank line.",
        background_es="Primer párrafo de los antecedentes.\n\nSegundo párrafo.",
        objective_en="Strengthen the police and judicial bodies.",
        objective_es="Fortalecer los cuerpos policiales y judiciales.",
        methodology_en="Four sessions of two hours, one per day.",
        methodology_es="Cuatro sesiones de dos horas, una por día.",
        conference_url=CONFERENCE_URL,
        working_group=working_group("border-management"),
        registration_opens_at=datetime(2020, 8, 20, 14, 0, tzinfo=UTC),
        registration_closes_at=datetime(2020, 9, 7, 23, 0, tzinfo=UTC),
    )
    series.partners = [organization("IOM"), organization("UNODC")]
    # Created out of order on purpose: the page sorts them.
    for day in (3, 1, 0, 2):
        make_session(
            series,
            start_at=SEP_8 + timedelta(days=day),
            topic_en=f"Topic {day + 1}",
            topic_es=f"Tema {day + 1}",
        )
    make_profile(
        series,
        code="prosecutor",
        label_en="Prosecutors with judicial functions",
        label_es="Fiscales con funciones judiciales",
        min_per_country=2,
    )
    make_profile(
        series,
        code="investigator",
        label_en="Investigation units",
        label_es="Unidades de investigación",
        min_per_country=1,
        max_per_country=3,
    )
    db.session.flush()
    return series


def add_first_day_agenda(series: Series) -> None:
    """Opening remarks by the PPT, a panel with two panelists and a moderator, Q&A."""
    first = series.sessions[0]
    make_role(kind=RoleKind.FACILITATOR, event_session=first, organization=organization("PPT"))
    rapporteur = make_person(name="Ana Rapporteur", title_en="Analyst", title_es="Analista")
    make_role(kind=RoleKind.RAPPORTEUR, event_session=first, person=rapporteur)
    make_agenda_item(
        first,
        kind=AgendaKind.OPENING_REMARKS,
        start_at=SEP_8,
        end_at=SEP_8 + timedelta(minutes=20),
        title_en="Opening remarks",
        title_es="Palabras de apertura",
    )
    panel = make_agenda_item(
        first,
        kind=AgendaKind.PANEL,
        start_at=SEP_8 + timedelta(minutes=30),
        end_at=SEP_8 + timedelta(minutes=90),
        title_en="Context and challenges of the caravans",
        title_es="Contexto y desafíos de las caravanas",
        sub_points=[
            {"en": "Profiles of the organizers", "es": "Perfiles de los organizadores"},
            {"en": "Modus operandi", "es": "Modus operandi"},
        ],
    )
    gcif = organization("GCIF")
    for name in ("Raúl Fuentes", "Gisselle Pérez"):
        person = make_person(
            name=name,
            title_en="Strategic Analysis Team",
            title_es="Equipo de Análisis Estratégico",
            organization=gcif,
        )
        make_role(kind=RoleKind.PANELIST, agenda_item=panel, person=person)
    make_role(kind=RoleKind.MODERATOR, agenda_item=panel, organization=organization("UNODC"))
    winter = make_person(
        name="Cy Winter",
        title_en="IOM Senior Regional Specialist in Migration Management",
        title_es="Especialista Regional Superior de la OIM en Gestión de la Migración",
        organization=organization("IOM"),
    )
    make_role(kind=RoleKind.SPEAKER, agenda_item=panel, person=winter)
    make_agenda_item(
        first,
        kind=AgendaKind.QUESTIONS_AND_ANSWERS,
        start_at=SEP_8 + timedelta(minutes=90),
        end_at=SEP_8 + timedelta(minutes=120),
        title_en="Questions and answers",
        title_es="Preguntas y respuestas",
    )
    db.session.flush()


@contextmanager
def building(app: Flask) -> Iterator[None]:
    """Rows made inside are committed; requests then run in their own app context.

    Requests made inside a test's long-lived app context would share its database session
    and its cached locale, which real requests never do.
    """
    with app.app_context():
        yield
        db.session.commit()


@pytest.fixture
def smuggling(app: Flask) -> str:
    with building(app):
        add_first_day_agenda(smuggling_series())
    return "smuggling"


# --- the list of series ---------------------------------------------------------------


def test_index_splits_upcoming_and_past_and_hides_drafts(app: Flask, client: FlaskClient) -> None:
    with building(app):
        soon = make_series(title_en="Soon series")
        make_session(soon, start_at=utcnow() + timedelta(days=30))
        soon_slug = soon.slug
        later = make_series(title_en="Later series")
        make_session(later, start_at=utcnow() + timedelta(days=90))
        running = make_series(title_en="Running series")  # one sitting over, one to come
        make_session(running, start_at=utcnow() - timedelta(days=2))
        make_session(running, start_at=utcnow() + timedelta(days=200))
        make_series(
            title_en="Undated series", tentative_dates_en="November 2020, date to be defined"
        )
        old = make_series(title_en="Old series", status=SeriesStatus.ARCHIVED)
        make_session(old, start_at=datetime(2018, 3, 13, 15, tzinfo=UTC))
        recent = make_series(title_en="Recent series", status=SeriesStatus.CLOSED)
        make_session(recent, start_at=datetime(2020, 11, 16, 15, tzinfo=UTC))
        draft = make_series(title_en="Draft series", status=SeriesStatus.DRAFT)
        make_session(draft, start_at=utcnow() + timedelta(days=10))

    body = page(client, "/")
    upcoming, past = section(body, "upcoming"), section(body, "past")
    order = ["Running series", "Soon series", "Later series", "Undated series"]
    assert [upcoming.index(t) for t in order] == sorted(upcoming.index(t) for t in order)
    assert "November 2020, date to be defined" in upcoming
    assert past.index("Recent series") < past.index("Old series")
    for title in order:
        assert title not in past
    assert "Recent series" not in upcoming and "Old series" not in upcoming
    assert "Draft series" not in body
    assert f'href="/series/{soon_slug}"' in upcoming


def test_index_card_shows_dates_modality_group_partners_and_sessions(
    smuggling: str, client: FlaskClient
) -> None:
    card = text_of(section(page(client, "/"), "past"))
    assert "Regional technical exchange on migrant smuggling" in card
    assert "September 8\u2009–\u200911, 2020" in card
    assert "Online" in card
    assert "Working Group on Border Management" in card
    assert "IOM, UNODC" in card
    assert "4 sessions" in card
    assert CONFERENCE_URL not in page(client, "/")


# --- a series' page -----------------------------------------------------------------------


def test_series_page_shows_concept_note_and_profiles(smuggling: str, client: FlaskClient) -> None:
    body = page(client, "/series/smuggling")
    assert "<title>Regional technical exchange on migrant smuggling ·" in body
    assert '<p class="prose">First paragraph of the background.</p>' in body
    assert '<p class="prose">Second paragraph, after a blank line.</p>' in body
    text = text_of(body)
    assert "Strengthen the police and judicial bodies." in text
    assert "Four sessions of two hours, one per day." in text
    assert "Working Group on Border Management" in text
    assert "Prosecutors with judicial functions: at least 2 per country." in text
    assert "Investigation units: at least 1 per country; at most 3 per country." in text
    assert "Online" in text


def test_series_page_lists_sessions_in_time_order_with_their_agenda(
    smuggling: str, client: FlaskClient
) -> None:
    body = page(client, "/series/smuggling")
    text = text_of(body)
    positions = [text.index(f"Session {n}: Topic {n}") for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)
    assert "Tuesday, September 8, 2020 09:00–11:00 (America/Costa_Rica, UTC-06:00)" in text
    assert "Friday, September 11, 2020 09:00–11:00" in text
    assert '<time datetime="2020-09-08T15:00:00Z">' in body
    # Agenda times in the series' zone, with kind labels, titles and sub-points.
    assert "09:00–09:20 Opening remarks" in text
    assert "09:30–10:30 Panel of experts Context and challenges of the caravans" in text
    assert "10:30–11:00 Questions and answers" in text
    assert "<li>Profiles of the organizers</li>" in body
    assert "<li>Modus operandi</li>" in body


def test_series_page_names_people_and_roles(smuggling: str, client: FlaskClient) -> None:
    body = page(client, "/series/smuggling")
    text = text_of(body)
    assert (
        "Panelists: Raúl Fuentes, Gisselle Pérez "
        "(Strategic Analysis Team, Joint Border Intelligence Group)" in text
    )
    assert '<abbr title="United Nations Office on Drugs and Crime">UNODC</abbr>' in body
    assert "Moderator: UNODC" in text
    assert "Facilitator: PPT" in text
    assert "Rapporteur: Ana Rapporteur (Analyst)" in text
    # The moderator is read before the panelists, as the seeds write it.
    assert text.index("Moderator: UNODC") < text.index("Panelists:")
    # A title that already names the organization does not repeat it.
    assert "Speaker: Cy Winter (IOM Senior Regional Specialist in Migration Management)" in text


def test_series_page_shows_registration_window_in_the_series_zone(
    app: Flask, client: FlaskClient
) -> None:
    now = utcnow()
    with building(app):
        make_series(
            slug="open",
            registration_opens_at=now - timedelta(days=1),
            registration_closes_at=datetime(2031, 1, 10, 23, 59, tzinfo=UTC),
        )
        make_series(slug="future", registration_opens_at=now + timedelta(days=5))
        make_series(slug="closed", status=SeriesStatus.CLOSED)

    text = text_of(page(client, "/series/open"))
    assert "Registration is open." in text
    assert "Closes: January 10, 2031, 17:59 (America/Costa_Rica, UTC-06:00)" in text
    assert "Registration is not open yet." in text_of(page(client, "/series/future"))
    assert "Registration is closed." in text_of(page(client, "/series/closed"))


def test_series_without_sessions_shows_its_tentative_dates(app: Flask, client: FlaskClient) -> None:
    with building(app):
        make_series(slug="undated", tentative_dates_en="November 2020, date to be defined")
    body = page(client, "/series/undated")
    assert "November 2020, date to be defined" in body
    assert 'name="tz"' not in body


def test_parallel_sessions_are_grouped(app: Flask, client: FlaskClient) -> None:
    with building(app):
        series = make_series(
            slug="workshop",
            modality=Modality.IN_PERSON,
            venue_en="San José, Costa Rica",
            venue_es="San José, Costa Rica",
            conference_url=CONFERENCE_URL,
        )
        start = datetime(2018, 3, 13, 15, tzinfo=UTC)
        make_session(series, start_at=start - timedelta(hours=2), topic_en="Opening plenary")
        for n in (1, 2):
            make_session(series, start_at=start, topic_en=f"Group work {n}", track_en=f"Group {n}")
        make_session(series, start_at=start + timedelta(hours=3), topic_en="Closing plenary")

    body = page(client, "/series/workshop")
    text = text_of(body)
    assert text.count("Parallel sessions") == 1
    parallel = text[text.index("Parallel sessions") : text.index("Closing plenary")]
    assert "Session 2: Group work 1" in parallel and "Session 3: Group work 2" in parallel
    assert "Opening plenary" not in parallel
    assert "Track: Group 2" in parallel
    assert "Venue San José, Costa Rica" in text
    assert CONFERENCE_URL not in body


def test_unknown_and_draft_series_are_404(app: Flask, client: FlaskClient) -> None:
    with building(app):
        make_series(slug="draft", status=SeriesStatus.DRAFT)
    assert client.get("/series/draft").status_code == 404
    assert client.get("/series/no-such-series").status_code == 404


def test_conference_url_never_appears(smuggling: str, client: FlaskClient) -> None:
    for url in ("/", "/series/smuggling", "/series/smuggling?tz=MX", "/?lang=es"):
        assert CONFERENCE_URL not in page(client, url)
        assert "zoom.example" not in page(client, url)


@pytest.mark.parametrize(
    ("language", "first", "last", "expected"),
    [
        ("en", date(2020, 9, 8), date(2020, 9, 11), "September 8\u2009–\u200911, 2020"),
        ("es", date(2020, 9, 8), date(2020, 9, 11), "8–11 de septiembre de 2020"),
        (
            "en",
            date(2020, 9, 28),
            date(2021, 6, 28),
            "September 28, 2020\u2009–\u2009June 28, 2021",
        ),
        (
            "es",
            date(2020, 11, 30),
            date(2020, 12, 1),
            "30 de noviembre\u2009–\u20091 de diciembre de 2020",
        ),
        ("en", date(2018, 3, 13), date(2018, 3, 13), "March 13, 2018"),
    ],
)
def test_date_span(app: Flask, language: str, first: date, last: date, expected: str) -> None:
    with app.test_request_context(query_string={"lang": language}):
        assert date_span(first, last) == expected


# --- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query_string": {"lang": "es"}},
        {"headers": {"Accept-Language": "es-CR,es;q=0.9,en;q=0.5"}},
    ],
    ids=["lang-arg", "accept-language"],
)
def test_pages_in_spanish(smuggling: str, client: FlaskClient, kwargs: dict[str, Any]) -> None:
    index = page(client, "/", **kwargs)
    assert '<html lang="es">' in index
    assert "Intercambio técnico regional sobre tráfico ilícito de migrantes" in index
    assert "8–11 de septiembre de 2020" in text_of(index)
    assert "OIM, UNODC" in text_of(index)

    body = page(client, "/series/smuggling", **kwargs)
    text = text_of(body)
    assert '<html lang="es">' in body
    assert "<title>Intercambio técnico regional sobre tráfico ilícito de migrantes ·" in body
    assert "Primer párrafo de los antecedentes." in text
    assert "Fiscales con funciones judiciales" in text
    assert "Tema 1" in text
    assert "martes, 8 de septiembre de 2020" in text
    assert "Contexto y desafíos de las caravanas" in text
    assert "Perfiles de los organizadores" in text
    assert "Equipo de Análisis Estratégico" in text
    assert "Regional technical exchange" not in text


# --- time zones ---------------------------------------------------------------------------


def test_times_in_a_member_countrys_zone(smuggling: str, client: FlaskClient) -> None:
    body = page(client, "/series/smuggling", query_string={"tz": "MX"})
    text = text_of(body)
    assert "Tuesday, September 8, 2020 10:00–12:00 (Mexico, UTC-05:00)" in text
    assert "10:00–10:20 Opening remarks" in text
    assert "09:00–11:00" not in text
    assert '<option value="MX" selected>Mexico</option>' in body
    # The instant itself does not change.
    assert '<time datetime="2020-09-08T15:00:00Z">' in body

    default = text_of(page(client, "/series/smuggling"))
    assert "09:00–11:00 (America/Costa_Rica, UTC-06:00)" in default
    assert "10:00–12:00" not in default


def test_zone_choice_is_case_insensitive_and_spanish_names_the_country(
    smuggling: str, client: FlaskClient
) -> None:
    text = text_of(page(client, "/series/smuggling", query_string={"tz": "mx", "lang": "es"}))
    assert "10:00–12:00 (México, UTC-05:00)" in text


@pytest.mark.parametrize("bad", ["ZZ", "America/Nowhere", "../../etc/passwd", "", "M\x00X"])
def test_unknown_zone_falls_back_to_the_series_zone(
    smuggling: str, client: FlaskClient, bad: str
) -> None:
    body = page(client, "/series/smuggling", query_string={"tz": bad})
    assert "09:00–11:00 (America/Costa_Rica, UTC-06:00)" in text_of(body)
    assert '<option value="" selected>' in body


def test_zone_form_works_without_javascript_and_keeps_the_language(
    smuggling: str, client: FlaskClient
) -> None:
    body = page(client, "/series/smuggling", query_string={"lang": "es", "tz": "MX"})
    form = body[body.index('<form class="tz-form"') : body.index("</form>", body.index("tz-form"))]
    assert 'method="get"' in form
    assert 'action="/series/smuggling#programme"' in form
    assert '<label for="tz">' in form and '<select id="tz" name="tz"' in form
    assert '<input type="hidden" name="lang" value="es">' in form
    assert "<script" not in body
    # The language switcher keeps the chosen zone.
    switch = re.search(r'href="([^"]*lang=en[^"]*)"', body)
    assert switch is not None and "tz=MX" in html.unescape(switch.group(1))
    english = text_of(page(client, html.unescape(switch.group(1))))
    assert "10:00–12:00 (Mexico, UTC-05:00)" in english


# --- queries --------------------------------------------------------------------------------


def _queries_for(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements one request for `url` runs."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def _add_full_series(app: Flask, count: int) -> None:
    """Series with a working group, partners and sessions, half of them past."""
    with building(app):
        for n in range(count):
            series = make_series(working_group=working_group("protection"))
            series.partners = [organization("IOM"), organization("UNHCR")]
            offset = timedelta(days=10 * n - (400 if n % 2 else 0))
            for day in range(3):
                make_session(series, start_at=utcnow() + offset + timedelta(days=day))


def test_index_issues_a_fixed_number_of_queries(app: Flask, client: FlaskClient) -> None:
    _add_full_series(app, 2)
    few = _queries_for(app, client, "/")
    _add_full_series(app, 6)
    many = _queries_for(app, client, "/")
    assert many == few
    assert few <= 4  # series, then sessions, partners and working groups in one query each


def test_series_page_issues_a_fixed_number_of_queries(
    app: Flask, smuggling: str, client: FlaskClient
) -> None:
    before = _queries_for(app, client, "/series/smuggling")
    with building(app):
        series = db.session.execute(db.select(Series).filter_by(slug=smuggling)).scalar_one()
        second = series.sessions[1]
        for n in range(5):
            item = make_agenda_item(
                second,
                start_at=second.start_at + timedelta(minutes=10 * n),
                end_at=second.start_at + timedelta(minutes=10 * n + 10),
            )
            make_role(kind=RoleKind.SPEAKER, agenda_item=item, person=make_person())
            make_role(
                kind=RoleKind.MODERATOR, event_session=second, organization=organization("TS")
            )
    assert _queries_for(app, client, "/series/smuggling") == before
