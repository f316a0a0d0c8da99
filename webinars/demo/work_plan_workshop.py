"""Seeds 001 and 003: the 2018 workshop in San José that produced the Counter-Smuggling Work Plan.

Seed 001 (the concept note) gives the three sections, the five working groups and their example
actions; seed 003 (the Work Plan) gives the dates, 13 and 14 March 2018. Neither gives clock
times, so the demo chooses them: opening plenary 09:00-10:30, working groups 11:00-17:00 with a
lunch break, closing plenary the next day 09:00-12:00.
"""

from __future__ import annotations

from datetime import date

from webinars.demo.spec import (
    ItemSpec,
    ProfileSpec,
    RoleSpec,
    SeriesSpec,
    SessionSpec,
    T,
    paragraphs,
    span,
)
from webinars.series.models import ApprovalMode, Modality, SeriesStatus
from webinars.sessions.models import AgendaKind, RoleKind

SLUG = "work-plan-workshop-2018"
ZONE = "America/Costa_Rica"
FIRST_DAY = date(2018, 3, 13)
SECOND_DAY = date(2018, 3, 14)

#: The five preliminary central themes of seed 001, each with the example actions the seed
#: lists for it (the headings of groups 3 to 5 are lost in the seed; their actions follow in
#: the order of the themes) and the organization facilitating it.
WORKING_GROUPS: tuple[tuple[T, tuple[T, ...], str], ...] = (
    (
        T(
            "Intelligence/Investigation: Data Collection and Exchange",
            "Inteligencia/Investigación: recolección e intercambio de datos",
        ),
        (
            T(
                "Strategic actions to generate and manage actionable intelligence, by country and between countries (bilateral, multilateral and regional)",
                "Acciones estratégicas para generar y gestionar inteligencia accionable, por país y entre países (bilateral, multilateral y regional)",
            ),
            T(
                "Proposing standardized procedures that should be applied once the crime has been detected",
                "Proponer procedimientos estandarizados que deban aplicarse una vez detectado el delito",
            ),
            T(
                "Strategic actions for collaboration and/or sharing (including sensitive issues such as the use of shared networks, computer systems and data bases)",
                "Acciones estratégicas de colaboración y/o intercambio (incluidos temas sensibles como el uso de redes compartidas, sistemas informáticos y bases de datos)",
            ),
        ),
        "IOM",
    ),
    (
        T(
            "Field Operations: Cooperation, Police and Judicial Response",
            "Operaciones de campo: cooperación, respuesta policial y judicial",
        ),
        (
            T(
                "Developing regional objectives and standards for the execution of interdictions, detention of persons who have violated immigration laws and criminal prosecution of migrant smuggling and related crimes",
                "Desarrollar objetivos y estándares regionales para la ejecución de interdicciones, la detención de personas que hayan infringido las leyes migratorias y la persecución penal del tráfico ilícito de migrantes y delitos conexos",
            ),
            T(
                "Defining a permanent regional training plan for inter-institutional teams, ensuring the exchange of best practices",
                "Definir un plan regional permanente de capacitación para equipos interinstitucionales que asegure el intercambio de buenas prácticas",
            ),
            T(
                "Designating a primary focal point to combat migrant smuggling in each RCM Member Country",
                "Designar un punto focal principal para el combate del tráfico ilícito de migrantes en cada País Miembro de la CRM",
            ),
        ),
        "UNODC",
    ),
    (
        T("Administrative Detention – Alternatives", "Detención administrativa – alternativas"),
        (
            T(
                "Developing regional standards for the establishment and management of detention and retention centres and shelters",
                "Desarrollar estándares regionales para el establecimiento y la gestión de centros de detención y retención y de albergues",
            ),
            T(
                'Reviewing policies on alternatives to detention and the "consequences" of lack of compliance with administrative procedures',
                "Revisar las políticas sobre alternativas a la detención y las «consecuencias» del incumplimiento de los procedimientos administrativos",
            ),
        ),
        "IOM",
    ),
    (
        T("Migration Solutions", "Soluciones migratorias"),
        (
            T(
                "Establishing migration solutions for persons victims of migrant smuggling who are not victims of another crime (legislation on repatriation, regularization policies, admission for humanitarian reasons, asylum, processes and coordination)",
                "Establecer soluciones migratorias para las personas objeto de tráfico ilícito de migrantes que no son víctimas de otro delito (legislación sobre repatriación, políticas de regularización, admisión por razones humanitarias, asilo, procesos y coordinación)",
            ),
        ),
        "IOM",
    ),
    (
        T(
            "Prevention and Assistance for Migrants in Vulnerable Situations: Victims (of Related Crimes)",
            "Prevención y asistencia a migrantes en situación de vulnerabilidad: víctimas (de delitos conexos)",
        ),
        (
            T(
                "Developing guidelines for the protection of victims of crimes associated to migrant smuggling (theft, fraud, trafficking in persons, extortion, violence, sexual violence, etc.)",
                "Desarrollar lineamientos para la protección de las víctimas de delitos asociados al tráfico ilícito de migrantes (robo, fraude, trata de personas, extorsión, violencia, violencia sexual, etc.)",
            ),
            T(
                "Defining joint prevention actions in the region and cooperation with third countries (campaigns, training, etc.)",
                "Definir acciones conjuntas de prevención en la región y de cooperación con terceros países (campañas, capacitación, etc.)",
            ),
        ),
        "IOM",
    ),
)

