"""The public registration form, the thank-you page, the re-sent link and the manage page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import find_by_public_token, public_token
from webinars.series.models import ApprovalMode, Series, SeriesStatus

from .. import factories
from ..factories import registration_data
from ..helpers import count_rows as _count
from ..helpers import detached

S = RegistrationStatus
MANAGE_LINK = re.compile(r"https?://[^/\s\"]+(/r/[A-Za-z0-9_.\-]+)")


@dataclass(frozen=True)
class World:
    slug: str
    session_ids: list[int]
    profile_code: str
    other_series_slug: str
    other_profile_code: str
    other_session_id: int


@pytest.fixture
def world(app: Flask) -> World:
    """An open series (automatic approval) with a profile and two sessions, and another one."""
    with app.app_context():
        series = factories.open_series(title_en="Border webinar", title_es="Webinario de fronteras")
        profile = factories.make_profile(
            series,
            code="prosecutor",
            label_en="Prosecutors",
            label_es="Fiscales",
            description_en="With judicial functions",
        )
        other = factories.open_series()
        other_profile = factories.make_profile(other, code="judge")
        db.session.commit()
        return World(
            slug=series.slug,
            session_ids=[s.id for s in series.sessions],
            profile_code=profile.code,
            other_series_slug=other.slug,
            other_profile_code=other_profile.code,
            other_session_id=other.sessions[0].id,
        )


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    """Valid form data; an override of None leaves the field out, as an unticked box does."""
    data: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana.perez@example.gov",
        "country": "CR",
        "observer_organization": "",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": world.profile_code,
        "language": "es",
        "timezone": "",
        "sessions": world.session_ids,
        "privacy_accepted": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _mails(app: Flask, kind: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = (
            db.select(OutboxMessage)
            .where(OutboxMessage.ical_method == "")
            .order_by(OutboxMessage.id)
        )
        if kind:
            query = query.filter_by(kind=kind)
        return detached(list(db.session.scalars(query)))


def _registration(app: Flask, email: str) -> dict[str, Any]:
    with app.app_context():
        reg = db.session.scalars(db.select(Registration).filter_by(email=email)).one()
        return {
            "id": reg.id,
            "status": reg.status,
            "profile": reg.profile.code if reg.profile else None,
            "sessions": [s.id for s in reg.sessions],
            "timezone": reg.timezone,
            "country": reg.country_code,
            "observer": reg.observer_organization,
            "language": reg.language,
            "consent": reg.consent_to_list,
            "token": public_token(reg),
        }


def _register(app: Flask, slug: str, **fields: Any) -> str:
    """A registration made through the service; returns its public token."""
    with app.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=slug)).one()
        reg = services.register(series, registration_data(**fields))
        token = public_token(reg)
        db.session.commit()
        return token


def _errors_of(response: TestResponse, field: str) -> str:
    """The text of the error list shown beside `field`."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<ul class="field-error" id="{field}-errors">(.*?)</ul>', html, re.S)
    assert found, f"no error beside {field}"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


# --- the form ----------------------------------------------------------------------------------


