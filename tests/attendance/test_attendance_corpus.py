"""The corpus of real layouts: every fixture of `tests/data/attendance/corpus/` imports with the
right people and minutes, and its people match the registrants a careful person would choose.

Each fixture recreates a layout published in a public repository or documented by its vendor
(the manifests' `source`, and `SOURCES-*.md` beside them), with fictitious people. The
expected minutes in the manifests were computed by hand, not by this parser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from webinars.attendance import services
from webinars.attendance.parsers import ColumnMapping, ParsedReport, ReportRow, parse_report
from webinars.attendance.services import Change, Match
from webinars.folding import fold_name

from .. import factories

CORPUS = Path(__file__).parent.parent / "data" / "attendance" / "corpus"


@dataclass
class Fixture:
    manifest: str
    spec: dict[str, Any]

    @property
    def file(self) -> str:
        return self.spec["file"]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.spec.get("zone") or "America/Costa_Rica")

    @property
    def window(self) -> tuple[datetime, datetime]:
        session = self.spec["session"]
        start, end = (datetime.fromisoformat(session[key]) for key in ("start", "end"))
        return start.replace(tzinfo=self.zone), end.replace(tzinfo=self.zone)

    @property
    def mapping(self) -> ColumnMapping | None:
        mapping = self.spec.get("mapping")
        if not mapping:
            return None
        return ColumnMapping.from_dict(
            {**mapping, "date_order": mapping.get("date_order") or "auto"}
        )

    def data(self) -> bytes:
        return (CORPUS / self.file).read_bytes()

    def parse(self) -> ParsedReport:
        return parse_report(self.data(), self.zone, window=self.window, mapping=self.mapping)


def _fixtures() -> list[Fixture]:
    found = []
    for manifest in sorted(CORPUS.glob("*.json")):
        for spec in json.loads(manifest.read_text(encoding="utf-8"))["fixtures"]:
            found.append(Fixture(manifest.name, spec))
    return found


FIXTURES = _fixtures()


def _find(rows: list[ReportRow], person: dict[str, Any]) -> ReportRow:
    email = (person.get("email") or "").lower()
    for row in rows:
        if email and email in (row.email, row.registration_email):
            return row
    for row in rows:
        if not email and fold_name(row.name) == fold_name(person["name"]):
            return row
    raise AssertionError(f"{person['name']} <{email}> not found in {[r.name for r in rows]}")


def test_the_corpus_covers_every_platform_and_language() -> None:
    platforms = {(f.spec["platform"], f.spec.get("language", "en")) for f in FIXTURES}
    for expected in [
        ("zoom", "en"),
        ("zoom", "es"),
        ("zoom", "fr"),
        ("zoom", "pt"),
        ("teams", "en"),
        ("meet", "en"),
        ("meet", "es"),
        ("generic", "en"),
        ("generic", "es"),
        ("other", "en"),
    ]:
        assert expected in platforms
    for fixture in FIXTURES:
        assert fixture.spec["source"], fixture.file
        assert (CORPUS / fixture.file).exists(), fixture.file


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.file)
def test_fixture_imports_with_the_expected_minutes(app, fixture: Fixture) -> None:
    with app.test_request_context():
        report = fixture.parse()
    skipped = [problem.line for problem in report.skipped]
    assert skipped == fixture.spec.get("skipped_lines", []), [str(p) for p in report.skipped]
    people = fixture.spec["people"]
    assert len(report.rows) == len(people), [(r.name, r.email, r.minutes) for r in report.rows]
    for person in people:
        row = _find(report.rows, person)
        assert (row.name, row.minutes) == (row.name, person["minutes"]), person["name"]
        assert row.role.value == person["role"], person["name"]
        for key, actual in (("first_join", row.first_join), ("last_leave", row.last_leave)):
            if person.get(key):
                expected = datetime.fromisoformat(person[key].replace("Z", "+00:00"))
                assert actual == expected, (person["name"], key)
    absent = {fold_name(name) for name in fixture.spec.get("not_present", [])}
    assert not absent & {fold_name(row.name) for row in report.rows}


@pytest.mark.parametrize(
    "fixture", [f for f in FIXTURES if any(p.get("registrant") for p in f.spec["people"])],
    ids=lambda f: f.file,
)  # fmt: skip
def test_fixture_people_match_their_registrants(app, fixture: Fixture) -> None:
    """Each person is matched to the registration a careful person would choose, hosts are
    never left to resolve, and importing again changes nothing."""
    with app.app_context():
        series = factories.make_series(timezone=str(fixture.zone))
        event_session = factories.make_session(
            series, start_at=fixture.window[0], end_at=fixture.window[1]
        )
        expected: dict[str, int] = {}
        for person in fixture.spec["people"]:
            registrant = person.get("registrant")
            if registrant:
                registration = factories.make_registration(
                    series,
                    first_name=registrant["first_name"],
                    last_name=registrant["last_name"],
                    email=registrant["email"],
                )
                expected[person["name"]] = registration.id
        with app.test_request_context():
            report = fixture.parse()
        plan = services.plan_import(event_session, report)
        for person in fixture.spec["people"]:
            planned = next(p for p in plan.rows if p.row is _find(report.rows, person))
            if person["name"] in expected:
                assert planned.registration is not None, person["name"]
                assert planned.registration.id == expected[person["name"]], person["name"]
                assert planned.match in (Match.EMAIL, Match.NAME)
            if person["role"] != "attendee":
                assert not planned.needs_a_person, person["name"]
        services.apply_import(plan, filename=fixture.file, digest="x", user=None)
        again = services.plan_import(event_session, report)
        assert {p.change for p in again.rows} == {Change.SAME}
