"""Every staff URL, requested as every kind of visitor: a table of who gets what.

The table is checked against the app's URL map, so a new staff page without an entry here
fails the suite instead of going unguarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from webinars.accounts.models import StaffRole
from webinars.demo.loader import DEMO_PASSWORD
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token
from webinars.series.models import Series, SeriesStatus
from webinars.sessions.models import RoleKind

from .. import factories

VISITORS = (
    "anonymous",
    "link_holder",  # a registrant who opened their private manage link: not staff
    "focal_point",  # of the registrant's country
    "focal_point_other",  # of another country
    "facilitator_other",  # of another series
    "facilitator",
    "organizer",
    "admin",
)
NOT_STAFF = {"anonymous", "link_holder"}
FOCAL_POINTS = {"focal_point", "focal_point_other"}
EVERY_STAFF = {*FOCAL_POINTS, "facilitator_other", "facilitator", "organizer", "admin"}
MANAGERS = {"organizer", "admin"}
SERIES_VIEWERS = {*FOCAL_POINTS, "facilitator", "organizer", "admin"}  # focal: public series
SESSION_VIEWERS = {"facilitator", "organizer", "admin"}
DELEGATES = {*FOCAL_POINTS, "organizer", "admin"}
#: Pages that list people: a visitor outside these sets must not see the registrant on them.
PERSONAL_DATA_PAGES = {
    "staff.registrations": {"focal_point", "facilitator", "organizer", "admin"},
    "staff.participants": {"focal_point", "facilitator", "organizer", "admin"},
    "staff.participants_download": {"focal_point", "facilitator", "organizer", "admin"},
    "staff.session_attendance": SESSION_VIEWERS,
    "staff.session_check_in": SESSION_VIEWERS,
    "staff.participant": {"focal_point", "organizer", "admin"},
}

#: endpoint -> the visitors that get 200 on GET (on POST for POST-only endpoints, whose GET
#: answers 405 to everyone); everyone else on staff gets 403.
ALLOWED: dict[str, set[str]] = {
    "staff.dashboard": EVERY_STAFF,
    "staff.series_detail": SERIES_VIEWERS,
    "staff.session_detail": SESSION_VIEWERS,
    "staff.people": MANAGERS,
    "staff.series_new": MANAGERS,
    "staff.series_edit": MANAGERS,
    "staff.series_delete": MANAGERS,
    "staff.series_publication": MANAGERS,
    "staff.series_duplicate": MANAGERS,
    "staff.session_new": MANAGERS,
    "staff.sessions_recurring": MANAGERS,
    "staff.session_edit": MANAGERS,
    "staff.session_delete": MANAGERS,
    "staff.profile_new": MANAGERS,
    "staff.profile_edit": MANAGERS,
    "staff.profile_delete": MANAGERS,
    "staff.agenda_item_new": MANAGERS,
    "staff.agenda_item_edit": MANAGERS,
    "staff.agenda_item_delete": MANAGERS,
    "staff.role_new": MANAGERS,
    "staff.role_delete": MANAGERS,
    "staff.person_new": MANAGERS,
    "staff.person_edit": MANAGERS,
    "staff.person_delete": MANAGERS,
    "staff.registrations": SERIES_VIEWERS,
    "staff.registration_reject": MANAGERS,  # focal points only when they approve (not here)
    "staff.registration_approve": MANAGERS,
    "staff.registration_cancel": MANAGERS,
    "staff.registrations_batch": MANAGERS,  # focal points: their country, when they approve
    "staff.quotas": SERIES_VIEWERS,
    "staff.quotas_csv": SERIES_VIEWERS,
    "staff.quotas_remind": MANAGERS,
    "staff.delegation": DELEGATES,
    "staff.delegation_template": DELEGATES,
    "staff.delegation_upload": DELEGATES,
    "staff.outbox": MANAGERS,
    "staff.outbox_message": MANAGERS,
    "staff.outbox_eml": MANAGERS,
    "staff.outbox_resend": MANAGERS,
    "staff.session_invitations": SESSION_VIEWERS,
    "staff.session_cancel": MANAGERS,
    "staff.session_send_update": MANAGERS,
    "staff.session_attendance": SESSION_VIEWERS,
    "staff.attendance_preview": SESSION_VIEWERS,
    "staff.attendance_import": SESSION_VIEWERS,
    "staff.attendance_resolve": SESSION_VIEWERS,
    "staff.session_check_in": SESSION_VIEWERS,
    "staff.session_check_in_toggle": SESSION_VIEWERS,
    "staff.participants": SERIES_VIEWERS,  # a focal point: their own country's rows
    "staff.participants_download": SERIES_VIEWERS,
    "staff.report": SERIES_VIEWERS,
    "staff.report_download": SERIES_VIEWERS,
    "staff.certificates_page": MANAGERS,
    "staff.audit_log": MANAGERS,
    "staff.registration_revoke_link": MANAGERS,
    "staff.outbox_html": MANAGERS,
    "staff.participant": {"focal_point", *MANAGERS},  # a focal point: their country's people
    "staff.participant_suggestions": {*FOCAL_POINTS, *MANAGERS},
    "staff.participant_same": {*FOCAL_POINTS, *MANAGERS},
    "staff.participant_distinct": {*FOCAL_POINTS, *MANAGERS},
    "staff.yearly_index": MANAGERS,
    "staff.yearly_report": MANAGERS,
    "staff.yearly_download": MANAGERS,
    "staff.directory": {*FOCAL_POINTS, *MANAGERS},  # and members of the directory
    "staff.directory_download": {*FOCAL_POINTS, *MANAGERS},
    "staff.directory_new": {*FOCAL_POINTS, *MANAGERS},
    "staff.directory_import": {*FOCAL_POINTS, *MANAGERS},
    "staff.directory_edit": {"focal_point", *MANAGERS},  # the entry is of Costa Rica
    "staff.directory_confirm": {"focal_point", *MANAGERS},
    "staff.directory_delete": {"focal_point", *MANAGERS},
    "staff.submissions": DELEGATES,  # a focal point: what is asked of their own country
    "staff.submission_request_new": MANAGERS,
    "staff.submission_page": {"focal_point", "organizer", "admin"},  # Costa Rica's
    "staff.submission_review": MANAGERS,
    "staff.submission_file": {"focal_point", "organizer", "admin"},
    "staff.submission_archive": MANAGERS,
    "staff.evaluation": MANAGERS,
    "staff.evaluation_question_add": MANAGERS,
    "staff.evaluation_question_delete": MANAGERS,
    "staff.evaluation_send": MANAGERS,
    "staff.session_materials": SESSION_VIEWERS,
    "staff.session_material_delete": SESSION_VIEWERS,
    "staff.session_materials_send": SESSION_VIEWERS,
}
#: Endpoints whose `fmt` is not "csv".
FORMATS = {
    "staff.report_download": "json",
    "staff.yearly_download": "json",
    "staff.directory_download": "vcf",
}


@dataclass
class World:
    urls: list[tuple[str, str, bool, bool]]  # (endpoint, url, accepts POST, POST only)
    emails: dict[str, str]
    series_id: int
    registration_id: int
    registrant_email: str
    manage_url: str


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        series = factories.make_series(
            slug="guarded",
            status=SeriesStatus.PUBLISHED,
            registration_opens_at=datetime(2020, 1, 1, tzinfo=UTC),
        )
        other = factories.make_series(slug="elsewhere")
        sitting = factories.make_session(series)
        item = factories.make_agenda_item(sitting)
        role = factories.make_role(kind=RoleKind.MODERATOR, event_session=sitting, note_en="X")
        profile = factories.make_profile(series)
        person = factories.make_person()
        registration = services.register(series, factories.registration_data(country_code="CR"))
        attendance = factories.make_attendance(sitting, registration)
        message = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.ical_method == "")
        ).one()
        documents = factories.make_documents(series, sitting)
        emails = {
            "focal_point": factories.make_user(StaffRole.FOCAL_POINT).email,
            "focal_point_other": factories.make_user(
                StaffRole.FOCAL_POINT, country_code="MX"
            ).email,
            "facilitator_other": factories.make_user(StaffRole.FACILITATOR, series=[other]).email,
            "facilitator": factories.make_user(StaffRole.FACILITATOR, series=[series]).email,
            "organizer": factories.make_user(StaffRole.ORGANIZER).email,
            "admin": factories.make_user(StaffRole.ADMIN).email,
        }
        values = {
            "slug": series.slug,
            "session_id": sitting.id,
            "item_id": item.id,
            "role_id": role.id,
            "profile_id": profile.id,
            "person_id": person.id,
            "registration_id": registration.id,
            "message_id": message.id,
            "attendance_id": attendance.id,
            "fmt": "csv",
            "participant_id": registration.participant_id,
            "year": 2030,
            "entry_id": factories.make_directory_entry(country_code="CR").id,
            "code": "CR",
            **{k: v for k, v in documents.items() if k != "material_file"},
        }
        db.session.commit()
        urls = []
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("staff."):
                continue
            arguments = {name: values[name] for name in rule.arguments}
            if "fmt" in arguments:
                arguments["fmt"] = FORMATS.get(rule.endpoint, "csv")
            url = rule.build(arguments, append_unknown=False)
            post_only = "GET" not in rule.methods
            urls.append((rule.endpoint, url[1], "POST" in rule.methods, post_only))
        return World(
            urls=urls,
            emails=emails,
            series_id=series.id,
            registration_id=registration.id,
            registrant_email=registration.email,
            manage_url=f"/r/{public_token(registration)}",
        )


def test_every_staff_endpoint_is_in_the_table(world: World) -> None:
    assert {endpoint for endpoint, *_ in world.urls} == set(ALLOWED)


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_exactly_what_the_table_says(
    app: Flask, client, auth, world: World, visitor: str
) -> None:
    if visitor == "link_holder":
        assert client.get(world.manage_url).status_code == 200
    elif visitor != "anonymous":
        assert auth.login(world.emails[visitor]).status_code == 302
    for endpoint, url, _, post_only in world.urls:
        response = client.get(url)
        body = response.get_data().decode("utf-8", "replace")  # a zip is not text
        if post_only:
            assert response.status_code == 405, url
        elif visitor in NOT_STAFF:
            assert response.status_code == 302, url
            assert "/login?next=" in response.headers["Location"], url
        elif visitor in ALLOWED[endpoint]:
            assert response.status_code == 200, (visitor, url)
        else:
            assert response.status_code == 403, (visitor, url)
        if endpoint in PERSONAL_DATA_PAGES and visitor not in PERSONAL_DATA_PAGES[endpoint]:
            assert world.registrant_email not in body, (visitor, url)


@pytest.mark.parametrize(
    "visitor",
    [
        "anonymous",
        "link_holder",
        "focal_point",
        "focal_point_other",
        "facilitator_other",
        "facilitator",
    ],
)
def test_forbidden_posts_change_nothing(
    app: Flask, client, auth, world: World, visitor: str
) -> None:
    if visitor == "link_holder":
        client.get(world.manage_url)
    elif visitor != "anonymous":
        auth.login(world.emails[visitor])
    for endpoint, url, accepts_post, _ in world.urls:
        if accepts_post and visitor not in ALLOWED[endpoint]:
            response = client.post(url, data={"slug": "hijacked", "title_en": "x", "name": "x"})
            assert response.status_code in (302, 403), (visitor, url)
    with app.app_context():
        series = db.session.get(Series, world.series_id)
        assert series is not None and series.slug == "guarded"
        assert len(series.sessions) == 1 and len(series.profiles) == 1
        assert len(series.sessions[0].agenda_items) == 1
        registration = db.session.get(Registration, world.registration_id)
        assert registration.status == RegistrationStatus.CONFIRMED
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 1


def test_objects_of_another_series_are_not_reachable_by_id(
    app: Flask, client, auth, world: World
) -> None:
    with app.app_context():
        other = db.session.execute(db.select(Series).filter_by(slug="elsewhere")).scalar_one()
        foreign = factories.make_session(other)
        db.session.commit()
        foreign_id = foreign.id
    auth.login(world.emails["organizer"])
    for suffix in ("", "/edit", "/delete", "/agenda/new", "/roles/new"):
        response = client.get(f"/staff/series/guarded/sessions/{foreign_id}{suffix}")
        assert response.status_code == 404, suffix


def test_every_id_in_a_staff_address_must_belong_to_its_series(
    app: Flask, client, auth, world: World
) -> None:
    """Each staff URL with an id, built with the id of an object of another series under this
    series' address, answers 404 to an admin (who may see both series): nothing is reached by
    swapping an id."""
    with app.app_context():
        other = db.session.execute(db.select(Series).filter_by(slug="elsewhere")).scalar_one()
        sitting = factories.make_session(other)
        foreign = {
            "session_id": sitting.id,
            "item_id": factories.make_agenda_item(sitting).id,
            "role_id": factories.make_role(
                kind=RoleKind.MODERATOR, event_session=sitting, note_en="Y"
            ).id,
            "profile_id": factories.make_profile(other).id,
        }
        registration = factories.make_registration(other)
        foreign["registration_id"] = registration.id
        foreign["attendance_id"] = factories.make_attendance(sitting, registration).id
        elsewhere = factories.make_documents(other, sitting)
        foreign.update({k: v for k, v in elsewhere.items() if k.endswith("_id")})
        db.session.commit()
        own = {
            "slug": "guarded",
            "session_id": db.session.get(Series, world.series_id).sessions[0].id,
            "fmt": "csv",
        }
        cases = []
        for rule in app.url_map.iter_rules():
            fixed = rule.defaults or {}
            ids = [name for name in rule.arguments if name in foreign and name not in fixed]
            if not rule.endpoint.startswith("staff.") or "slug" not in rule.arguments or not ids:
                continue
            for swapped in ids:
                values = {name: own.get(name, 0) for name in rule.arguments}
                values.update({name: foreign[name] for name in ids if name == swapped})
                for name in ids:
                    if name != swapped and name not in own:
                        values[name] = foreign[name]  # both foreign: the session check fires
                url = rule.build(values, append_unknown=False)[1]
                cases.append((rule.endpoint, swapped, url, "GET" in rule.methods))
    assert cases
    auth.login(world.emails["admin"])
    for endpoint, swapped, url, gettable in cases:
        response = client.get(url) if gettable else client.post(url, data={})
        assert response.status_code == 404, (endpoint, swapped, url, response.status_code)


# --- no page shows a link its reader may not follow ----------------------------------------------

#: The demo accounts, one per kind of member of staff (`flask demo load`).
DEMO_STAFF = {
    "focal_point": "focal.cr@demo.example",
    "facilitator": "facilitator@demo.example",
    "organizer": "organizer@demo.example",
}
#: Links to the same endpoint with other ids are alike: this many of each are followed.
SAMPLES_PER_ENDPOINT = 6


class _Links(HTMLParser):
    """The `href` of every `<a>` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _local_links(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(f"http://localhost{page_url}", href))
        if parts.scheme in ("http", "https") and parts.netloc == "localhost":
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _endpoint(app: Flask, url: str) -> str:
    parts = urlsplit(url)
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(parts.path, method="GET")[0]
    except HTTPException:
        return parts.path


