"""The organizers' dashboard of one series: what needs their attention, in a fixed number of
queries whatever the number of registrations or e-mails; and what deleting it would delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from webinars.extensions import db
from webinars.mail.models import UNDELIVERED_STATUSES, OutboxMessage, OutboxStatus
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.targets import target_matrix
from webinars.series.models import ParticipantProfile, Series
from webinars.sessions.models import AgendaItem, EventSession
from webinars.types import utcnow


@dataclass(frozen=True)
class SeriesDashboard:
    """The figures of the dashboard; each names the page behind it (see the template)."""

    #: Registrations per status, every status present (0 when none).
    by_status: dict[RegistrationStatus, int]
    #: Country x profile cells whose confirmed registrations are below the profile's minimum.
    unmet_minimums: int
    #: Countries with at least one such cell.
    countries_lacking: int
    #: The first scheduled session that has not started yet.
    next_session: EventSession | None
    #: Outbox messages of the series not delivered yet, per status (waiting, failed).
    undelivered: dict[OutboxStatus, int]

    @property
    def pending(self) -> int:
        return self.by_status[RegistrationStatus.PENDING]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def undelivered_total(self) -> int:
        return sum(self.undelivered.values())


def series_dashboard(series: Series, *, now: datetime | None = None) -> SeriesDashboard:
    now = now or utcnow()
    counts = dict(
        db.session.execute(
            db.select(Registration.status, func.count(Registration.id))
            .where(Registration.series_id == series.id)
            .group_by(Registration.status)
        ).all()
    )
    matrix = target_matrix(series)
    lacking = [row for row in matrix.rows if row.lacking]
    mail = dict(
        db.session.execute(
            db.select(OutboxMessage.status, func.count(OutboxMessage.id))
            .where(
                OutboxMessage.series_id == series.id,
                OutboxMessage.status.in_(UNDELIVERED_STATUSES),
            )
            .group_by(OutboxMessage.status)
        ).all()
    )
    upcoming = [s for s in series.sessions if not s.is_cancelled and s.start_at > now]
    return SeriesDashboard(
        by_status={status: counts.get(status, 0) for status in RegistrationStatus},
        unmet_minimums=sum(len(row.lacking) for row in lacking),
        countries_lacking=len(lacking),
        next_session=upcoming[0] if upcoming else None,
        undelivered={status: mail.get(status, 0) for status in UNDELIVERED_STATUSES},
    )


@dataclass(frozen=True)
class SeriesContents:
    """What deleting a series would delete with it."""

    sessions: int
    agenda_items: int
    profiles: int
    registrations: int


def series_contents(series: Series) -> SeriesContents:
    sessions, agenda_items = db.session.execute(
        db.select(func.count(func.distinct(EventSession.id)), func.count(AgendaItem.id))
        .select_from(EventSession)
        .outerjoin(AgendaItem, AgendaItem.session_id == EventSession.id)
        .where(EventSession.series_id == series.id)
    ).one()
    profiles = db.session.scalar(
        db.select(func.count(ParticipantProfile.id)).where(
            ParticipantProfile.series_id == series.id
        )
    )
    registrations = db.session.scalar(
        db.select(func.count(Registration.id)).where(Registration.series_id == series.id)
    )
    return SeriesContents(sessions, agenda_items, profiles or 0, registrations or 0)
