"""Staff pages of a session's calendar: who is invited, what was sent and what failed; cancel
the session; send its current agenda again.

The page is for those who work on the sessions (organizers, admins, the series' facilitators);
the two actions change what every invitee's calendar shows, so they are for organizers and
admins only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webinars.accounts.access import organizer_required, staff_required
from webinars.extensions import db
from webinars.invitations import flow
from webinars.invitations import queries as invitation_queries
from webinars.invitations.models import ICalMethod
from webinars.mail import queries as mail_queries
from webinars.mail.labels import STATUS as STATUS_LABELS
from webinars.mail.models import OutboxStatus
from webinars.policy import may_work_on_sessions
from webinars.sessions import services as session_services
from webinars.sessions.models import EventSession, SessionStatus
from webinars.staff import bp
from webinars.web_loaders import load_session

SESSION_URL = "/series/<slug>/sessions/<int:session_id>"
#: The longest note an organizer may add to a re-sent agenda.
NOTE_MAX_LENGTH = 1000

SESSION_STATUS: dict[SessionStatus, LazyString] = {
    SessionStatus.SCHEDULED: _l("Scheduled"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}
METHOD_LABELS: dict[str, LazyString] = {
    ICalMethod.REQUEST.value: _l("Invitation or update"),
    ICalMethod.CANCEL.value: _l("Cancellation"),
}


class CancelSessionForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, cancel this session and send a cancellation to everyone invited."),
        validators=[DataRequired(message=_l("Tick the box to confirm the cancellation."))],
    )


class SendUpdateForm(FlaskForm):
    note = TextAreaField(
        _l("Note for the invitees (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        default="",
        description=_l("Shown at the top of the description in their calendars."),
    )


def _back_to(event_session: EventSession) -> Response:
    return redirect(
        url_for(
            "staff.session_invitations",
            slug=event_session.series.slug,
            session_id=event_session.id,
        )
    )


def _page(
    event_session: EventSession,
    *,
    cancel_form: CancelSessionForm | None = None,
    update_form: SendUpdateForm | None = None,
) -> str:
    invitations = invitation_queries.session_invitations(event_session)
    messages = mail_queries.session_messages(event_session)
    failed = sum(1 for m in messages if m.status == OutboxStatus.FAILED)
    return render_template(
        "staff/session_invitations.html",
        event_session=event_session,
        series=event_session.series,
        invitations=invitations,
        messages=messages,
        failed=failed,
        can_edit=current_user.can_manage_series,
        cancel_form=cancel_form or CancelSessionForm(formdata=None),
        update_form=update_form or SendUpdateForm(formdata=None),
        session_status=SESSION_STATUS,
        status_labels=STATUS_LABELS,
        method_labels=METHOD_LABELS,
    )


@bp.route(f"{SESSION_URL}/invitations")
@staff_required
def session_invitations(slug: str, session_id: int) -> str:
    event_session = load_session(slug, session_id)
    if not may_work_on_sessions(current_user, event_session.series):
        abort(403)
    return _page(event_session)


@bp.route(f"{SESSION_URL}/cancel", methods=["POST"])
@organizer_required
def session_cancel(slug: str, session_id: int) -> str | Response:
    event_session = load_session(slug, session_id, lock=True)
    if event_session.is_cancelled:
        flash(_("This session is cancelled already."), "error")
        return _back_to(event_session)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        return _page(event_session, cancel_form=form)
    invited = invitation_queries.active_invitations(event_session)
    session_services.cancel_session(event_session)
    db.session.commit()
    flash(
        ngettext(
            "The session was cancelled; %(num)d person gets a cancellation.",
            "The session was cancelled; %(num)d people get a cancellation.",
            invited,
        ),
        "success",
    )
    return _back_to(event_session)


@bp.route(f"{SESSION_URL}/send-update", methods=["POST"])
@organizer_required
def session_send_update(slug: str, session_id: int) -> str | Response:
    event_session = load_session(slug, session_id, lock=True)
    if event_session.is_cancelled:
        flash(_("This session is cancelled: there is no agenda to send."), "error")
        return _back_to(event_session)
    form = SendUpdateForm()
    if not form.validate_on_submit():
        return _page(event_session, update_form=form)
    flow.session_changed(event_session, significant=False, note=form.note.data or "")
    invited = invitation_queries.active_invitations(event_session)
    db.session.commit()
    flash(
        ngettext(
            "The current agenda was sent again to %(num)d person.",
            "The current agenda was sent again to %(num)d people.",
            invited,
        ),
        "success",
    )
    return _back_to(event_session)
