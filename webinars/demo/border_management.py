"""Seed 004: the Working Group on Border Management, its meetings and the webinar it agreed on.

The report of 28 September 2020 gives no clock times: the demo holds the meetings 10:00-12:00
in Costa Rica. Item 3.d ("quarterly meetings of this Working Group") gives the follow-ups, made
from a quarterly rule. Item 3.a ("a webinar on identification of irregular migrants and
detection of fraudulent documents, with support from IOM, ... on a date to be defined") becomes
the one published series of the demo, dated from the day the demo is loaded so that a newcomer
can register at once.
"""

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
    wall_clock,
)
from webinars.series.models import ApprovalMode, Modality, SeriesStatus
from webinars.sessions.models import AgendaKind, RoleKind
from webinars.sessions.recurrence import Frequency, occurrences

ZONE = "America/Costa_Rica"
MEETINGS_SLUG = "border-management-wg-2020"
WEBINAR_SLUG = "fraudulent-documents-webinar"

#: Days between the day the demo is loaded and the webinar's first session.
WEBINAR_LEAD_DAYS = 30

# -- The meetings of the Working Group -----------------------------------------------------------

FIRST_MEETING = (
    ItemSpec(
        AgendaKind.PRESENTATION,
        "10:00",
        "10:30",
        T(
            "Report of Costa Rica as President pro tempore (PPT) on advances in respect of the activities of the Working Group",
            "Informe de Costa Rica, en su calidad de Presidencia Pro Tempore (PPT), sobre los avances de las actividades del Grupo de Trabajo",
        ),
        sub_points=(
            T(
                "Support of IOM and UNODC in the implementation of the Regional Technical Exchange on Migrant Smuggling, conducted online on 8-11 September",
                "Apoyo de la OIM y de la UNODC en la realización del Intercambio Técnico Regional sobre Tráfico Ilícito de Migrantes, llevado a cabo de forma virtual del 8 al 11 de septiembre",
            ),
            T(
                "Information from the Member Countries about their advances in the implementation of Recommendation 6.3 of the Guidelines on Assistance and Protection of Women in the Context of Migration, and their input for Activity 1",
                "Información de los Países Miembros sobre sus avances en la implementación de la Recomendación 6.3 de los Lineamientos para la atención y protección de mujeres en contextos de migración, y sus aportes para la Actividad 1",
            ),
        ),
        roles=(RoleSpec(RoleKind.SPEAKER, organization="PPT"),),
    ),
    ItemSpec(
        AgendaKind.TECHNICAL_EXCHANGE,
        "10:30",
        "10:50",
        T(
            "Comments of the Member Countries on the documents of the Working Group, to be submitted by 28 October at the latest",
            "Comentarios de los Países Miembros sobre los documentos del Grupo de Trabajo, que se enviarán a más tardar el 28 de octubre",
        ),
        sub_points=(
            T(
                "Inventory of best practices at the regional level",
                "Inventario de buenas prácticas a nivel regional",
            ),
            T(
                "Map of migrant smuggling routes at the regional level",
                "Mapa de rutas del tráfico ilícito de migrantes a nivel regional",
            ),
            T(
                "Directory of relevant national authorities",
                "Directorio de autoridades nacionales pertinentes",
            ),
            T(
                "Knowledge about new trends in migrant smuggling",
                "Conocimiento sobre nuevas tendencias del tráfico ilícito de migrantes",
            ),
        ),
    ),
    ItemSpec(
        AgendaKind.TECHNICAL_EXCHANGE,
        "10:50",
        "11:30",
        T(
            "Proposed new actions aimed at complying with the Strategic Plan",
            "Nuevas acciones propuestas para cumplir con el Plan Estratégico",
        ),
        sub_points=(
            T(
                "A webinar on identification of irregular migrants and detection of fraudulent documents, with support from IOM, in November on a date to be defined",
                "Un webinario sobre identificación de personas migrantes en situación irregular y detección de documentos fraudulentos, con el apoyo de la OIM, en noviembre, en fecha por definir",
            ),
            T(
                "A Procedures Manual for the investigation and prosecution of cases of migrant smuggling, developed by IOM and UNODC, with advances at the next meeting, in the first week of December",
                "Un Manual de procedimientos para la investigación y el enjuiciamiento de casos de tráfico ilícito de migrantes, elaborado por la OIM y la UNODC, con avances en la próxima reunión, en la primera semana de diciembre",
            ),
            T(
                "A regional strategy to combat migrant smuggling, presented by IOM and UNODC, with advances at the next meeting, in the first week of December",
                "Una estrategia regional para combatir el tráfico ilícito de migrantes, presentada por la OIM y la UNODC, con avances en la próxima reunión, en la primera semana de diciembre",
            ),
            T(
                "Quarterly meetings of this Working Group to strengthen the dialogue on trends, challenges and experience exchange in matters relating to border management, with an operational and shared responsibility approach",
                "Reuniones trimestrales de este Grupo de Trabajo para fortalecer el diálogo sobre tendencias, desafíos e intercambio de experiencias en materia de gestión de fronteras, con un enfoque operativo y de responsabilidad compartida",
            ),
        ),
        roles=(
            RoleSpec(RoleKind.SPEAKER, organization="IOM"),
            RoleSpec(RoleKind.SPEAKER, organization="UNODC"),
        ),
    ),
    ItemSpec(
        AgendaKind.TECHNICAL_EXCHANGE,
        "11:30",
        "11:50",
        T(
            "Cooperation of IOM in border management and recommendations of the Regional Network for Civil Organizations on Migration (RNCOM)",
            "Cooperación de la OIM en materia de gestión de fronteras y recomendaciones de la Red Regional de Organizaciones Civiles para las Migraciones (RROCM)",
        ),
        sub_points=(
            T(
                "The offer of IOM to collaborate with the activities of this group and its cooperation in the region in matters relating to border management",
                "El ofrecimiento de la OIM de colaborar con las actividades de este grupo y su cooperación en la región en materia de gestión de fronteras",
            ),
            T(
                "A workshop together with the Working Group on Protection to strengthen assistance for returned persons in the region",
                "Un taller conjunto con el Grupo de Trabajo sobre Protección para fortalecer la atención a las personas retornadas en la región",
            ),
        ),
        roles=(
            RoleSpec(RoleKind.SPEAKER, organization="IOM"),
            RoleSpec(RoleKind.SPEAKER, organization="RNCOM"),
        ),
    ),
    ItemSpec(
        AgendaKind.CLOSING_REMARKS,
        "11:50",
        "12:00",
        T(
            "Report of the Working Group to the Regional Consultation Group on Migration (RCGM)",
            "Informe del Grupo de Trabajo al Grupo Regional de Consulta sobre Migración (GRCM)",
        ),
    ),
)

