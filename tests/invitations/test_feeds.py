"""Calendar feeds: a series' public calendar, one session's .ics, a registrant's private feed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.http import http_date

from webinars.extensions import db
from webinars.invitations.flow import sync_registration
from webinars.mail.models import OutboxMessage
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.notifications import notify
from webinars.registration.tokens import new_secret, public_token
from webinars.series.models import Series, SeriesStatus
from webinars.sessions.models import AgendaKind, EventSession, RoleKind, SessionStatus
from webinars.sessions.services import cancel_session, reschedule_session

from ..factories import make_agenda_item, make_person, make_role, make_series, make_session
from ..ical_checks import check_itip

SERIES_LINK = "https://zoom.example/j/series-secret"
OWN_LINK = "https://teams.example/l/session-own-secret"
DAY_1 = datetime(2030, 9, 8, 15, 0, tzinfo=UTC)
#: What the feed's LAST-MODIFIED values are set to; the series itself changed earlier.
SERIES_CHANGED = datetime(2030, 1, 2, 10, 0, tzinfo=UTC)
MODIFIED = [
    datetime(2030, 2, 1, 12, 0, tzinfo=UTC),
    datetime(2030, 2, 3, 8, 30, tzinfo=UTC),
    datetime(2030, 2, 2, 9, 15, tzinfo=UTC),
]


@contextmanager
def building(app: Flask) -> Iterator[None]:
    """Rows made inside are committed; requests then run in their own app context."""
    with app.app_context():
        yield
        db.session.commit()


@dataclass(frozen=True)
class World:
    slug: str
    draft_slug: str
    #: Session ids in time order (the public page's numbers 1, 2, 3).
    session_ids: list[int]


def _series(slug: str) -> Series:
    return db.session.execute(db.select(Series).filter_by(slug=slug)).scalar_one()


def _sessions(world: World) -> list[EventSession]:
    return [db.session.get(EventSession, i) for i in world.session_ids]


@pytest.fixture
def world(app: Flask) -> World:
    """Three daily sessions, created out of order; the second has its own link and an
    agenda, the third is cancelled; and a draft series."""
    with building(app):
        series = make_series(
            slug="smuggling",
            title_en="Regional exchange on migrant smuggling",
            title_es="Intercambio regional sobre tráfico ilícito de migrantes",
            conference_url=SERIES_LINK,
        )
        made = {
            day: make_session(
                series,
                start_at=DAY_1 + timedelta(days=day),
                topic_en=f"Topic {day + 1}",
                topic_es=f"Tema {day + 1}",
                modified_at=MODIFIED[day],
                ical_sequence=day,
            )
            for day in (2, 0, 1)
        }
        made[1].conference_url = OWN_LINK
        made[2].status = SessionStatus.CANCELLED
        item = make_agenda_item(
            made[1],
            kind=AgendaKind.PANEL,
            title_en="Panel on investigations",
            title_es="Panel sobre investigaciones",
        )
        make_role(kind=RoleKind.PANELIST, agenda_item=item, person=make_person(name="Raúl Fuentes"))
        make_role(
            kind=RoleKind.MODERATOR, event_session=made[1], person=make_person(name="Ana Gil")
        )
        series.updated_at = SERIES_CHANGED
        draft = make_series(slug="draft-series", status=SeriesStatus.DRAFT)
        make_session(draft)
        ids = [made[day].id for day in (0, 1, 2)]
    return World(slug="smuggling", draft_slug="draft-series", session_ids=ids)


def _register(
    app: Flask, world: World, status: RegistrationStatus, *, numbers: tuple[int, ...] = (2, 3)
) -> str:
    """A registration in Spanish choosing the sessions numbered `numbers`; its token."""
    with building(app):
        sessions = _sessions(world)
        registration = Registration(
            series=_series(world.slug),
            email=f"{status.value}@fiscalia.example",
            first_name="Ana",
            last_name="Pérez",
            country_code="CR",
            institution="Fiscalía General",
            position="Fiscal",
            language="es",
            timezone="America/Toronto",
            status=status,
            manage_token=new_secret(),
            sessions=[sessions[n - 1] for n in numbers],
        )
        db.session.add(registration)
        db.session.flush()
        token = public_token(registration)
    return token


def _get(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def _uid(event: Any) -> str:
    return str(event["UID"])


def _calendar_zones_are_defined(body: bytes) -> None:
    """Every TZID the calendar uses has its VTIMEZONE; the builders use UTC, so none is used."""
    calendar = icalendar.Calendar.from_ical(body)
    defined = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    used = {m.decode() for m in re.findall(rb"TZID=\"?([^\";:]+)", body)}
    assert used <= defined, used - defined
    assert b"TZID" not in body


# --- the public feed of a series -------------------------------------------------------------


def test_series_feed_has_every_session_with_the_invitations_identity(
    app: Flask, world: World, client: FlaskClient
) -> None:
    response = _get(client, f"/series/{world.slug}/calendar.ics?lang=en")
    assert response.headers["Content-Disposition"] == "inline; filename=smuggling.ics"
    body = response.data
    events = check_itip(body, "PUBLISH")
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Regional exchange on migrant smuggling"
    with app.app_context():
        sessions = _sessions(world)
        assert [_uid(e) for e in events] == [s.ical_uid for s in sessions]
        for event_, session in zip(events, sessions, strict=True):
            assert event_.decoded("SEQUENCE") == session.ical_sequence
            assert event_.decoded("LAST-MODIFIED") == session.modified_at
            assert event_.decoded("DTSTART") == session.start_at
            assert event_.decoded("DTEND") == session.end_at
            assert str(event_["ORGANIZER"]) == f"mailto:{app.config['ORGANIZER_EMAIL']}"
            assert "ATTENDEE" not in event_
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    # The topic leads, so that a narrow calendar view still shows what the session is about.
    assert str(events[0]["SUMMARY"]) == "Topic 1 · Regional exchange on migrant smuggling"
    description = str(events[1]["DESCRIPTION"])
    assert "Panel on investigations" in description and "Raúl Fuentes" in description
    assert response.headers["Last-Modified"] == http_date(max(MODIFIED))


def test_series_feed_follows_a_change_of_the_session(
    app: Flask, world: World, client: FlaskClient
) -> None:
    before = _get(client, f"/series/{world.slug}/calendar.ics")
    moved_at = datetime(2030, 3, 1, 17, 45, 12, tzinfo=UTC)
    with building(app):
        first = _sessions(world)[0]
        first.start_at += timedelta(hours=1)
        first.end_at += timedelta(hours=1)
        first.ical_sequence += 1
        first.modified_at = moved_at
    after = _get(
        client,
        f"/series/{world.slug}/calendar.ics",
        headers={"If-None-Match": before.headers["ETag"]},
    )
    events = check_itip(after.data, "PUBLISH")
    with app.app_context():
        first = _sessions(world)[0]
        moved = next(e for e in events if _uid(e) == first.ical_uid)
        assert moved.decoded("SEQUENCE") == first.ical_sequence == 1
        assert moved.decoded("LAST-MODIFIED") == moved_at
        assert moved.decoded("DTSTART") == DAY_1 + timedelta(hours=1)
    assert after.headers["Last-Modified"] == http_date(moved_at)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_feeds_agree_with_the_invitations_after_a_reschedule_and_a_cancellation(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """The series' services move and cancel sessions; the feeds show what the invitees got."""
    token = _register(app, world, RegistrationStatus.CONFIRMED, numbers=(1, 2))
    with building(app):
        sync_registration(db.session.execute(db.select(Registration)).scalar_one())
    before = _get(client, f"/series/{world.slug}/calendar.ics")
    moved_to = DAY_1 + timedelta(days=1, hours=2)
    with building(app):
        first, second, _third = _sessions(world)
        reschedule_session(second, start=moved_to, end=moved_to + timedelta(hours=2))
        cancel_session(first)
    public = _get(
        client,
        f"/series/{world.slug}/calendar.ics",
        headers={"If-None-Match": before.headers["ETag"]},
    )
    private = _get(client, f"/r/{token}/calendar.ics")
    with app.app_context():
        first, second, _third = _sessions(world)
        assert (first.ical_sequence, second.ical_sequence) == (1, 2)
        sent = {
            m.session_id: m
            for m in db.session.scalars(
                db.select(OutboxMessage)
                .where(OutboxMessage.ical_method != "")
                .order_by(OutboxMessage.id)
            )
        }
        for body in (public.data, private.data):
            events = {_uid(e): e for e in check_itip(body, "PUBLISH")}
            for changed in (first, second):
                event_ = events[changed.ical_uid]
                assert event_.decoded("SEQUENCE") == changed.ical_sequence
                assert event_.decoded("LAST-MODIFIED") == changed.modified_at.replace(microsecond=0)
                assert event_.decoded("DTSTART") == changed.start_at
                # The invitee's last message about the session says the same.
                (invited,) = check_itip(
                    sent[changed.id].ical.encode(), sent[changed.id].ical_method
                )
                assert _uid(invited) == changed.ical_uid
                assert invited.decoded("SEQUENCE") == event_.decoded("SEQUENCE")
                assert invited.decoded("DTSTART") == event_.decoded("DTSTART")
                assert str(invited["STATUS"]) == str(event_["STATUS"])
            assert str(events[first.ical_uid]["STATUS"]) == "CANCELLED"
            assert events[second.ical_uid].decoded("DTSTART") == moved_to
        assert sent[first.id].ical_method == "CANCEL"


