"""The staff dashboard: the series this member of staff may see."""

from flask import render_template
from flask_login import current_user

from webinars.accounts.access import staff_required
from webinars.series import services
from webinars.staff import bp


@bp.route("/")
@staff_required
def dashboard() -> str:
    return render_template("staff/dashboard.html", overview=services.series_overview(current_user))