QUARTERLY_DIALOGUE = T(
    "Dialogue on trends, challenges and experience exchange in matters relating to border management, with an operational and shared responsibility approach",
    "Diálogo sobre tendencias, desafíos e intercambio de experiencias en materia de gestión de fronteras, con un enfoque operativo y de responsabilidad compartida",
)

MEETINGS_BACKGROUND = T(
    paragraphs(
        "The Working Group on Border Management held an online meeting on 28 September 2020, with participation of representatives from the following countries: Canada, Costa Rica, Dominican Republic, El Salvador, Guatemala, Honduras, Mexico, Nicaragua, Panama and the United States. The Working Group submits its report to the Regional Consultation Group on Migration (RCGM).",
        "The Working Group thanked Costa Rica as President pro tempore (PPT) for the report on advances in respect of its activities, and IOM and UNODC for their support in the implementation of the Regional Technical Exchange on Migrant Smuggling, conducted online on 8-11 September. It asked the Member Countries to submit their comments on the inventory of best practices, the map of migrant smuggling routes, the directory of relevant national authorities and the knowledge about new trends in migrant smuggling by 28 October, and agreed on new actions aimed at complying with the Strategic Plan.",
    ),
    paragraphs(
        "El Grupo de Trabajo sobre Gestión de Fronteras celebró una reunión virtual el 28 de septiembre de 2020, con la participación de representantes de los siguientes países: Canadá, Costa Rica, El Salvador, Estados Unidos, Guatemala, Honduras, México, Nicaragua, Panamá y República Dominicana. El Grupo de Trabajo presenta su informe al Grupo Regional de Consulta sobre Migración (GRCM).",
        "El Grupo de Trabajo agradeció a Costa Rica, en su calidad de Presidencia Pro Tempore (PPT), el informe sobre los avances de sus actividades, y a la OIM y la UNODC su apoyo en la realización del Intercambio Técnico Regional sobre Tráfico Ilícito de Migrantes, llevado a cabo de forma virtual del 8 al 11 de septiembre. Solicitó a los Países Miembros enviar, a más tardar el 28 de octubre, sus comentarios sobre el inventario de buenas prácticas, el mapa de rutas del tráfico ilícito de migrantes, el directorio de autoridades nacionales pertinentes y el conocimiento sobre nuevas tendencias del tráfico ilícito de migrantes, y acordó nuevas acciones para cumplir con el Plan Estratégico.",
    ),
)

