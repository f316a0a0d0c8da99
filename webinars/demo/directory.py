"""A clearly fictitious directory of national authorities for Costa Rica and Mexico (seed 003
asks for "a directory with the focal points who have the primary responsibility for
information exchange"; seed 004 for "a directory of relevant national authorities").

The institutions are the real kind of office; every person is "Ejemplo" and every address
ends in @demo.example. The demo focal point of each country is in it (so they are members),
and one entry per country was last confirmed fourteen months ago: the page flags it and
`flask directory remind` reminds the focal point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta

from webinars.authorities import services
from webinars.authorities.models import DirectoryEntry, Topic
from webinars.extensions import db


@dataclass(frozen=True)
class DemoEntry:
    country: str
    first_name: str
    last_name: str
    position: str
    institution: str
    email: str
    topic: Topic
    group: str = ""
    focal_point: bool = False
    phone: str = ""
    languages: tuple[str, ...] = ("es",)
    stale: bool = False


ENTRIES = (
    DemoEntry(
        "CR",
        "Demo Focal Point",
        "CR",
        "Punto focal nacional",
        "Dirección General de Migración y Extranjería",
        "focal.cr@demo.example",
        Topic.SMUGGLING,
        "liaison-officers-smuggling-trafficking",
        focal_point=True,
        phone="+506 2299 0000",
        languages=("es", "en"),
    ),
    DemoEntry(
        "CR",
        "Laura",
        "Ejemplo Jiménez",
        "Jefa de la Policía Profesional de Migración",
        "Dirección General de Migración y Extranjería",
        "laura.jimenez@demo.example",
        Topic.BORDER_MANAGEMENT,
        "border-management",
        phone="+506 2299 0001",
    ),
    DemoEntry(
        "CR",
        "Andrés",
        "Ejemplo Quesada",
        "Fiscal adjunto",
        "Fiscalía Adjunta contra la Trata de Personas y el Tráfico Ilícito de Migrantes",
        "andres.quesada@demo.example",
        Topic.TRAFFICKING,
        "liaison-officers-smuggling-trafficking",
        stale=True,
    ),
    DemoEntry(
        "MX",
        "Demo Focal Point",
        "MX",
        "Punto focal nacional",
        "Instituto Nacional de Migración",
        "focal.mx@demo.example",
        Topic.IRREGULAR_MIGRATION,
        "irregular-mass-migration",
        focal_point=True,
        phone="+52 55 5387 0000",
        languages=("es", "en"),
    ),
    DemoEntry(
        "MX",
        "Gabriela",
        "Ejemplo Ortiz",
        "Directora de Protección al Migrante",
        "Instituto Nacional de Migración",
        "gabriela.ortiz@demo.example",
        Topic.PROTECTION,
        "protection",
    ),
    DemoEntry(
        "MX",
        "Ricardo",
        "Ejemplo Salinas",
        "Titular de la Unidad de Investigación de Delitos para Personas Migrantes",
        "Fiscalía General de la República",
        "ricardo.salinas@demo.example",
        Topic.SMUGGLING,
        "liaison-officers-smuggling-trafficking",
        stale=True,
    ),
)


def add_demo_directory(now: datetime) -> None:
    """The entries of a country whose directory is still empty (idempotent)."""
    filled = set(db.session.scalars(db.select(DirectoryEntry.country_code).distinct()))
    for demo in ENTRIES:
        if demo.country in filled:
            continue
        confirmed = now - relativedelta(months=14) if demo.stale else now
        services.save_entry(
            None,
            demo.country,
            services.EntryData(
                first_name=demo.first_name,
                last_name=demo.last_name,
                position=demo.position,
                institution=demo.institution,
                email=demo.email,
                topic=demo.topic.value,
                phone=demo.phone,
                languages=demo.languages,
                working_group_code=demo.group,
                is_focal_point=demo.focal_point,
            ),
            now=confirmed,
        )
