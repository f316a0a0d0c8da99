"""Reading a session's calendar invitations for the staff page."""

from __future__ import annotations

from sqlalchemy import func

from webinars.extensions import db
from webinars.invitations.models import ICalMethod, Invitation
from webinars.sessions.models import EventSession


def active_invitations(event_session: EventSession) -> int:
    """How many addresses hold a current invitation (their last message was a REQUEST)."""
    return (
        db.session.scalar(
            db.select(func.count(Invitation.id)).where(
                Invitation.session_id == event_session.id,
                Invitation.method == ICalMethod.REQUEST,
            )
        )
        or 0
    )


def session_invitations(event_session: EventSession) -> list[Invitation]:
    """The session's invitations, chairs first, then by address."""
    return list(
        db.session.scalars(
            db.select(Invitation)
            .where(Invitation.session_id == event_session.id)
            .order_by(Invitation.chair.desc(), Invitation.email)
        )
    )
