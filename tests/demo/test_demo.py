"""`flask demo load`: the seed events reproduced faithfully, idempotently, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func

from webinars import create_app
from webinars.accounts.models import StaffRole, User
from webinars.catalog.models import Person
from webinars.demo.loader import DEMO_PASSWORD, load_demo
from webinars.extensions import db
from webinars.series.models import ApprovalMode, Modality, Series, SeriesStatus
from webinars.series.services import delete_series
from webinars.sessions.models import AgendaItem, AgendaKind, EventSession, Role, RoleKind

from .. import factories

CR = ZoneInfo("America/Costa_Rica")
SLUGS = [
    "migrant-smuggling-exchange-2020",
    "mass-flows-webinars-2020",
    "work-plan-workshop-2018",
    "border-management-wg-2020",
    "fraudulent-documents-webinar",
]
#: A fixed "day the demo is loaded" for the published webinar.
TODAY = date(2031, 5, 10)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime) -> str:
    """A UTC instant as "YYYY-MM-DD HH:MM" in Costa Rica."""
    return moment.astimezone(CR).strftime("%Y-%m-%d %H:%M")


def hours(obj: EventSession | AgendaItem) -> tuple[str, str]:
    return obj.start_at.astimezone(CR).strftime("%H:%M"), obj.end_at.astimezone(CR).strftime(
        "%H:%M"
    )


def agenda(event_session: EventSession) -> list[tuple[AgendaKind, str, str]]:
    return [(i.kind, *hours(i)) for i in event_session.agenda_items]


def who(roles: list[Role]) -> set[tuple[RoleKind, str | None, str | None]]:
    """(kind, person name, organization acronym) of each role."""
    return {
        (
            r.kind,
            r.person.name if r.person else None,
            r.organization.acronym_en if r.organization else None,
        )
        for r in roles
    }


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(db.select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def loaded(ctx: Flask) -> dict[str, Series]:
    assert load_demo(today=TODAY) == SLUGS
    db.session.commit()
    return {s.slug: s for s in db.session.scalars(db.select(Series))}


# -- The command ----------------------------------------------------------------------------------


def test_cli_loads_then_changes_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    for slug in SLUGS:
        assert f"Created series {slug}" in result.output
    assert DEMO_PASSWORD in result.output
    assert "focal.mx@demo.example (focal_point, MX)" in result.output
    with app.app_context():
        first = row_counts()
    assert first["series"] == 5
    assert first["users"] == 5

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.output
    with app.app_context():
        assert row_counts() == first


def test_if_empty_loads_an_empty_database(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(db.session.scalars(db.select(Series.slug))) == set(SLUGS)


def test_if_empty_skips_when_any_series_exists(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        factories.make_series(slug="someone-elses")
        db.session.commit()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    with app.app_context():
        assert list(db.session.scalars(db.select(Series.slug))) == ["someone-elses"]
        assert db.session.scalar(db.select(func.count()).select_from(User)) == 0


def test_cli_fails_clearly_without_a_schema(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        }
    )
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "could not load the demo data" in result.output
    assert "flask db upgrade" in result.output


def test_reloading_recreates_a_deleted_series_and_reuses_its_people(ctx: Flask) -> None:
    load_demo(today=TODAY)
    people = db.session.scalar(db.select(func.count()).select_from(Person))
    assert people == 4
    delete_series(
        db.session.execute(
            db.select(Series).filter_by(slug="mass-flows-webinars-2020")
        ).scalar_one()
    )
    assert load_demo(today=TODAY) == ["mass-flows-webinars-2020"]
    assert db.session.scalar(db.select(func.count()).select_from(Person)) == people
    assert load_demo(today=TODAY) == []


def test_demo_staff_accounts(loaded: dict[str, Series]) -> None:
    users = {u.email: u for u in db.session.scalars(db.select(User))}
    assert {e: u.role for e, u in users.items()} == {
        "admin@demo.example": StaffRole.ADMIN,
        "organizer@demo.example": StaffRole.ORGANIZER,
        "facilitator@demo.example": StaffRole.FACILITATOR,
        "focal.cr@demo.example": StaffRole.FOCAL_POINT,
        "focal.mx@demo.example": StaffRole.FOCAL_POINT,
    }
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert users["focal.cr@demo.example"].country_code == "CR"
    assert users["focal.mx@demo.example"].country_code == "MX"
    assert {s.slug for s in users["facilitator@demo.example"].series} == {
        "migrant-smuggling-exchange-2020",
        "mass-flows-webinars-2020",
        "border-management-wg-2020",
        "fraudulent-documents-webinar",
    }


# -- Seed 000 -------------------------------------------------------------------------------------


def test_migrant_smuggling_exchange(loaded: dict[str, Series]) -> None:
    series = loaded["migrant-smuggling-exchange-2020"]
    assert series.title_en == "Webinars: Regional Technical Exchange on Migrant Smuggling"
    assert series.modality == Modality.ONLINE
    assert series.timezone == "America/Costa_Rica"
    assert series.working_group.code == "border-management"
    assert series.status == SeriesStatus.CLOSED
    assert series.approval_mode == ApprovalMode.AUTOMATIC
    assert series.host_country_code == "CR"
    assert [o.acronym_en for o in series.partners] == ["IOM", "UNODC"]
    assert "Tuxtla II Summit in 1996" in series.background_en
    assert "Cumbre de Tuxtla II en 1996" in series.background_es
    assert series.objective_en.startswith("Strengthen the police and judicial bodies")
    assert "4 sessions of 2 hours each" in series.methodology_en

    sessions = series.sessions
    assert [(s.start_at, s.end_at) for s in sessions] == [
        (utc(2020, 9, day, 15), utc(2020, 9, day, 17)) for day in (8, 9, 10, 11)
    ]
    assert [local(s.start_at) for s in sessions] == [
        "2020-09-08 09:00",
        "2020-09-09 09:00",
        "2020-09-10 09:00",
        "2020-09-11 09:00",
    ]
    assert [s.topic_en for s in sessions] == [
        "Investigation techniques and police intelligence on Smuggling of Migrants",
        "Cross-border judicial cooperation",
        "Prevention and combat the smuggling of migrants",
        "Challenges and best practices in the fight against migrant smuggling in times of COVID-19",
    ]

    day_1, day_2, day_3, day_4 = sessions
    assert agenda(day_1) == [
        (AgendaKind.OPENING_REMARKS, "09:00", "09:30"),
        (AgendaKind.TECHNICAL_EXCHANGE, "09:30", "10:15"),
        (AgendaKind.QUESTIONS_AND_ANSWERS, "10:15", "11:00"),
    ]
    assert (
        agenda(day_2)
        == agenda(day_3)
        == [
            (AgendaKind.OPENING_REMARKS, "09:00", "09:15"),
            (AgendaKind.TECHNICAL_EXCHANGE, "09:15", "10:15"),
            (AgendaKind.QUESTIONS_AND_ANSWERS, "10:15", "11:00"),
        ]
    )
    assert agenda(day_4) == [
        (AgendaKind.OPENING_REMARKS, "09:00", "09:15"),
        (AgendaKind.TECHNICAL_EXCHANGE, "09:15", "10:15"),
        (AgendaKind.QUESTIONS_AND_ANSWERS, "10:15", "10:45"),
        (AgendaKind.CLOSING_REMARKS, "10:45", "11:00"),
    ]
    last = day_4.agenda_items[-1]
    assert last.title_en == "Closing remarks"
    assert last.title_es == "Palabras de cierre"
    assert day_1.agenda_items[1].title_en == "Technical exchange (2 to 3 panelists)"

    assert who(day_1.agenda_items[0].roles) == {
        (RoleKind.OPENING_REMARKS, None, "PPT"),
        (RoleKind.OPENING_REMARKS, None, "UNODC"),
    }
    for later in (day_2, day_3, day_4):
        assert who(later.agenda_items[0].roles) == {(RoleKind.OPENING_REMARKS, None, "ES")}
    assert [who(s.agenda_items[1].roles) for s in sessions] == [
        {(RoleKind.FACILITATOR, None, org)} for org in ("PPT", "UNODC", "IOM", "IOM")
    ]

    assert [(p.code, p.min_per_country, p.max_per_country) for p in series.profiles] == [
        ("prosecutor", 2, None),
        ("immigration_control", 2, None),
        ("investigator", 2, None),
    ]
    assert series.profiles[0].description_en.startswith(
        "At least two representatives, prosecutors or attorneys"
    )


# -- Seed 002 -------------------------------------------------------------------------------------


def test_mass_flows_webinars(loaded: dict[str, Series]) -> None:
    series = loaded["mass-flows-webinars-2020"]
    assert series.working_group.code == "irregular-mass-migration"
    assert {o.acronym_en for o in series.partners} == {"IOM", "UNODC", "GCIF"}
    assert series.status == SeriesStatus.CLOSED
    assert "Migration Crisis Operational Framework (MCOF)" in series.background_en
    day_1, day_2 = series.sessions
    assert (day_1.start_at, day_1.end_at) == (utc(2020, 11, 16, 15), utc(2020, 11, 16, 17))
    assert (local(day_2.start_at), local(day_2.end_at)) == ("2020-11-17 09:00", "2020-11-17 11:00")
    assert (
        day_1.topic_en
        == "Context and challenges of the massive movements of people called caravans"
    )
    assert day_2.topic_en.startswith("Presentation of potential practical tools")
    assert who(day_1.roles) == {(RoleKind.MODERATOR, None, "UNODC")}
    assert who(day_2.roles) == {(RoleKind.MODERATOR, None, "IOM")}

    assert agenda(day_1) == [
        (AgendaKind.OPENING_REMARKS, "09:00", "09:20"),
        (AgendaKind.INTRODUCTION, "09:20", "09:30"),
        (AgendaKind.PANEL, "09:30", "10:30"),
        (AgendaKind.QUESTIONS_AND_ANSWERS, "10:30", "11:00"),
    ]
    opening, summary, panel, _ = day_1.agenda_items
    (opening_role,) = opening.roles
    assert opening_role.organization.acronym_en == "PPT"
    assert opening_role.note_en == "Working Group on Irregular and Mass Migration"
    assert "key points" in summary.title_en
    assert len(panel.sub_points) == 6
    assert (
        panel.sub_points[0]["en"]
        == "Factors that influence the motivation of mass movements of people"
    )
    assert panel.sub_points[2] == {"en": "Modus operandi", "es": "Modus operandi"}
    assert who(panel.roles) == {
        (RoleKind.PANELIST, "Raúl Fuentes", None),
        (RoleKind.PANELIST, "Gisselle Pérez", None),
    }
    for role in panel.roles:
        assert role.person.organization.acronym_en == "GCIF"
        assert role.person.title_en == "Strategic Analysis Team, Joint Border Intelligence Group"

    assert agenda(day_2) == [
        (AgendaKind.INTRODUCTION, "09:00", "09:10"),
        (AgendaKind.PRESENTATION, "09:10", "09:40"),
        (AgendaKind.PRESENTATION, "09:40", "10:10"),
        (AgendaKind.GUIDED_DIALOGUE, "10:10", "11:00"),
    ]
    recap, mcof, lessons, dialogue = day_2.agenda_items
    assert recap.title_en == "Introduction: brief recap of the previous day"
    assert mcof.title_en == "Migration Crisis Operational Framework (MCOF)"
    assert (local(mcof.start_at), local(mcof.end_at)) == ("2020-11-17 09:10", "2020-11-17 09:40")
    (guerrero,) = mcof.roles
    assert guerrero.person.name == "Efraín Guerrero"
    assert guerrero.person.organization.acronym_en == "IOM"
    assert (
        guerrero.person.title_en
        == "Migration and Crisis Technical Specialist, IOM Western Hemisphere Program"
    )
    assert [p["en"] for p in mcof.sub_points][:2] == [
        "IOM's approach to migration crises",
        "What is the MCOF?",
    ]
    assert len(mcof.sub_points) == 8
    assert mcof.sub_points[-1]["en"].startswith(
        "Conclusions on how the MCOF provides key guidelines"
    )
    (winter,) = lessons.roles
    assert winter.person.name == "Cy Winter"
    assert winter.person.title_en == "IOM Senior Regional Specialist in Migration Management"
    assert lessons.title_en == "Lessons learned in responding to massive flows in the region"
    assert [p["en"] for p in lessons.sub_points] == ["Preparation", "Operations", "Existing tools"]
    assert "United States, Mexico, Guatemala" in dialogue.title_en
    assert who(dialogue.roles) == {(RoleKind.FACILITATOR, None, "PPT")}

    assert [(p.code, p.min_per_country) for p in series.profiles] == [
        ("prosecutor", 2),
        ("immigration_control", 2),
        ("border_control", 2),
        ("investigator", 2),
    ]


# -- Seeds 001 and 003 ----------------------------------------------------------------------------


def test_work_plan_workshop(loaded: dict[str, Series]) -> None:
    series = loaded["work-plan-workshop-2018"]
    assert series.modality == Modality.IN_PERSON
    assert (series.venue_en, series.venue_es) == ("San José, Costa Rica", "San José, Costa Rica")
    assert series.status == SeriesStatus.ARCHIVED
    assert series.working_group.code == "liaison-officers-smuggling-trafficking"
    assert {o.acronym_en for o in series.partners} == {"IOM", "UNODC"}

    opening, *groups, closing = series.sessions
    assert (local(opening.start_at), local(opening.end_at)) == (
        "2018-03-13 09:00",
        "2018-03-13 10:30",
    )
    assert opening.topic_en.startswith("Opening plenary session")
    assert (
        "Regional background, objectives and proposed methodology"
        in opening.agenda_items[0].title_en
    )
    assert (local(closing.start_at), local(closing.end_at)) == (
        "2018-03-14 09:00",
        "2018-03-14 12:00",
    )
    assert (
        closing.agenda_items[0].title_en
        == "Presenting the input from each group in a plenary session"
    )
    assert len(closing.agenda_items[0].sub_points) == 5

    assert len(groups) == 5
    assert {(g.start_at, g.end_at) for g in groups} == {
        (utc(2018, 3, 13, 17), utc(2018, 3, 13, 23))
    }
    assert [g.track_en for g in groups] == [
        "Working group 1: Intelligence/Investigation: Data Collection and Exchange",
        "Working group 2: Field Operations: Cooperation, Police and Judicial Response",
        "Working group 3: Administrative Detention – Alternatives",
        "Working group 4: Migration Solutions",
        "Working group 5: Prevention and Assistance for Migrants in Vulnerable Situations: Victims (of Related Crimes)",
    ]
    assert all(g.track_es.startswith("Grupo de trabajo ") for g in groups)
    assert not opening.track_en and not closing.track_en
    facilitators = []
    for group in groups:
        kinds = [r.kind for r in group.roles]
        assert sorted(kinds) == [RoleKind.FACILITATOR, RoleKind.RAPPORTEUR]
        (rapporteur,) = [r for r in group.roles if r.kind == RoleKind.RAPPORTEUR]
        assert rapporteur.note_en == "High-ranking official of a Member Country"
        assert rapporteur.note_es
        (facilitator,) = [r for r in group.roles if r.kind == RoleKind.FACILITATOR]
        facilitators.append(facilitator.organization.acronym_en)
        assert group.agenda_items[0].kind == AgendaKind.GROUP_WORK
        assert group.agenda_items[0].sub_points
    assert facilitators == ["IOM", "UNODC", "IOM", "IOM", "IOM"]
    assert groups[0].agenda_items[0].sub_points[1]["en"] == (
        "Proposing standardized procedures that should be applied once the crime has been detected"
    )

    assert [(p.code, p.min_per_country) for p in series.profiles] == [
        ("prosecutor", 1),
        ("immigration_director", 1),
        ("immigration_police_director", 1),
        ("primary_investigator", 1),
        ("regional_coalition", 0),
    ]


# -- Seed 004 -------------------------------------------------------------------------------------


def test_border_management_meetings(loaded: dict[str, Series]) -> None:
    series = loaded["border-management-wg-2020"]
    assert series.working_group.code == "border-management"
    assert series.status == SeriesStatus.CLOSED
    assert [(local(s.start_at), local(s.end_at)) for s in series.sessions] == [
        ("2020-09-28 10:00", "2020-09-28 12:00"),
        ("2020-12-28 10:00", "2020-12-28 12:00"),
        ("2021-03-28 10:00", "2021-03-28 12:00"),
        ("2021-06-28 10:00", "2021-06-28 12:00"),
    ]
    assert series.sessions[0].start_at == utc(2020, 9, 28, 16)
    first = series.sessions[0]
    titles = [i.title_en for i in first.agenda_items]
    assert titles[0].startswith("Report of Costa Rica as President pro tempore (PPT)")
    assert any("by 28 October" in t for t in titles)
    documents = next(i for i in first.agenda_items if "28 October" in i.title_en)
    assert [p["en"] for p in documents.sub_points] == [
        "Inventory of best practices at the regional level",
        "Map of migrant smuggling routes at the regional level",
        "Directory of relevant national authorities",
        "Knowledge about new trends in migrant smuggling",
    ]
    actions = next(i for i in first.agenda_items if i.title_en.startswith("Proposed new actions"))
    assert actions.sub_points[0]["en"].startswith(
        "A webinar on identification of irregular migrants"
    )
    assert actions.sub_points[-1]["en"].startswith("Quarterly meetings of this Working Group")
    assert [(p.code, p.min_per_country) for p in series.profiles] == [("wg_member", 1)]


def test_fraudulent_documents_webinar_is_open_for_registration(loaded: dict[str, Series]) -> None:
    series = loaded["fraudulent-documents-webinar"]
    assert series.status == SeriesStatus.PUBLISHED
    assert [o.acronym_en for o in series.partners] == ["IOM"]
    assert series.conference_url == "https://meet.example.org/rcm-fraudulent-documents"
    first, second = series.sessions
    assert (first.start_at, first.end_at) == (utc(2031, 6, 9, 15), utc(2031, 6, 9, 17))
    assert (local(second.start_at), local(second.end_at)) == (
        "2031-06-10 09:00",
        "2031-06-10 11:00",
    )
    assert series.registration_closes_at == first.start_at
    assert series.registration_opens_at <= utc(2031, 5, 10, 0)
    assert series.registration_is_open(utc(2031, 5, 10, 0))
    assert series.registration_is_open(utc(2031, 6, 9, 14, 59))
    assert not series.registration_is_open(utc(2031, 6, 9, 15))
    for event_session in series.sessions:
        kinds = [i.kind for i in event_session.agenda_items]
        assert kinds[:3] == [
            AgendaKind.OPENING_REMARKS,
            AgendaKind.PRESENTATION,
            AgendaKind.QUESTIONS_AND_ANSWERS,
        ]
        assert who(event_session.agenda_items[1].roles) == {(RoleKind.SPEAKER, None, "IOM")}
    assert [(p.code, p.min_per_country) for p in series.profiles] == [
        ("immigration_control", 2),
        ("border_control", 2),
        ("document_examiner", 1),
    ]
    assert series.approval_mode == ApprovalMode.FOCAL_POINT


def test_the_open_webinar_has_fictitious_registrations(loaded: dict[str, Series]) -> None:
    from webinars.registration.models import Registration, RegistrationStatus
    from webinars.registration.targets import target_matrix

    series = loaded["fraudulent-documents-webinar"]
    registrations = list(db.session.scalars(db.select(Registration).filter_by(series=series)))
    assert len(registrations) == 12
    assert all(r.email.endswith("@demo.example") for r in registrations)
    statuses = {r.status for r in registrations}
    assert statuses == {RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING}
    cr = next(row for row in target_matrix(series).rows if row.country.code == "CR")
    immigration, border, examiner = cr.cells
    assert (immigration.confirmed, immigration.met) == (2, True)
    assert (border.confirmed, border.pending, border.met) == (0, 1, False)


def test_webinar_is_dated_from_the_load_day(ctx: Flask) -> None:
    load_demo(today=date(2040, 1, 31))
    series = db.session.execute(
        db.select(Series).filter_by(slug="fraudulent-documents-webinar")
    ).scalar_one()
    assert [local(s.start_at) for s in series.sessions] == ["2040-03-01 09:00", "2040-03-02 09:00"]


# -- Every series ---------------------------------------------------------------------------------


def test_spanish_everywhere(loaded: dict[str, Series]) -> None:
    for series in loaded.values():
        for field in ("title", "background", "objective", "methodology"):
            assert getattr(series, f"{field}_es"), (series.slug, field)
            assert getattr(series, f"{field}_es") != getattr(series, f"{field}_en")
        for profile in series.profiles:
            assert profile.label_es and profile.description_es, profile.code
        for event_session in series.sessions:
            assert event_session.topic_es, event_session
            assert bool(event_session.track_es) == bool(event_session.track_en)
            for role in event_session.roles:
                assert bool(role.note_es) == bool(role.note_en)
            for item in event_session.agenda_items:
                assert item.title_es, item.title_en
                for point in item.sub_points:
                    assert point["en"] and point["es"], point
                for role in item.roles:
                    assert bool(role.note_es) == bool(role.note_en)
    for person in db.session.scalars(db.select(Person)):
        assert person.title_es, person.name


def test_agendas_fill_their_sessions(loaded: dict[str, Series]) -> None:
    """Every session's agenda starts with it, ends with it, and has no gap or overlap."""
    for series in loaded.values():
        for event_session in series.sessions:
            items = event_session.agenda_items
            assert items, (series.slug, event_session.topic_en)
            assert items[0].start_at == event_session.start_at
            assert items[-1].end_at == event_session.end_at
            for before, after in zip(items, items[1:], strict=False):
                assert before.end_at == after.start_at, (series.slug, before.title_en)


