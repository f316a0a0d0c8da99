"""What registrants and visitors meet (issue 11): error pages in the page's language, a broken
private link that offers to send it again, details a registrant corrects, Google and Outlook
links, agendas that do not repeat their kinds, a past series' page, the favicon."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.invitations.links import calendar_links
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration
from webinars.registration.services import RegistrationError, TransitionError
from webinars.registration.tokens import public_token
from webinars.series.models import Series
from webinars.sessions import labels
from webinars.sessions.models import AgendaKind

from .. import factories
from ..conftest import AuthActions, make_test_app

START = datetime(2030, 3, 4, 15, tzinfo=UTC)


def _h1(html: str) -> str:
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0].strip()


def _mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).filter_by(kind=kind)))


@pytest.fixture
def registration(app: Flask) -> dict[str, Any]:
    """A confirmed registration in Spanish to an upcoming online series; its token."""
    with app.app_context():
        series = factories.open_series(
            slug="fronteras",
            title_en="Border webinar",
            title_es="Webinario de fronteras",
            conference_url="https://zoom.example/j/77",
        )
        registration = services.register(series, factories.registration_data(language="es"))
        token = public_token(registration)
        data = {"token": token, "id": registration.id, "email": registration.email}
        db.session.commit()
    return data


# --- error pages --------------------------------------------------------------------------------


def test_error_pages_speak_spanish(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    with app.app_context():
        factories.make_user(StaffRole.FOCAL_POINT, email="focal@example.org")
        db.session.commit()
    headers = {"Accept-Language": "es"}
    missing = client.get("/no-such-page", headers=headers)
    assert missing.status_code == 404
    assert _h1(missing.text) == "404 · Página no encontrada"
    assert "Esta página no existe." in missing.text and "Not Found" not in missing.text
    wrong_method = client.get("/series/x/resend-link", headers=headers)
    assert wrong_method.status_code == 405
    assert _h1(wrong_method.text) == "405 · No es posible en esta dirección"
    assert "Method Not Allowed" not in wrong_method.text
    too_large = client.post("/login", data=b"x" * (11 * 1024 * 1024), headers=headers)
    assert too_large.status_code == 413
    assert _h1(too_large.text) == "413 · Demasiado grande"
    auth.login("focal@example.org")
    forbidden = client.get("/staff/audit?lang=es")
    assert forbidden.status_code == 403
    assert _h1(forbidden.text) == "403 · Acceso denegado"
    assert "Forbidden" not in forbidden.text


def test_a_rate_limit_page_is_translated_not_flask_limiters_words(
    client: FlaskClient, registration: dict[str, Any]
) -> None:
    url = "/series/fronteras/resend-link?lang=es"
    answers = [client.post(url, data={"email": f"x{i}@example.gov"}) for i in range(6)]
    page = answers[-1]
    assert page.status_code == 429
    assert _h1(page.text) == "429 · Demasiados intentos"
    assert "Ha hecho demasiados intentos" in page.text and "per 1 hour" not in page.text


def test_an_unexpected_error_is_a_page_in_the_visitors_language(database_url: str) -> None:
    app = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False)

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    page = app.test_client().get("/broken?lang=es")
    assert page.status_code == 500
    assert _h1(page.text) == "500 · Algo salió mal"
    assert "Internal Server Error" not in page.text


# --- a private link that matches nothing ----------------------------------------------------------


def test_an_unknown_private_link_offers_to_send_it_again_in_spanish(
    client: FlaskClient, registration: dict[str, Any]
) -> None:
    token = registration["token"]
    for url in ("/r/not-a-token", f"/r/{token[:-2]}xx", f"/r/{token}x/cancel"):
        page = client.get(url, headers={"Accept-Language": "es"})
        assert page.status_code == 404, url
        assert _h1(page.text) == "Este enlace no funciona"
        assert 'action="/resend-link"' in page.text
        assert '<option value="fronteras">Webinario de fronteras</option>' in page.text
        assert page.headers["Cache-Control"] == "no-store"


def test_the_resend_offer_sends_the_link_only_to_a_registered_address(
    app: Flask, client: FlaskClient, registration: dict[str, Any]
) -> None:
    sent = client.post(
        "/resend-link?lang=es", data={"series": "fronteras", "email": registration["email"]}
    )
    assert sent.status_code == 200
    assert "Si esta dirección está inscrita en esta serie, le hemos enviado" in sent.text
    unknown = client.post(
        "/resend-link?lang=es", data={"series": "fronteras", "email": "nobody@example.gov"}
    )
    assert unknown.text.replace(registration["email"], "") == sent.text.replace(
        registration["email"], ""
    )
    no_series = client.post("/resend-link?lang=es", data={"series": "", "email": "a@b.org"})
    assert no_series.status_code == 422
    assert "Elija la serie en la que se inscribió." in no_series.text
    bad_series = client.post("/resend-link", data={"series": "draft", "email": "a@b.org"})
    assert bad_series.status_code == 422
    with app.app_context():
        [mail] = _mails("registration.manage_link")
        assert mail.to_address == registration["email"]


# --- the registrant corrects their details ---------------------------------------------------------


def test_a_registrant_corrects_name_institution_and_position(
    app: Flask, client: FlaskClient, registration: dict[str, Any]
) -> None:
    token = registration["token"]
    page = client.get(f"/r/{token}")
    assert "Corregir su nombre, institución o cargo" in page.text
    assert f'action="/r/{token}/details"' in page.text
    answer = client.post(
        f"/r/{token}/details",
        data={
            "details-first_name": "  Ana  María ",
            "details-last_name": "Pérez Gómez",
            "details-institution": "Ministerio Público",
            "details-position": "Fiscal adjunta",
        },
    )
    assert answer.status_code == 302
    assert "Se corrigieron sus datos" in client.get(f"/r/{token}").text
    with app.app_context():
        reg = db.session.get(Registration, registration["id"])
        assert (reg.first_name, reg.last_name) == ("Ana María", "Pérez Gómez")
        assert (reg.institution, reg.position) == ("Ministerio Público", "Fiscal adjunta")
        [mail] = _mails("registration.updated")
        assert mail.to_address == registration["email"]
        assert "Ana María Pérez Gómez" in mail.body_text


def test_a_blank_name_is_refused_beside_its_field(
    app: Flask, client: FlaskClient, registration: dict[str, Any]
) -> None:
    token = registration["token"]
    answer = client.post(
        f"/r/{token}/details",
        data={
            "details-first_name": " ",
            "details-last_name": "Pérez",
            "details-institution": "Fiscalía",
            "details-position": "x" * 201,
        },
    )
    assert answer.status_code == 200
    assert 'id="details-first_name-errors"' in answer.text
    assert 'id="details-position-errors"' in answer.text
    assert '<details class="correct-details" open>' in answer.text
    with app.app_context():
        assert db.session.get(Registration, registration["id"]).first_name == "Ana"
        assert _mails("registration.updated") == []


def test_details_stay_as_they_are_once_the_series_ended(ctx: Flask) -> None:
    series = factories.open_series()
    registration = services.register(series, factories.registration_data())
    values = {"first_name": "Eva", "last_name": "Ruiz", "institution": "X", "position": "Y"}
    after = series.ends_at + timedelta(minutes=1)
    assert services.details_editable(registration, series.ends_at - timedelta(minutes=1))
    assert not services.details_editable(registration, after)
    with pytest.raises(TransitionError):
        services.correct_details(registration, values, now=after)
    with pytest.raises(RegistrationError) as refused:
        services.correct_details(registration, {**values, "last_name": ""})
    assert refused.value.field == "last_name"
    assert services.correct_details(registration, values) is True
    assert services.correct_details(registration, values) is False
    services.cancel(registration)
    assert not services.details_editable(registration)


def test_the_manage_page_has_no_details_form_after_the_series(
    app: Flask, client: FlaskClient, registration: dict[str, Any]
) -> None:
    with app.app_context():
        series = db.session.execute(db.select(Series).filter_by(slug="fronteras")).scalar_one()
        for event_session in series.sessions:
            event_session.start_at -= timedelta(days=365 * 6)
            event_session.end_at -= timedelta(days=365 * 6)
        # Ended, but within the days the link still works.
        last = series.sessions[-1]
        last.start_at = datetime.now(UTC) - timedelta(days=2, hours=2)
        last.end_at = datetime.now(UTC) - timedelta(days=2)
        db.session.commit()
    token = registration["token"]
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    assert "/details" not in page.text and "Para corregir estos datos" in page.text
    assert client.post(f"/r/{token}/details", data={}).status_code == 302


# --- Google and Outlook -----------------------------------------------------------------------


def test_calendar_links_follow_the_templates_in_utc() -> None:
    start = datetime(2030, 3, 4, 9, 0, tzinfo=UTC).astimezone()
    links = calendar_links(
        title="Tema 1 · Fronteras",
        start=start,
        end=start + timedelta(hours=2),
        details="Línea 1\nLínea 2",
        location="https://zoom.example/j/1",
    )
    google = urlsplit(links.google)
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Tema 1 · Fronteras"]
    assert query["dates"] == ["20300304T090000Z/20300304T110000Z"]
    assert query["details"] == ["Línea 1\nLínea 2"]
    assert query["location"] == ["https://zoom.example/j/1"]
    outlook = urlsplit(links.outlook)
    assert outlook.netloc == "outlook.office.com"
    assert outlook.path == "/calendar/deeplink/compose"
    query = parse_qs(outlook.query)
    assert query["path"] == ["/calendar/action/compose"] and query["rru"] == ["addevent"]
    assert query["subject"] == ["Tema 1 · Fronteras"]
    assert query["startdt"] == ["2030-03-04T09:00:00Z"]
    assert query["enddt"] == ["2030-03-04T11:00:00Z"]
    assert query["body"] == ["Línea 1\nLínea 2"]


def _links(html: str, host: str) -> list[dict[str, list[str]]]:
    found = re.findall(rf'href="(https://{re.escape(host)}[^"]+)"', html)
    return [parse_qs(urlsplit(link.replace("&amp;", "&")).query) for link in found]


def test_the_manage_page_links_each_session_to_google_and_outlook(
    app: Flask, client: FlaskClient, registration: dict[str, Any]
) -> None:
    html = client.get(f"/r/{registration['token']}").text
    google = _links(html, "calendar.google.com")
    outlook = _links(html, "outlook.office.com")
    assert len(google) == len(outlook) == 2
    assert google[0]["dates"] == ["20300304T150000Z/20300304T170000Z"]
    assert google[0]["text"][0].endswith(" · Webinario de fronteras")
    # A confirmed registrant gets the join link, as in their calendar file.
    assert google[0]["location"] == ["https://zoom.example/j/77"]
    assert "https://zoom.example/j/77" in outlook[1]["body"][0]
    assert outlook[1]["startdt"] == ["2030-03-05T15:00:00Z"]
    assert html.count("Agregar a Google Calendar") == 2 and html.count("Agregar a Outlook") == 2
    assert 'href="/series/fronteras/sessions/1.ics?lang=es"' in html


def test_the_public_page_links_without_the_join_link(
    client: FlaskClient, registration: dict[str, Any]
) -> None:
    html = client.get("/series/fronteras?lang=en").text
    google = _links(html, "calendar.google.com")
    assert len(google) == 2
    assert "location" not in google[0]
    assert "zoom.example" not in html
    assert "Add to Outlook" in html and "Add this session to your calendar (.ics)" in html


# --- agenda, past series, favicon ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title", "shown"),
    [
        (AgendaKind.CLOSING_REMARKS, "Closing remarks", ""),
        (AgendaKind.CLOSING_REMARKS, "closing Remarks", ""),
        (
            AgendaKind.INTRODUCTION,
            "Introduction: brief recap of the previous day",
            "Brief recap of the previous day",
        ),
        (
            AgendaKind.TECHNICAL_EXCHANGE,
            "Technical exchange (2 to 3 panelists)",
            "2 to 3 panelists",
        ),
        (AgendaKind.GUIDED_DIALOGUE, "Guided dialogue – next steps", "Next steps"),
        (
            AgendaKind.INTRODUCTION,
            "Introductions of the delegations",
            "Introductions of the delegations",
        ),
        (AgendaKind.PANEL, "Panel on investigations", "Panel on investigations"),
    ],
)
def test_an_agenda_title_does_not_repeat_its_kind(
    ctx: Flask, kind: AgendaKind, title: str, shown: str
) -> None:
    series = factories.make_series()
    item = factories.make_agenda_item(
        factories.make_session(series), kind=kind, title_en=title, title_es=title
    )
    assert labels.agenda_title(item, "en") == shown


def test_the_series_page_shows_an_agenda_kind_once(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        series = factories.open_series(slug="agenda")
        factories.make_agenda_item(
            series.sessions[0],
            kind=AgendaKind.GUIDED_DIALOGUE,
            title_en="Guided dialogue: experiences of the receiving countries",
            title_es="Diálogo guiado: experiencias de los países receptores",
        )
        db.session.commit()
    html = client.get("/series/agenda?lang=es").text
    assert '<span class="badge">Diálogo guiado</span>' in html
    assert "<strong>Experiencias de los países receptores</strong>" in html
    assert html.count("Diálogo guiado") == 1


def test_a_past_series_does_not_lead_with_the_subscription(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        past = factories.make_series(slug="past-2020")
        factories.make_session(past, start_at=datetime(2020, 9, 8, 15, tzinfo=UTC))
        factories.open_series(slug="coming")
        db.session.commit()
    old = client.get("/series/past-2020?lang=en").text
    assert "Subscribe to the calendar of this series" not in old
    assert 'href="webcal://' not in old
    assert "This series is over." in old and "/series/past-2020/calendar.ics" in old
    assert "Subscribe to the calendar of this series" in client.get("/series/coming").text


def test_the_favicon_is_served(client: FlaskClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert 'rel="icon" href="/favicon.ico"' in client.get("/").text
