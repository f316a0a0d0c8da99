"""What a staff URL names, loaded or answered with a 404."""

from __future__ import annotations

from flask import abort

from webinars.sessions.models import EventSession
from webinars.sessions.queries import session_by_id


def session_or_404(
    slug: str, session_id: int, *, lock: bool = False, with_agenda: bool = False
) -> EventSession:
    """The session `session_id` (its database id) of series `slug`, else 404; see
    `sessions.queries.session_by_id` for `lock` and `with_agenda`."""
    event_session = session_by_id(slug, session_id, lock=lock, with_agenda=with_agenda)
    if event_session is None:
        abort(404)
    return event_session
