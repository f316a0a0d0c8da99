"""The conference's fixed reference data: member countries, working groups, organizations."""

from __future__ import annotations

from webinars.catalog.models import Country, Organization, WorkingGroup
from webinars.extensions import db

#: (ISO alpha-2, English, Spanish, default zone: the capital's).
COUNTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("BZ", "Belize", "Belice", "America/Belize"),
    ("CA", "Canada", "Canadá", "America/Toronto"),
    ("CR", "Costa Rica", "Costa Rica", "America/Costa_Rica"),
    ("DO", "Dominican Republic", "República Dominicana", "America/Santo_Domingo"),
    ("SV", "El Salvador", "El Salvador", "America/El_Salvador"),
    ("GT", "Guatemala", "Guatemala", "America/Guatemala"),
    ("HN", "Honduras", "Honduras", "America/Tegucigalpa"),
    ("MX", "Mexico", "México", "America/Mexico_City"),
    ("NI", "Nicaragua", "Nicaragua", "America/Managua"),
    ("PA", "Panama", "Panamá", "America/Panama"),
    ("US", "United States", "Estados Unidos", "America/New_York"),
)

#: Each member country's default zone by its code. The table `countries` holds the same rows
#: (`ensure_reference_data`), so a registration's country is checked without a query.
MEMBER_ZONES: dict[str, str] = {code: zone for code, _en, _es, zone in COUNTRIES}

#: (code, English, Spanish).
WORKING_GROUPS: tuple[tuple[str, str, str], ...] = (
    (
        "border-management",
        "Working Group on Border Management",
        "Grupo de Trabajo sobre Gestión de Fronteras",
    ),
    (
        "irregular-mass-migration",
        "Working Group on Irregular and Mass Migration",
        "Grupo de Trabajo sobre Migración Irregular y Masiva",
    ),
    (
        "liaison-officers-smuggling-trafficking",
        "Liaison Officer Network to Combat Migrant Smuggling and Trafficking in Persons",
        "Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas",
    ),
    ("protection", "Working Group on Protection", "Grupo de Trabajo sobre Protección"),
)

#: (acronym EN, acronym ES, English name, Spanish name).
ORGANIZATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("PPT", "PPT", "Presidency Pro-Tempore", "Presidencia Pro-Tempore"),
    ("TS", "ST", "Technical Secretariat of the RCM", "Secretaría Técnica de la CRM"),
    ("ES", "SE", "Executive Secretariat of the RCM", "Secretaría Ejecutiva de la CRM"),
    (
        "IOM",
        "OIM",
        "International Organization for Migration",
        "Organización Internacional para las Migraciones",
    ),
    (
        "UNODC",
        "UNODC",
        "United Nations Office on Drugs and Crime",
        "Oficina de las Naciones Unidas contra la Droga y el Delito",
    ),
    (
        "UNHCR",
        "ACNUR",
        "United Nations High Commissioner for Refugees",
        "Alto Comisionado de las Naciones Unidas para los Refugiados",
    ),
    (
        "RNCOM",
        "RROCM",
        "Regional Network for Civil Organizations on Migration",
        "Red Regional de Organizaciones Civiles para las Migraciones",
    ),
    (
        "GCIF",
        "GCIF",
        "Joint Border Intelligence Group",
        "Grupo Conjunto de Inteligencia Fronteriza",
    ),
    (
        "Regional Coalition",
        "Coalición Regional",
        "Regional Coalition Against Trafficking in Persons and Migrant Smuggling",
        "Coalición Regional contra la Trata de Personas y el Tráfico Ilícito de Migrantes",
    ),
)


def ensure_reference_data() -> None:
    """Insert what is missing; leave what exists alone (idempotent). Flushes, never commits."""
    countries = set(db.session.scalars(db.select(Country.code)))
    for code, name_en, name_es, zone in COUNTRIES:
        if code not in countries:
            db.session.add(Country(code=code, name_en=name_en, name_es=name_es, timezone=zone))
    groups = set(db.session.scalars(db.select(WorkingGroup.code)))
    for code, name_en, name_es in WORKING_GROUPS:
        if code not in groups:
            db.session.add(WorkingGroup(code=code, name_en=name_en, name_es=name_es))
    orgs = set(db.session.scalars(db.select(Organization.acronym_en)))
    for acronym_en, acronym_es, name_en, name_es in ORGANIZATIONS:
        if acronym_en not in orgs:
            db.session.add(
                Organization(
                    acronym_en=acronym_en, acronym_es=acronym_es, name_en=name_en, name_es=name_es
                )
            )
    db.session.flush()


def organization(acronym_en: str) -> Organization:
    """An organization by its English acronym; it must exist."""
    return db.session.execute(db.select(Organization).filter_by(acronym_en=acronym_en)).scalar_one()


def working_group(code: str) -> WorkingGroup:
    return db.session.execute(db.select(WorkingGroup).filter_by(code=code)).scalar_one()