RAPPORTEUR = RoleSpec(
    RoleKind.RAPPORTEUR,
    note=T(
        "High-ranking official of a Member Country",
        "Funcionario o funcionaria de alto nivel de un País Miembro",
    ),
)
EXTERNAL_EXPERTS = T("External experts", "Personas expertas externas")


def _opening_plenary() -> SessionSpec:
    start, end = span(FIRST_DAY, "09:00", "10:30", ZONE)
    return SessionSpec(
        start,
        end,
        T(
            "Opening plenary session: regional background, objectives and proposed methodology",
            "Sesión plenaria de apertura: antecedentes regionales, objetivos y metodología propuesta",
        ),
        agenda=(
            ItemSpec(
                AgendaKind.PLENARY,
                "09:00",
                "10:30",
                T(
                    "Regional background, objectives and proposed methodology",
                    "Antecedentes regionales, objetivos y metodología propuesta",
                ),
                sub_points=(
                    T(
                        'Regional background: refined intelligence processes and joint operations in the countries; the need for a permanent regional platform with coordinated resources that shares updated information "in real time" throughout the region',
                        "Antecedentes regionales: procesos de inteligencia perfeccionados y operaciones conjuntas en los países; la necesidad de una plataforma regional permanente con recursos coordinados que comparta información actualizada «en tiempo real» en toda la región",
                    ),
                    T(
                        "Principles of the action plan: regional and not local actions, coordination with other spaces and non-duplication, every action including all countries involved",
                        "Principios del plan de acción: acciones regionales y no locales, coordinación con otros espacios y no duplicación, toda acción incluye a todos los países involucrados",
                    ),
                    T(
                        "Objective: a draft regional work plan to combat migrant smuggling and trafficking, to be submitted to the Regional Conference on Migration",
                        "Objetivo: un borrador de plan de trabajo regional para combatir el tráfico ilícito de migrantes y la trata de personas, que se presentará a la Conferencia Regional sobre Migración",
                    ),
                    T(
                        "Proposed methodology: plenary sessions, working groups on the central themes of the action plan, presentation of the input of each group",
                        "Metodología propuesta: sesiones plenarias, grupos de trabajo sobre los temas centrales del plan de acción, presentación de los aportes de cada grupo",
                    ),
                ),
            ),
        ),
        roles=(RoleSpec(RoleKind.FACILITATOR, organization="IOM"),),
    )


def _working_group(number: int, theme: T, actions: tuple[T, ...], facilitator: str) -> SessionSpec:
    start, end = span(FIRST_DAY, "11:00", "17:00", ZONE)
    facilitator_role = RoleSpec(
        RoleKind.FACILITATOR,
        organization=facilitator,
        note=EXTERNAL_EXPERTS if facilitator == "UNODC" else None,
    )
    return SessionSpec(
        start,
        end,
        theme,
        track=T(f"Working group {number}: {theme.en}", f"Grupo de trabajo {number}: {theme.es}"),
        agenda=(
            ItemSpec(
                AgendaKind.GROUP_WORK,
                "11:00",
                "13:00",
                T(
                    "Technical discussion guided by the facilitator: examples of specific actions",
                    "Discusión técnica guiada por la persona facilitadora: ejemplos de acciones específicas",
                ),
                sub_points=actions,
            ),
            ItemSpec(AgendaKind.BREAK, "13:00", "14:00", T("Lunch", "Almuerzo")),
            ItemSpec(
                AgendaKind.GROUP_WORK,
                "14:00",
                "17:00",
                T(
                    "Generating the input of the group to develop the core of the action plan",
                    "Elaboración de los aportes del grupo para desarrollar el núcleo del plan de acción",
                ),
            ),
        ),
        roles=(facilitator_role, RAPPORTEUR),
    )


