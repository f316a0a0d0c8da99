"""Seed 000: the webinars "Regional Technical Exchange on Migrant Smuggling", 8-11 September 2020."""

from __future__ import annotations

from datetime import date, time, timedelta

from webinars.demo.spec import (
    CLOSING_REMARKS,
    OPENING_REMARKS,
    PARTICIPANTS_QUESTIONS,
    ItemSpec,
    ProfileSpec,
    RoleSpec,
    SeriesSpec,
    SessionSpec,
    T,
    paragraphs,
)
from webinars.series.models import Modality, SeriesStatus
from webinars.sessions.models import AgendaKind, RoleKind
from webinars.sessions.recurrence import Frequency, occurrences

SLUG = "migrant-smuggling-exchange-2020"
ZONE = "America/Costa_Rica"

TOPICS = (
    T(
        "Investigation techniques and police intelligence on Smuggling of Migrants",
        "Técnicas de investigación e inteligencia policial sobre el tráfico ilícito de migrantes",
    ),
    T("Cross-border judicial cooperation", "Cooperación judicial transfronteriza"),
    T(
        "Prevention and combat the smuggling of migrants",
        "Prevención y combate del tráfico ilícito de migrantes",
    ),
    T(
        "Challenges and best practices in the fight against migrant smuggling in times of COVID-19",
        "Desafíos y buenas prácticas en la lucha contra el tráfico ilícito de migrantes en tiempos de COVID-19",
    ),
)

TECHNICAL_EXCHANGE = T(
    "Technical exchange (2 to 3 panelists)", "Intercambio técnico (2 a 3 panelistas)"
)


def _opening(end: str, *speakers: str) -> ItemSpec:
    return ItemSpec(
        AgendaKind.OPENING_REMARKS,
        "09:00",
        end,
        OPENING_REMARKS,
        roles=tuple(RoleSpec(RoleKind.OPENING_REMARKS, organization=o) for o in speakers),
    )


def _exchange(start: str, facilitator: str) -> ItemSpec:
    return ItemSpec(
        AgendaKind.TECHNICAL_EXCHANGE,
        start,
        "10:15",
        TECHNICAL_EXCHANGE,
        roles=(RoleSpec(RoleKind.FACILITATOR, organization=facilitator),),
    )


def _questions(end: str = "11:00") -> ItemSpec:
    return ItemSpec(AgendaKind.QUESTIONS_AND_ANSWERS, "10:15", end, PARTICIPANTS_QUESTIONS)


AGENDAS: tuple[tuple[ItemSpec, ...], ...] = (
    (_opening("09:30", "PPT", "UNODC"), _exchange("09:30", "PPT"), _questions()),
    (_opening("09:15", "ES"), _exchange("09:15", "UNODC"), _questions()),
    (_opening("09:15", "ES"), _exchange("09:15", "IOM"), _questions()),
    (
        _opening("09:15", "ES"),
        _exchange("09:15", "IOM"),
        _questions("10:45"),
        ItemSpec(AgendaKind.CLOSING_REMARKS, "10:45", "11:00", CLOSING_REMARKS),
    ),
)