def test_form_speaks_the_page_language(app: Flask, client: FlaskClient, world: World) -> None:
    spanish = client.get(f"/series/{world.slug}/register?lang=es")
    html = spanish.get_data(as_text=True)
    assert spanish.status_code == 200
    assert '<html lang="es">' in html
    assert "Webinario de fronteras" in html
    assert "lunes, 4 de marzo de 2030" in html and "09:00–11:00" in html  # series' zone
    assert re.search(
        r'<input checked id="language-0" name="language" type="radio" value="es">', html
    )
    assert '<option value="MX">México</option>' in html
    # Every session ticked, the consent not ticked, the zone "from my country".
    for session_id in world.session_ids:
        assert re.search(
            rf'<input checked id="sessions-\d" name="sessions" type="checkbox" value="{session_id}">',
            html,
        )
    assert re.search(
        r'<input (aria-describedby="consent_to_list-help" )?id="consent_to_list"'
        r' name="consent_to_list" type="checkbox" value="y">',
        html,
    )
    assert re.search(r'<option selected value="">', html)

    english = (
        app.test_client()  # a new visitor: no language remembered from the first one
        .get(f"/series/{world.slug}/register", headers={"Accept-Language": "en-US,en;q=0.9"})
        .get_data(as_text=True)
    )
    assert '<html lang="en">' in english
    assert "Border webinar" in english and "Monday, March 4, 2030" in english
    assert re.search(
        r'<input checked id="language-1" name="language" type="radio" value="en">', english
    )
    for text in (
        "First name",
        "Observer organization",
        "Organization (observers only)",
        "Prosecutors",
        "With judicial functions",
        "Other",
        "Privacy notice",
        "I have read the privacy notice",
        "Mexico City time (UTC−6)",
    ):
        assert text in english


@pytest.mark.parametrize(
    ("mode", "status", "kind", "page_text"),
    [
        (
            ApprovalMode.AUTOMATIC,
            S.CONFIRMED,
            "registration.confirmed",
            "Your registration is confirmed.",
        ),
        (
            ApprovalMode.ORGANIZER,
            S.PENDING,
            "registration.received",
            "waiting for approval by the organizers",
        ),
        (
            ApprovalMode.FOCAL_POINT,
            S.PENDING,
            "registration.received",
            "the national focal point of your country",
        ),
    ],
)
def test_registering_creates_the_registration_and_its_email(
    app: Flask, client: FlaskClient, world: World, mode, status, kind, page_text
) -> None:
    with app.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=world.slug)).one()
        series.approval_mode = mode
        db.session.commit()
    response = client.post(
        f"/series/{world.slug}/register?lang=en",
        data=_form(world, email="Ana.Perez@Example.GOV", language="es", consent_to_list="y"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/series/{world.slug}/registered"
    assert "perez" not in response.headers["Location"].lower()

    reg = _registration(app, "ana.perez@example.gov")
    assert reg["status"] == status
    assert reg["profile"] == "prosecutor" and reg["country"] == "CR"
    assert reg["sessions"] == world.session_ids
    assert reg["timezone"] == "America/Costa_Rica" and reg["language"] == "es" and reg["consent"]

    thanks = client.get(response.headers["Location"])
    body = thanks.get_data(as_text=True)
    assert thanks.status_code == 200
    # The page tells nothing of the registration: whoever sent the form may not own the
    # address. The state and the private link go to the address only.
    assert page_text not in body and "ana.perez@example.gov" not in body
    assert "We have sent an e-mail to the address you gave" in body
    assert reg["token"] not in body and "/r/" not in body
    assert thanks.headers["Cache-Control"] == "no-store"

    [mail] = _mails(app)
    assert (
        mail.kind == kind and mail.language == "es" and mail.to_address == "ana.perez@example.gov"
    )
    assert mail.subject.endswith("Webinario de fronteras")
    for body in (mail.body_text, mail.body_html):
        path = MANAGE_LINK.search(body).group(1)
        assert path == f"/r/{reg['token']}"
    assert "lunes, 4 de marzo de 2030" in mail.body_text


def test_observer_organization_and_a_chosen_zone_and_session(
    app: Flask, client: FlaskClient, world: World
) -> None:
    response = client.post(
        f"/series/{world.slug}/register",
        data=_form(
            world,
            country="observer",
            observer_organization="UNHCR",
            profile="other",
            timezone="America/Mexico_City",
            sessions=[world.session_ids[1]],
            language="en",
        ),
    )
    assert response.status_code == 302
    reg = _registration(app, "ana.perez@example.gov")
    assert (reg["country"], reg["observer"], reg["profile"]) == (None, "UNHCR", None)
    assert reg["timezone"] == "America/Mexico_City"
    assert reg["sessions"] == [world.session_ids[1]]
    assert not reg["consent"]
    [mail] = _mails(app)
    assert mail.language == "en" and "Tuesday, March 5, 2030" in mail.body_text


def test_user_text_is_escaped_in_the_html_email(
    app: Flask, client: FlaskClient, world: World
) -> None:
    client.post(f"/series/{world.slug}/register", data=_form(world, first_name="<b>Ana</b>"))
    [mail] = _mails(app)
    assert "&lt;b&gt;Ana&lt;/b&gt;" in mail.body_html and "<b>Ana" not in mail.body_html
    assert "<b>Ana</b> Pérez" in mail.body_text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"last_name": None}, "last_name", "This field is required."),
        ({"last_name": "x" * 101}, "last_name", "100"),
        ({"institution": "x" * 201}, "institution", "200"),
        ({"position": "  "}, "position", "This field is required."),
        ({"email": "not-an-address"}, "email", "valid e-mail"),
        ({"email": "ana@"}, "email", "valid e-mail"),
        ({"email": ""}, "email", "This field is required."),
        ({"country": ""}, "country", "Observer organization"),
        ({"country": "FR"}, "country", "Choose a member country."),
        (
            {"country": "observer", "observer_organization": ""},
            "observer_organization",
            "name of your organization",
        ),
        (
            {"country": "observer", "observer_organization": "x" * 201},
            "observer_organization",
            "200",
        ),
        ({"profile": None}, "profile", "Choose the profile"),
        ({"profile": "astronaut"}, "profile", "profiles of this series"),
        ({"profile": "judge"}, "profile", "profiles of this series"),  # another series' profile
        ({"sessions": None}, "sessions", "at least one session"),
        ({"sessions": ["one"]}, "sessions", "Choose sessions from the list."),
        ({"sessions": "other"}, "sessions", "not part of this series"),
        ({"language": "fr"}, "language", "Spanish or English"),
        ({"timezone": "Mars/Olympus"}, "timezone", "valid time zone"),
        ({"privacy_accepted": None}, "privacy_accepted", "privacy notice"),
    ],
)
def test_each_bad_field_is_shown_beside_it_and_nothing_is_written(
    app: Flask, client: FlaskClient, world: World, overrides, field, message
) -> None:
    if overrides.get("sessions") == "other":
        overrides = {"sessions": [world.session_ids[0], world.other_session_id]}
    response = client.post(f"/series/{world.slug}/register", data=_form(world, **overrides))
    assert response.status_code == 200
    assert message in _errors_of(response, field)
    assert "Please correct the errors below." in response.get_data(as_text=True)
    assert _count(app, Registration) == 0
    assert _count(app, OutboxMessage) == 0


