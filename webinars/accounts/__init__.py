"""Staff accounts: log in, log out, roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from webinars.accounts import views  # noqa: E402,F401