@pytest.mark.parametrize("role", sorted(DEMO_STAFF))
def test_every_link_on_the_staff_pages_opens_for_its_reader(
    demo: Flask, client, auth, role: str
) -> None:
    """Crawl the staff area of the demo data as each kind of member of staff: every link on
    every page answers something other than 403 to the reader who was shown it."""
    assert auth.login(DEMO_STAFF[role], DEMO_PASSWORD).status_code == 302
    start = client.get("/staff/")
    queue = [("/staff/", start.get_data(as_text=True))]
    seen = {"/staff/"}
    per_endpoint: dict[str, int] = {}
    forbidden: list[tuple[str, str]] = []
    while queue:
        page_url, html = queue.pop(0)
        for link in _local_links(page_url, html):
            endpoint = _endpoint(demo, link)
            if link in seen or per_endpoint.get(endpoint, 0) >= SAMPLES_PER_ENDPOINT:
                continue
            seen.add(link)
            per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
            with client.get(link) as response:
                body = response.get_data()
                if response.status_code == 403:
                    forbidden.append((page_url, link))
                elif (
                    link.startswith("/staff/")
                    and response.status_code == 200
                    and response.content_type.startswith("text/html")
                ):
                    queue.append((link, body.decode()))
    assert "staff.registrations" in per_endpoint
    assert forbidden == []


