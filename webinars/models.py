"""Every model, imported in one place so that Alembic and the app see them all."""

from webinars.accounts.models import EndedSession, StaffRole, User, facilitator_assignments
from webinars.attendance.models import (
    Attendance,
    AttendanceImport,
    AttendanceSource,
    AttendanceState,
    AttendeeRole,
)
from webinars.audit.models import AuditEvent
from webinars.authorities.models import DirectoryEntry, Topic
from webinars.catalog.models import Country, Organization, Person, WorkingGroup
from webinars.evaluations.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
    QuestionKind,
)
from webinars.invitations.models import ICalMethod, Invitation, ReminderSent
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.materials.models import Material, Visibility
from webinars.participation.models import DistinctParticipants, Participant
from webinars.registration.models import (
    HOLDING_STATUSES,
    Registration,
    RegistrationStatus,
    registration_sessions,
)
from webinars.series.models import (
    ApprovalMode,
    Modality,
    ParticipantProfile,
    Series,
    SeriesStatus,
    series_partners,
)
from webinars.sessions.models import (
    AgendaItem,
    AgendaKind,
    EventSession,
    Role,
    RoleKind,
    SessionStatus,
)
from webinars.submissions.models import (
    AnswerKind,
    ReviewStatus,
    Submission,
    SubmissionReminder,
    SubmissionRequest,
)

__all__ = [
    "EndedSession",
    "EvaluationAnswer",
    "EvaluationQuestion",
    "EvaluationReceipt",
    "EvaluationResponse",
    "QuestionKind",
    "Material",
    "Visibility",
    "AnswerKind",
    "ReviewStatus",
    "Submission",
    "SubmissionReminder",
    "SubmissionRequest",
    "Attendance",
    "AttendanceImport",
    "AttendanceSource",
    "AttendanceState",
    "AttendeeRole",
    "AuditEvent",
    "DirectoryEntry",
    "Topic",
    "DistinctParticipants",
    "Participant",
    "ICalMethod",
    "Invitation",
    "ReminderSent",
    "SessionStatus",
    "HOLDING_STATUSES",
    "OutboxMessage",
    "OutboxStatus",
    "Registration",
    "RegistrationStatus",
    "registration_sessions",
    "AgendaItem",
    "AgendaKind",
    "ApprovalMode",
    "Country",
    "EventSession",
    "Modality",
    "Organization",
    "ParticipantProfile",
    "Person",
    "Role",
    "RoleKind",
    "Series",
    "SeriesStatus",
    "StaffRole",
    "User",
    "WorkingGroup",
    "facilitator_assignments",
    "series_partners",
]
