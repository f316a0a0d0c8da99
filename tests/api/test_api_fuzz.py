"""The JSON API fuzzed with Schemathesis against its own OpenAPI document.

Every operation of `/api/v1/openapi.json` gets generated requests, valid ones (positive) and
ones that break the document's rules (negative), on a real series, session and registration
and with an organizer's token. Half the valid bodies get real values where the document can
only say "a string" (a profile code of the series, a member country, a time zone, session
ids), so that the requests get past the checks of the input into the services behind them.
Every answer must be no server error, have a status the operation lists explicitly (not only
through flask-smorest's catch-all `default`), and a body that matches the document.

The examples are derandomized: a run is reproducible, and a failure names the request.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, CheckContext, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from webinars.accounts.models import StaffRole
from webinars.accounts.tokens import issue_token
from webinars.extensions import db
from webinars.registration import services
from webinars.registration.tokens import public_token
from webinars.series.models import ApprovalMode
from webinars.sessions.models import EventSession, SessionStatus

from .. import factories
from ..conftest import make_test_app

#: Generated requests per operation and mode; the whole module stays well under a minute.
EXAMPLES = 40
#: Operations that remove what the others use run last.
LAST = ("DELETE",)
OPENAPI = "/api/v1/openapi.json"


def explicitly_documented_status(ctx: CheckContext, response: Response, case: Case) -> bool:
    """The status is one the operation lists, not one only flask-smorest's `default` covers."""
    documented = case.operation.definition.raw["responses"]
    if str(response.status_code) not in documented:
        raise AssertionError(
            f"{response.status_code} is not documented for {case.operation.label} "
            f"(documented: {', '.join(sorted(documented))})"
        )
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    explicitly_documented_status,
]


@pytest.fixture
def fuzz_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """Errors answered rather than raised, as in production; no rate limit in the way."""
    fuzzed = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False, RATELIMIT_ENABLED=False)
    yield fuzzed
    with fuzzed.app_context():
        db.engine.dispose()


