"""The registration API, the quota API with staff tokens, and their OpenAPI document.

Every body received through the `api` fixture is validated against the schema the generated
document gives for that path, method and status, and no answer may set a cookie.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from limits import parse as parse_limit
from werkzeug.test import TestResponse

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token, user_for_token
from webinars.api.registrations import MANAGE_RATE_LIMIT
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import public_token
from webinars.series.models import ApprovalMode, Series, SeriesStatus

from .. import factories
from ..conftest import AuthActions, make_test_app
from ..factories import registration_data
from ..openapi_check import assert_matches_document, resolve

S = RegistrationStatus
_numbers = itertools.count(1)


class JsonApi:
    """Calls the API and checks each answer: JSON, described by the document, no cookie."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        self.document: dict[str, Any] = response.get_json()

    def call(self, method: str, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.open(url, method=method, **kwargs)
        assert response.is_json, response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
        assert_matches_document(
            self.document, urlsplit(url).path, response.status_code, response.get_json(), method
        )
        return response

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", url, **kwargs)


@pytest.fixture
def api(client: FlaskClient) -> JsonApi:
    return JsonApi(client)


def commit() -> None:
    """Write the test's rows and start the request from an empty identity map."""
    db.session.commit()
    db.session.close()


def body(**fields: Any) -> dict[str, Any]:
    """A valid registration body; a field given as `...` is left out."""
    values: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": f"official{next(_numbers)}@example.gov",
        "country": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "other",
        "language": "es",
    }
    values.update(fields)
    return {key: value for key, value in values.items() if value is not ...}


def registrations_url(series: Series | str) -> str:
    slug = series if isinstance(series, str) else series.slug
    return f"/api/v1/series/{slug}/registrations"


def written() -> tuple[int, int]:
    """How many registrations and e-mails there are."""
    count = db.func.count()
    return (
        db.session.scalar(db.select(count).select_from(Registration)),
        db.session.scalar(
            db.select(count).select_from(OutboxMessage).where(OutboxMessage.ical_method == "")
        ),
    )


def mails(kind: str | None = None) -> list[OutboxMessage]:
    """The e-mails about registrations (calendar invitations are tested in test_invitations)."""
    query = (
        db.select(OutboxMessage).where(OutboxMessage.ical_method == "").order_by(OutboxMessage.id)
    )
    if kind:
        query = query.filter_by(kind=kind)
    return list(db.session.scalars(query))


def series_with_profiles(**fields: Any) -> Series:
    series = factories.open_series(slug="smuggling-exchange", **fields)
    factories.make_profile(series, code="prosecutor", min_per_country=2, max_per_country=2)
    factories.make_profile(series, code="border_control", min_per_country=1)
    db.session.refresh(series)
    return series


# --- registering -----------------------------------------------------------------------------


def test_a_registration_is_created_with_its_row_and_its_mail(ctx: Flask, api: JsonApi) -> None:
    series = series_with_profiles()
    first_session = series.sessions[0].id
    commit()

    response = api.post(
        registrations_url("smuggling-exchange"),
        json=body(
            email="Ana.Perez@Example.GOV",
            profile="prosecutor",
            sessions=[first_session],
            timezone="America/Mexico_City",
            consent_to_list=True,
        ),
    )

    assert response.status_code == 201
    # No key in the answer: the private link goes to the address only (issue 12).
    assert response.get_json() == {"status": "received", "verify_email": False}
    registration = db.session.scalars(db.select(Registration)).one()
    manage_url = f"http://127.0.0.1:5000/r/{public_token(registration)}"
    assert registration.email == "ana.perez@example.gov"
    assert (registration.first_name, registration.last_name) == ("Ana", "Pérez")
    assert registration.country_code == "CR"
    assert (registration.institution, registration.position) == ("Fiscalía General", "Fiscal")
    assert registration.profile.code == "prosecutor"
    assert [s.id for s in registration.sessions] == [first_session]
    assert registration.timezone == "America/Mexico_City"
    assert registration.consent_to_list is True
    assert registration.language == "es"
    assert registration.status == S.CONFIRMED
    [mail] = mails()
    assert mail.to_address == "ana.perez@example.gov"
    assert mail.kind == "registration.confirmed"
    assert mail.language == "es"
    assert mail.registration_id == registration.id
    assert manage_url in mail.body_text


