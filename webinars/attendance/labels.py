"""What the attendance pages call sources, states and roles, in both languages."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.attendance.models import AttendanceSource, AttendanceState, AttendeeRole

SOURCE_LABELS: dict[AttendanceSource, LazyString] = {
    AttendanceSource.ZOOM: _l("Zoom report"),
    AttendanceSource.TEAMS: _l("Teams report"),
    AttendanceSource.MEET: _l("Google Meet report"),
    AttendanceSource.CSV: _l("CSV file"),
    AttendanceSource.MANUAL: _l("Check-in"),
}

STATE_LABELS: dict[AttendanceState, LazyString] = {
    AttendanceState.REGISTERED: _l("Registrant"),
    AttendanceState.GUEST: _l("Unregistered attendee"),
    AttendanceState.SPEAKER: _l("Host or panelist"),
    AttendanceState.UNMATCHED: _l("To resolve"),
    AttendanceState.DISMISSED: _l("Not counted"),
}

ROLE_LABELS: dict[AttendeeRole, LazyString] = {
    AttendeeRole.HOST: _l("Host"),
    AttendeeRole.PANELIST: _l("Panelist"),
    AttendeeRole.ATTENDEE: _l("Attendee"),
}
