"""Seed 002: the webinar series on intra-regional massive flows, 16 and 17 November 2020."""

from __future__ import annotations

from datetime import date, time, timedelta

from webinars.demo.spec import (
    OPENING_REMARKS,
    QUESTIONS_AND_ANSWERS,
    ItemSpec,
    PersonSpec,
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

SLUG = "mass-flows-webinars-2020"
ZONE = "America/Costa_Rica"

GCIF_TEAM = T(
    "Strategic Analysis Team, Joint Border Intelligence Group",
    "Equipo de Análisis Estratégico, Grupo Conjunto de Inteligencia Fronteriza",
)

PEOPLE = (
    PersonSpec("Raúl Fuentes", "GCIF", GCIF_TEAM),
    PersonSpec("Gisselle Pérez", "GCIF", GCIF_TEAM),
    PersonSpec(
        "Efraín Guerrero",
        "IOM",
        T(
            "Migration and Crisis Technical Specialist, IOM Western Hemisphere Program",
            "Especialista Técnico en Migración y Crisis, Programa Hemisferio Occidental de la OIM",
        ),
    ),
    PersonSpec(
        "Cy Winter",
        "IOM",
        T(
            "IOM Senior Regional Specialist in Migration Management",
            "Especialista Regional Principal en Gestión de la Migración de la OIM",
        ),
    ),
)

DAY_1 = (
    ItemSpec(
        AgendaKind.OPENING_REMARKS,
        "09:00",
        "09:20",
        OPENING_REMARKS,
        roles=(
            RoleSpec(
                RoleKind.OPENING_REMARKS,
                organization="PPT",
                note=T(
                    "Working Group on Irregular and Mass Migration",
                    "Grupo de Trabajo sobre Migración Irregular y Masiva",
                ),
            ),
        ),
    ),
    ItemSpec(
        AgendaKind.INTRODUCTION,
        "09:20",
        "09:30",
        T(
            "Panel of experts: brief contextual summary to guide the session / key points to be addressed by the facilitator",
            "Panel de expertos: breve resumen contextual para orientar la sesión / puntos clave que abordará la persona facilitadora",
        ),
    ),
    ItemSpec(
        AgendaKind.PANEL,
        "09:30",
        "10:30",
        T("Panel of experts", "Panel de expertos"),
        sub_points=(
            T(
                "Factors that influence the motivation of mass movements of people",
                "Factores que influyen en la motivación de los movimientos masivos de personas",
            ),
            T("Profiles of the organizers", "Perfiles de los organizadores"),
            T("Modus operandi", "Modus operandi"),
            T(
                "Effects of massive movements of people",
                "Efectos de los movimientos masivos de personas",
            ),
            T(
                "Good practices in institutional response",
                "Buenas prácticas en la respuesta institucional",
            ),
            T(
                "Vulnerability of the people who are the object of the smuggling of migrants, due to the massive movement of people",
                "Vulnerabilidad de las personas objeto del tráfico ilícito de migrantes debido al movimiento masivo de personas",
            ),
        ),
        roles=(
            RoleSpec(RoleKind.PANELIST, person="Raúl Fuentes"),
            RoleSpec(RoleKind.PANELIST, person="Gisselle Pérez"),
        ),
    ),
    ItemSpec(AgendaKind.QUESTIONS_AND_ANSWERS, "10:30", "11:00", QUESTIONS_AND_ANSWERS),
)

DAY_2 = (
    ItemSpec(
        AgendaKind.INTRODUCTION,
        "09:00",
        "09:10",
        T(
            "Introduction: brief recap of the previous day",
            "Introducción: breve recapitulación del día anterior",
        ),
    ),
    ItemSpec(
        AgendaKind.PRESENTATION,
        "09:10",
        "09:40",
        T(
            "Migration Crisis Operational Framework (MCOF)",
            "Marco Operacional en Situaciones de Crisis Migratoria (MOSCM)",
        ),
        sub_points=(
            T(
                "IOM's approach to migration crises",
                "Enfoque de la OIM ante las crisis migratorias",
            ),
            T("What is the MCOF?", "¿Qué es el MOSCM?"),
            T(
                "Interrelation between Migration Governance Framework (MIGOF) and MCOF",
                "Interrelación entre el Marco de Gobernanza sobre la Migración (MiGOF) y el MOSCM",
            ),
            T(
                "Types of populations affected by crises",
                "Tipos de poblaciones afectadas por las crisis",
            ),
            T(
                "Structure of the MCOF: stages, sectors, links",
                "Estructura del MOSCM: etapas, sectores, vínculos",
            ),
            T(
                "Strategic Crisis Response Plan, MCOF (8 steps)",
                "Plan Estratégico de Respuesta a Crisis, MOSCM (8 pasos)",
            ),
            T("Example: practical case", "Ejemplo: caso práctico"),
            T(
                "Conclusions on how the MCOF provides key guidelines (good practices) in the preparation and approach of international massive flows",
                "Conclusiones sobre cómo el MOSCM brinda pautas clave (buenas prácticas) para la preparación y el abordaje de los flujos masivos internacionales",
            ),
        ),
        roles=(RoleSpec(RoleKind.SPEAKER, person="Efraín Guerrero"),),
    ),
    ItemSpec(
        AgendaKind.PRESENTATION,
        "09:40",
        "10:10",
        T(
            "Lessons learned in responding to massive flows in the region",
            "Lecciones aprendidas en la respuesta a los flujos masivos en la región",
        ),
        sub_points=(
            T("Preparation", "Preparación"),
            T("Operations", "Operaciones"),
            T("Existing tools", "Herramientas existentes"),
        ),
        roles=(RoleSpec(RoleKind.SPEAKER, person="Cy Winter"),),
    ),
    ItemSpec(
        AgendaKind.GUIDED_DIALOGUE,
        "10:10",
        "11:00",
        T(
            "Guided dialogue: the PPT suggests a dialogue on the experiences of the countries receiving these flows (United States, Mexico, Guatemala, etc.), analysis of the tools presented and relevance / next steps for the development or adaptation of a tool in the RCM framework",
            "Diálogo guiado: la PPT propone un diálogo sobre las experiencias de los países receptores de estos flujos (Estados Unidos, México, Guatemala, etc.), el análisis de las herramientas presentadas y su pertinencia / próximos pasos para el desarrollo o la adaptación de una herramienta en el marco de la CRM",
        ),
        roles=(RoleSpec(RoleKind.FACILITATOR, organization="PPT"),),
    ),
)

TOPICS = (
    T(
        "Context and challenges of the massive movements of people called caravans",
        "Contexto y desafíos de los movimientos masivos de personas denominados caravanas",
    ),
    T(
        "Presentation of potential practical tools to guide the preparation and approach of massive intra-regional flows",
        "Presentación de posibles herramientas prácticas para orientar la preparación y el abordaje de los flujos masivos intrarregionales",
    ),
)

BACKGROUND = T(
    paragraphs(
        "Since 2018 there have been massive migratory flows called migrant caravans in Central America and Mexico, according to the data from the International Organization for Migration (IOM), the number of migrants that make up each caravan varies widely. It is unknown how many caravans and migrants have left since October 2018. The caravans have been kept over time, the most recent being registered on October 1, 2020, this migrant caravan left Honduras and according to OCHA on that occasion between 3,500 and 4,000 people were counted, this happened within the framework of the COVID-19 pandemic.",
        "Therefore, the need to generate a dialogue between the Countries is imminent to analyze the challenges in the current context regarding the caravans of people, including the role of transnational organized crime in these human movements and the needs for humanitarian assistance and protection linked to the presence of mixed flows.",
        "An orderly and comprehensive approach to this type of scenario can be strengthened through the Migration Crisis Operational Framework (MCOF), this document was established at the request of IOM Member States, due to the growing interest shown by the Countries in the impact of crisis situations on migration. The MCOF was approved at the Hundredth first Meeting of the Council of the Standing Committee on Programs and Finance (CPPF) at IOM; in November 2012.",
        "With this tool as indicated in its introductory section, subparagraphs b) and d), it seeks to help populations affected by crisis, including displaced persons and stranded international migrants in crisis situations in destination or transit countries, to enjoy their fundamental rights to protection and assistance through the support that IOM provides to States in order to consolidate IOM's partnerships with States, international organizations and other relevant stakeholders in relation to humanitarian response, migration, peace and security, and development.",
        "This work of respect for the safety and dignity of people in crisis situations is shared by other agencies of the United Nations System, that is why UNODC in coordination with IOM offered support to carry out a series of webinars on characteristics, best practices, preparation and approach of massive intra-regional flows. This activity was established within the recommendations of the Regional Consultation Group on Migration (RCGM), during the virtual meeting held on September 29 and 30, 2020, with the participation of representatives of Canada, Costa Rica, El Salvador, United States, Guatemala, Honduras, Mexico, Nicaragua, Panama and the Dominican Republic.",
        "The Working Group on Irregular and Mass Migration during its virtual meeting on September 28, had the participation of representatives of Canada, Costa Rica, El Salvador, the United States, Guatemala, Honduras, Mexico, Nicaragua, Panama and the Dominican Republic. They agreed to request the support of the IOM in the preparation of the Regional Guide for attention to massive flows to present a progress at the next meeting of the Working Group, in the first week of December.",
        "Also, in the area of migrant smuggling, the RCM has a Work Plan (2019-2025), it was developed with technical support from the IOM and UNODC. The approved Plan has an implementation period of five years, and although it is non-binding in nature, it shows the existence of commitment and political will on the part of the States to coordinate efforts in the fight against this scourge.",
        "Additionally, it has the participation of the Joint Border Intelligence Group, in its acronym GCIF (in Spanish), which is constituted as a multinational and multidisciplinary center that promotes collaboration and coordination of criminal intelligence against Transnational Criminal Organizations and their participants, currently it has 6 participating countries and 5 collaborating countries. The Joint Border Intelligence Group was created in May 2018, with the purpose of facilitating collaboration between national and international institutions throughout the region to coordinate Transnational Organized Crime (TOC) issues, as well as the development of activities for the prosecution of information, profiling and intelligence products, aimed at detecting people involved, or allegedly involved, in various crimes of Transnational Organized Crime that operate in the country and at the regional level.",
        "In this way, it is proposed to carry out this series of webinars on characteristics, best practices, preparation and approach of the massive intra-regional flows that will allow to respond to the need expressed by the member countries of the RCM in the matter.",
    ),
    paragraphs(
        "Desde 2018 se han presentado en Centroamérica y México flujos migratorios masivos denominados caravanas de migrantes; según datos de la Organización Internacional para las Migraciones (OIM), el número de personas migrantes que conforman cada caravana varía ampliamente. Se desconoce cuántas caravanas y cuántas personas migrantes han salido desde octubre de 2018. Las caravanas se han mantenido en el tiempo; la más reciente se registró el 1 de octubre de 2020, cuando una caravana de migrantes salió de Honduras y, según OCHA, en esa ocasión se contabilizaron entre 3.500 y 4.000 personas, en el marco de la pandemia de COVID-19.",
        "Por lo tanto, es imperiosa la necesidad de generar un diálogo entre los países para analizar los desafíos del contexto actual en relación con las caravanas de personas, incluido el papel del crimen organizado transnacional en estos movimientos humanos y las necesidades de asistencia humanitaria y de protección vinculadas a la presencia de flujos mixtos.",
        "Un abordaje ordenado e integral de este tipo de escenarios puede fortalecerse mediante el Marco Operacional en Situaciones de Crisis Migratoria (MOSCM), documento establecido a solicitud de los Estados Miembros de la OIM debido al creciente interés mostrado por los países en el impacto de las situaciones de crisis en la migración. El MOSCM fue aprobado en la centésima primera Reunión del Consejo del Comité Permanente de Programas y Finanzas (CPPF) de la OIM, en noviembre de 2012.",
        "Con esta herramienta, tal como se indica en su sección introductoria, incisos b) y d), se busca ayudar a las poblaciones afectadas por las crisis, incluidas las personas desplazadas y las personas migrantes internacionales varadas en situaciones de crisis en los países de destino o de tránsito, a ejercer sus derechos fundamentales a la protección y la asistencia, mediante el apoyo que la OIM brinda a los Estados, con el fin de consolidar las alianzas de la OIM con los Estados, las organizaciones internacionales y otros actores pertinentes en materia de respuesta humanitaria, migración, paz y seguridad, y desarrollo.",
        "Esta labor de respeto a la seguridad y la dignidad de las personas en situaciones de crisis es compartida por otras agencias del Sistema de las Naciones Unidas; por ello, la UNODC, en coordinación con la OIM, ofreció su apoyo para realizar una serie de webinarios sobre las características, buenas prácticas, preparación y abordaje de los flujos masivos intrarregionales. Esta actividad se estableció dentro de las recomendaciones del Grupo Regional de Consulta sobre Migración (GRCM), durante la reunión virtual celebrada el 29 y 30 de septiembre de 2020, con la participación de representantes de Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana.",
        "El Grupo de Trabajo sobre Migración Irregular y Masiva, en su reunión virtual del 28 de septiembre, contó con la participación de representantes de Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana. Se acordó solicitar el apoyo de la OIM en la elaboración de la Guía Regional para la atención de flujos masivos, con el fin de presentar un avance en la próxima reunión del Grupo de Trabajo, en la primera semana de diciembre.",
        "Asimismo, en materia de tráfico ilícito de migrantes, la CRM cuenta con un Plan de Trabajo (2019-2025), elaborado con el apoyo técnico de la OIM y de la UNODC. El Plan aprobado tiene un periodo de implementación de cinco años y, aunque no es de carácter vinculante, muestra la existencia de compromiso y voluntad política por parte de los Estados para coordinar esfuerzos en la lucha contra este flagelo.",
        "Además, se cuenta con la participación del Grupo Conjunto de Inteligencia Fronteriza (GCIF), constituido como un centro multinacional y multidisciplinario que promueve la colaboración y la coordinación de la inteligencia criminal contra las organizaciones criminales transnacionales y sus integrantes; actualmente cuenta con 6 países participantes y 5 países colaboradores. El Grupo Conjunto de Inteligencia Fronteriza se creó en mayo de 2018 con el propósito de facilitar la colaboración entre instituciones nacionales e internacionales de toda la región para coordinar los temas de crimen organizado transnacional (COT), así como el desarrollo de actividades de procesamiento de información, perfilamiento y productos de inteligencia, orientados a detectar a las personas involucradas, o presuntamente involucradas, en diversos delitos del crimen organizado transnacional que operan en el país y a nivel regional.",
        "De esta manera, se propone realizar esta serie de webinarios sobre las características, buenas prácticas, preparación y abordaje de los flujos masivos intrarregionales, que permitirá responder a la necesidad expresada en la materia por los Países Miembros de la CRM.",
    ),
)

OBJECTIVE = T(
    "Promote technical dialogue among the RCM Member Countries, in order to strengthen knowledge of the massive intraregional movements of people, from a comprehensive and coordinated perspective, which generates a rapid response and standardized criteria to respond to the phenomenon.",
    "Promover el diálogo técnico entre los Países Miembros de la CRM con el fin de fortalecer el conocimiento de los movimientos masivos intrarregionales de personas, desde una perspectiva integral y coordinada, que genere una respuesta rápida y criterios estandarizados para responder al fenómeno.",
)

METHODOLOGY = T(
    paragraphs(
        "The modality is virtual, in Webinar format. The activity will take place in 2 sessions of 2 hours, on November 16 and 17. It is expected to have the participation of representatives of the Cross-Border Intelligence Group, UNODC and IOM, in the development of the sessions, followed by a guided space of exchange between the attendees, representatives of the RCM Member Countries.",
        "The Workshop is aimed at the representatives of the RCM Member Countries, and in particular the technical members of the Working Group on Irregular and Mass Migration. The presence of the participant profiles listed for this series is expected from each of the countries. Being in virtual mode, the number of participants is not restricted.",
    ),
    paragraphs(
        "La modalidad es virtual, en formato de webinario. La actividad se realizará en 2 sesiones de 2 horas, el 16 y el 17 de noviembre. Se espera contar con la participación de representantes del Grupo Conjunto de Inteligencia Fronteriza, la UNODC y la OIM en el desarrollo de las sesiones, seguida de un espacio guiado de intercambio entre los asistentes, representantes de los Países Miembros de la CRM.",
        "El taller está dirigido a representantes de los Países Miembros de la CRM, en particular a los miembros técnicos del Grupo de Trabajo sobre Migración Irregular y Masiva. Se espera la presencia, por cada país, de los perfiles de participantes indicados para esta serie. Al ser en modalidad virtual, el número de participantes no está restringido.",
    ),
)

PROFILES = (
    ProfileSpec(
        "prosecutor",
        T("Prosecutors or solicitors", "Fiscales o procuradores"),
        T(
            "At least two officials, prosecutors or solicitors, with judicial functions in crimes associated with the smuggling of migrants.",
            "Al menos dos funcionarios, fiscales o procuradores, con funciones judiciales en delitos asociados al tráfico ilícito de migrantes.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "immigration_control",
        T(
            "Officials in charge of immigration control",
            "Funcionarios a cargo del control migratorio",
        ),
        T(
            "Minimum of two officials in charge of immigration control.",
            "Mínimo dos funcionarios a cargo del control migratorio.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "border_control",
        T("Officials in charge of border control", "Funcionarios a cargo del control fronterizo"),
        T(
            "Minimum of two officials in charge of border control.",
            "Mínimo dos funcionarios a cargo del control fronterizo.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "investigator",
        T("Investigation units", "Unidades de investigación"),
        T(
            "At least two officials, representatives of the investigation units in charge of crimes associated and related to the Smuggling of Migrants.",
            "Al menos dos funcionarios, representantes de las unidades de investigación a cargo de los delitos asociados y conexos al tráfico ilícito de migrantes.",
        ),
        min_per_country=2,
    ),
)


def series() -> SeriesSpec:
    """Two sittings of two hours on consecutive days; UNODC moderates day 1, IOM day 2."""
    sittings = occurrences(
        date(2020, 11, 16), time(9, 0), timedelta(hours=2), ZONE, Frequency.DAILY, count=2
    )
    moderators = ("UNODC", "IOM")
    sessions = tuple(
        SessionSpec(
            start,
            end,
            topic,
            agenda,
            roles=(RoleSpec(RoleKind.MODERATOR, organization=moderator),),
        )
        for (start, end), topic, agenda, moderator in zip(
            sittings, TOPICS, (DAY_1, DAY_2), moderators, strict=True
        )
    )
    return SeriesSpec(
        slug=SLUG,
        title=T(
            "Webinar series: Characteristics, best practices, preparation and approach of intra-regional massive flows",
            "Serie de webinarios: Características, buenas prácticas, preparación y abordaje de los flujos masivos intrarregionales",
        ),
        background=BACKGROUND,
        objective=OBJECTIVE,
        methodology=METHODOLOGY,
        modality=Modality.ONLINE,
        timezone=ZONE,
        working_group="irregular-mass-migration",
        host_country="CR",
        status=SeriesStatus.CLOSED,
        sessions=sessions,
        profiles=PROFILES,
        partners=("IOM", "UNODC", "GCIF"),
        people=PEOPLE,
    )
