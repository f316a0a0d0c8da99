"""Staff pages for a session's agenda, its people and their roles; the people directory."""

from webinars.accounts.access import staff_required
from webinars.staff import bp


@bp.route("/series/<slug>/sessions/<int:session_id>")
@staff_required
def session_detail(slug: str, session_id: int) -> str:
    """Placeholder until the agenda pages land; replaced by the real page."""
    raise NotImplementedError
