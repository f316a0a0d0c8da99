"""Recording who took a participant list or a report."""

from __future__ import annotations

from webinars.accounts.models import User
from webinars.audit.models import AuditEvent
from webinars.extensions import db
from webinars.series.models import Series

#: Actions recorded.
PARTICIPANTS = "participants"
REPORT = "report"
CERTIFICATES = "certificates"
SUBMISSIONS = "submissions"


def record(
    user: User | None,
    action: str,
    series: Series | None,
    detail: str,
    *,
    channel: str,
    address: str = "",
    actor: str = "",
) -> AuditEvent:
    """Add one event (flushed; the caller commits, before the download is sent). `actor`
    names who acted when no staff user did (the command line: the system account)."""
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        actor=user.email if user is not None else actor,
        action=action,
        series_id=series.id if series is not None else None,
        series_slug=series.slug if series is not None else "",
        detail=detail[:300],
        channel=channel,
        address=(address or "")[:45],
    )
    db.session.add(event)
    db.session.flush()
    return event
