"""Staff area: organizers schedule series, sessions, agendas, people and profiles."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from webinars.staff import views  # noqa: E402,F401
