"""Country submissions: requests, uploads checked from their content, the matrix, reviews,
the zip, reminders, access, and the S3 backend (moto's server over HTTP)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webinars.accounts.models import StaffRole
from webinars.audit.models import AuditEvent
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.submissions.models import AnswerKind, Submission, SubmissionRequest
from webinars.types import utcnow

from .. import factories
from ..conftest import AuthActions, _delete_test_rows, make_test_app
from ..storage_fixtures import DOCX, PDF, moto_s3  # noqa: F401


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Files under a temporary directory; small uploads only."""
    app = make_test_app(
        database_url, STORAGE_LOCAL_ROOT=str(tmp_path / "uploads"), SUBMISSION_MAX_BYTES=4096
    )
    yield app
    _delete_test_rows(app)


def _setup(app: Flask, *, due: datetime | None = None, countries: str = "", kind=AnswerKind.FILE):
    with app.app_context():
        series = factories.open_series(slug="dialogue")
        organizer = factories.make_user(StaffRole.ORGANIZER, email="org@example.org")
        factories.make_user(StaffRole.FOCAL_POINT, email="cr@example.org", country_code="CR")
        factories.make_user(StaffRole.FOCAL_POINT, email="gt@example.org", country_code="GT")
        factories.make_user(StaffRole.FACILITATOR, email="fac@example.org")
        request = SubmissionRequest(
            series_id=series.id,
            title_en="Country report on progress",
            title_es="Informe de país sobre los avances",
            answer_kind=kind,
            due_at=due or utcnow() + timedelta(days=2),
            country_codes=countries,
        )
        db.session.add(request)
        db.session.commit()
        return request.id, organizer.id


