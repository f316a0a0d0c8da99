"""Participation across series (issue 16, item 2): registrations of one person linked by
e-mail at once and by name and country on a person's word; the person's page; the yearly
report per country and working group; the privacy purge keeps the figures, not the person."""

from __future__ import annotations

import io
import json
import math
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.participation import services as participation
from webinars.participation.models import Participant
from webinars.privacy.services import purge_series
from webinars.registration import services
from webinars.registration.models import Registration
from webinars.reports.yearly import build_yearly, load_year_data, yearly_json
from webinars.series.models import Series

from .. import factories
from ..conftest import AuthActions


def _two_series() -> tuple[Series, Series]:
    first = factories.open_series(slug="first-2030")
    second = factories.open_series(slug="second-2030")
    return first, second


def test_same_address_links_at_once_across_series(app: Flask) -> None:
    with app.app_context():
        first, second = _two_series()
        a = services.register(first, factories.registration_data(email="Rosa@Example.gov"))
        b = services.register(second, factories.registration_data(email="rosa@example.gov"))
        c = services.register(second, factories.registration_data(email="other@example.gov"))
        assert a.participant_id is not None
        assert a.participant_id == b.participant_id != c.participant_id
        db.session.rollback()


def _homonyms(app: Flask) -> tuple[int, int]:
    """The same official in two series under two addresses, in Costa Rica."""
    with app.app_context():
        first, second = _two_series()
        a = factories.make_registration(
            first, first_name="José", last_name="Núñez", email="jose@example.gov"
        )
        b = factories.make_registration(
            second, first_name="Jose", last_name="NUÑEZ", email="jnunez@example.gov"
        )
        participation.link([a, b])
        db.session.commit()
        return a.participant_id, b.participant_id


def test_same_name_and_country_is_a_suggestion_until_confirmed(app: Flask) -> None:
    first, second = _homonyms(app)
    assert first != second
    with app.app_context():
        [suggestion] = participation.suggestions()
        assert (suggestion.first_id, suggestion.second_id) == (first, second)
        assert participation.suggestions("MX") == []
        with pytest.raises(participation.ParticipationError):
            participation.confirm_same_person(first, second, country_code="MX")
        kept = participation.confirm_same_person(first, second)
        db.session.commit()
        assert kept == first
        linked = db.session.scalars(db.select(Registration.participant_id)).all()
        assert set(linked) == {first}
        assert db.session.get(Participant, second) is None
        assert participation.suggestions() == []


def test_two_different_people_are_not_suggested_again(app: Flask) -> None:
    first, second = _homonyms(app)
    with app.app_context():
        participation.mark_distinct(second, first)
        db.session.commit()
        assert participation.suggestions() == []
        with pytest.raises(participation.ParticipationError):
            participation.confirm_same_person(first, second)