MEETINGS_OBJECTIVE = T(
    "Strengthen the dialogue on trends, challenges and experience exchange in matters relating to border management, with an operational and shared responsibility approach.",
    "Fortalecer el diálogo sobre tendencias, desafíos e intercambio de experiencias en materia de gestión de fronteras, con un enfoque operativo y de responsabilidad compartida.",
)

MEETINGS_METHODOLOGY = T(
    "Online meetings of the technical members of the Working Group. After the meeting of 28 September 2020, the Working Group agreed to hold quarterly meetings.",
    "Reuniones virtuales de los miembros técnicos del Grupo de Trabajo. Tras la reunión del 28 de septiembre de 2020, el Grupo de Trabajo acordó celebrar reuniones trimestrales.",
)


def meetings() -> SeriesSpec:
    """The meeting of 28 September 2020 and three quarterly follow-ups, from one rule."""
    sittings = occurrences(
        date(2020, 9, 28), time(10, 0), timedelta(hours=2), ZONE, Frequency.QUARTERLY, count=4
    )
    (first_start, first_end), *follow_ups = sittings
    sessions = (
        SessionSpec(
            first_start,
            first_end,
            T(
                "Online meeting of the Working Group on Border Management",
                "Reunión virtual del Grupo de Trabajo sobre Gestión de Fronteras",
            ),
            FIRST_MEETING,
            roles=(RoleSpec(RoleKind.MODERATOR, organization="PPT"),),
        ),
        *(
            SessionSpec(
                start,
                end,
                T(
                    "Quarterly meeting of the Working Group on Border Management",
                    "Reunión trimestral del Grupo de Trabajo sobre Gestión de Fronteras",
                ),
                (ItemSpec(AgendaKind.TECHNICAL_EXCHANGE, "10:00", "12:00", QUARTERLY_DIALOGUE),),
            )
            for start, end in follow_ups
        ),
    )
    return SeriesSpec(
        slug=MEETINGS_SLUG,
        title=T(
            "Meetings of the Working Group on Border Management",
            "Reuniones del Grupo de Trabajo sobre Gestión de Fronteras",
        ),
        background=MEETINGS_BACKGROUND,
        objective=MEETINGS_OBJECTIVE,
        methodology=MEETINGS_METHODOLOGY,
        modality=Modality.ONLINE,
        timezone=ZONE,
        working_group="border-management",
        host_country="CR",
        status=SeriesStatus.CLOSED,
        sessions=sessions,
        profiles=(
            ProfileSpec(
                "wg_member",
                T(
                    "Technical member of the Working Group",
                    "Miembro técnico del Grupo de Trabajo",
                ),
                T(
                    "A representative of a Member Country on the Working Group on Border Management.",
                    "Una persona representante de un País Miembro en el Grupo de Trabajo sobre Gestión de Fronteras.",
                ),
                min_per_country=1,
            ),
        ),
    )