def _send(client: FlaskClient, request_id: int, code: str, data: bytes, name: str, text=""):
    return client.post(
        f"/staff/series/dialogue/submissions/{request_id}/{code}",
        data={"file": (io.BytesIO(data), name), "text": text},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_organizer_asks_with_the_series_local_deadline(app: Flask, client, auth: AuthActions):
    _setup(app)
    auth.login("org@example.org")
    response = client.post(
        "/staff/series/dialogue/submissions/new",
        data={
            "title_en": "Input for Activity 1",
            "title_es": "Insumos para la Actividad 1",
            "answer_kind": "either",
            "due": "2030-05-01T17:00",
            "country_codes": ["CR", "GT"],
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Input for Activity 1" in response.text
    with app.app_context():
        asked = db.session.execute(
            db.select(SubmissionRequest).filter_by(title_en="Input for Activity 1")
        ).scalar_one()
        # 17:00 in Costa Rica (UTC-6) is 23:00 UTC.
        assert asked.due_at == datetime(2030, 5, 1, 23, 0, tzinfo=UTC)
        assert asked.asked_codes == {"CR", "GT"}


def test_request_form_refuses_missing_fields(app: Flask, client, auth: AuthActions):
    _setup(app)
    auth.login("org@example.org")
    response = client.post("/staff/series/dialogue/submissions/new", data={"title_en": "x"})
    assert response.status_code == 200
    assert "Give the deadline." in response.text


def test_focal_point_sends_a_pdf_and_the_organizer_sees_and_downloads_it(
    app: Flask, client, auth: AuthActions
):
    request_id, _ = _setup(app)
    auth.login("cr@example.org")
    response = _send(client, request_id, "CR", PDF, "Informe país.docx")
    assert "Sent. The organizers see it now." in response.text
    # Named after what the content is, not what its name said.
    assert "Informe_pais.pdf" in response.text
    auth.logout()
    auth.login("org@example.org")
    matrix = client.get("/staff/series/dialogue/submissions")
    assert 'class="quota-cell submission-submitted"' in matrix.text
    assert 'class="quota-cell submission-awaited"' in matrix.text  # the other countries
    download = client.get(f"/staff/series/dialogue/submissions/{request_id}/CR/file")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent)).scalar_one()
        assert event.action == "submissions"
        assert event.actor == "org@example.org"
        assert "CR" in event.detail


def test_a_file_renamed_to_pdf_is_refused(app: Flask, client, auth: AuthActions, tmp_path):
    request_id, _ = _setup(app)
    auth.login("cr@example.org")
    response = _send(client, request_id, "CR", b"MZ\x90\x00 an executable", "report.pdf")
    assert "is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX)" in response.text
    assert 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.execute(db.select(Submission)).first() is None
    assert not list((tmp_path / "uploads").rglob("*")) or not any(
        p.is_file() for p in (tmp_path / "uploads").rglob("*")
    )


def test_an_oversized_file_is_refused(app: Flask, client, auth: AuthActions):
    request_id, _ = _setup(app)
    auth.login("cr@example.org")
    response = _send(client, request_id, "CR", PDF + b"0" * 5000, "big.pdf")
    assert "This file is larger than" in response.text
    with app.app_context():
        assert db.session.execute(db.select(Submission)).first() is None


def test_replaced_until_the_deadline_then_late_and_final(app: Flask, client, auth: AuthActions):
    request_id, _ = _setup(app)
    auth.login("cr@example.org")
    _send(client, request_id, "CR", PDF, "first.pdf")
    _send(client, request_id, "CR", DOCX, "second.docx")
    with app.app_context():
        submission = db.session.execute(db.select(Submission)).scalar_one()
        assert submission.file_name == "second.docx"
        asked = db.session.get(SubmissionRequest, request_id)
        asked.due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert (
        'type="file"' not in client.get(f"/staff/series/dialogue/submissions/{request_id}/CR").text
    )
    response = _send(client, request_id, "CR", PDF, "third.pdf")
    assert "The deadline has passed" in response.text
    with app.app_context():
        assert db.session.execute(db.select(Submission.file_name)).scalar_one() == "second.docx"


def test_a_country_that_sent_nothing_may_still_send_late(app: Flask, client, auth: AuthActions):
    request_id, _ = _setup(app, due=utcnow() - timedelta(days=1))
    auth.login("gt@example.org")
    _send(client, request_id, "GT", PDF, "tarde.pdf")
    auth.logout()
    auth.login("org@example.org")
    matrix = client.get("/staff/series/dialogue/submissions")
    assert 'id="country-GT"' in matrix.text
    row = matrix.text.split('id="country-GT"')[1].split("</tr>")[0]
    assert "submission-late" in row
    row = matrix.text.split('id="country-CR"')[1].split("</tr>")[0]
    assert "submission-missing" in row


def test_return_needs_a_comment_and_lets_the_country_send_again(
    app: Flask, client, auth: AuthActions
):
    request_id, _ = _setup(app)
    auth.login("cr@example.org")
    _send(client, request_id, "CR", PDF, "a.pdf")
    auth.logout()
    auth.login("org@example.org")
    url = f"/staff/series/dialogue/submissions/{request_id}/CR/review"
    response = client.post(url, data={"decision": "returned", "comment": ""})
    assert "Say what the country should change." in response.text
    client.post(url, data={"decision": "returned", "comment": "Add the 2019 figures <b>"})
    auth.logout()
    auth.login("cr@example.org")
    page = client.get(f"/staff/series/dialogue/submissions/{request_id}/CR")
    assert "Add the 2019 figures &lt;b&gt;" in page.text
    with app.app_context():
        db.session.get(SubmissionRequest, request_id).due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    response = _send(client, request_id, "CR", DOCX, "b.docx")
    assert "Sent. The organizers see it now." in response.text


def test_the_zip_has_one_folder_per_country(app: Flask, client, auth: AuthActions):
    request_id, _ = _setup(app, kind=AnswerKind.EITHER)
    auth.login("cr@example.org")
    _send(client, request_id, "CR", PDF, "informe.pdf", text="Avances en la 6.3")
    auth.logout()
    auth.login("gt@example.org")
    _send(client, request_id, "GT", DOCX, "reporte.docx")
    auth.logout()
    auth.login("org@example.org")
    response = client.get(f"/staff/series/dialogue/submissions/{request_id}/archive.zip")
    assert response.status_code == 200
    assert "dialogue-" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(names) == [
        "Costa Rica/answer.txt",
        "Costa Rica/informe.pdf",
        "Guatemala/reporte.docx",
    ]


def test_who_may_see_what(app: Flask, client, auth: AuthActions):
    request_id, _ = _setup(app, countries="CR")
    auth.login("gt@example.org")
    assert client.get(f"/staff/series/dialogue/submissions/{request_id}/CR").status_code == 403
    page = client.get("/staff/series/dialogue/submissions")
    assert "Nothing is asked of your country" in page.text
    assert (
        client.get(f"/staff/series/dialogue/submissions/{request_id}/archive.zip").status_code
        == 403
    )
    assert client.get("/staff/series/dialogue/submissions/new").status_code == 403
    auth.logout()
    auth.login("fac@example.org")
    assert client.get("/staff/series/dialogue/submissions").status_code == 403
    assert "Country submissions" not in client.get("/staff/series/dialogue").text
    auth.logout()
    auth.login("cr@example.org")
    assert "Country submissions" in client.get("/staff/series/dialogue").text
    assert client.get(f"/staff/series/dialogue/submissions/{request_id}/GT").status_code == 403


def test_reminders_once_a_day_to_countries_that_sent_nothing(app: Flask, runner, client, auth):
    request_id, _ = _setup(app, countries="CR GT")
    auth.login("cr@example.org")
    _send(client, request_id, "CR", PDF, "a.pdf")
    result = runner.invoke(args=["submissions", "remind"])
    assert "1 reminder(s) queued." in result.output
    result = runner.invoke(args=["submissions", "remind"])
    assert "0 reminder(s) queued." in result.output
    with app.app_context():
        message = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert message.to_address == "gt@example.org"
        assert message.language == "es"
        assert "Informe de país sobre los avances" in message.subject
        assert f"/staff/series/dialogue/submissions/{request_id}/GT" in message.body_text


def test_files_go_to_the_s3_bucket(database_url: str, moto_s3: str):  # noqa: F811
    import boto3

    app = make_test_app(
        database_url,
        STORAGE_BACKEND="s3",
        STORAGE_S3_BUCKET="webinars-files",
        STORAGE_S3_ENDPOINT_URL=moto_s3,
        STORAGE_S3_ACCESS_KEY="test",
        STORAGE_S3_SECRET_KEY="test",
    )
    client_s3 = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client_s3.create_bucket(Bucket="webinars-files")
    try:
        request_id, _ = _setup(app)
        client = app.test_client()
        auth = AuthActions(client)
        auth.login("cr@example.org")
        _send(client, request_id, "CR", PDF, "informe.pdf")
        with app.app_context():
            key = db.session.execute(db.select(Submission.file_key)).scalar_one()
        stored = client_s3.get_object(Bucket="webinars-files", Key=key)["Body"].read()
        assert stored == PDF
        auth.logout()
        auth.login("org@example.org")
        assert client.get(f"/staff/series/dialogue/submissions/{request_id}/CR/file").data == PDF
    finally:
        _delete_test_rows(app)


def test_api_lists_requests_and_what_each_country_sent(app: Flask, client, auth: AuthActions):
    from webinars.accounts.tokens import issue_token
    from webinars.extensions import api

    from ..openapi_check import assert_matches_document

    request_id, _ = _setup(app, countries="CR GT")
    auth.login("cr@example.org")
    _send(client, request_id, "CR", PDF, "informe.pdf")
    auth.logout()
    with app.app_context():
        users = {
            u.email: issue_token(u) for u in db.session.execute(db.select(factories.User)).scalars()
        }
        db.session.commit()
    url = "/api/v1/series/dialogue/submissions"
    api_client = app.test_client()
    assert api_client.get(url).status_code == 401
    body = api_client.get(url, headers={"Authorization": f"Bearer {users['org@example.org']}"})
    assert body.status_code == 200
    data = body.get_json()
    with app.app_context():
        assert_matches_document(api.spec.to_dict(), url, 200, data)
    (asked,) = data["requests"]
    assert asked["countries_asked"] == ["CR", "GT"]
    states = {c["country"]: c["state"] for c in asked["countries"]}
    assert states == {"CR": "submitted", "GT": "awaited"}
    assert asked["countries"][0]["file"]["kind"] == "pdf"
    scoped = api_client.get(url, headers={"Authorization": f"Bearer {users['gt@example.org']}"})
    assert [c["country"] for c in scoped.get_json()["requests"][0]["countries"]] == ["GT"]
    refused = api_client.get(url, headers={"Authorization": f"Bearer {users['fac@example.org']}"})
    assert refused.status_code == 403