def test_defaults_an_observer_and_approval_by_the_organizer(ctx: Flask, api: JsonApi) -> None:
    series = factories.open_series(approval_mode=ApprovalMode.ORGANIZER, timezone="America/Panama")
    url = registrations_url(series)
    commit()

    response = api.post(url, json=body(country=None, observer_organization="IOM", language="en"))

    assert response.status_code == 201
    registration = db.session.scalars(db.select(Registration)).one()
    assert registration.status == S.PENDING
    assert registration.country_code is None
    assert registration.observer_organization == "IOM"
    assert registration.profile is None
    assert len(registration.sessions) == 2  # every session by default
    assert registration.timezone == "America/Panama"  # the series' zone for an observer
    assert registration.consent_to_list is False
    assert [m.kind for m in mails()] == ["registration.received"]


def test_past_a_hard_limit_the_registration_waits(ctx: Flask, api: JsonApi) -> None:
    series = factories.open_series(capacity=1)
    url = registrations_url(series)
    commit()

    assert api.post(url, json=body(email="a@example.gov")).status_code == 201
    assert api.post(url, json=body(email="b@example.gov")).status_code == 201
    statuses = db.session.execute(
        db.select(Registration.email, Registration.status).order_by(Registration.id)
    ).all()
    assert statuses == [("a@example.gov", S.CONFIRMED), ("b@example.gov", S.WAITLISTED)]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"first_name": ...}, {"first_name": ["This field is required."]}),
        (
            {"first_name": ..., "email": ..., "language": ...},
            {
                "first_name": ["This field is required."],
                "email": ["This field is required."],
                "language": ["This field is required."],
            },
        ),
        ({"first_name": "  "}, {"first_name": ["This field is required."]}),
        ({"last_name": "x" * 101}, {"last_name": ["At most 100 characters."]}),
        ({"institution": "x" * 201}, {"institution": ["At most 200 characters."]}),
        ({"first_name": 42}, {"first_name": ["Not a valid text."]}),
        ({"first_name": None}, {"first_name": ["This field may not be null."]}),
        ({"sessions": "all"}, {"sessions": ["Not a valid list."]}),
        ({"sessions": ["1", 2.5]}, {"sessions": ["Not a valid integer."]}),
        ({"sessions": []}, {"sessions": ["Choose at least one session."]}),
        (
            {"consent_to_list": "maybe"},
            {"consent_to_list": ["Not a valid boolean: use true or false."]},
        ),
        ({"country": "FR"}, {"country": ["Choose a member country."]}),
        (
            {"country": None},
            {"country": ["Choose a member country, or give the name of your organization."]},
        ),
        (
            {"country": "CR", "observer_organization": "IOM"},
            {"observer_organization": ["Leave this empty when you give a country."]},
        ),
        ({"profile": "astronaut"}, {"profile": ["Choose one of the profiles of this series."]}),
        ({"profile": ...}, {"profile": ["This field is required."]}),
        ({"email": "not-an-address"}, {"email": ["Enter a valid e-mail address."]}),
        ({"language": "fr"}, {"language": ["Choose Spanish or English."]}),
        ({"timezone": "Mars/Olympus"}, {"timezone": ["Choose a valid time zone."]}),
        (
            {"institution": "Fiscal\x00ía"},
            {"institution": ["Contains a character that is not allowed."]},
        ),
        ({"age": 42}, {"age": ["Unknown field."]}),
    ],
)
def test_refused_fields_are_flat_422s_and_write_nothing(
    ctx: Flask, api: JsonApi, fields: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    series = factories.open_series()
    url = registrations_url(series)
    commit()

    response = api.post(url, json=body(**fields))

    assert response.status_code == 422
    assert response.get_json() == {"errors": errors}
    assert written() == (0, 0)


def test_a_session_of_another_series_is_refused(ctx: Flask, api: JsonApi) -> None:
    series = factories.open_series()
    other = factories.open_series()
    url, foreign = registrations_url(series), other.sessions[0].id
    commit()

    response = api.post(url, json=body(sessions=[foreign]))

    assert response.status_code == 422
    assert response.get_json() == {
        "errors": {"sessions": ["A chosen session is not part of this series."]}
    }
    assert written() == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"data": '{"first_name": "Ana", ', "content_type": "application/json"},
            "The body is not valid JSON.",
        ),
        (
            {"data": b'{"first_name": "\xff"}', "content_type": "application/json"},
            "The body is not valid JSON.",
        ),
        (
            {"data": {"first_name": "Ana"}},  # a form post
            "Send the body as JSON, with Content-Type: application/json.",
        ),
        (
            {"data": '{"first_name": "Ana"}', "content_type": "text/plain"},
            "Send the body as JSON, with Content-Type: application/json.",
        ),
        ({"json": ["Ana", "Pérez"]}, "The body must be a JSON object."),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_422(
    ctx: Flask, api: JsonApi, kwargs: dict[str, Any], message: str
) -> None:
    series = factories.open_series()
    url = registrations_url(series)
    commit()

    response = api.post(url, **kwargs)

    assert response.status_code == 422
    assert response.get_json() == {"errors": {"_schema": [message]}}
    assert written() == (0, 0)


