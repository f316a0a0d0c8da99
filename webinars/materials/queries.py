"""Reading materials for the public pages and for a download."""

from __future__ import annotations

from webinars.extensions import db
from webinars.materials.models import Material, Visibility
from webinars.series.models import Series
from webinars.sessions.models import EventSession


def public_materials(series: Series) -> dict[int, list[Material]]:
    """The public materials of the series, by session id, in one query."""
    found: dict[int, list[Material]] = {}
    rows = db.session.execute(
        db.select(Material)
        .join(EventSession, Material.session_id == EventSession.id)
        .where(EventSession.series_id == series.id)
        .where(Material.visibility == Visibility.PUBLIC)
        .options(db.joinedload(Material.agenda_item))
        .order_by(Material.id)
    ).scalars()
    for material in rows:
        found.setdefault(material.session_id, []).append(material)
    return found


def materials_of(sessions: list[EventSession], *, public_only: bool = False) -> list[Material]:
    """The materials of these sessions, in the order they were added."""
    if not sessions:
        return []
    query = db.select(Material).where(Material.session_id.in_([s.id for s in sessions]))
    if public_only:
        query = query.where(Material.visibility == Visibility.PUBLIC)
    return list(db.session.execute(query.order_by(Material.id)).scalars())


def material_in_series(slug: str, material_id: int) -> Material | None:
    material = db.session.get(Material, material_id)
    if material is None or material.event_session.series.slug != slug:
        return None
    return material
