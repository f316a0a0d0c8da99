"""Reading requests and submissions: the country x request matrix in three queries."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.series.models import Series
from webinars.submissions.models import ReviewStatus, Submission, SubmissionRequest
from webinars.types import utcnow


class CellState(enum.StrEnum):
    AWAITED = "awaited"  # nothing yet, deadline ahead
    MISSING = "missing"  # nothing, deadline passed
    SUBMITTED = "submitted"
    LATE = "late"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    NOT_ASKED = "not_asked"


@dataclass(frozen=True)
class MatrixCell:
    request: SubmissionRequest
    submission: Submission | None
    state: CellState


@dataclass(frozen=True)
class MatrixRow:
    country: Country
    cells: list[MatrixCell]


@dataclass(frozen=True)
class Matrix:
    requests: list[SubmissionRequest]
    rows: list[MatrixRow]

    def count(self, request_index: int, state: CellState) -> int:
        return sum(1 for row in self.rows if row.cells[request_index].state == state)


def requests_of(series: Series, country_code: str | None = None) -> list[SubmissionRequest]:
    """The series' requests by deadline; with a country, only those asked of it."""
    requests = db.session.execute(
        db.select(SubmissionRequest)
        .filter_by(series_id=series.id)
        .order_by(SubmissionRequest.due_at, SubmissionRequest.id)
    ).scalars()
    return [r for r in requests if country_code is None or r.asks(country_code)]


def submissions_of(requests: list[SubmissionRequest], country_code: str | None = None):
    """The submissions to these requests, keyed by (request id, country code)."""
    if not requests:
        return {}
    query = db.select(Submission).where(Submission.request_id.in_([r.id for r in requests]))
    if country_code is not None:
        query = query.where(Submission.country_code == country_code)
    return {(s.request_id, s.country_code): s for s in db.session.execute(query).scalars()}


def state_of(
    request: SubmissionRequest, country_code: str, submission: Submission | None, now: datetime
) -> CellState:
    if not request.asks(country_code):
        return CellState.NOT_ASKED
    if submission is None:
        return CellState.MISSING if now > request.due_at else CellState.AWAITED
    if submission.status == ReviewStatus.ACCEPTED:
        return CellState.ACCEPTED
    if submission.status == ReviewStatus.RETURNED:
        return CellState.RETURNED
    return CellState.LATE if submission.late else CellState.SUBMITTED


def matrix(series: Series, country_code: str | None = None, now: datetime | None = None) -> Matrix:
    """Every member country (or one) against every request of the series."""
    now = now or utcnow()
    requests = requests_of(series, country_code)
    found = submissions_of(requests, country_code)
    query = db.select(Country)
    if country_code is not None:
        query = query.where(Country.code == country_code)
    countries = collated(db.session.execute(query).scalars(), lambda c: c.name)
    rows = [
        MatrixRow(
            country,
            [
                MatrixCell(
                    r,
                    found.get((r.id, country.code)),
                    state_of(r, country.code, found.get((r.id, country.code)), now),
                )
                for r in requests
            ],
        )
        for country in countries
    ]
    return Matrix(requests, rows)


def submission_of(request: SubmissionRequest, country_code: str) -> Submission | None:
    return db.session.execute(
        db.select(Submission).filter_by(request_id=request.id, country_code=country_code)
    ).scalar_one_or_none()


def submissions_for_archive(request: SubmissionRequest) -> list[Submission]:
    """A request's submissions with their countries, in the reader's collation."""
    submissions = db.session.execute(
        db.select(Submission)
        .filter_by(request_id=request.id)
        .options(db.joinedload(Submission.country))
    ).scalars()
    return collated(submissions, lambda s: s.country.name)
