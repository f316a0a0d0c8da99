"""Human labels of the series enums, in the current language (sessions': `sessions.labels`)."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.series.models import ApprovalMode, Modality, SeriesStatus
from webinars.sessions import labels as session_labels

MODALITY: dict[Modality, LazyString] = {
    Modality.ONLINE: _l("Online"),
    Modality.IN_PERSON: _l("In person"),
    Modality.HYBRID: _l("Hybrid"),
}

APPROVAL_MODE: dict[ApprovalMode, LazyString] = {
    ApprovalMode.AUTOMATIC: _l("Automatic"),
    ApprovalMode.ORGANIZER: _l("Approved by the organizers"),
    ApprovalMode.FOCAL_POINT: _l("Approved by the country's focal point"),
}

SERIES_STATUS: dict[SeriesStatus, LazyString] = {
    SeriesStatus.DRAFT: _l("Draft"),
    SeriesStatus.PUBLISHED: _l("Published"),
    SeriesStatus.CLOSED: _l("Closed"),
    SeriesStatus.ARCHIVED: _l("Archived"),
}


def register(app: Flask) -> None:
    """Expose the label maps of series and sessions to templates as `labels.<NAME>`."""
    app.jinja_env.globals["labels"] = SimpleNamespace(
        MODALITY=MODALITY,
        APPROVAL_MODE=APPROVAL_MODE,
        SERIES_STATUS=SERIES_STATUS,
        AGENDA_KIND=session_labels.AGENDA_KIND,
        ROLE_KIND=session_labels.ROLE_KIND,
        agenda_title=session_labels.agenda_title,
    )
