"""Reminding focal points of what their country has not sent yet, before the deadline.

At most one reminder a day per request and country; the e-mails go through the outbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from webinars.accounts.models import ENGLISH_SPEAKING, StaffRole, User
from webinars.extensions import db
from webinars.mail.outbox import enqueue_template
from webinars.submissions.models import Submission, SubmissionReminder, SubmissionRequest
from webinars.types import utcnow
from webinars.web import external_url

#: Deadlines this close (in days) get reminders.
DEFAULT_DAYS_BEFORE = 3


def _requests_due(now: datetime, days_before: int) -> list[SubmissionRequest]:
    return list(
        db.session.execute(
            db.select(SubmissionRequest)
            .where(SubmissionRequest.due_at > now)
            .where(SubmissionRequest.due_at <= now + timedelta(days=days_before))
            .options(db.joinedload(SubmissionRequest.series))
        ).scalars()
    )


def _answered(ids: list[int]) -> set[tuple[int, str]]:
    """(request id, country code) of every submission already sent to these requests."""
    return {
        tuple(row)
        for row in db.session.execute(
            db.select(Submission.request_id, Submission.country_code).where(
                Submission.request_id.in_(ids)
            )
        )
    }


def _reminded_on(ids: list[int], day: date) -> set[tuple[int, str]]:
    """(request id, country code) already reminded of these requests on `day`."""
    return {
        tuple(row)
        for row in db.session.execute(
            db.select(SubmissionReminder.request_id, SubmissionReminder.country_code)
            .where(SubmissionReminder.request_id.in_(ids))
            .where(SubmissionReminder.day == day)
        )
    }


def _focal_points_by_country() -> dict[str, list[User]]:
    focal_points = db.session.execute(
        db.select(User)
        .filter_by(role=StaffRole.FOCAL_POINT, active=True)
        .options(db.joinedload(User.country))
        .order_by(User.email)
    ).scalars()
    by_country: dict[str, list[User]] = {}
    for user in focal_points:
        by_country.setdefault(user.country_code or "", []).append(user)
    return by_country


def _enqueue_reminder(request: SubmissionRequest, code: str, user: User) -> None:
    enqueue_template(
        "submission_reminder",
        kind="submission_reminder",
        to_address=user.email,
        to_name=user.name,
        user=user,
        language="en" if code in ENGLISH_SPEAKING else "es",
        series_id=request.series_id,
        request=request,
        series=request.series,
        country=user.country,
        url=external_url(
            "staff.submission_page",
            slug=request.series.slug,
            request_id=request.id,
            code=code,
        ),
    )


def remind(now: datetime | None = None, days_before: int = DEFAULT_DAYS_BEFORE) -> int:
    """E-mail the focal points of each country that has not answered a request due within
    `days_before` days. Returns the number of e-mails written."""
    now = now or utcnow()
    requests = _requests_due(now, days_before)
    if not requests:
        return 0
    ids = [r.id for r in requests]
    answered = _answered(ids)
    today = now.date()
    reminded = _reminded_on(ids, today)
    by_country = _focal_points_by_country()
    written = 0
    for request in requests:
        if not request.series.is_public:
            continue
        for code, users in by_country.items():
            key = (request.id, code)
            if not request.asks(code) or key in answered or key in reminded:
                continue
            for user in users:
                _enqueue_reminder(request, code, user)
                written += 1
            db.session.add(SubmissionReminder(request_id=request.id, country_code=code, day=today))
    db.session.flush()
    return written
