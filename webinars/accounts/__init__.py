"""Staff accounts: log in, log out, roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from webinars.accounts import account_views, views  # noqa: E402,F401
