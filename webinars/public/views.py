"""Public pages."""

from webinars.public import bp


@bp.route("/")
def index() -> str:
    return "Webinars"