# -- The webinar on fraudulent documents ---------------------------------------------------------


def _webinar_day(presentation: T, sub_points: tuple[T, ...], last: bool) -> tuple[ItemSpec, ...]:
    """Opening, IOM's presentation, questions; the last day ends with closing remarks."""
    opening = ItemSpec(
        AgendaKind.OPENING_REMARKS,
        "09:00",
        "09:15",
        OPENING_REMARKS,
        roles=(RoleSpec(RoleKind.OPENING_REMARKS, organization="ES"),),
    )
    talk = ItemSpec(
        AgendaKind.PRESENTATION,
        "09:15",
        "10:15",
        presentation,
        sub_points=sub_points,
        roles=(RoleSpec(RoleKind.SPEAKER, organization="IOM"),),
    )
    if not last:
        return (
            opening,
            talk,
            ItemSpec(AgendaKind.QUESTIONS_AND_ANSWERS, "10:15", "11:00", PARTICIPANTS_QUESTIONS),
        )
    return (
        opening,
        talk,
        ItemSpec(AgendaKind.QUESTIONS_AND_ANSWERS, "10:15", "10:45", PARTICIPANTS_QUESTIONS),
        ItemSpec(AgendaKind.CLOSING_REMARKS, "10:45", "11:00", CLOSING_REMARKS),
    )


WEBINAR_DAYS = (
    (
        T(
            "Identification of irregular migrants",
            "Identificación de personas migrantes en situación irregular",
        ),
        _webinar_day(
            T(
                "Presentation by IOM: identification of irregular migrants at borders",
                "Presentación de la OIM: identificación de personas migrantes en situación irregular en las fronteras",
            ),
            (
                T(
                    "Verifying the identity of people and their documents",
                    "Verificación de la identidad de las personas y de sus documentos",
                ),
                T(
                    "Identifying profiles of people in or at risk of vulnerable situations",
                    "Identificación de perfiles de personas en situación de vulnerabilidad o en riesgo de estarlo",
                ),
            ),
            last=False,
        ),
    ),
    (
        T("Detection of fraudulent documents", "Detección de documentos fraudulentos"),
        _webinar_day(
            T(
                "Presentation by IOM: detection of fraudulent travel and identity documents",
                "Presentación de la OIM: detección de documentos de viaje y de identidad fraudulentos",
            ),
            (
                T(
                    "Security features of travel documents",
                    "Elementos de seguridad de los documentos de viaje",
                ),
                T(
                    "Forged, counterfeit and fraudulently obtained documents",
                    "Documentos alterados, falsificados y obtenidos de forma fraudulenta",
                ),
            ),
            last=True,
        ),
    ),
)

WEBINAR_BACKGROUND = T(
    paragraphs(
        "Among its priority actions for 2020, within the framework of the Strategic Plan of the Regional Conference on Migration 2019-2022, the Working Group on Border Management included the strengthening of capacities in the identification of irregular migrants and detection of fraudulent documentation.",
        "At its online meeting of 28 September 2020, in regard to the proposed new actions aimed at complying with the Strategic Plan, the Working Group agreed to conduct a webinar on identification of irregular migrants and detection of fraudulent documents, with support from IOM, on a date to be defined.",
    ),
    paragraphs(
        "Entre sus acciones prioritarias para 2020, en el marco del Plan Estratégico de la Conferencia Regional sobre Migración 2019-2022, el Grupo de Trabajo sobre Gestión de Fronteras incluyó el fortalecimiento de capacidades en la identificación de personas migrantes en situación irregular y la detección de documentación fraudulenta.",
        "En su reunión virtual del 28 de septiembre de 2020, en relación con las nuevas acciones propuestas para cumplir con el Plan Estratégico, el Grupo de Trabajo acordó realizar un webinario sobre identificación de personas migrantes en situación irregular y detección de documentos fraudulentos, con el apoyo de la OIM, en fecha por definir.",
    ),
)

