"""Staff area: organizers schedule series, sessions, agendas, people and profiles."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from webinars.staff import agenda_views, series_views, views  # noqa: E402,F401
