"""Session materials: attached by staff, public or for registrants, listed on the public page,
downloaded through the private link or a staff log-in, e-mailed once after the session."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from webinars.accounts.models import StaffRole
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.materials.models import Material
from webinars.registration.models import RegistrationStatus
from webinars.series.models import Series
from webinars.sessions.models import EventSession
from webinars.types import utcnow

from .. import factories
from ..conftest import AuthActions, _delete_test_rows, make_test_app
from ..storage_fixtures import PDF, PPTX


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(
        database_url, STORAGE_LOCAL_ROOT=str(tmp_path / "uploads"), SUBMISSION_MAX_BYTES=4096
    )
    yield app
    _delete_test_rows(app)


@pytest.fixture
def world(app: Flask) -> dict:
    with app.app_context():
        series = factories.make_series(slug="border-2020")
        # Held yesterday: the registrants' private links still work.
        yesterday = (utcnow() - timedelta(days=1)).replace(microsecond=0)
        session = factories.make_session(series, start_at=yesterday)
        db.session.refresh(series)
        factories.make_registration(series, email="ana@example.gov", language="es")
        factories.make_registration(
            series, email="gone@example.gov", status=RegistrationStatus.CANCELLED
        )
        factories.make_user(StaffRole.ORGANIZER, email="org@example.org")
        factories.make_user(StaffRole.FOCAL_POINT, email="fp@example.org", country_code="CR")
        db.session.commit()
        return {"session": session.id}


def _attach(client, session_id: int, title: str, data: bytes, name: str, visibility: str):
    return client.post(
        f"/staff/series/border-2020/sessions/{session_id}/materials",
        data={
            "title_en": title,
            "title_es": title + " (es)",
            "file": (io.BytesIO(data), name),
            "visibility": visibility,
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_public_and_restricted_materials(app: Flask, client, world: dict) -> None:
    auth = AuthActions(client)
    auth.login("fp@example.org")
    assert (
        client.get(f"/staff/series/border-2020/sessions/{world['session']}/materials").status_code
        == 403
    )
    auth.logout()
    auth.login("org@example.org")
    refused = _attach(client, world["session"], "Fake", b"not a pdf", "fake.pdf", "public")
    assert "is not a PDF" in refused.text
    _attach(client, world["session"], "Opening slides", PPTX, "opening.pptx", "public")
    _attach(client, world["session"], "Country data", PDF, "data.pdf", "registrants")
    auth.logout()
    page = client.get("/series/border-2020?lang=en")
    assert "Opening slides" in page.text
    assert "Country data" not in page.text
    with app.app_context():
        public, restricted = db.session.execute(db.select(Material).order_by(Material.id)).scalars()
        public_url = f"/series/border-2020/materials/{public.id}/{public.file_name}"
        restricted_url = f"/series/border-2020/materials/{restricted.id}/{restricted.file_name}"
    assert client.get(public_url).data == PPTX
    assert client.get(restricted_url).status_code == 403
    assert client.get(restricted_url + "?token=forged").status_code == 403
    assert client.get(public_url.replace("border-2020", "other")).status_code == 404
    auth.login("org@example.org")
    assert client.get(restricted_url).data == PDF
    auth.logout()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["materials", "send", "border-2020", "1"])
    assert "links sent to 1 registrant(s)" in result.output
    with app.app_context():
        first_id = (
            db.session.execute(
                db.select(EventSession.id)
                .join(Series)
                .where(Series.slug == "border-2020")
                .order_by(EventSession.start_at, EventSession.id)
            )
            .scalars()
            .first()
        )
    result = runner.invoke(args=["materials", "send", "border-2020", "--session-id", str(first_id)])
    assert "links sent to 0 registrant(s)" in result.output  # the same session, by its id
    result = runner.invoke(args=["materials", "send", "border-2020"])
    assert result.exit_code == 2 and "--session-id" in result.output
    with app.app_context():
        message = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert message.to_address == "ana@example.gov"
        link = re.search(r"https?://\S+/materials/\d+/data\.pdf\?token=\S+", message.body_text)
        assert link is not None
    path = "/" + link.group(0).split("//", 1)[1].split("/", 1)[1]
    assert client.get(path).data == PDF


def test_remove_and_send_from_the_page(app: Flask, client, world: dict, tmp_path) -> None:
    AuthActions(client).login("org@example.org")
    base = f"/staff/series/border-2020/sessions/{world['session']}/materials"
    _attach(client, world["session"], "Slides", PDF, "s.pdf", "public")
    sent = client.post(base + "/send", follow_redirects=True)
    assert "The links were e-mailed to 1 registrant." in sent.text
    with app.app_context():
        material_id = db.session.execute(db.select(Material.id)).scalar_one()
    client.post(f"{base}/{material_id}/delete")
    with app.app_context():
        assert db.session.execute(db.select(Material)).first() is None
    assert not [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]


def test_api_lists_the_public_materials(app: Flask, client, world: dict) -> None:
    from webinars.extensions import api

    from ..openapi_check import assert_matches_document

    AuthActions(client).login("org@example.org")
    _attach(client, world["session"], "Opening slides", PPTX, "opening.pptx", "public")
    _attach(client, world["session"], "Country data", PDF, "data.pdf", "registrants")
    url = "/api/v1/series/border-2020/materials"
    data = app.test_client().get(url).get_json()
    with app.app_context():
        assert_matches_document(api.spec.to_dict(), url, 200, data)
    assert [m["title"]["en"] for m in data["materials"]] == ["Opening slides"]
    assert data["materials"][0]["url"].endswith("/opening.pptx")
    assert app.test_client().get("/api/v1/series/nope/materials").status_code == 404


def test_a_confirmed_registrant_finds_the_materials_on_their_page(app: Flask, client, world):
    from webinars.registration.models import Registration
    from webinars.registration.tokens import public_token

    AuthActions(client).login("org@example.org")
    _attach(client, world["session"], "Country data", PDF, "data.pdf", "registrants")
    AuthActions(client).logout()
    with app.app_context():
        ana = db.session.execute(
            db.select(Registration).filter_by(email="ana@example.gov")
        ).scalar_one()
        token = public_token(ana)
    visitor = app.test_client()
    page = visitor.get(f"/r/{token}?lang=en")
    link = re.search(r'href="(/series/border-2020/materials/[^"]+)"', page.text)
    assert link is not None and "token=" in link.group(1)
    assert visitor.get(link.group(1).replace("&amp;", "&")).data == PDF