def _closing_plenary() -> SessionSpec:
    start, end = span(SECOND_DAY, "09:00", "12:00", ZONE)
    facilitators = T("Facilitators of the working groups", "Facilitadores de los grupos de trabajo")
    return SessionSpec(
        start,
        end,
        T(
            "Closing plenary session: presenting the input from each group",
            "Sesión plenaria de clausura: presentación de los aportes de cada grupo",
        ),
        agenda=(
            ItemSpec(
                AgendaKind.PLENARY,
                "09:00",
                "11:30",
                T(
                    "Presenting the input from each group in a plenary session",
                    "Presentación en plenaria de los aportes de cada grupo",
                ),
                sub_points=tuple(
                    T(f"Working group {n}: {theme.en}", f"Grupo de trabajo {n}: {theme.es}")
                    for n, (theme, _, _) in enumerate(WORKING_GROUPS, start=1)
                ),
                roles=(
                    RoleSpec(RoleKind.SPEAKER, organization="IOM", note=facilitators),
                    RoleSpec(RoleKind.SPEAKER, organization="UNODC", note=facilitators),
                ),
            ),
            ItemSpec(
                AgendaKind.CLOSING_REMARKS,
                "11:30",
                "12:00",
                T(
                    "Next steps: all input is consolidated by IOM and a final draft is submitted for consideration by the Regional Conference on Migration",
                    "Próximos pasos: la OIM consolida todos los aportes y se presenta un borrador final a la consideración de la Conferencia Regional sobre Migración",
                ),
                roles=(RoleSpec(RoleKind.SPEAKER, organization="IOM"),),
            ),
        ),
        roles=(RoleSpec(RoleKind.FACILITATOR, organization="IOM"),),
    )