def test_a_second_registration_of_an_address_is_answered_as_a_new_one(
    ctx: Flask, api: JsonApi
) -> None:
    """Enumeration (issue 12, item 7): this used to be a 409 `duplicate_registration`."""
    series = factories.open_series()
    url = registrations_url(series)
    commit()
    first = api.post(url, json=body(email="Ana@Example.gov"))

    again = api.post(url, json=body(email="ana@example.GOV", first_name="Other"))
    new = api.post(url, json=body(email="someone.else@example.gov"))

    assert first.status_code == again.status_code == new.status_code == 201
    assert first.get_json() == again.get_json() == new.get_json()
    assert written() == (2, 3)
    [told] = mails("registration.already_registered")
    assert told.to_address == "ana@example.gov"
    registration = db.session.scalars(db.select(Registration).filter_by(email=told.to_address))
    assert f"/r/{public_token(registration.one())}" in told.body_text


@pytest.mark.parametrize(
    "fields",
    [
        {"registration_closes_at": datetime(2020, 6, 1, tzinfo=UTC)},
        {"registration_opens_at": datetime(2099, 1, 1, tzinfo=UTC)},
        {"status": SeriesStatus.CLOSED},
    ],
)
def test_a_series_not_taking_registrations_is_a_409(
    ctx: Flask, api: JsonApi, fields: dict[str, Any]
) -> None:
    series = factories.open_series(**fields)
    url = registrations_url(series)
    commit()

    response = api.post(url, json=body())

    assert response.status_code == 409
    assert response.get_json()["code"] == "registration_closed"
    assert response.get_json()["message"]
    assert written() == (0, 0)


def test_drafts_and_unknown_series_are_json_404s(ctx: Flask, api: JsonApi) -> None:
    draft = factories.open_series(status=SeriesStatus.DRAFT)
    url = registrations_url(draft)
    commit()

    for target in (url, registrations_url("no-such-series")):
        response = api.post(target, json=body())
        assert response.status_code == 404
        assert response.get_json()["code"] == 404
        assert response.get_json()["message"]
    assert written() == (0, 0)


