"""Evaluations: sent to those who attended, answered once from the e-mailed link, anonymous,
in the report page, its XLSX, PDF and JSON, and the API."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token
from webinars.evaluations.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
    QuestionKind,
)
from webinars.extensions import api, db
from webinars.mail.models import OutboxMessage

from .. import factories
from ..conftest import AuthActions
from ..openapi_check import assert_matches_document


@pytest.fixture
def world(app: Flask) -> dict:
    """A past series of two sessions: Ana attended the first, Luis stayed five minutes."""
    with app.app_context():
        series = factories.make_series(slug="smuggling-2020")
        first = factories.make_session(series, start_at=datetime(2020, 9, 8, 15, tzinfo=UTC))
        factories.make_session(series, start_at=datetime(2020, 9, 15, 15, tzinfo=UTC))
        db.session.refresh(series)
        ana = factories.make_registration(series, email="ana@example.gov", language="es")
        luis = factories.make_registration(series, email="luis@example.gov", language="en")
        factories.make_attendance(first, ana)
        factories.make_attendance(first, luis, minutes=5)
        other = factories.make_series(slug="other-series")
        organizer = factories.make_user(StaffRole.ORGANIZER, email="org@example.org")
        token = issue_token(organizer)
        db.session.commit()
        return {"ana": ana.id, "luis": luis.id, "other": other.id, "token": token}


def _link(app: Flask) -> str:
    with app.app_context():
        message = db.session.execute(
            db.select(OutboxMessage).filter_by(kind="evaluation")
        ).scalar_one()
        match = re.search(r"https?://\S+/series/\S+/evaluation/\S+", message.body_text)
        assert match is not None
        return match.group(0).split("//", 1)[1].split("/", 1)[1].join(["/", ""])


def _questions(app: Flask) -> list[EvaluationQuestion]:
    with app.app_context():
        return list(
            db.session.execute(
                db.select(EvaluationQuestion).order_by(EvaluationQuestion.position)
            ).scalars()
        )


def test_sent_once_to_those_who_attended(app: Flask, runner, world: dict) -> None:
    result = runner.invoke(args=["evaluations", "send", "smuggling-2020", "--session", "1"])
    assert "evaluation sent to 1 attendee(s)" in result.output
    result = runner.invoke(args=["evaluations", "send", "smuggling-2020", "--session", "1"])
    assert "evaluation sent to 0 attendee(s)" in result.output
    with app.app_context():
        message = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert message.to_address == "ana@example.gov"
        assert message.language == "es"
        assert "sesión 1" in message.body_text
    assert len(_questions(app)) == 4  # the default set
    assert runner.invoke(args=["evaluations", "send", "nope"]).exit_code != 0


def test_answered_once_from_the_link_and_anonymous(app: Flask, client, runner, world) -> None:
    runner.invoke(args=["evaluations", "send", "smuggling-2020", "--session", "1"])
    link = _link(app)
    page = client.get(link)
    assert page.status_code == 200
    assert "¿Qué tan útil fue el webinario?" in page.text  # in the registrant's language
    useful, relevant, panel, topics = _questions(app)
    answers = {f"q{useful.id}": "5", f"q{relevant.id}": "4", f"q{topics.id}": "Trata <b>"}
    response = client.post(link, data=answers)
    assert response.status_code == 302
    again = client.post(link, data=answers)
    assert again.status_code == 409
    assert "already answered" in client.get(link + "?lang=en").text
    with app.app_context():
        assert db.session.execute(db.select(EvaluationResponse)).scalar_one().session_id
        assert len(db.session.execute(db.select(EvaluationAnswer)).all()) == 3
        receipt = db.session.execute(db.select(EvaluationReceipt)).scalar_one()
        assert receipt.registration_id == world["ana"]
        # A response names nobody: no column leads back to the registration.
        assert "registration_id" not in EvaluationResponse.__table__.columns


def test_bad_links_and_bad_answers(app: Flask, client, runner, world) -> None:
    runner.invoke(args=["evaluations", "send", "smuggling-2020", "--session", "1"])
    link = _link(app)
    assert client.get(link.replace("smuggling-2020", "other-series")).status_code == 404
    assert client.get(link[:-3] + "abc").status_code == 404
    useful = _questions(app)[0]
    response = client.post(link, data={f"q{useful.id}": "7"})
    assert response.status_code == 400
    assert (
        "Choose one of the answers." in response.text
        or "Elija una de las respuestas." in response.text
    )
    with app.app_context():
        assert db.session.execute(db.select(EvaluationResponse)).first() is None


def test_organizer_adds_a_choice_question(app: Flask, client, world) -> None:
    AuthActions(client).login("org@example.org")
    url = "/staff/series/smuggling-2020/evaluation/questions"
    refused = client.post(
        url,
        data={"kind": "choice", "text_en": "Format?", "text_es": "¿Formato?", "choices_en": "A"},
    )
    assert "Give at least two choices" in refused.text
    client.post(
        url,
        data={
            "kind": "choice",
            "text_en": "Preferred format?",
            "text_es": "¿Formato preferido?",
            "choices_en": "Webinar\nIn person",
            "choices_es": "Webinario\nPresencial",
        },
    )
    kinds = [q.kind for q in _questions(app)]
    assert kinds[-1] == QuestionKind.CHOICE and len(kinds) == 5


def test_results_in_the_report_its_exports_and_the_api(app: Flask, client, runner, world) -> None:
    runner.invoke(args=["evaluations", "send", "smuggling-2020", "--session", "1"])
    link = _link(app)
    useful, _relevant, _panel, topics = _questions(app)
    client.post(link, data={f"q{useful.id}": "4", f"q{topics.id}": "<script>alert(1)</script>"})
    AuthActions(client).login("org@example.org")
    page = client.get("/staff/series/smuggling-2020/report?lang=en")
    assert 'id="evaluation"' in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "Average: 4.0 of 5" in page.text
    data = client.get("/staff/series/smuggling-2020/report.json").get_json(force=True)
    assert data["evaluation"]["responses"] == 1
    assert data["evaluation"]["questions"][0]["counts"]["4"] == 1
    assert data["evaluation"]["questions"][3]["comments"] == ["<script>alert(1)</script>"]
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/staff/series/smuggling-2020/report.xlsx").data)
    )
    assert "Evaluation" in workbook.sheetnames
    pdf = client.get("/staff/series/smuggling-2020/report.pdf")
    assert pdf.data.startswith(b"%PDF-")
    client2: FlaskClient = app.test_client()
    url = "/api/v1/series/smuggling-2020/report"
    body = client2.get(url, headers={"Authorization": f"Bearer {world['token']}"}).get_json()
    assert body["evaluation"]["responses"] == 1
    with app.app_context():
        assert_matches_document(api.spec.to_dict(), url, 200, body)


def test_the_staff_page_sends_and_is_for_organizers(app: Flask, client, world) -> None:
    with app.app_context():
        factories.make_user(StaffRole.FOCAL_POINT, email="fp@example.org", country_code="CR")
        db.session.commit()
    auth = AuthActions(client)
    auth.login("fp@example.org")
    assert client.get("/staff/series/smuggling-2020/evaluation").status_code == 403
    auth.logout()
    auth.login("org@example.org")
    page = client.get("/staff/series/smuggling-2020/evaluation?lang=en")
    assert "How useful was the webinar?" in page.text
    sent = client.post(
        "/staff/series/smuggling-2020/evaluation/send", data={"session": ""}, follow_redirects=True
    )
    assert "The evaluation was sent to 1 person who attended." in sent.text
    assert (
        client.post(
            "/staff/series/smuggling-2020/evaluation/send", data={"session": "9"}
        ).status_code
        == 404
    )
