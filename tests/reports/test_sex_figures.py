"""Figures by sex (issue 16, item 3): an optional question of the registration form, in both
languages, never required, shown only in aggregate (report, quota matrix, paragraph)."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.registration import services
from webinars.registration.models import Registration, Sex
from webinars.reports.narrative import NarrativeFacts, narrative
from webinars.reports.report import build_report, load_report_data
from webinars.series.models import Series

from .. import factories
from ..conftest import AuthActions
from ..helpers import field_errors


def _form(series: Series, **extra: str) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Ana",
        "last_name": "Mora",
        "email": "ana.mora@example.gov",
        "country": "CR",
        "institution": "Migración",
        "position": "Jefa",
        "language": "es",
        "sessions": [s.id for s in series.sessions],
        "privacy_accepted": "y",
    }
    data.update(extra)
    return data


def test_the_question_is_optional_and_offered_in_both_languages(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        series = factories.open_series(slug="sex-form")
        db.session.commit()
        form = _form(series)
    english = client.get("/series/sex-form/register?lang=en").get_data(as_text=True)
    assert "Sex (optional)" in english and "Prefer not to say" in english
    spanish = client.get("/series/sex-form/register?lang=es").get_data(as_text=True)
    assert "Sexo (opcional)" in spanish and "Prefiero no decirlo" in spanish
    response = client.post("/series/sex-form/register", data=form)
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.scalar(db.select(Registration))
        assert registration.sex is None


def test_an_answer_is_stored_and_a_forged_one_refused_beside_the_field(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        series = factories.open_series(slug="sex-forged")
        db.session.commit()
        good = _form(series, sex="female")
        bad = _form(series, sex="robot", email="b@example.gov")
    response = client.post("/series/sex-forged/register?lang=en", data=bad)
    assert response.status_code == 200
    assert "Choose one of the answers, or none." in field_errors(response, "sex")
    assert client.post("/series/sex-forged/register", data=good).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Registration.sex)) == Sex.FEMALE


def test_service_takes_no_answer_and_refuses_an_unknown_one(app: Flask) -> None:
    with app.app_context():
        series = factories.open_series(slug="sex-service")
        registration = services.register(series, factories.registration_data(sex="another"))
        assert registration.sex == Sex.ANOTHER
        try:
            services.register(series, factories.registration_data(sex="x"))
        except services.RegistrationError as error:
            assert error.field == "sex"
        else:  # pragma: no cover
            raise AssertionError("an unknown answer was stored")
        db.session.rollback()


def _series_with_answers(app: Flask) -> str:
    """Five confirmed registrants: three women, one man, one who preferred not to say, one
    who did not answer; all but the man attended."""
    with app.app_context():
        series = factories.open_series(slug="sex-report")
        answers = [Sex.FEMALE, Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.UNDISCLOSED, None]
        for n, sex in enumerate(answers):
            registration = factories.make_registration(series, sex=sex, country_code="CR")
            if sex != Sex.MALE:
                factories.make_attendance(series.sessions[0], registration)
            del n
        db.session.commit()
    return "sex-report"


def test_report_counts_each_answer_and_the_share_of_women(app: Flask) -> None:
    slug = _series_with_answers(app)
    with app.app_context():
        series = db.session.scalar(db.select(Series).filter_by(slug=slug))
        report = build_report(load_report_data(series))
    by_sex = report.figures.by_sex
    assert by_sex["female"].registered == 3 and by_sex["female"].attended == 3
    assert by_sex["male"].registered == 1 and by_sex["male"].attended == 0
    assert by_sex["undisclosed"].attended == 1 and by_sex["not_stated"].attended == 1
    # Women over those who stated female, male or another and attended: 3 of 3.
    assert report.women_share == 1.0
    assert "Women were 100 % of the participants who stated their sex." in report.narrative["en"]
    assert "Las mujeres fueron el 100 %" in report.narrative["es"]


def test_page_json_and_matrix_show_totals_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    slug = _series_with_answers(app)
    with app.app_context():
        user = factories.make_user(StaffRole.ORGANIZER)
        db.session.commit()
        email = user.email
    auth.login(email)
    page = client.get(f"/staff/series/{slug}/report?lang=en").get_data(as_text=True)
    assert 'id="by-sex-table"' in page and "Prefer not to say" in page
    body = json.loads(client.get(f"/staff/series/{slug}/report.json").get_data(as_text=True))
    female = {"registered": 3, "attended": 3, "registrants_attended": 3, "rate": 1.0}
    assert body["by_sex"]["female"] == female
    assert body["women_share"] == 1.0
    quotas = client.get(f"/staff/series/{slug}/quotas?lang=en").get_data(as_text=True)
    assert "Confirmed registrations by sex" in quotas
    xlsx = client.get(f"/staff/series/{slug}/report.xlsx")
    assert xlsx.status_code == 200


def test_narrative_leaves_the_sentence_out_when_nobody_stated_it() -> None:
    facts = NarrativeFacts("T", "T", "", "", "online", [], [("Mexico", "México")], [])
    assert "Women" not in narrative(facts)["en"]
    share = NarrativeFacts("T", "T", "", "", "online", [], [], [], women_share=0.58)
    assert "58 %" in narrative(share)["en"] and "58 %" in narrative(share)["es"]


def test_api_takes_the_answer_or_none(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        factories.open_series(slug="sex-api")
        db.session.commit()
    body = {
        "first_name": "Ana",
        "last_name": "Mora",
        "email": "api@example.gov",
        "country": "CR",
        "institution": "Migración",
        "position": "Jefa",
        "profile": "other",
        "language": "es",
    }
    bad = client.post("/api/v1/series/sex-api/registrations", json={**body, "sex": "robot"})
    assert bad.status_code == 422
    good = client.post("/api/v1/series/sex-api/registrations", json={**body, "sex": "male"})
    assert good.status_code == 201, good.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Registration.sex)) == Sex.MALE


def test_a_delegation_may_give_the_answer_in_a_row_or_a_file(app: Flask) -> None:
    from webinars.registration import delegation

    with app.app_context():
        series = factories.open_series(slug="sex-delegation")
        focal = factories.make_user(StaffRole.FOCAL_POINT, country_code="CR")
        header = "nombre;apellido;correo;institución;cargo;perfil;idioma;sexo\n"
        rows = delegation.parse_file(
            "d.csv",
            (
                header
                + "Ana;Uno;ana@example.gov;DGME;Jefa;other;es;Mujer\n"
                + "Luis;Dos;luis@example.gov;DGME;Jefe;other;es;\n"
            ).encode(),
            require_origin=False,
        )
        registered = delegation.register_delegation(series, rows, registered_by=focal)
        assert [r.sex for r in registered] == [Sex.FEMALE, None]
        bad = delegation.parse_file(
            "d.csv",
            (header + "Eva;Tres;eva@example.gov;DGME;Jefa;other;es;robot\n").encode(),
            require_origin=False,
        )
        try:
            delegation.register_delegation(series, bad, registered_by=focal)
        except delegation.DelegationRejected as rejected:
            assert [e.field for e in rejected.errors] == ["sex"]
        else:  # pragma: no cover
            raise AssertionError("an unknown answer was taken")
        db.session.rollback()