def test_registrations_are_rate_limited_per_address(app: Flask, database_url: str) -> None:
    limited = make_test_app(database_url, REGISTRATION_RATE_LIMIT="3 per minute")
    with limited.app_context():
        url = registrations_url(factories.open_series())
        commit()
        api = JsonApi(limited.test_client())

        for _ in range(3):
            assert api.post(url, json=body()).status_code == 201
        response = api.post(url, json=body())

        assert response.status_code == 429
        assert response.get_json()["code"] == 429
        assert response.get_json()["message"]
        assert "Retry-After" in response.headers
        assert written()[0] == 3
        # Another address has its own allowance.
        other = api.post(url, json=body(), environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 201


def test_no_csrf_token_is_needed(app: Flask, database_url: str) -> None:
    protected = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    with protected.app_context():
        url = registrations_url(factories.open_series())
        commit()

        response = JsonApi(protected.test_client()).post(url, json=body())

        assert response.status_code == 201


def test_the_api_neither_sets_nor_reads_the_session_cookie(
    ctx: Flask, api: JsonApi, client: FlaskClient, auth: AuthActions
) -> None:
    series = factories.open_series()
    organizer = factories.make_user(StaffRole.ORGANIZER)
    url, email, slug = registrations_url(series), organizer.email, series.slug
    commit()

    # `?lang=` writes the language to the session on a page; an API answer sets no cookie.
    assert api.post(f"{url}?lang=es", json=body()).status_code == 201
    assert "Set-Cookie" in client.get("/?lang=es").headers

    auth.login(email)
    response = api.get(f"/api/v1/series/{slug}/quotas")
    assert response.status_code == 401


# --- quotas and staff tokens ---------------------------------------------------------------


def quota_fixture() -> Series:
    """CR: a prosecutor confirmed, one pending, one waiting; MX: a border official confirmed;
    an observer pending."""
    series = series_with_profiles(approval_mode=ApprovalMode.ORGANIZER)
    services.approve(services.register(series, registration_data(profile_code="prosecutor")))
    services.register(series, registration_data(profile_code="prosecutor"))
    waiting = services.register(series, registration_data(profile_code="prosecutor"))
    assert waiting.status == S.WAITLISTED
    services.approve(
        services.register(
            series, registration_data(country_code="MX", profile_code="border_control")
        )
    )
    services.register(series, registration_data(country_code=None, observer_organization="UNHCR"))
    return series


def cell(confirmed: int, pending: int, waitlisted: int, minimum: int, maximum: int | None) -> dict:
    return {
        "confirmed": confirmed,
        "pending": pending,
        "waitlisted": waitlisted,
        "min": minimum,
        "max": maximum,
        "met": confirmed >= minimum,
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_organizers_see_every_country(ctx: Flask, api: JsonApi) -> None:
    quota_fixture()
    token = issue_token(factories.make_user(StaffRole.ORGANIZER))
    commit()

    response = api.get("/api/v1/series/smuggling-exchange/quotas", headers=bearer(token))

    assert response.status_code == 200
    answer = response.get_json()
    assert answer["series"] == "smuggling-exchange"
    assert [p["code"] for p in answer["profiles"]] == ["prosecutor", "border_control"]
    assert len(answer["countries"]) == 11
    by_code = {row["code"]: row for row in answer["countries"]}
    assert by_code["CR"] == {
        "code": "CR",
        "name": {"en": "Costa Rica", "es": "Costa Rica"},
        "profiles": {
            "prosecutor": cell(1, 1, 1, 2, 2),
            "border_control": cell(0, 0, 0, 1, None),
            "other": cell(0, 0, 0, 0, None),
        },
        "lacking": ["prosecutor", "border_control"],
    }
    assert by_code["MX"]["profiles"]["border_control"] == cell(1, 0, 0, 1, None)
    assert by_code["MX"]["lacking"] == ["prosecutor"]
    assert by_code["BZ"]["profiles"]["prosecutor"] == cell(0, 0, 0, 2, 2)
    assert answer["observers"] == {"confirmed": 0, "pending": 1, "waitlisted": 0}


def test_a_focal_point_sees_their_own_country_only(ctx: Flask, api: JsonApi) -> None:
    quota_fixture()
    token = issue_token(factories.make_user(StaffRole.FOCAL_POINT, country_code="MX"))
    commit()

    answer = api.get("/api/v1/series/smuggling-exchange/quotas", headers=bearer(token)).json

    assert [row["code"] for row in answer["countries"]] == ["MX"]
    assert answer["countries"][0]["profiles"]["border_control"] == cell(1, 0, 0, 1, None)
    assert answer["observers"] is None


def test_facilitators_see_the_quotas_of_their_own_series_only(ctx: Flask, api: JsonApi) -> None:
    series = quota_fixture()
    other = factories.open_series()
    own = issue_token(factories.make_user(StaffRole.FACILITATOR, series=[series]))
    foreign = issue_token(factories.make_user(StaffRole.FACILITATOR, series=[other]))
    commit()
    url = "/api/v1/series/smuggling-exchange/quotas"

    assert len(api.get(url, headers=bearer(own)).json["countries"]) == 11
    response = api.get(url, headers=bearer(foreign))
    assert response.status_code == 403
    assert response.get_json()["message"]


def test_quotas_need_a_valid_token(ctx: Flask, api: JsonApi) -> None:
    quota_fixture()
    inactive = issue_token(factories.make_user(StaffRole.ORGANIZER, active=False))
    valid = issue_token(factories.make_user(StaffRole.ORGANIZER))
    commit()
    url = "/api/v1/series/smuggling-exchange/quotas"

    missing = api.get(url)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="webinars"'
    for headers in (
        bearer("not-a-token"),
        bearer(inactive),
        {"Authorization": f"Basic {valid}"},
    ):
        response = api.get(url, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["message"]
    assert (
        api.get(url, headers=bearer("not-a-token"))
        .headers["WWW-Authenticate"]
        .endswith('error="invalid_token"')
    )
    assert api.get(url, headers=bearer(valid)).status_code == 200
    assert api.get("/api/v1/series/no-such-series/quotas", headers=bearer(valid)).status_code == 404


def test_tokens_are_stored_hashed_and_replaced(ctx: Flask) -> None:
    user = factories.make_user(StaffRole.ORGANIZER)
    first = issue_token(user)
    assert user.api_token_hash is not None and first not in user.api_token_hash
    assert user_for_token(first) is user
    second = issue_token(user)
    assert second != first
    assert user_for_token(first) is None
    assert user_for_token(second) is user
    assert user_for_token("") is None


def test_flask_users_token_prints_a_working_token(
    ctx: Flask, api: JsonApi, runner: FlaskCliRunner
) -> None:
    quota_fixture()
    factories.make_user(StaffRole.ORGANIZER, email="organizer@example.org")
    commit()
    url = "/api/v1/series/smuggling-exchange/quotas"

    first = runner.invoke(args=["users", "token", "Organizer@Example.org"])
    assert first.exit_code == 0, first.output
    old_token = first.stdout.strip()
    assert api.get(url, headers=bearer(old_token)).status_code == 200

    second = runner.invoke(args=["users", "token", "organizer@example.org"])
    assert second.exit_code == 0, second.output
    new_token = second.stdout.strip()
    assert "previous token" in second.stderr
    assert new_token != old_token
    assert api.get(url, headers=bearer(new_token)).status_code == 200
    assert api.get(url, headers=bearer(old_token)).status_code == 401

    unknown = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert unknown.exit_code != 0
    assert "nobody@example.org" in unknown.output


# --- the registration by its manage token --------------------------------------------------


def manage_url(registration: Registration) -> str:
    return f"/api/v1/registrations/{public_token(registration)}"


def test_the_holder_sees_the_registration(ctx: Flask, api: JsonApi) -> None:
    series = series_with_profiles()
    first = series.sessions[0]
    registration = services.register(
        series,
        registration_data(
            first_name="Ana",
            last_name="Pérez",
            email="ana@example.gov",
            institution="Fiscalía General",
            position="Fiscal",
            profile_code="prosecutor",
            session_ids=[first.id],
            consent_to_list=True,
        ),
    )
    url, registration_id, session_id = manage_url(registration), registration.id, first.id
    commit()

    response = api.get(url)

    assert response.status_code == 200
    assert response.get_json() == {
        "id": registration_id,
        "series": "smuggling-exchange",
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana@example.gov",
        "country": "CR",
        "observer_organization": None,
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "prosecutor",
        "language": "es",
        "timezone": "America/Costa_Rica",
        "consent_to_list": True,
        "status": "confirmed",
        "rejection_reason": None,
        "sessions": [
            {
                "id": session_id,
                "number": 1,
                "title": {"en": "Topic", "es": "Tema"},
                "start": "2030-03-04T15:00:00Z",
                "end": "2030-03-04T17:00:00Z",
            }
        ],
    }


def test_a_rejected_observer_sees_the_reason(ctx: Flask, api: JsonApi) -> None:
    series = factories.open_series()
    registration = services.register(
        series, registration_data(country_code=None, observer_organization="UNHCR")
    )
    services.reject(registration, "The series is for member countries.")
    url = manage_url(registration)
    commit()

    answer = api.get(url).get_json()

    assert (answer["country"], answer["observer_organization"]) == (None, "UNHCR")
    assert answer["profile"] == "other"
    assert answer["status"] == "rejected"
    assert answer["rejection_reason"] == "The series is for member countries."
    assert len(answer["sessions"]) == 2


def test_a_bad_manage_token_is_a_json_404(ctx: Flask, api: JsonApi) -> None:
    registration = services.register(factories.open_series(), registration_data())
    token, registration_id = public_token(registration), registration.id
    commit()

    for url in (
        "/api/v1/registrations/not-a-token",
        f"/api/v1/registrations/{token[:-2]}xx",
    ):
        for method in ("GET", "PATCH", "DELETE"):
            kwargs = {"json": {"profile": "other"}} if method == "PATCH" else {}
            response = api.call(method, url, **kwargs)
            assert response.status_code == 404
            assert response.get_json()["code"] == 404
    assert db.session.get(Registration, registration_id).status == S.CONFIRMED


def test_the_holder_changes_profile_and_sessions(ctx: Flask, api: JsonApi) -> None:
    series = series_with_profiles()
    second = series.sessions[1].id
    registration = services.register(series, registration_data())
    url, registration_id = manage_url(registration), registration.id
    commit()

    response = api.patch(url, json={"profile": "border_control"})
    assert response.status_code == 200
    assert response.get_json()["profile"] == "border_control"
    assert len(response.get_json()["sessions"]) == 2  # kept as they were

    response = api.patch(url, json={"sessions": [second]})
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["sessions"]] == [second]
    assert response.get_json()["profile"] == "border_control"  # kept as it was

    registration = db.session.get(Registration, registration_id)
    assert registration.profile.code == "border_control"
    assert [s.id for s in registration.sessions] == [second]
    assert len(mails("registration.updated")) == 2

    response = api.patch(url, json={"sessions": None, "profile": "other"})
    assert len(response.get_json()["sessions"]) == 2  # null: every session
    assert response.get_json()["profile"] == "other"


def test_a_change_to_a_full_profile_is_refused_and_changes_nothing(
    ctx: Flask, api: JsonApi
) -> None:
    series = series_with_profiles()  # at most two prosecutors per country
    for _ in range(2):
        services.register(series, registration_data(profile_code="prosecutor"))
    registration = services.register(series, registration_data(profile_code="border_control"))
    url, registration_id = manage_url(registration), registration.id
    commit()
    before = written()

    response = api.patch(url, json={"profile": "prosecutor"})

    assert response.status_code == 422
    assert response.get_json() == {
        "errors": {
            "profile": ["There is no seat left for this choice; your registration is unchanged."]
        }
    }
    registration = db.session.get(Registration, registration_id)
    assert registration.profile.code == "border_control"
    assert registration.status == S.CONFIRMED
    assert written() == before


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"sessions": "all"}, {"sessions": ["Not a valid list."]}),
        ({"profile": "astronaut"}, {"profile": ["Choose one of the profiles of this series."]}),
        ({"profile": 3}, {"profile": ["Not a valid text."]}),
        ({"status": "confirmed"}, {"status": ["Unknown field."]}),
        ({}, {"_schema": ["Give a profile or sessions to change."]}),
    ],
)
def test_a_refused_change_is_a_flat_422(
    ctx: Flask, api: JsonApi, change: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    registration = services.register(factories.open_series(), registration_data())
    url = manage_url(registration)
    commit()
    before = written()

    response = api.patch(url, json=change)

    assert response.status_code == 422
    assert response.get_json() == {"errors": errors}
    assert written() == before


def test_a_change_sent_as_a_form_is_a_422(ctx: Flask, api: JsonApi) -> None:
    registration = services.register(factories.open_series(), registration_data())
    url = manage_url(registration)
    commit()

    response = api.patch(url, data={"profile": "other"})

    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["_schema"]


def test_cancelling_frees_the_seat_for_the_waiting_list(ctx: Flask, api: JsonApi) -> None:
    series = factories.open_series(capacity=1)
    holder = services.register(series, registration_data())
    waiting = services.register(series, registration_data())
    assert waiting.status == S.WAITLISTED
    url, waiting_id, waiting_email = manage_url(holder), waiting.id, waiting.email
    commit()

    response = api.delete(url)

    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert db.session.get(Registration, waiting_id).status == S.CONFIRMED
    assert [m.to_address for m in mails("registration.promoted")] == [waiting_email]
    assert len(mails("registration.cancelled")) == 1

    again = api.delete(url)
    assert again.status_code == 409
    assert again.get_json()["code"] == "invalid_status"
    assert again.get_json()["message"]
    changed = api.patch(url, json={"profile": "other"})
    assert changed.status_code == 409
    assert changed.get_json()["code"] == "invalid_status"
    assert len(mails("registration.cancelled")) == 1
    assert api.get(url).get_json()["status"] == "cancelled"


def test_manage_calls_are_rate_limited(ctx: Flask, api: JsonApi, client: FlaskClient) -> None:
    allowed = parse_limit(MANAGE_RATE_LIMIT).amount
    for _ in range(allowed):
        assert client.get("/api/v1/registrations/guess").status_code == 404

    response = api.delete("/api/v1/registrations/guess")

    assert response.status_code == 429
    assert response.get_json()["message"]


# --- the OpenAPI document --------------------------------------------------------------------


def test_the_document_describes_every_answer(api: JsonApi) -> None:
    document = api.document
    expected = {
        ("/api/v1/series/{slug}/registrations", "post"): {"201", "404", "409", "422", "429"},
        ("/api/v1/series/{slug}/quotas", "get"): {"200", "401", "403", "404"},
        ("/api/v1/registrations/{manage_token}", "get"): {"200", "404", "429"},
        ("/api/v1/registrations/{manage_token}", "patch"): {"200", "404", "409", "422", "429"},
        ("/api/v1/registrations/{manage_token}", "delete"): {"200", "404", "409", "429"},
    }
    for (path, method), statuses in expected.items():
        operation = document["paths"][path][method]
        assert statuses <= set(operation["responses"]), (path, method)
        for status in statuses:
            response = resolve(document, operation["responses"][status])
            assert "application/json" in response["content"]

    quotas = document["paths"]["/api/v1/series/{slug}/quotas"]["get"]
    assert quotas["security"] == [{"bearerAuth": []}]
    assert "WWW-Authenticate" in quotas["responses"]["401"]["headers"]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    post = document["paths"]["/api/v1/series/{slug}/registrations"]["post"]
    request_body = resolve(document, post["requestBody"]["content"]["application/json"]["schema"])
    assert set(request_body["required"]) == {
        "first_name",
        "last_name",
        "email",
        "institution",
        "position",
        "profile",
        "language",
    }
    assert {"country", "observer_organization", "sessions", "timezone", "consent_to_list"} <= set(
        request_body["properties"]
    )
    invalid = resolve(document, post["responses"]["422"]["content"]["application/json"]["schema"])
    assert invalid["required"] == ["errors"]
    assert invalid["additionalProperties"] is False


def test_the_document_rejects_a_nested_422(api: JsonApi) -> None:
    """flask-smorest's own 422 body (errors by location) is not what the document promises."""
    import jsonschema

    nested = {"errors": {"json": {"email": ["Missing data for required field."]}}}
    with pytest.raises(jsonschema.ValidationError):
        assert_matches_document(api.document, "/api/v1/series/x/registrations", 422, nested, "post")
    with pytest.raises(jsonschema.ValidationError):
        assert_matches_document(
            api.document, "/api/v1/series/x/registrations", 422, {"code": 422, **nested}, "post"
        )