def test_the_2020_series_have_attendance_and_full_reports(loaded: dict[str, Series]) -> None:
    from webinars.attendance.models import Attendance, AttendanceState
    from webinars.registration.models import Registration
    from webinars.reports.report import build_report, load_report_data

    for slug in ("mass-flows-webinars-2020", "migrant-smuggling-exchange-2020"):
        series = loaded[slug]
        registrations = db.session.scalars(db.select(Registration).filter_by(series=series)).all()
        assert len(registrations) >= 60
        assert all(r.email.endswith("@demo.example") for r in registrations)
        assert all("Ejemplo" in r.last_name or "Example" in r.last_name for r in registrations)
        report = build_report(load_report_data(series))
        assert all(s.figures.total.attended > 0 for s in report.sessions)
        assert all(0 < s.figures.total.rate < 1 for s in report.sessions)
    states = set(db.session.scalars(db.select(Attendance.state)))
    assert {AttendanceState.GUEST, AttendanceState.UNMATCHED} <= states

    report = build_report(load_report_data(loaded["border-management-wg-2020"]))
    assert report.narrative["en"] == (
        "The Working Group on Border Management held an online meeting on 28 September 2020,"
        " with participation of representatives from the following countries: Canada,"
        " Costa Rica, Dominican Republic, El Salvador, Guatemala, Honduras, Mexico, Nicaragua,"
        " Panama and the United States."
    )
    assert report.narrative["es"] == (
        "El Grupo de Trabajo sobre Gestión de Fronteras celebró una reunión virtual el 28 de"
        " septiembre de 2020, con la participación de representantes de los siguientes países:"
        " Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México,"
        " Nicaragua, Panamá y República Dominicana."
    )
    assert "BZ" not in report.countries_represented


def test_the_2020_exchange_asks_for_country_reports_and_has_an_evaluation(
    loaded: dict[str, Series],
) -> None:
    from webinars.evaluations.results import load_results
    from webinars.submissions.queries import matrix

    series = loaded["migrant-smuggling-exchange-2020"]
    asked = matrix(series)
    assert [r.title_en for r in asked.requests] == [
        "Country report on the progress achieved on recommendation 6.3"
    ]
    assert {cell.state.value for row in asked.rows for cell in row.cells} == {"missing"}
    results = load_results(series)
    assert results.responses == 6
    assert [s.session.number for s in results.sessions if s.session] == [1]
    assert len(results.questions[3].texts) == 3
