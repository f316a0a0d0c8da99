"""Attaching materials to sessions, removing them, e-mailing their links to the registrants.

Functions flush and never commit; a removed material's file is deleted by the caller after
the commit (the key is handed back).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from webinars.accounts.models import User
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import enqueue_to_registrant
from webinars.materials.models import Material, Visibility
from webinars.materials.queries import materials_of
from webinars.registration.models import Registration, RegistrationStatus, registration_sessions
from webinars.registration.tokens import public_token
from webinars.series.services import SchedulingError
from webinars.sessions.models import AgendaItem, EventSession
from webinars.storage import get_storage, new_key
from webinars.storage.filetypes import UploadRefused, check_document, content_type, stored_name
from webinars.web import external_url

EMAIL_KIND = "materials"


@dataclass(frozen=True)
class MaterialData:
    title_en: str
    title_es: str
    visibility: Visibility
    agenda_item_id: int | None
    filename: str
    data: bytes


def max_bytes() -> int:
    return int(current_app.config.get("SUBMISSION_MAX_BYTES", 8 * 1024 * 1024))


def add_material(event_session: EventSession, data: MaterialData, user: User | None) -> Material:
    if data.agenda_item_id is not None:
        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or item.session_id != event_session.id:
            raise SchedulingError("agenda_item_id", _("Choose an item of this session's agenda."))
    try:
        kind = check_document(data.data, max_bytes())
    except UploadRefused as error:
        raise SchedulingError("file", str(error)) from error
    key = new_key(f"materials/{event_session.id}")
    get_storage().save(key, data.data, content_type(kind))
    material = Material(
        session_id=event_session.id,
        agenda_item_id=data.agenda_item_id,
        title_en=data.title_en,
        title_es=data.title_es,
        visibility=data.visibility,
        file_key=key,
        file_name=stored_name(data.filename, kind),
        file_kind=kind.value,
        file_size=len(data.data),
        uploaded_by_id=user.id if user is not None else None,
    )
    db.session.add(material)
    db.session.flush()
    return material


def remove_material(material: Material) -> str:
    """Delete the row; returns the storage key to delete after the commit."""
    key = material.file_key
    db.session.delete(material)
    db.session.flush()
    return key


def download_url(material: Material, registration: Registration | None = None) -> str:
    """The absolute link of a material; a restricted one carries the registrant's token."""
    values = {
        "slug": material.event_session.series.slug,
        "material_id": material.id,
        "filename": material.file_name,
    }
    if not material.is_public and registration is not None:
        values["token"] = public_token(registration)
    return external_url("public.material", **values)


def send_links(event_session: EventSession) -> int:
    """One e-mail to each confirmed registrant of the session with the links to its materials,
    once per registrant and session. Returns the number of e-mails written."""
    materials = materials_of([event_session])
    if not materials:
        return 0
    already = set(
        db.session.execute(
            db.select(OutboxMessage.registration_id).filter_by(
                kind=EMAIL_KIND, session_id=event_session.id
            )
        ).scalars()
    )
    registrants = db.session.execute(
        db.select(Registration)
        .join(registration_sessions)
        .where(registration_sessions.c.session_id == event_session.id)
        .where(Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)
    ).scalars()
    written = 0
    for registration in registrants:
        if registration.id in already:
            continue
        enqueue_to_registrant(
            registration,
            "materials",
            kind=EMAIL_KIND,
            session_id=event_session.id,
            event_session=event_session,
            links=[(m, download_url(m, registration)) for m in materials],
        )
        written += 1
    return written