BACKGROUND = T(
    paragraphs(
        "The smuggling of migrants is a transnational crime that infringes States sovereignty, and risks the security and welfare of migrants. Since the inception of the Regional Conference on Migration (RCM), the countries in the region have affirmed their commitment to work toward harmonizing legislations to typify migrant smuggling and other related offences as a crime and to combat these crimes.",
        "In 2016, the International Organization for Migration (IOM) developed and submitted to the RCM a set of Recommendations for Strengthening the Regional Strategy against the Smuggling of Migrants and Trafficking in Persons. At its meeting of 21 June 2017 in San Salvador, the Liaison Officer Network to Combat Migrant Smuggling and Trafficking agreed to thank and receive the offer of IOM to provide technical accompaniment in the development, by the Technical Secretariat, of a draft work plan to combat migrant smuggling; to this effect, IOM would support the organization of a face-to-face workshop aimed at developing this plan.",
        'During the XXIII Regional Conference on Migration, held in November 2017 in El Salvador, the Vice-Ministers decided: "15. To approve the completion of the following activities in 2018: i) Workshop for the development of the Counter-Smuggling Work Plan of the Liaison Officer Network to Combat Migrant Smuggling and Trafficking, supported by IOM."',
        'The different countries have refined intelligence processes to learn more about the criminal activity in their respective territories and have organized joint operations to manage specific cases. However, it seems to be important to improve a permanent regional platform with coordinated resources to obtain updated information which is shared "in real time" throughout the region.',
        "The most important aspect of the action plan is that the proposed actions should be regional and not local. Coordination with other spaces and non-duplication shall be promoted, such as the Regional Coalition Against Trafficking in Persons and Migrant Smuggling. Every action implemented in addressing migrant smuggling should include all countries involved, based on two premises:\n"
        "1. That all countries are in the most important migration corridor worldwide, with continental and transcontinental migration flows;\n"
        "2. That migrant smuggling activities have been identified in every RCM Member Country.",
        "The Regional Workshop for the Development of the Counter-Smuggling Work Plan was held on March 13th and 14th, 2018, in San José, Costa Rica. The International Organization for Migration provided technical assistance to hold the event; IOM, UNODC, the Governments of Canada and the United States sponsored the workshop. The resulting Counter-Smuggling Work Plan 2019-2025 of the Liaison Officer Network was approved in Panama City during the XXIII Vice-Ministerial Meeting of the RCM in November 2018.",
    ),
    paragraphs(
        "El tráfico ilícito de migrantes es un delito transnacional que vulnera la soberanía de los Estados y pone en riesgo la seguridad y el bienestar de las personas migrantes. Desde el inicio de la Conferencia Regional sobre Migración (CRM), los países de la región han afirmado su compromiso de trabajar en la armonización de sus legislaciones para tipificar como delito el tráfico ilícito de migrantes y otros delitos conexos, y para combatirlos.",
        "En 2016, la Organización Internacional para las Migraciones (OIM) elaboró y presentó a la CRM un conjunto de Recomendaciones para el Fortalecimiento de la Estrategia Regional contra el Tráfico Ilícito de Migrantes y la Trata de Personas. En su reunión del 21 de junio de 2017 en San Salvador, la Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas acordó agradecer y recibir el ofrecimiento de la OIM de brindar acompañamiento técnico en la elaboración, por parte de la Secretaría Técnica, de un borrador de plan de trabajo contra el tráfico ilícito de migrantes; para ello, la OIM apoyaría la organización de un taller presencial orientado a desarrollar dicho plan.",
        "Durante la XXIII Conferencia Regional sobre Migración, celebrada en noviembre de 2017 en El Salvador, los Viceministros decidieron: «15. Aprobar la realización de las siguientes actividades en 2018: i) Taller para la elaboración del Plan de Trabajo contra el Tráfico Ilícito de Migrantes de la Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas, con el apoyo de la OIM».",
        "Los distintos países han perfeccionado sus procesos de inteligencia para conocer mejor la actividad delictiva en sus respectivos territorios y han organizado operaciones conjuntas para atender casos específicos. Sin embargo, parece importante mejorar una plataforma regional permanente, con recursos coordinados, para obtener información actualizada que se comparta «en tiempo real» en toda la región.",
        "El aspecto más importante del plan de acción es que las acciones propuestas sean regionales y no locales. Se promoverá la coordinación con otros espacios y la no duplicación, por ejemplo con la Coalición Regional contra la Trata de Personas y el Tráfico Ilícito de Migrantes. Toda acción que se implemente para abordar el tráfico ilícito de migrantes debe incluir a todos los países involucrados, con base en dos premisas:\n"
        "1. Que todos los países se encuentran en el corredor migratorio más importante del mundo, con flujos migratorios continentales y extracontinentales;\n"
        "2. Que se han identificado actividades de tráfico ilícito de migrantes en todos los Países Miembros de la CRM.",
        "El Taller Regional para la Elaboración del Plan de Trabajo contra el Tráfico Ilícito de Migrantes se realizó el 13 y el 14 de marzo de 2018 en San José, Costa Rica. La Organización Internacional para las Migraciones brindó asistencia técnica para su realización; la OIM, la UNODC y los Gobiernos de Canadá y de los Estados Unidos patrocinaron el taller. El Plan de Trabajo contra el Tráfico Ilícito de Migrantes 2019-2025 de la Red de Funcionarios de Enlace que resultó de él fue aprobado en la Ciudad de Panamá durante la XXIII Reunión Viceministerial de la CRM, en noviembre de 2018.",
    ),
)

OBJECTIVE = T(
    "Develop a draft regional work plan to combat migrant smuggling and trafficking, to be submitted to the Regional Conference on Migration: a key instrument in strengthening States regional cooperation to prevent and combat migrant smuggling and other related offences.",
    "Elaborar un borrador de plan de trabajo regional para combatir el tráfico ilícito de migrantes y la trata de personas, que se presentará a la Conferencia Regional sobre Migración: un instrumento clave para fortalecer la cooperación regional de los Estados en la prevención y el combate del tráfico ilícito de migrantes y otros delitos conexos.",
)

