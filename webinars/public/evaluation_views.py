"""The evaluation form, reached from the e-mailed link, answered once, without an account."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from webinars.evaluations import links, services
from webinars.evaluations.models import EvaluationQuestion
from webinars.extensions import db, limiter
from webinars.i18n import speak_language_of_page
from webinars.public import bp
from webinars.registration.models import Registration
from webinars.series.services import SchedulingError
from webinars.sessions.models import EventSession


def _link(slug: str, token: str) -> tuple[Registration, EventSession | None, int]:
    """The registrant and the scope of a link to this series; 404 for a bad link, or a link
    of another series or of a session not in it."""
    found = links.resolve(token)
    if found is None:
        abort(404)
    registration, scope = found
    if registration.series.slug != slug:
        abort(404)
    event_session = None
    if scope:
        event_session = db.session.get(EventSession, scope)
        if event_session is None or event_session.series_id != registration.series_id:
            abort(404)
    speak_language_of_page(registration.language)
    return registration, event_session, scope


def _render(
    registration: Registration,
    event_session: EventSession | None,
    questions: list[EvaluationQuestion],
    *,
    errors: dict[str, str] | None = None,
    values: dict[int, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return (
        render_template(
            "public/evaluation.html",
            series=registration.series,
            event_session=event_session,
            questions=questions,
            errors=errors or {},
            values=values or {},
        ),
        status,
    )


@bp.route("/series/<slug>/evaluation/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def evaluation(slug: str, token: str) -> Response | tuple[str, int]:
    registration, event_session, scope = _link(slug, token)
    if services.has_answered(registration, scope):
        return render_template("public/evaluation_done.html", series=registration.series), 409
    # Sending the evaluation stored the questions; a page never writes on GET.
    questions = services.questions_of(registration.series)
    if request.method == "GET":
        return _render(registration, event_session, questions)
    raw = {q.id: request.form.get(f"q{q.id}", "") for q in questions}
    try:
        services.answer(registration, scope, questions, raw)
    except services.AlreadyAnswered:
        db.session.rollback()
        return render_template("public/evaluation_done.html", series=registration.series), 409
    except SchedulingError as error:
        db.session.rollback()
        errors = {name: error.message for name in error.fields}
        return _render(
            registration, event_session, questions, errors=errors, values=raw, status=400
        )
    db.session.commit()
    flash(_("Thank you: your answers were recorded, without your name."), "success")
    return redirect(url_for("public.series_detail", slug=slug))
