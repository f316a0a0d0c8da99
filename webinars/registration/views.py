"""Public registration form and the registrant's manage page."""

from webinars.registration import bp


@bp.route("/r/<token>")
def manage(token: str) -> str:
    raise NotImplementedError  # replaced by the manage page