METHODOLOGY = T(
    paragraphs(
        "Participatory: plenary sessions (guidance/objectives) and working groups. Facilitators: IOM staff members and external experts (UNODC); technical support by the RCM Technical Secretariat.",
        "Three sections:\n"
        "1. Plenary session: regional background, objectives and proposed methodology;\n"
        "2. Group work: working groups established according to the central themes of the action plan;\n"
        "3. Plenary session: presenting the input from each group in a plenary session.",
        "Each working group will have a facilitator (IOM or a country representative) to guide the technical discussions and generate the various inputs to develop the core of the action plan. Subsequently, the facilitator of each group will present the input of the group at a plenary session before all input is consolidated by IOM and a final draft is submitted for consideration by the Regional Conference on Migration.",
        "A high-ranking official from a country could act as rapporteur of each working group, with support from an IOM staff member, if necessary.",
    ),
    paragraphs(
        "Participativa: sesiones plenarias (orientación/objetivos) y grupos de trabajo. Facilitadores: personal de la OIM y personas expertas externas (UNODC); apoyo técnico de la Secretaría Técnica de la CRM.",
        "Tres secciones:\n"
        "1. Sesión plenaria: antecedentes regionales, objetivos y metodología propuesta;\n"
        "2. Trabajo en grupos: grupos de trabajo establecidos según los temas centrales del plan de acción;\n"
        "3. Sesión plenaria: presentación en plenaria de los aportes de cada grupo.",
        "Cada grupo de trabajo contará con una persona facilitadora (de la OIM o representante de un país) que guiará las discusiones técnicas y generará los distintos insumos para desarrollar el núcleo del plan de acción. Posteriormente, la persona facilitadora de cada grupo presentará los aportes del grupo en una sesión plenaria, antes de que la OIM consolide todos los aportes y se presente un borrador final a la consideración de la Conferencia Regional sobre Migración.",
        "Un funcionario o funcionaria de alto nivel de un país podría actuar como relator de cada grupo de trabajo, con el apoyo de personal de la OIM si fuera necesario.",
    ),
)

PROFILES = (
    ProfileSpec(
        "prosecutor",
        T("Prosecutors", "Fiscales"),
        T(
            "Prosecutors of each Member Country.",
            "Fiscales de cada País Miembro.",
        ),
        min_per_country=1,
    ),
    ProfileSpec(
        "immigration_director",
        T("Immigration directors", "Directores de migración"),
        T(
            "Directors of the immigration authority of each Member Country.",
            "Directores de la autoridad migratoria de cada País Miembro.",
        ),
        min_per_country=1,
    ),
    ProfileSpec(
        "immigration_police_director",
        T("Directors of the immigration police", "Directores de la policía de migración"),
        T(
            "Directors of the immigration police of each Member Country.",
            "Directores de la policía de migración de cada País Miembro.",
        ),
        min_per_country=1,
    ),
    ProfileSpec(
        "primary_investigator",
        T("Primary investigators", "Investigadores principales"),
        T(
            "Primary investigators of migrant smuggling cases of each Member Country.",
            "Investigadores principales de casos de tráfico ilícito de migrantes de cada País Miembro.",
        ),
        min_per_country=1,
    ),
    ProfileSpec(
        "regional_coalition",
        T(
            "Representative of the Regional Coalition Against Trafficking in Persons and Migrant Smuggling",
            "Representante de la Coalición Regional contra la Trata de Personas y el Tráfico Ilícito de Migrantes",
        ),
        T(
            "A representative of the Regional Coalition Against Trafficking in Persons and Migrant Smuggling.",
            "Una persona representante de la Coalición Regional contra la Trata de Personas y el Tráfico Ilícito de Migrantes.",
        ),
        min_per_country=0,
    ),
)


def series() -> SeriesSpec:
    """Opening plenary, five parallel working groups, closing plenary."""
    sessions = (
        _opening_plenary(),
        *(
            _working_group(number, theme, actions, facilitator)
            for number, (theme, actions, facilitator) in enumerate(WORKING_GROUPS, start=1)
        ),
        _closing_plenary(),
    )
    return SeriesSpec(
        slug=SLUG,
        title=T(
            "Regional Workshop for the Development of the Counter-Smuggling Work Plan",
            "Taller Regional para la Elaboración del Plan de Trabajo contra el Tráfico Ilícito de Migrantes",
        ),
        background=BACKGROUND,
        objective=OBJECTIVE,
        methodology=METHODOLOGY,
        modality=Modality.IN_PERSON,
        timezone=ZONE,
        working_group="liaison-officers-smuggling-trafficking",
        host_country="CR",
        status=SeriesStatus.ARCHIVED,
        sessions=sessions,
        profiles=PROFILES,
        partners=("IOM", "UNODC"),
        approval_mode=ApprovalMode.ORGANIZER,
        venue=T("San José, Costa Rica", "San José, Costa Rica"),
    )
