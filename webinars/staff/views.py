"""The staff dashboard: the series this member of staff may see, and for a focal point what
waits for their approval."""

from flask import render_template
from flask_login import current_user

from webinars.accounts.access import staff_required
from webinars.accounts.models import StaffRole
from webinars.authorities import services as directory
from webinars.policy import visible_series
from webinars.registration.approvals import waiting_for
from webinars.series import services
from webinars.staff import bp


@bp.route("/")
@staff_required
def dashboard() -> str:
    return render_template(
        "staff/dashboard.html",
        overview=services.staff_dashboard_rows(visible_series(current_user)),
        waiting=waiting_for(current_user),
        is_focal_point=current_user.role == StaffRole.FOCAL_POINT,
        directory_member=directory.is_member(current_user.email),
    )