BACKGROUND = T(
    paragraphs(
        "At the beginning of the Regional Conference on Migration (RCM) at the Tuxtla II Summit in 1996, the countries of the region affirmed their commitment to work to harmonize legislation in order to criminalize and combat migrant smuggling and other related crimes.",
        "The importance of migrant smuggling and its relevance in the region, its growing trend as the complexity that characterizes it, make it a topic of great interest within the RCM. Thus, the topic is mainstreamed into the three fundamental pillars of the RCM, on which the RCM Strategic Plan is based. The RCM specific working groups contribute to the monitoring of the actions defined to address the main regional challenges in migration matters, one of them being Border Management.",
        'The mandate of the Working Group on Border Management is as follows: "In order to make border management more efficient, in the region, the Working Group on Border Management seeks to develop strategies and actions to ensure that the movement of migrants takes place in a safe, orderly and regular manner, to promote better institutional and regional coordination, to strengthen the capacity to identify profiles of people in or at risk of vulnerable situations, and verify the identity of people and their documents. The priority activities of this Working Group contribute to the strengthening of the RCM Member Countries in the implementation of border management mechanisms and the management of migratory flows".',
        "According to the priority actions established for 2020 (Annex to the Strategic Plan of the Regional Conference on Migration (RCM) 2019-2022: Functioning and Priority Actions of the Working Groups), within the framework of the Strategic Plan of the Regional Conference on Migration 2019-2022, the Working Group on Border Management defined to implement the following activities:\n"
        "1. Workshop to share best practices on the comprehensive combat of migrant smuggling and the establishment of a regional strategy for its combat, and the strengthening of capacities in the identification of irregular migrants and detection of fraudulent documentation\n"
        "2. Articulation of joint actions between RCM and SACM on human trafficking, smuggling of migrants and fraudulent documentation\n"
        "3. Follow up on recommendations 6.3 of the Guidelines for the attention and protection of women in the context of migration by the Working Groups on Border Management and Irregular and Mass Migration\n"
        "4. To present a country report on the progress achieved on the implementation of recommendations 6.3 of the Guidelines for the attention and protection of women in the context of migration",
        "Additionally, the RCM developed, with the technical assistance of IOM and UNODC, the Counter-Smuggling Work Plan 2019-2025 (approved during the 23rd Vice-ministerial Meeting of the Regional Conference on Migration in paragraph 9, subparagraph b of the vice-ministerial declaration). The approved plan has an implementation period of five years, and although it is non-binding, it shows the commitment and political will of the States to coordinate efforts in the fight against this crime.",
        "Due to the emergency situation that has caused the Covid-19 pandemic, the RCM requested support from IOM and UNODC to develop the workshop in a Webinar version, focused on the exchange of good practices and capacity building for the comprehensive fight against Migrant Smuggling.",
    ),
    paragraphs(
        "Desde el inicio de la Conferencia Regional sobre Migración (CRM), en la Cumbre de Tuxtla II en 1996, los países de la región afirmaron su compromiso de trabajar en la armonización de sus legislaciones para tipificar y combatir el tráfico ilícito de migrantes y otros delitos conexos.",
        "La importancia del tráfico ilícito de migrantes y su relevancia en la región, su tendencia creciente y la complejidad que lo caracteriza lo convierten en un tema de gran interés para la CRM. Por ello, el tema se transversaliza en los tres pilares fundamentales de la CRM, sobre los que se basa su Plan Estratégico. Los grupos de trabajo específicos de la CRM contribuyen al seguimiento de las acciones definidas para atender los principales desafíos regionales en materia migratoria; uno de ellos es el de Gestión de Fronteras.",
        "El mandato del Grupo de Trabajo sobre Gestión de Fronteras es el siguiente: «Con el fin de hacer más eficiente la gestión de fronteras en la región, el Grupo de Trabajo sobre Gestión de Fronteras busca desarrollar estrategias y acciones que garanticen que la movilidad de las personas migrantes se realice de manera segura, ordenada y regular, promover una mejor coordinación institucional y regional, fortalecer la capacidad de identificar perfiles de personas en situación de vulnerabilidad o en riesgo de estarlo, y verificar la identidad de las personas y de sus documentos. Las actividades prioritarias de este Grupo de Trabajo contribuyen al fortalecimiento de los Países Miembros de la CRM en la implementación de mecanismos de gestión de fronteras y en la gestión de los flujos migratorios».",
        "De acuerdo con las acciones prioritarias establecidas para 2020 (Anexo del Plan Estratégico de la Conferencia Regional sobre Migración (CRM) 2019-2022: Funcionamiento y acciones prioritarias de los Grupos de Trabajo), en el marco del Plan Estratégico de la Conferencia Regional sobre Migración 2019-2022, el Grupo de Trabajo sobre Gestión de Fronteras definió realizar las siguientes actividades:\n"
        "1. Taller para compartir buenas prácticas sobre el combate integral del tráfico ilícito de migrantes y el establecimiento de una estrategia regional para combatirlo, y fortalecimiento de capacidades en la identificación de personas migrantes en situación irregular y la detección de documentación fraudulenta\n"
        "2. Articulación de acciones conjuntas entre la CRM y la Conferencia Suramericana sobre Migraciones (CSM) en materia de trata de personas, tráfico ilícito de migrantes y documentación fraudulenta\n"
        "3. Seguimiento de las recomendaciones 6.3 de los Lineamientos para la atención y protección de mujeres en contextos de migración por parte de los Grupos de Trabajo sobre Gestión de Fronteras y sobre Migración Irregular y Masiva\n"
        "4. Presentar un informe de país sobre los avances logrados en la implementación de las recomendaciones 6.3 de los Lineamientos para la atención y protección de mujeres en contextos de migración",
        "Además, la CRM elaboró, con la asistencia técnica de la OIM y de la UNODC, el Plan de Trabajo contra el Tráfico Ilícito de Migrantes 2019-2025 (aprobado durante la XXIII Reunión Viceministerial de la Conferencia Regional sobre Migración, en el párrafo 9, inciso b, de la declaración viceministerial). El plan aprobado tiene un periodo de implementación de cinco años y, aunque no es vinculante, muestra el compromiso y la voluntad política de los Estados de coordinar esfuerzos en la lucha contra este delito.",
        "Debido a la situación de emergencia provocada por la pandemia de COVID-19, la CRM solicitó el apoyo de la OIM y de la UNODC para desarrollar el taller en versión de webinario, enfocado en el intercambio de buenas prácticas y en el fortalecimiento de capacidades para el combate integral del tráfico ilícito de migrantes.",
    ),
)