def test_the_form_keeps_what_was_typed_after_an_error(client: FlaskClient, world: World) -> None:
    html = client.post(
        f"/series/{world.slug}/register",
        data=_form(world, privacy_accepted=None, sessions=[world.session_ids[1]]),
    ).get_data(as_text=True)
    assert 'value="Fiscalía General"' in html
    assert re.search(
        rf'<input checked id="sessions-1" name="sessions" type="checkbox" value="{world.session_ids[1]}">',
        html,
    )
    assert re.search(
        rf'<input id="sessions-0" name="sessions" type="checkbox" value="{world.session_ids[0]}">',
        html,
    )


# --- when registration is not possible ---------------------------------------------------------


def test_closed_not_yet_open_draft_and_unknown_series(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        closed = factories.open_series(registration_closes_at=datetime(2021, 6, 1, 12, tzinfo=UTC))
        early = factories.open_series(registration_opens_at=datetime(2099, 1, 5, 15, tzinfo=UTC))
        draft = factories.open_series(status=SeriesStatus.DRAFT)
        finished = factories.open_series(status=SeriesStatus.CLOSED)
        db.session.commit()
        slugs = closed.slug, early.slug, draft.slug, finished.slug

    for method in (client.get, client.post):
        response = method(f"/series/{slugs[0]}/register", data=_form(world))
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Registration for this series is closed. It closed on June 1, 2021 at 06:00" in body
        assert 'name="first_name"' not in body

    body = client.get(f"/series/{slugs[1]}/register").get_data(as_text=True)
    assert "not open yet. It opens on January 5, 2099 at 09:00 (America/Costa_Rica)" in body
    body = client.post(f"/series/{slugs[3]}/register", data=_form(world)).get_data(as_text=True)
    assert "Registration for this series is closed." in body

    for slug in (slugs[2], "no-such-series"):
        assert client.get(f"/series/{slug}/register").status_code == 404
        assert client.post(f"/series/{slug}/register", data=_form(world)).status_code == 404
    assert _count(app, Registration) == 0


def test_the_series_page_links_to_the_form_only_while_open(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        closed = factories.open_series(registration_closes_at=datetime(2021, 6, 1, tzinfo=UTC))
        db.session.commit()
        closed_slug = closed.slug
    assert f'href="/series/{world.slug}/register"' in client.get(f"/series/{world.slug}").get_data(
        as_text=True
    )
    assert "/register" not in client.get(f"/series/{closed_slug}").get_data(as_text=True)


def test_the_thank_you_page_needs_a_registration_of_this_browser(
    client: FlaskClient, world: World
) -> None:
    response = client.get(f"/series/{world.slug}/registered")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/series/{world.slug}"


# --- one registration per address --------------------------------------------------------------


def test_a_registered_address_is_answered_as_a_new_one_and_told_by_e_mail(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """Enumeration (issue 12, item 7): the form used to answer "already registered" beside the
    field, telling anyone who typed an address that its owner had registered."""
    _register(
        app,
        world.slug,
        email="ana@example.gov",
        first_name="Zelophehad",
        institution="Hidden Office",
    )
    known = client.post(
        f"/series/{world.slug}/register", data=_form(world, email="ANA@example.gov")
    )
    new = client.post(
        f"/series/{world.slug}/register", data=_form(world, email="nobody@example.gov")
    )
    assert known.status_code == new.status_code == 302
    assert known.headers["Location"] == new.headers["Location"]
    assert client.get(known.headers["Location"]).status_code == 200
    assert _count(app, Registration) == 2
    [told] = _mails(app, "registration.already_registered")
    assert told.to_address == "ana@example.gov"
    token = _registration(app, "ana@example.gov")["token"]
    assert f"/r/{token}" in told.body_text


def test_resend_link_sends_only_to_a_registered_address_and_answers_the_same(
    app: Flask, client: FlaskClient, world: World
) -> None:
    token = _register(app, world.slug, email="ana@example.gov", language="en")
    registered = client.post(
        f"/series/{world.slug}/resend-link", data={"email": " Ana@Example.gov "}
    )
    unknown = client.post(f"/series/{world.slug}/resend-link", data={"email": "nobody@example.gov"})
    assert registered.status_code == unknown.status_code == 200
    assert registered.get_data() == unknown.get_data()
    assert b"If this address is registered for this series" in registered.get_data()

    [mail] = _mails(app, "registration.manage_link")
    assert mail.to_address == "ana@example.gov" and mail.language == "en"
    assert MANAGE_LINK.search(mail.body_text).group(1) == f"/r/{token}"
    assert MANAGE_LINK.search(mail.body_html).group(1) == f"/r/{token}"
    assert mail.subject == "Your private link: Border webinar"


def test_resend_link_for_another_series_or_a_bad_address_sends_nothing(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _register(app, world.slug, email="ana@example.gov")
    client.post(f"/series/{world.other_series_slug}/resend-link", data={"email": "ana@example.gov"})
    bad = client.post(f"/series/{world.slug}/resend-link", data={"email": "ana@"})
    assert bad.status_code == 200
    assert "valid e-mail" in _errors_of(bad, "email")
    assert _mails(app, "registration.manage_link") == []
    assert (
        client.post("/series/no-such-series/resend-link", data={"email": "a@b.org"}).status_code
        == 404
    )


def test_resend_link_is_rate_limited(client: FlaskClient, world: World) -> None:
    url = f"/series/{world.slug}/resend-link"
    codes = [client.post(url, data={"email": f"x{i}@example.gov"}).status_code for i in range(6)]
    assert codes == [200] * 5 + [429]


# --- the manage page ---------------------------------------------------------------------------


def test_the_manage_page_shows_the_registration_privately(
    app: Flask, client: FlaskClient, world: World
) -> None:
    token = _register(
        app,
        world.slug,
        email="ana@example.gov",
        first_name="Ana",
        last_name="Pérez",
        country_code="MX",
        institution="Instituto Nacional de Migración",
        position="Director",
        profile_code="prosecutor",
        language="en",
    )
    response = client.get(f"/r/{token}?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Ana Pérez",
        "ana@example.gov",
        "Mexico",
        "Instituto Nacional de Migración",
        "Director",
        "Prosecutors",
        "English",
        "America/Mexico_City",
        "Confirmed",
        "Your registration is confirmed.",
        "Monday, March 4, 2030",
        "Save my changes",
        f'href="/r/{token}/cancel"',
    ):
        assert text in html, text
    # 15:00 UTC: 09:00 in Mexico City and in Costa Rica in March 2030 (no DST in either), so
    # the series' time would only repeat the registrant's.
    assert "Time of the series:" not in html
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_a_bad_token_is_not_found(app: Flask, client: FlaskClient, world: World) -> None:
    token = _register(app, world.slug)
    assert client.get("/r/not-a-token").status_code == 404
    assert client.get(f"/r/{token[:-2]}xx").status_code == 404
    assert client.post(f"/r/{token}x/cancel").status_code == 404
    with app.app_context():
        reg = find_by_public_token(token)
        assert reg is not None and reg.status == S.CONFIRMED


def test_changing_sessions_and_profile(app: Flask, client: FlaskClient, world: World) -> None:
    token = _register(app, world.slug, email="ana@example.gov", language="en")
    response = client.post(
        f"/r/{token}", data={"profile": "prosecutor", "sessions": [world.session_ids[1]]}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/r/{token}"
    assert response.headers["Referrer-Policy"] == "same-origin"
    reg = _registration(app, "ana@example.gov")
    assert reg["sessions"] == [world.session_ids[1]] and reg["profile"] == "prosecutor"
    assert "Your changes are saved." in client.get(f"/r/{token}").get_data(as_text=True)
    [updated] = _mails(app, "registration.updated")
    assert updated.language == "en" and "Tuesday, March 5, 2030" in updated.body_text

    # The same choice again changes nothing and sends nothing.
    client.post(f"/r/{token}", data={"profile": "prosecutor", "sessions": [world.session_ids[1]]})
    assert len(_mails(app, "registration.updated")) == 1

    bad = client.post(f"/r/{token}", data={"profile": "prosecutor"})
    assert "at least one session" in _errors_of(bad, "sessions")
    bad = client.post(f"/r/{token}", data={"profile": "judge", "sessions": world.session_ids})
    assert "profiles of this series" in _errors_of(bad, "profile")
    assert _registration(app, "ana@example.gov")["sessions"] == [world.session_ids[1]]


def test_a_full_profile_is_refused_and_nothing_changes(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=world.slug)).one()
        series.profiles[0].min_per_country = 1
        series.profiles[0].max_per_country = 1
        db.session.commit()
    _register(app, world.slug, profile_code="prosecutor", country_code="CR")
    token = _register(
        app,
        world.slug,
        email="second@example.gov",
        profile_code="other",
        country_code="CR",
        language="en",
    )
    mails_before = len(_mails(app))

    response = client.post(
        f"/r/{token}", data={"profile": "prosecutor", "sessions": world.session_ids}
    )
    assert response.status_code == 200
    assert "no seat left for this choice" in _errors_of(response, "profile")
    reg = _registration(app, "second@example.gov")
    assert reg["profile"] is None and reg["status"] == S.CONFIRMED
    assert len(_mails(app)) == mails_before


def test_cancelling_frees_the_seat_for_the_first_on_the_waiting_list(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        series = db.session.scalars(db.select(Series).filter_by(slug=world.slug)).one()
        series.capacity = 1
        db.session.commit()
    token = _register(app, world.slug, email="first@example.gov", language="en")
    _register(app, world.slug, email="second@example.gov", language="en")
    _register(app, world.slug, email="third@example.gov")
    assert _registration(app, "second@example.gov")["status"] == S.WAITLISTED

    confirm = client.get(f"/r/{token}/cancel")
    assert confirm.status_code == 200
    assert "Yes, cancel my registration" in confirm.get_data(as_text=True)
    assert confirm.headers["Referrer-Policy"] == "same-origin"
    assert _registration(app, "first@example.gov")["status"] == S.CONFIRMED  # a GET changes nothing

    done = client.post(f"/r/{token}/cancel")
    assert done.status_code == 302 and done.headers["Location"] == f"/r/{token}"
    assert _registration(app, "first@example.gov")["status"] == S.CANCELLED
    assert _registration(app, "second@example.gov")["status"] == S.CONFIRMED
    assert _registration(app, "third@example.gov")["status"] == S.WAITLISTED
    [cancelled] = _mails(app, "registration.cancelled")
    assert cancelled.to_address == "first@example.gov"
    [promoted] = _mails(app, "registration.promoted")
    assert promoted.to_address == "second@example.gov" and promoted.language == "en"
    assert "A seat has freed and it is yours" in promoted.body_text


def test_a_closed_registration_is_read_only(app: Flask, client: FlaskClient, world: World) -> None:
    token = _register(app, world.slug, email="ana@example.gov", language="en")
    client.post(f"/r/{token}/cancel")
    html = client.get(f"/r/{token}?lang=en").get_data(as_text=True)
    assert "Your registration is cancelled." in html
    assert "Save my changes" not in html and f"/r/{token}/cancel" not in html
    assert client.get(f"/r/{token}/cancel").status_code == 302

    refused = client.post(
        f"/r/{token}", data={"profile": "other", "sessions": [world.session_ids[0]]}
    )
    assert refused.status_code == 200
    assert "already closed" in refused.get_data(as_text=True)
    reg = _registration(app, "ana@example.gov")
    assert reg["status"] == S.CANCELLED and reg["profile"] is None
    assert reg["sessions"] == world.session_ids
    assert len(_mails(app, "registration.cancelled")) == 1
    client.post(f"/r/{token}/cancel")
    assert len(_mails(app, "registration.cancelled")) == 1


def test_a_rejection_reason_is_shown(app: Flask, client: FlaskClient, world: World) -> None:
    token = _register(app, world.slug, email="ana@example.gov", language="en")
    with app.app_context():
        services.reject(find_by_public_token(token), "Not a member <of> the group")
        db.session.commit()
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Not accepted" in html and "Not a member &lt;of&gt; the group" in html
    assert "Save my changes" not in html


def test_the_private_page_speaks_the_registrants_language(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """The link in the e-mails carries no language: an official who registered in Spanish and
    opens it in an English browser reads Spanish, unless they switch."""
    with app.app_context():
        series = db.session.scalar(db.select(Series).filter_by(slug=world.slug))
        registration = services.register(series, registration_data(language="es"))
        db.session.commit()
        url = f"/r/{public_token(registration)}"
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    page = client.get(f"{url}?lang=en", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page
