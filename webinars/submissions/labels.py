"""Words shown for the submissions' states and kinds, in the reader's language."""

from flask_babel import lazy_gettext as _l

from webinars.submissions.models import AnswerKind, ReviewStatus
from webinars.submissions.queries import CellState

ANSWER_KIND = {
    AnswerKind.FILE: _l("A document (PDF, DOCX, XLSX or PPTX)"),
    AnswerKind.TEXT: _l("An answer written in the page"),
    AnswerKind.EITHER: _l("A document, an answer in the page, or both"),
}

REVIEW_STATUS = {
    ReviewStatus.SUBMITTED: _l("Submitted"),
    ReviewStatus.ACCEPTED: _l("Accepted"),
    ReviewStatus.RETURNED: _l("Returned"),
}

CELL_STATE = {
    CellState.AWAITED: _l("Not yet"),
    CellState.MISSING: _l("Missing"),
    CellState.SUBMITTED: _l("Submitted"),
    CellState.LATE: _l("Late"),
    CellState.ACCEPTED: _l("Accepted"),
    CellState.RETURNED: _l("Returned"),
    CellState.NOT_ASKED: _l("Not asked"),
}
