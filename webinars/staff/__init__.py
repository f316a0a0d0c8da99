"""Staff area: organizers schedule series, sessions, agendas, people and profiles."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from webinars.staff import (  # noqa: E402,F401
    agenda_views,
    attendance_views,
    delegation_views,
    evaluation_views,
    invitation_views,
    material_views,
    outbox_views,
    registration_views,
    report_views,
    series_views,
    submission_views,
    views,
)
