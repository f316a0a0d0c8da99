"""Certificates of attendance: for participants present past the threshold in at least the
series' chosen number of sessions, each in the participant's own language."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _

from webinars.attendance.models import Attendance, AttendanceState
from webinars.extensions import db
from webinars.folding import hyphenated
from webinars.registration.models import Registration
from webinars.reports.certificate_pdf import CertificateText, certificate_pdf
from webinars.series.models import Series
from webinars.sessions.models import EventSession
from webinars.types import utcnow


@dataclass(frozen=True)
class Earned:
    registration: Registration
    sessions: list[EventSession]


def _attended_by_registration(series: Series) -> dict[int, list[EventSession]]:
    """Registration id -> sessions attended past the threshold (one query)."""
    sessions = {s.id: s for s in series.sessions}
    rows = db.session.execute(
        db.select(Attendance.registration_id, Attendance.session_id, Attendance.minutes).where(
            Attendance.session_id.in_(list(sessions)),
            Attendance.state == AttendanceState.REGISTERED,
        )
    )
    attended: dict[int, list[EventSession]] = defaultdict(list)
    for registration_id, session_id, minutes in rows:
        event_session = sessions[session_id]
        if minutes >= event_session.minutes_to_attend:
            attended[registration_id].append(event_session)
    for values in attended.values():
        values.sort(key=lambda s: (s.start_at, s.id))
    return attended


def earned(series: Series, minimum: int) -> list[Earned]:
    """Everyone who attended at least `minimum` sessions, by name."""
    attended = _attended_by_registration(series)
    ids = [rid for rid, sessions in attended.items() if len(sessions) >= minimum]
    registrations = db.session.scalars(
        db.select(Registration)
        .where(Registration.id.in_(ids))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
    )
    return [Earned(r, attended[r.id]) for r in registrations]


def earned_by(registration: Registration) -> Earned | None:
    """The registrant's certificate, if the series offers them and they earned it."""
    series = registration.series
    if series.certificate_sessions is None:
        return None
    sessions = _attended_by_registration(series).get(registration.id, [])
    if len(sessions) < series.certificate_sessions:
        return None
    return Earned(registration, sessions)


def _text(item: Earned) -> CertificateText:
    """The certificate's words, in the participant's language."""
    registration = item.registration
    series = registration.series
    language = registration.language
    with force_locale(language):
        days = ", ".join(
            format_date(s.start_at.astimezone(series.zone).date(), "long", locale=language)
            for s in item.sessions
        )
        body = _(
            "attended %(title)s, held by the Regional Conference on Migration, taking part in"
            " %(count)d of its %(total)d sessions (%(days)s).",
            title=series.t("title", language),
            count=len(item.sessions),
            total=len([s for s in series.sessions if not s.is_cancelled]),
            days=days,
        )
        return CertificateText(
            heading=_("Certificate of attendance"),
            recipient=registration.full_name,
            body=body,
            place_date=_(
                "Issued on %(date)s", date=format_date(utcnow().date(), "long", locale=language)
            ),
            issuer=_("Regional Conference on Migration · Presidency Pro-Tempore"),
        )


def certificate(item: Earned) -> bytes:
    return certificate_pdf(_text(item))


def filename(item: Earned) -> str:
    """`certificate-perez-jose-12.pdf`: ASCII, unique by registration id."""
    registration = item.registration
    slug = hyphenated(f"{registration.last_name} {registration.first_name}") or "participant"
    return f"certificate-{slug}-{registration.id}.pdf"


def certificate_files(series: Series, minimum: int) -> Iterator[tuple[str, bytes]]:
    for item in earned(series, minimum):
        yield filename(item), certificate(item)