def test_series_feed_answers_conditional_requests_with_304(
    app: Flask, world: World, client: FlaskClient
) -> None:
    url = f"/series/{world.slug}/calendar.ics?lang=en"
    first = _get(client, url)
    assert first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304 and since.data == b""
    earlier = http_date(max(MODIFIED) - timedelta(seconds=1))
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
    # The Spanish feed is another representation: the English ETag does not match it.
    spanish = client.get(
        f"/series/{world.slug}/calendar.ics?lang=es",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert spanish.status_code == 200
    # A text change (a new agenda item) changes the bytes, hence the ETag.
    with building(app):
        make_agenda_item(_sessions(world)[0], title_en="Closing", title_es="Cierre")
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"Closing" in changed.data


def test_series_feed_in_spanish(world: World, client: FlaskClient) -> None:
    body = _get(client, f"/series/{world.slug}/calendar.ics?lang=es").data
    events = check_itip(body, "PUBLISH")
    calendar = icalendar.Calendar.from_ical(body)
    assert (
        str(calendar["X-WR-CALNAME"]) == "Intercambio regional sobre tráfico ilícito de migrantes"
    )
    # The series' title, too long to follow the topic whole, is cut at a word.
    assert [str(e["SUMMARY"]) for e in events] == [
        f"Tema {n} · Intercambio regional sobre tráfico…" for n in (1, 2, 3)
    ]
    assert "Intercambio regional sobre tráfico ilícito de migrantes" in str(
        events[0]["DESCRIPTION"]
    )
    assert "Panel sobre investigaciones" in str(events[1]["DESCRIPTION"])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_public_feeds_never_carry_the_conference_link(
    world: World, client: FlaskClient, lang: str
) -> None:
    urls = [f"/series/{world.slug}/calendar.ics"] + [
        f"/series/{world.slug}/sessions/{n}.ics" for n in (1, 2, 3)
    ]
    for url in urls:
        body = _get(client, f"{url}?lang={lang}").data
        unfolded = body.replace(b"\r\n ", b"")
        assert b"secret" not in unfolded, url
        for event_ in check_itip(body, "PUBLISH"):
            assert "URL" not in event_ and "LOCATION" not in event_


def test_drafts_and_unknown_series_are_404(world: World, client: FlaskClient) -> None:
    for slug in (world.draft_slug, "no-such-series"):
        assert client.get(f"/series/{slug}/calendar.ics").status_code == 404
        assert client.get(f"/series/{slug}/sessions/1.ics").status_code == 404


# --- one session ----------------------------------------------------------------------------


def test_session_ics_is_the_numbered_session_as_an_attachment(
    app: Flask, world: World, client: FlaskClient
) -> None:
    response = _get(client, f"/series/{world.slug}/sessions/2.ics?lang=en")
    assert response.headers["Content-Disposition"] == "attachment; filename=smuggling-2.ics"
    (event_,) = check_itip(response.data, "PUBLISH", one_event=True)
    with app.app_context():
        second = _sessions(world)[1]
        assert _uid(event_) == second.ical_uid
        assert event_.decoded("SEQUENCE") == second.ical_sequence
        assert event_.decoded("LAST-MODIFIED") == second.modified_at
    assert str(event_["SUMMARY"]) == "Topic 2 · Regional exchange on migrant smuggling"
    assert str(event_["STATUS"]) == "CONFIRMED"
    cancelled = _get(client, f"/series/{world.slug}/sessions/3.ics").data
    (event_,) = check_itip(cancelled, "PUBLISH", one_event=True)
    assert str(event_["STATUS"]) == "CANCELLED"
    etag = response.headers["ETag"]
    assert (
        client.get(
            f"/series/{world.slug}/sessions/2.ics?lang=en", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )


@pytest.mark.parametrize("number", ["0", "4", "-1", "x"])
def test_session_ics_with_a_bad_number_is_404(
    world: World, client: FlaskClient, number: str
) -> None:
    assert client.get(f"/series/{world.slug}/sessions/{number}.ics").status_code == 404


# --- the private feed of a registrant --------------------------------------------------------


def test_private_feed_of_a_confirmed_registrant(
    app: Flask, world: World, client: FlaskClient
) -> None:
    token = _register(app, world, RegistrationStatus.CONFIRMED)
    # The registrant's language (Spanish), whatever the request asks for.
    response = _get(client, f"/r/{token}/calendar.ics?lang=en")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    events = check_itip(response.data, "PUBLISH")
    with app.app_context():
        sessions = _sessions(world)
        assert [_uid(e) for e in events] == [sessions[1].ical_uid, sessions[2].ical_uid]
        assert [e.decoded("SEQUENCE") for e in events] == [1, 2]
    second, cancelled = events
    assert str(second["SUMMARY"]).startswith("Tema 2 · ")
    assert OWN_LINK in str(second["DESCRIPTION"])
    assert str(second["URL"]) == OWN_LINK and str(second["LOCATION"]) == OWN_LINK
    # A read-only link, never the private one that can cancel (calendars get shared).
    description = str(second["DESCRIPTION"]).replace("\n", "")
    assert "/r/view/" in description and f"/r/{token}" not in description
    # A cancelled session stays, cancelled and without a link to a meeting that will not be.
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "URL" not in cancelled and SERIES_LINK not in str(cancelled["DESCRIPTION"])
    calendar = icalendar.Calendar.from_ical(response.data)
    assert "Intercambio regional" in str(calendar["X-WR-CALNAME"])


def test_private_feed_of_a_pending_registrant_has_no_link(
    app: Flask, world: World, client: FlaskClient
) -> None:
    token = _register(app, world, RegistrationStatus.PENDING, numbers=(1, 2))
    body = _get(client, f"/r/{token}/calendar.ics").data
    events = check_itip(body, "PUBLISH")
    assert len(events) == 2
    unfolded = body.replace(b"\r\n ", b"")
    assert b"secret" not in unfolded
    assert all("URL" not in e and "LOCATION" not in e for e in events)


@pytest.mark.parametrize(
    "status",
    [RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED, RegistrationStatus.WAITLISTED],
)
def test_private_feed_without_a_seat_cancels_the_events(
    app: Flask, world: World, client: FlaskClient, status: RegistrationStatus
) -> None:
    """Not an empty VCALENDAR (RFC 5545 needs a component): the same events, CANCELLED, with a
    SEQUENCE above the one the feed showed while the seat was held."""
    token = _register(app, world, status)
    response = _get(client, f"/r/{token}/calendar.ics")
    events = check_itip(response.data, "PUBLISH")
    with app.app_context():
        sessions = _sessions(world)
        assert [_uid(e) for e in events] == [sessions[1].ical_uid, sessions[2].ical_uid]
        assert [e.decoded("SEQUENCE") for e in events] == [
            sessions[1].ical_sequence + 1,
            sessions[2].ical_sequence + 1,
        ]
    assert [str(e["STATUS"]) for e in events] == ["CANCELLED", "CANCELLED"]
    unfolded = response.data.replace(b"\r\n ", b"")
    assert b"secret" not in unfolded
    assert all("URL" not in e and "LOCATION" not in e for e in events)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_private_feed_with_a_bad_token_is_404(
    app: Flask, world: World, client: FlaskClient
) -> None:
    token = _register(app, world, RegistrationStatus.CONFIRMED)
    assert client.get("/r/not-a-token/calendar.ics").status_code == 404
    assert client.get(f"/r/{token[:-2]}xx/calendar.ics").status_code == 404


# --- time zones -----------------------------------------------------------------------------


def test_no_feed_uses_a_zone_without_its_vtimezone(
    app: Flask, world: World, client: FlaskClient
) -> None:
    token = _register(app, world, RegistrationStatus.CONFIRMED)
    urls = [
        f"/series/{world.slug}/calendar.ics?lang=es",
        f"/series/{world.slug}/sessions/1.ics",
        f"/r/{token}/calendar.ics",
    ]
    for url in urls:
        body = _get(client, url).data
        check_itip(body, "PUBLISH")
        _calendar_zones_are_defined(body)


def test_the_zone_check_catches_a_tzid_without_vtimezone() -> None:
    """The check above would fail if a builder ever wrote local times without their zone."""
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:a@b\r\nDTSTAMP:20300101T000000Z\r\n"
        b"DTSTART;TZID=America/Costa_Rica:20300101T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(AssertionError, match="America/Costa_Rica"):
        _calendar_zones_are_defined(body)


# --- fixed number of queries ----------------------------------------------------------------


def _queries_for(app: Flask, client: FlaskClient, url: str) -> int:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        _get(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_feeds_issue_a_fixed_number_of_queries(
    app: Flask, world: World, client: FlaskClient
) -> None:
    token = _register(app, world, RegistrationStatus.CONFIRMED)
    urls = [f"/series/{world.slug}/calendar.ics", f"/r/{token}/calendar.ics"]
    before = [_queries_for(app, client, url) for url in urls]
    with building(app):
        series = _series(world.slug)
        registration = db.session.execute(db.select(Registration)).scalar_one()
        for n in range(4):
            extra = make_session(series, start_at=DAY_1 + timedelta(days=10 + n))
            item = make_agenda_item(extra)
            make_role(kind=RoleKind.SPEAKER, agenda_item=item, person=make_person())
            make_role(kind=RoleKind.MODERATOR, event_session=extra, person=make_person())
            registration.sessions.append(extra)
    assert [_queries_for(app, client, url) for url in urls] == before


# --- links to the feeds ---------------------------------------------------------------------


def test_series_page_links_to_the_feed_and_each_session(
    app: Flask, world: World, client: FlaskClient
) -> None:
    page = client.get(f"/series/{world.slug}?lang=es").get_data(as_text=True)
    base = app.config["PUBLIC_BASE_URL"]
    host = base.split("://", 1)[1]
    feed = f"/series/{world.slug}/calendar.ics?lang=es"
    assert f'href="webcal://{host}{feed}"' in page
    assert f'href="{base}{feed}"' in page
    for number in (1, 2, 3):
        link = f"/series/{world.slug}/sessions/{number}.ics?lang=es"
        assert f'href="{link}"' in page
        (event_,) = check_itip(_get(client, link).data, "PUBLISH", one_event=True)
        assert str(event_["SUMMARY"]).startswith(f"Tema {number} · ")


def test_manage_page_links_to_the_private_feed_while_the_registration_holds_a_seat(
    app: Flask, world: World, client: FlaskClient
) -> None:
    token = _register(app, world, RegistrationStatus.CONFIRMED)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    feed = f"{app.config['PUBLIC_BASE_URL']}/r/{token}/calendar.ics"
    assert f'href="{feed}"' in page
    assert f'href="webcal://{feed.split("://", 1)[1]}"' in page
    with building(app):
        db.session.execute(
            db.select(Registration)
        ).scalar_one().status = RegistrationStatus.CANCELLED
    assert "/calendar.ics" not in client.get(f"/r/{token}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "event_name", "linked"),
    [
        (RegistrationStatus.CONFIRMED, "confirmed", True),
        (RegistrationStatus.PENDING, "received", True),
        (RegistrationStatus.WAITLISTED, "waitlisted", False),
        (RegistrationStatus.CANCELLED, "cancelled", False),
    ],
)
def test_registration_email_carries_the_private_feed_only_with_a_seat(
    app: Flask,
    world: World,
    client: FlaskClient,
    status: RegistrationStatus,
    event_name: str,
    linked: bool,
) -> None:
    token = _register(app, world, status)
    with building(app):
        notify(db.session.execute(db.select(Registration)).scalar_one(), event_name)
    with app.app_context():
        message = db.session.execute(db.select(OutboxMessage)).scalar_one()
        text, html = message.body_text, message.body_html
    feed = f"{app.config['PUBLIC_BASE_URL']}/r/{token}/calendar.ics"
    assert (feed in text) is linked
    assert (f'href="{feed}"' in html) is linked
    # The manage link keeps its own paragraph after the feed line.
    assert re.search(rf"\n\n.+\n\S+/r/{re.escape(token)}\?lang=es\n", text)
    if linked:
        assert f"{feed}\n\n" in text
        body = _get(client, feed.removeprefix(app.config["PUBLIC_BASE_URL"])).data
        assert len(check_itip(body, "PUBLISH")) == 2
