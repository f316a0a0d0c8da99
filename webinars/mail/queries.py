"""Reading the outbox for the staff pages."""

from __future__ import annotations

from sqlalchemy import Select, func

from webinars.extensions import db
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.sessions.models import EventSession


def outbox_messages(
    *,
    status: OutboxStatus | None = None,
    series_id: int | None = None,
    recipient: str = "",
) -> Select[tuple[OutboxMessage]]:
    """The outbox, newest first: of `status` and series `series_id` when given, to an
    address or name containing `recipient` (any case) when given. A query, to paginate."""
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if series_id is not None:
        query = query.where(OutboxMessage.series_id == series_id)
    if recipient:
        needle = recipient.lower()
        query = query.where(
            db.or_(
                func.lower(OutboxMessage.to_address).contains(needle, autoescape=True),
                func.lower(OutboxMessage.to_name).contains(needle, autoescape=True),
            )
        )
    return query


def session_messages(event_session: EventSession) -> list[OutboxMessage]:
    """Every message written about the session, in the order it was written."""
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.session_id == event_session.id)
            .order_by(OutboxMessage.id)
        )
    )
