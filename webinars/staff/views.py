"""Staff pages."""

from flask import render_template

from webinars.accounts.access import staff_required
from webinars.staff import bp


@bp.route("/")
@staff_required
def dashboard() -> str:
    return render_template("staff/dashboard.html")
