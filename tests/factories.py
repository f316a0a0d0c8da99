"""Factories: the smallest valid rows, with any field overridable.

They add to `db.session` and flush; the test commits when it needs the rows outside.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from webinars.accounts.models import StaffRole, User
from webinars.catalog.models import Organization, Person
from webinars.extensions import db
from webinars.series.models import Modality, ParticipantProfile, Series, SeriesStatus
from webinars.sessions.models import AgendaItem, AgendaKind, EventSession, Role, RoleKind

_counter = itertools.count(1)
PASSWORD = "correct horse battery"


def _add(obj: Any) -> Any:
    db.session.add(obj)
    db.session.flush()
    return obj


def make_series(**fields: Any) -> Series:
    n = next(_counter)
    values: dict[str, Any] = {
        "slug": f"series-{n}",
        "title_en": f"Series {n}",
        "title_es": f"Serie {n}",
        "modality": Modality.ONLINE,
        "timezone": "America/Costa_Rica",
        "status": SeriesStatus.PUBLISHED,
        # Off unless a test is about verification: registrations are placed at once.
        "verify_email": False,
    }
    values.update(fields)
    return _add(Series(**values))


def make_session(series: Series, **fields: Any) -> EventSession:
    start = fields.pop("start_at", datetime(2030, 3, 4, 15, 0, tzinfo=UTC))
    values: dict[str, Any] = {
        "series": series,
        "topic_en": "Topic",
        "topic_es": "Tema",
        "start_at": start,
        "end_at": start + timedelta(hours=2),
    }
    values.update(fields)
    return _add(EventSession(**values))


def make_agenda_item(event_session: EventSession, **fields: Any) -> AgendaItem:
    values: dict[str, Any] = {
        "event_session": event_session,
        "kind": AgendaKind.OPENING_REMARKS,
        "start_at": event_session.start_at,
        "end_at": event_session.start_at + timedelta(minutes=15),
        "title_en": "Opening remarks",
        "title_es": "Palabras de apertura",
    }
    values.update(fields)
    return _add(AgendaItem(**values))


def make_profile(series: Series, **fields: Any) -> ParticipantProfile:
    n = next(_counter)
    values: dict[str, Any] = {
        "series": series,
        "code": f"profile_{n}",
        "label_en": f"Profile {n}",
        "label_es": f"Perfil {n}",
        "min_per_country": 2,
    }
    values.update(fields)
    return _add(ParticipantProfile(**values))


def make_person(**fields: Any) -> Person:
    n = next(_counter)
    values: dict[str, Any] = {"name": f"Person {n}"}
    values.update(fields)
    return _add(Person(**values))


def make_role(**fields: Any) -> Role:
    values: dict[str, Any] = {"kind": RoleKind.PANELIST}
    values.update(fields)
    return _add(Role(**values))


def organization(acronym_en: str) -> Organization:
    return db.session.execute(db.select(Organization).filter_by(acronym_en=acronym_en)).scalar_one()


def make_user(role: StaffRole = StaffRole.ORGANIZER, **fields: Any) -> User:
    n = next(_counter)
    password = fields.pop("password", PASSWORD)
    values: dict[str, Any] = {"email": f"{role.value}{n}@example.org", "role": role}
    if role == StaffRole.FOCAL_POINT:
        values["country_code"] = "CR"
    values.update(fields)
    user = User(**values)
    user.set_password(password)
    return _add(user)


def registration_data(**fields: Any) -> Any:
    """Valid input for `registration.services.register`."""
    from webinars.registration.services import RegistrationData

    n = next(_counter)
    values: dict[str, Any] = {
        "first_name": "Ana",
        "last_name": f"Pérez {n}",
        "email": f"official{n}@example.gov",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "language": "es",
        "country_code": "CR",
    }
    values.update(fields)
    return RegistrationData(**values)


def open_series(**fields: Any) -> Series:
    """A published series open for registration, with two sessions."""
    values: dict[str, Any] = {
        "registration_opens_at": datetime(2020, 1, 1, tzinfo=UTC),
        "registration_closes_at": datetime(2100, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    series = make_series(**values)
    make_session(series, start_at=datetime(2030, 3, 4, 15, tzinfo=UTC))
    make_session(series, start_at=datetime(2030, 3, 5, 15, tzinfo=UTC))
    db.session.refresh(series)
    return series


def make_registration(series: Series, **fields: Any) -> Any:
    """A confirmed registration row written directly (no lock, no e-mail), for the sessions
    given (default: every session of the series)."""
    from webinars.registration.models import Registration, RegistrationStatus
    from webinars.registration.tokens import new_secret

    n = next(_counter)
    values: dict[str, Any] = {
        "series": series,
        "email": f"registrant{n}@example.gov",
        "first_name": "Ana",
        "last_name": f"Pérez {n}",
        "country_code": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "language": "es",
        "timezone": "America/Costa_Rica",
        "status": RegistrationStatus.CONFIRMED,
        "manage_token": new_secret(),
        "sessions": list(series.sessions),
    }
    values.update(fields)
    return _add(Registration(**values))


def make_attendance(event_session: EventSession, registration: Any, **fields: Any) -> Any:
    """The registrant present in the session (by default for the whole of it)."""
    from webinars.attendance.models import Attendance, AttendanceSource, AttendanceState

    values: dict[str, Any] = {
        "session_id": event_session.id,
        "registration": registration,
        "state": AttendanceState.REGISTERED,
        "name": registration.full_name,
        "email": registration.email,
        "report_key": registration.email,
        "minutes": event_session.duration_minutes,
        "source": AttendanceSource.ZOOM,
    }
    values.update(fields)
    return _add(Attendance(**values))


def make_directory_entry(**fields: Any) -> Any:
    """An entry of the directory of national authorities, confirmed now (Costa Rica)."""
    from webinars.authorities.models import DirectoryEntry, Topic

    n = next(_counter)
    values: dict[str, Any] = {
        "country_code": "CR",
        "first_name": "Laura",
        "last_name": f"Jiménez {n}",
        "position": "Jefa",
        "institution": "Dirección General de Migración",
        "email": f"entry{n}@example.gov",
        "topic": Topic.SMUGGLING,
        "languages": "es",
    }
    values.update(fields)
    return _add(DirectoryEntry(**values))


def make_documents(series: Series, event_session: EventSession, title: str = "Report") -> Any:
    """A country-submission request with Costa Rica's file, the series' evaluation questions
    and a material for registrants: the ids (and the material's file name) for URLs."""
    from webinars.evaluations.services import ensure_questions
    from webinars.materials.models import Visibility
    from webinars.materials.services import MaterialData, add_material
    from webinars.submissions.models import AnswerKind, SubmissionRequest
    from webinars.submissions.services import Upload, submit

    from .storage_fixtures import PDF

    request = _add(
        SubmissionRequest(
            series_id=series.id,
            title_en=title,
            title_es=title,
            answer_kind=AnswerKind.FILE,
            due_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
    )
    submit(request, "CR", None, text="", upload=Upload("report.pdf", PDF))
    data = MaterialData(title, title, Visibility.REGISTRANTS, None, "slides.pdf", PDF)
    material = add_material(event_session, data, None)
    return {
        "request_id": request.id,
        "code": "CR",
        "question_id": ensure_questions(series)[0].id,
        "material_id": material.id,
        "material_file": material.file_name,
    }