def test_person_page_and_suggestions_by_role(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    first, second = _homonyms(app)
    with app.app_context():
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        focal_cr = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR").email
        focal_mx = factories.make_user(StaffRole.FOCAL_POINT, country_code="MX").email
        facilitator = factories.make_user(StaffRole.FACILITATOR).email
        db.session.commit()
    auth.login(facilitator)
    assert client.get(f"/staff/participants/{first}").status_code == 403
    assert client.get("/staff/participants/suggestions").status_code == 403
    auth.logout()
    auth.login(focal_mx)
    assert client.get(f"/staff/participants/{first}").status_code == 403
    page = client.get("/staff/participants/suggestions?lang=en").get_data(as_text=True)
    assert "jose@example.gov" not in page
    response = client.post(
        "/staff/participants/suggestions/same", data={"first": first, "second": second}
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(focal_cr)
    page = client.get("/staff/participants/suggestions?lang=en").get_data(as_text=True)
    assert "jose@example.gov" in page and "jnunez@example.gov" in page
    response = client.post(
        "/staff/participants/suggestions/same", data={"first": first, "second": second}
    )
    assert response.headers["Location"].endswith(f"/staff/participants/{first}")
    auth.logout()
    auth.login(organizer)
    page = client.get(f"/staff/participants/{first}?lang=en").get_data(as_text=True)
    assert "first-2030" in page or "2 series registered for" in page
    assert "2 series registered for" in page
    assert (
        client.post("/staff/participants/suggestions/same", data={"first": "x"}).status_code == 400
    )


def _attended_series(app: Flask) -> None:
    """Two series of 2031, each with two sessions; Rosa (one address) attends both series,
    Juan only the first, and Luz registers for the second and never comes."""
    with app.app_context():
        group_a = factories.make_series(slug="a-2031")
        group_b = factories.make_series(slug="b-2031")
        for series, day in ((group_a, 3), (group_b, 10)):
            for hour in (14, 17):
                factories.make_session(
                    series,
                    start_at=datetime(2031, 3, day, hour, tzinfo=UTC),
                    end_at=datetime(2031, 3, day, hour + 2, tzinfo=UTC),
                )
            db.session.refresh(series)
        rosa_a = factories.make_registration(group_a, email="rosa@example.gov", sex="female")
        juan = factories.make_registration(group_a, email="juan@example.gov", country_code="MX")
        rosa_b = factories.make_registration(group_b, email="rosa@example.gov", sex="female")
        factories.make_registration(group_b, email="luz@example.gov")
        participation.link_all()
        factories.make_attendance(group_a.sessions[0], rosa_a)
        factories.make_attendance(group_a.sessions[1], juan)
        factories.make_attendance(group_b.sessions[1], rosa_b)
        db.session.commit()


def test_yearly_report_counts_a_person_once(app: Flask) -> None:
    _attended_series(app)
    with app.app_context():
        report = build_yearly(load_year_data(2031))
        assert build_yearly(load_year_data(2030)).total.series == 0
    total = report.total
    assert (total.series, total.sessions, total.registrations) == (2, 4, 4)
    assert total.participants == 3  # Rosa twice (once per series), Juan once
    assert total.unique_persons == 2
    assert total.by_sex["female"] == 1 and total.by_sex["not_stated"] == 1
    assert report.by_country["CR"].unique_persons == 1
    assert report.by_country["CR"].series == 2 and report.by_country["CR"].sessions == 2
    assert report.by_country["MX"].participants == 1
    assert report.by_country["PA"].participants == 0


def test_purge_keeps_the_figures_and_removes_the_person(app: Flask) -> None:
    _attended_series(app)
    with app.app_context():
        before = yearly_json(build_yearly(load_year_data(2031)))
        rosa = db.session.scalar(
            db.select(Registration.participant_id).filter_by(email="rosa@example.gov")
        )
        for slug in ("a-2031", "b-2031"):
            series = db.session.scalar(db.select(Series).filter_by(slug=slug))
            purge_series(series, datetime(2031, 4, 1, tzinfo=UTC))
        db.session.commit()
        after = yearly_json(build_yearly(load_year_data(2031)))
        assert after == before
        assert participation.history(rosa) == []
        assert participation.suggestions() == []


def test_yearly_pages_and_files(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    _attended_series(app)
    with app.app_context():
        organizer = factories.make_user(StaffRole.ORGANIZER).email
        focal = factories.make_user(StaffRole.FOCAL_POINT).email
        db.session.commit()
    auth.login(focal)
    assert client.get("/staff/participation/2031").status_code == 403
    auth.logout()
    auth.login(organizer)
    page = client.get("/staff/participation/2031?lang=en").get_data(as_text=True)
    assert 'id="by-country-table"' in page and "Unique persons" in page
    assert client.get("/staff/participation/1500").status_code == 404
    assert client.get("/staff/participation?year=abc").status_code == 200
    body = json.loads(client.get("/staff/participation/2031.json").get_data(as_text=True))
    assert body["totals"]["unique_persons"] == 2
    book = load_workbook(io.BytesIO(client.get("/staff/participation/2031.xlsx").get_data()))
    assert book.sheetnames == [
        "Summary",
        "By working group",
        "By country",
        "Series",
        "Profiles reached",
    ]
    pdf = client.get("/staff/participation/2031.pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")


# --- the demo's 2020, counted independently from its rows -------------------------------------


def test_demo_2020_yearly_report_matches_its_rows(demo: Flask) -> None:
    """Recount 2020 from the demo's raw rows, with none of the report's code: the sessions whose
    day in the series' zone is in 2020, present at least the threshold share (rounded up), and
    a person by their e-mail address (the demo links by address only)."""
    from webinars.attendance.models import Attendance

    with demo.app_context():
        held: dict[int, tuple[Series, int]] = {}
        for series in db.session.scalars(db.select(Series)):
            if series.status.value not in ("published", "closed", "archived"):
                continue
            for s in series.sessions:
                if s.status.value == "cancelled":
                    continue
                if s.start_at.astimezone(series.zone).year == 2020:
                    minutes = (s.end_at - s.start_at).total_seconds() / 60
                    need = max(1, math.ceil(minutes * series.attendance_threshold / 100))
                    held[s.id] = (series, need)
        series_ids = {series.id for series, _need in held.values()}
        registrations = {
            r.id: r
            for r in db.session.scalars(
                db.select(Registration).where(Registration.series_id.in_(series_ids))
            )
        }
        present: Counter[tuple[int, str]] = Counter()
        origin: dict[str, str | None] = {}
        for row in db.session.scalars(
            db.select(Attendance).where(Attendance.session_id.in_(list(held)))
        ):
            if row.state.value == "registered":
                who = "mail:" + registrations[row.registration_id].email
                origin[who] = registrations[row.registration_id].country_code
            elif row.state.value == "guest":
                who = f"guest:{held[row.session_id][0].id}:{row.report_key}"
                origin[who] = row.country_code
            else:
                continue
            present[(row.session_id, who)] += row.minutes
        attended = [(sid, who) for (sid, who), m in present.items() if m >= held[sid][1]]
        per_series = {(held[sid][0].id, who) for sid, who in attended}
        persons = {who for _sid, who in attended}
        by_country: dict[str, set[str]] = defaultdict(set)
        for who in persons:
            if origin[who]:
                by_country[origin[who]].add(who)
        confirmed = sum(1 for r in registrations.values() if r.status.value == "confirmed")
        women = {
            "mail:" + r.email
            for r in registrations.values()
            if r.sex is not None and r.sex.value == "female"
        } & persons

        report = build_yearly(load_year_data(2020))

    assert len(series_ids) == 3  # the two webinar series and the Working Group's meetings
    assert report.total.series == len(series_ids)
    assert report.total.sessions == len(held)
    assert report.total.registrations == confirmed
    assert report.total.participants == len(per_series)
    assert report.total.unique_persons == len(persons)
    assert report.total.unique_persons < report.total.participants  # linked across 2020
    assert report.total.by_sex["female"] == len(women)
    assert sorted(report.total.countries) == sorted(by_country)
    for code, people in by_country.items():
        assert report.by_country[code].unique_persons == len(people), code
