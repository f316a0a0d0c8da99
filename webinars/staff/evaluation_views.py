"""The evaluation of a series in the staff area: its questions, sending it, its results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from webinars.accounts.access import organizer_required
from webinars.errors import show_field_error
from webinars.evaluations import services
from webinars.evaluations.models import EvaluationQuestion
from webinars.evaluations.results import load_results
from webinars.extensions import db
from webinars.series.models import Series
from webinars.series.services import SchedulingError
from webinars.sessions.models import EventSession
from webinars.sessions.queries import session_by_ordinal
from webinars.staff import bp
from webinars.staff.evaluation_forms import KIND_LABELS, QuestionForm, SendForm
from webinars.web_loaders import load_series


def _session_choice(series: Series, raw: str) -> EventSession | None:
    """The session chosen on the form by its number in the series; None for the whole series."""
    if not raw:
        return None
    event_session = session_by_ordinal(series, int(raw)) if raw.isdigit() else None
    if event_session is None:
        abort(404)
    return event_session


def _send_form(series: Series) -> SendForm:
    form = SendForm()
    form.session.choices = [SelectChoice("", _("The whole series"))] + [
        SelectChoice(str(s.number), _("Session %(number)d", number=s.number) + f": {s.topic}")
        for s in series.sessions
    ]
    return form


def _page(series: Series, question_form: QuestionForm | None = None) -> str:
    questions = services.ensure_questions(series)
    db.session.commit()
    return render_template(
        "staff/evaluation.html",
        series=series,
        questions=questions,
        kind_labels=KIND_LABELS,
        question_form=question_form or QuestionForm(formdata=None),
        send_form=_send_form(series),
        results=load_results(series),
        locked=services.has_answers(series),
    )


@bp.route("/series/<slug>/evaluation")
@organizer_required
def evaluation(slug: str) -> str:
    return _page(load_series(slug))


@bp.route("/series/<slug>/evaluation/questions", methods=["POST"])
@organizer_required
def evaluation_question_add(slug: str) -> str | Response:
    series = load_series(slug)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(series, form.to_data())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The question was added."), "success")
            return redirect(url_for("staff.evaluation", slug=slug, _anchor="questions"))
    return _page(series, form)


@bp.route("/series/<slug>/evaluation/questions/<int:question_id>/delete", methods=["POST"])
@organizer_required
def evaluation_question_delete(slug: str, question_id: int) -> Response:
    series = load_series(slug)
    question = db.get_or_404(EvaluationQuestion, question_id)
    if question.series_id != series.id:
        abort(404)
    try:
        services.delete_question(question)
    except SchedulingError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The question was removed."), "success")
    return redirect(url_for("staff.evaluation", slug=slug, _anchor="questions"))


@bp.route("/series/<slug>/evaluation/send", methods=["POST"])
@organizer_required
def evaluation_send(slug: str) -> Response:
    series = load_series(slug)
    form = _send_form(series)
    if not form.validate_on_submit():
        abort(400)
    event_session = _session_choice(series, form.session.data or "")
    written = services.send(series, event_session)
    db.session.commit()
    if written:
        message = ngettext(
            "The evaluation was sent to %(num)d person who attended.",
            "The evaluation was sent to %(num)d people who attended.",
            written,
        )
        flash(message, "success")
    else:
        flash(
            _("Nobody to send it to: every attendee has it already, or none was recorded."), "info"
        )
    return redirect(url_for("staff.evaluation", slug=slug))