class World:
    """What the requests name: a series open for registration with two profiles (one with a
    limit per country), an agenda item and a speaker; one registration; an organizer."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context():
            series = factories.open_series(approval_mode=ApprovalMode.AUTOMATIC, capacity=100)
            factories.make_profile(series, code="prosecutor", max_per_country=3)
            factories.make_profile(series, code="investigator")
            first, second = series.sessions
            item = factories.make_agenda_item(first)
            factories.make_role(agenda_item=item, person=factories.make_person())
            registration = services.register(
                series, factories.registration_data(profile_code="prosecutor")
            )
            self.token = issue_token(factories.make_user(StaffRole.ORGANIZER))
            self.path_parameters = {
                "slug": series.slug,
                "session_id": first.id,
                "manage_token": public_token(registration),
            }
            #: Per operation, real values for body fields the document can only type.
            sessions = [[first.id], [second.id], [first.id, second.id], None]
            profiles = ["prosecutor", "investigator", "other"]
            self.hints: dict[str, dict[str, list[Any]]] = {
                "POST /api/v1/series/{slug}/registrations": {
                    "email": ["ana@example.gov", "luis@example.org", "ANA@example.gov"],
                    "first_name": ["Ana", "José"],
                    "last_name": ["Pérez", "Núñez"],
                    "institution": ["Fiscalía General"],
                    "position": ["Fiscal"],
                    "country": ["CR", "MX", "US", None],
                    "observer_organization": ["", "IOM"],
                    "profile": profiles,
                    "timezone": ["America/Costa_Rica", "Europe/Madrid", None],
                    "sessions": sessions,
                },
                "PATCH /api/v1/registrations/{manage_token}": {
                    "profile": profiles,
                    "sessions": sessions,
                },
                "PATCH /api/v1/series/{slug}/sessions/{session_id}": {
                    "start": ["2030-03-04T14:00:00Z", "2030-03-04T09:30:00-06:00"],
                    "end": ["2030-03-04T18:00:00Z", "2030-03-04T15:00:00Z"],
                    "conference_url": ["https://zoom.us/j/123456789", ""],
                    "status": ["scheduled", "cancelled"],
                },
            }
            db.session.commit()

    def reopen_session(self) -> None:
        """Undo a cancellation, so that later requests reach the rescheduling again."""
        with self.app.app_context():
            event_session = db.session.get(EventSession, self.path_parameters["session_id"])
            assert event_session is not None
            event_session.status = SessionStatus.SCHEDULED
            db.session.commit()


def _fuzz(
    strategy: st.SearchStrategy[Case],
    *,
    hints: dict[str, list[Any]],
    statuses: Counter[tuple[str, int]],
    after_each: Callable[[], None] = lambda: None,
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,  # nothing written into the shared checkout
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, data=st.data())
    def run(case: Case, data: st.DataObject) -> None:
        if hints and isinstance(case.body, dict) and data.draw(st.booleans()):
            for name, values in hints.items():
                case.body[name] = data.draw(st.sampled_from(values))
        response = case.call_and_validate(checks=CHECKS)
        statuses[(case.operation.label, response.status_code)] += 1
        after_each()

    with suppress(Unsatisfiable):  # nothing in the operation can be made invalid: fixed path
        run()


def test_every_operation_answers_within_its_document(fuzz_app: Flask) -> None:
    world = World(fuzz_app)
    schema = schemathesis.openapi.from_wsgi(OPENAPI, fuzz_app)
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: operation.method.upper() in LAST,
    )
    statuses: Counter[tuple[str, int]] = Counter()
    failures = []
    for operation in operations:
        fixed = {
            name: world.path_parameters[name] for name in re.findall(r"{(\w+)}", operation.path)
        }
        staff = "security" in operation.definition.raw
        bearer = {"Authorization": f"Bearer {world.token}"} if staff else None
        runs = [(GenerationMode.POSITIVE, bearer), (GenerationMode.NEGATIVE, bearer)]
        if staff:
            runs.append((GenerationMode.NEGATIVE, None))  # generated (wrong) credentials
        for mode, headers in runs:
            positive = mode is GenerationMode.POSITIVE
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters=fixed, headers=headers
            )
            try:
                _fuzz(
                    strategy,
                    hints=world.hints.get(operation.label, {}) if positive else {},
                    statuses=statuses,
                    after_each=world.reopen_session if "session_id" in fixed else lambda: None,
                )
            except (Exception, FailureGroup) as error:  # all fuzzed, failures reported together
                failures.append(f"{operation.label} ({mode.value}):\n{error}")
    assert not failures, "\n\n".join(failures)

    # The requests got past the checks of the input into the services.
    reached = {
        # An address registered already is answered as a new one (201), never a 409.
        "POST /api/v1/series/{slug}/registrations": {201, 422},
        "PATCH /api/v1/registrations/{manage_token}": {200, 422},
        "DELETE /api/v1/registrations/{manage_token}": {200},
        "PATCH /api/v1/series/{slug}/sessions/{session_id}": {200, 401, 422},
        "GET /api/v1/series/{slug}/report": {200, 401, 404, 422},
        "GET /api/v1/series/{slug}/quotas": {200, 401},
    }
    for label, expected in reached.items():
        seen = {status for (operation, status) in statuses if operation == label}
        assert expected <= seen, (label, seen)


def test_unknown_series_sessions_and_tokens_answer_within_the_document(fuzz_app: Flask) -> None:
    """Generated path parameters, that name nothing: documented 404s (or 401 before them)."""
    world = World(fuzz_app)
    schema = schemathesis.openapi.from_wsgi(OPENAPI, fuzz_app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if "{" not in operation.path:
            continue
        staff = "security" in operation.definition.raw
        strategy = operation.as_strategy(
            headers={"Authorization": f"Bearer {world.token}"} if staff else None
        )
        try:
            _fuzz(strategy, hints={}, statuses=Counter())
        except (Exception, FailureGroup) as error:  # all fuzzed, failures reported together
            failures.append(f"{operation.label}:\n{error}")
    assert not failures, "\n\n".join(failures)


# --- what the fuzzer found, kept as plain regression tests ---------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "0683-01-03T02:10:07+16:39"}, "start"),  # answered with "683-01-02T…Z"
        ({"start": "0001-01-01T00:00:00+05:00"}, "start"),  # before year 1 in UTC: a 500
        ({"end": "9999-12-31T23:00:00-05:00"}, "end"),  # after year 9999 in UTC: a 500
        ({"end": "2100-01-01T00:00:00Z"}, "end"),
    ],
)
def test_a_session_time_outside_the_years_2000_to_2099_is_refused(
    fuzz_app: Flask, body: dict[str, str], field: str
) -> None:
    world = World(fuzz_app)
    slug, session_id = world.path_parameters["slug"], world.path_parameters["session_id"]
    response = fuzz_app.test_client().patch(
        f"/api/v1/series/{slug}/sessions/{session_id}",
        json=body,
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert response.status_code == 422
    assert response.json == {"errors": {field: ["Give a time in the years 2000 to 2099."]}}


@pytest.mark.parametrize("session_id", [2**31, 2**63, 10**20])
def test_a_session_id_no_integer_column_holds_is_not_found(
    fuzz_app: Flask, session_id: int
) -> None:
    """Such an id reached the database, which failed (a 500) instead of finding nothing."""
    world = World(fuzz_app)
    response = fuzz_app.test_client().patch(
        f"/api/v1/series/{world.path_parameters['slug']}/sessions/{session_id}",
        json={"status": "cancelled"},
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert response.status_code == 404
    assert response.json["code"] == 404
