"""Asking countries for submissions, receiving them, reviewing them, reminding about them.

Functions flush and never commit. A file goes to storage before the row that names it; the
key of a replaced file is handed back so that the caller deletes it only after its commit.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from webinars.accounts.models import User
from webinars.extensions import db
from webinars.series.models import Series
from webinars.series.services import SchedulingError, to_utc
from webinars.storage import get_storage, new_key
from webinars.storage.filetypes import UploadRefused, check_document, content_type, stored_name
from webinars.submissions.models import (
    AnswerKind,
    ReviewStatus,
    Submission,
    SubmissionRequest,
)
from webinars.types import utcnow

#: The largest file a country may send, unless `SUBMISSION_MAX_BYTES` says otherwise.
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


def max_bytes() -> int:
    return int(current_app.config.get("SUBMISSION_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class RequestData:
    title_en: str
    title_es: str
    instructions_en: str
    instructions_es: str
    answer_kind: AnswerKind
    #: Wall-clock time in the series' zone.
    due: datetime
    country_codes: tuple[str, ...]


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def create_request(series: Series, data: RequestData) -> SubmissionRequest:
    due_at = to_utc(data.due, series.timezone, "due")
    request = SubmissionRequest(
        series_id=series.id,
        title_en=data.title_en,
        title_es=data.title_es,
        instructions_en=data.instructions_en,
        instructions_es=data.instructions_es,
        answer_kind=data.answer_kind,
        due_at=due_at,
        country_codes=" ".join(sorted(set(data.country_codes))),
    )
    db.session.add(request)
    db.session.flush()
    return request


def may_submit(request: SubmissionRequest, existing: Submission | None, now: datetime) -> bool:
    """A country may send (or replace) now: see `_check_may_submit`."""
    try:
        _check_may_submit(request, existing, now)
    except SchedulingError:
        return False
    return True


def _check_may_submit(
    request: SubmissionRequest, existing: Submission | None, now: datetime
) -> None:
    """Until the deadline anything but an accepted submission may be replaced; after it, a
    country that sent nothing may still send (late), and a returned submission be replaced."""
    if existing is not None and existing.status == ReviewStatus.ACCEPTED:
        raise SchedulingError(
            "file", _("This submission was accepted: it can no longer be replaced.")
        )
    if now > request.due_at and existing is not None and existing.status != ReviewStatus.RETURNED:
        raise SchedulingError(
            "file",
            _("The deadline has passed: a submission can be replaced only if it was returned."),
        )


def submit(
    request: SubmissionRequest,
    country_code: str,
    user: User | None,
    *,
    text: str,
    upload: Upload | None,
    now: datetime | None = None,
) -> tuple[Submission, str]:
    """Create or replace the country's submission. Returns it and the storage key of the
    file it replaced ("" when none), to delete after the commit."""
    now = now or utcnow()
    if not request.asks(country_code):
        raise SchedulingError("file", _("This request is not addressed to your country."))
    existing = db.session.execute(
        db.select(Submission).filter_by(request_id=request.id, country_code=country_code)
    ).scalar_one_or_none()
    _check_may_submit(request, existing, now)
    text = text.strip() if request.takes_text else ""
    kind = None
    if upload is not None and request.takes_file:
        try:
            kind = check_document(upload.data, max_bytes())
        except UploadRefused as error:
            raise SchedulingError("file", str(error)) from error
    has_file = kind is not None or (existing is not None and bool(existing.file_key))
    if request.answer_kind == AnswerKind.FILE and not has_file:
        raise SchedulingError("file", _("Choose the file to send."))
    if request.answer_kind == AnswerKind.TEXT and not text:
        raise SchedulingError("text", _("Write the answer."))
    if request.answer_kind == AnswerKind.EITHER and not (text or has_file):
        raise SchedulingError(("file", "text"), _("Send a file or write the answer."))

    submission = existing or Submission(request_id=request.id, country_code=country_code)
    replaced_key = ""
    if kind is not None and upload is not None:
        key = new_key(f"submissions/{request.id}")
        get_storage().save(key, upload.data, content_type(kind))
        replaced_key = submission.file_key or ""
        submission.file_key = key
        submission.file_name = stored_name(upload.filename, kind)
        submission.file_kind = kind.value
        submission.file_size = len(upload.data)
    submission.text = text
    submission.submitted_at = now
    submission.submitted_by_id = user.id if user is not None else None
    submission.status = ReviewStatus.SUBMITTED
    submission.reviewed_at = None
    db.session.add(submission)
    db.session.flush()
    return submission, replaced_key


def review(
    submission: Submission, status: ReviewStatus, comment: str, now: datetime | None = None
) -> None:
    """Accept or return a submission; a returned one needs a comment saying why."""
    if status == ReviewStatus.RETURNED and not comment.strip():
        raise SchedulingError("comment", _("Say what the country should change."))
    submission.status = status
    submission.review_comment = comment.strip()
    submission.reviewed_at = now or utcnow()
    db.session.flush()


def read_file(submission: Submission) -> bytes:
    return get_storage().read(submission.file_key)


def archive(request: SubmissionRequest, submissions: list[Submission]) -> bytes:
    """One zip of a request's submissions, one folder per country (in the reader's language):
    the file as sent and, when the country answered in the page, `answer.txt`."""
    buffer = io.BytesIO()
    storage = get_storage()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for submission in submissions:
            folder = submission.country.name.replace("/", "-")
            if submission.file_key:
                zipped.writestr(
                    f"{folder}/{submission.file_name}", storage.read(submission.file_key)
                )
            if submission.text:
                zipped.writestr(f"{folder}/answer.txt", submission.text.encode("utf-8"))
    return buffer.getvalue()