# --- reports follow the focal point's country scope (issue 12, item 6) ---------------------------

#: Who reads a series' report, and the countries each must find in it (None: every country).
REPORT_READERS = {
    "focal_point": {"CR"},
    "focal_point_other": {"MX"},
    "facilitator": None,
    "organizer": None,
    "admin": None,
}


@pytest.mark.parametrize("visitor", sorted(REPORT_READERS))
def test_reports_show_a_focal_point_their_own_country_only(
    app: Flask, client, auth, visitor: str
) -> None:
    """The report page, its JSON, XLSX and PDF and the API's report follow the quota matrix's
    rule (`country_scope`): a focal point finds their country in every count and nothing of
    another country or of an observer organization; everyone else finds every country."""
    import io

    from openpyxl import load_workbook

    from webinars.accounts.tokens import issue_token

    with app.app_context():
        series = factories.open_series(slug="scoped", status=SeriesStatus.PUBLISHED)
        sitting = series.sessions[0]
        people = [
            factories.make_registration(series, country_code="CR", last_name="Ticoreport"),
            factories.make_registration(series, country_code="MX", last_name="Mexreport"),
            factories.make_registration(
                series,
                country_code=None,
                observer_organization="IOM",
                last_name="Observerreport",
            ),
        ]
        for person in people:
            factories.make_attendance(sitting, person)
        users = {
            "focal_point": factories.make_user(StaffRole.FOCAL_POINT, country_code="CR"),
            "focal_point_other": factories.make_user(StaffRole.FOCAL_POINT, country_code="MX"),
            "facilitator": factories.make_user(StaffRole.FACILITATOR, series=[series]),
            "organizer": factories.make_user(StaffRole.ORGANIZER),
            "admin": factories.make_user(StaffRole.ADMIN),
        }
        token = issue_token(users[visitor])
        email = users[visitor].email
        db.session.commit()
    expected = REPORT_READERS[visitor]
    everyone = {"CR", "MX"}
    seen_countries = expected if expected is not None else everyone
    registered = len(seen_countries) + (0 if expected is not None else 1)

    auth.login(email)
    for body in (
        client.get("/staff/series/scoped/report.json").get_json(),
        client.get(
            "/api/v1/series/scoped/report", headers={"Authorization": f"Bearer {token}"}
        ).get_json(),
    ):
        assert set(body["by_country"]) == seen_countries, visitor
        assert set(body["attended_matrix"]) == seen_countries
        assert set(body["countries_represented"]) == seen_countries
        assert body["registered"] == registered
        assert body["unique_participants"] == registered
        assert bool(body["by_organization"]) == (expected is None)
        for session in body["sessions"]:
            assert set(session["by_country"]) <= seen_countries
        for minimum in body["profile_minimums"]:
            assert set(minimum["countries_met"] + minimum["countries_missing"]) <= seen_countries

    page = client.get("/staff/series/scoped/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for code, name in (("CR", "Costa Rica"), ("MX", "Mexico")):
        assert (name in html) == (code in seen_countries), (visitor, name)
    assert ("IOM" in html) == (expected is None)
    assert ('id="country-scope"' in html) == (expected is not None)

    workbook = load_workbook(io.BytesIO(client.get("/staff/series/scoped/report.xlsx").data))
    cells = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    for code, name in (("CR", "Costa Rica"), ("MX", "Mexico")):
        assert (name in cells) == (code in seen_countries), (visitor, name)

    pdf = client.get("/staff/series/scoped/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
