"""Registration of officials, quotas per country and profile, the waiting list, approvals."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from webinars.registration import views  # noqa: E402,F401