OBJECTIVE = T(
    "Strengthen the police and judicial bodies to fully combat the smuggling of migrants through the exchange of best regional practices in preventing and combating the smuggling of migrants, particularly in investigation techniques and police intelligence and cross-border judicial cooperation.",
    "Fortalecer a los cuerpos policiales y judiciales para combatir integralmente el tráfico ilícito de migrantes mediante el intercambio de las mejores prácticas regionales en materia de prevención y combate de este delito, en particular en técnicas de investigación e inteligencia policial y en cooperación judicial transfronteriza.",
)

METHODOLOGY = T(
    paragraphs(
        "The modality is virtual, in Webinar sessions. It will be developed in 4 sessions of 2 hours each, with a frequency of one session per day. It is expected to have the participation of various experts and government officials in the development of the sessions, followed by a guided space for exchange between the attendees, representatives of the RCM Member Countries.",
        "The products of the Working Group (directory, trend mapping, and good practices repository) constantly updated by the RCM Chair, will serve as important inputs for the technical exchange.",
        "The Workshop is meant for the representatives of the RCM Member Countries, and in particular the technical members of the Working Group on Border Management. The presence of the participant profiles listed for this series is expected from each country. As it is in virtual modality, there is no restriction on the number of participants.",
    ),
    paragraphs(
        "La modalidad es virtual, en sesiones de webinario. Se desarrollará en 4 sesiones de 2 horas cada una, con una frecuencia de una sesión por día. Se espera contar con la participación de diversos expertos y funcionarios gubernamentales en el desarrollo de las sesiones, seguida de un espacio guiado de intercambio entre los asistentes, representantes de los Países Miembros de la CRM.",
        "Los productos del Grupo de Trabajo (directorio, mapeo de tendencias y repositorio de buenas prácticas), actualizados constantemente por la Presidencia de la CRM, servirán como insumos importantes para el intercambio técnico.",
        "El taller está dirigido a representantes de los Países Miembros de la CRM, en particular a los miembros técnicos del Grupo de Trabajo sobre Gestión de Fronteras. Se espera la presencia, por cada país, de los perfiles de participantes indicados para esta serie. Al ser en modalidad virtual, no hay restricción en el número de participantes.",
    ),
)

PROFILES = (
    ProfileSpec(
        "prosecutor",
        T("Prosecutors or attorneys", "Fiscales o procuradores"),
        T(
            "At least two representatives, prosecutors or attorneys, with judicial responsibilities regarding crimes associated with the smuggling of migrants.",
            "Al menos dos representantes, fiscales o procuradores, con responsabilidades judiciales en delitos asociados al tráfico ilícito de migrantes.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "immigration_control",
        T(
            "Directors or chiefs of immigration control",
            "Directores o jefes del control migratorio",
        ),
        T(
            "At least two representatives, Director or Chief of the authority in charge of immigration control, responsible for supervision of the application of immigration laws.",
            "Al menos dos representantes, directores o jefes de la autoridad encargada del control migratorio, responsables de supervisar la aplicación de las leyes migratorias.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "investigator",
        T("Investigation units", "Unidades de investigación"),
        T(
            "At least two representatives of the investigation units in charge of crimes associated and related to the smuggling of migrants.",
            "Al menos dos representantes de las unidades de investigación a cargo de los delitos asociados y conexos al tráfico ilícito de migrantes.",
        ),
        min_per_country=2,
    ),
)


def series() -> SeriesSpec:
    """Four daily sittings of two hours, from the concept note's methodology."""
    sittings = occurrences(
        date(2020, 9, 8), time(9, 0), timedelta(hours=2), ZONE, Frequency.DAILY, count=4
    )
    sessions = tuple(
        SessionSpec(start, end, topic, agenda)
        for (start, end), topic, agenda in zip(sittings, TOPICS, AGENDAS, strict=True)
    )
    return SeriesSpec(
        slug=SLUG,
        title=T(
            "Webinars: Regional Technical Exchange on Migrant Smuggling",
            "Webinarios: Intercambio Técnico Regional sobre Tráfico Ilícito de Migrantes",
        ),
        background=BACKGROUND,
        objective=OBJECTIVE,
        methodology=METHODOLOGY,
        modality=Modality.ONLINE,
        timezone=ZONE,
        working_group="border-management",
        host_country="CR",
        status=SeriesStatus.CLOSED,
        sessions=sessions,
        profiles=PROFILES,
        partners=("IOM", "UNODC"),
    )