WEBINAR_OBJECTIVE = T(
    "Strengthen the capacities of the RCM Member Countries in the identification of irregular migrants and the detection of fraudulent documents.",
    "Fortalecer las capacidades de los Países Miembros de la CRM en la identificación de personas migrantes en situación irregular y la detección de documentos fraudulentos.",
)

WEBINAR_METHODOLOGY = T(
    "The modality is virtual, in two webinar sessions of 2 hours, one per day, with presentations by IOM followed by participants' questions and answers. It is meant for the technical members of the Working Group on Border Management and the officials in charge of immigration and border control of the RCM Member Countries.",
    "La modalidad es virtual, en dos sesiones de webinario de 2 horas, una por día, con presentaciones de la OIM seguidas de preguntas y respuestas de los participantes. Está dirigido a los miembros técnicos del Grupo de Trabajo sobre Gestión de Fronteras y a los funcionarios a cargo del control migratorio y fronterizo de los Países Miembros de la CRM.",
)

WEBINAR_PROFILES = (
    ProfileSpec(
        "immigration_control",
        T(
            "Officials in charge of immigration control",
            "Funcionarios a cargo del control migratorio",
        ),
        T(
            "At least two officials in charge of immigration control.",
            "Al menos dos funcionarios a cargo del control migratorio.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "border_control",
        T("Officials in charge of border control", "Funcionarios a cargo del control fronterizo"),
        T(
            "At least two officials in charge of border control.",
            "Al menos dos funcionarios a cargo del control fronterizo.",
        ),
        min_per_country=2,
    ),
    ProfileSpec(
        "document_examiner",
        T("Document examiners", "Peritos en documentoscopía"),
        T(
            "At least one official who examines identity and travel documents.",
            "Al menos un funcionario o funcionaria que examine documentos de identidad y de viaje.",
        ),
        min_per_country=1,
    ),
)


def webinar(today: date) -> SeriesSpec:
    """Published, its two sittings 30 and 31 days after `today`; registration open meanwhile.

    Registration opens at the start of the day before `today` (so it is open whatever the hour
    and zone of loading) and closes when the first session starts.
    """
    sittings = occurrences(
        today + timedelta(days=WEBINAR_LEAD_DAYS),
        time(9, 0),
        timedelta(hours=2),
        ZONE,
        Frequency.DAILY,
        count=2,
    )
    sessions = tuple(
        SessionSpec(
            start, end, topic, agenda, roles=(RoleSpec(RoleKind.MODERATOR, organization="IOM"),)
        )
        for (start, end), (topic, agenda) in zip(sittings, WEBINAR_DAYS, strict=True)
    )
    return SeriesSpec(
        slug=WEBINAR_SLUG,
        title=T(
            "Webinar on identification of irregular migrants and detection of fraudulent documents",
            "Webinario sobre identificación de personas migrantes en situación irregular y detección de documentos fraudulentos",
        ),
        background=WEBINAR_BACKGROUND,
        objective=WEBINAR_OBJECTIVE,
        methodology=WEBINAR_METHODOLOGY,
        modality=Modality.ONLINE,
        timezone=ZONE,
        working_group="border-management",
        host_country="CR",
        status=SeriesStatus.PUBLISHED,
        approval_mode=ApprovalMode.FOCAL_POINT,
        sessions=sessions,
        profiles=WEBINAR_PROFILES,
        partners=("IOM",),
        conference_url="https://meet.example.org/rcm-fraudulent-documents",
        registration_opens_at=wall_clock(today - timedelta(days=1), "00:00", ZONE),
        registration_closes_at=sessions[0].start_at,
    )
