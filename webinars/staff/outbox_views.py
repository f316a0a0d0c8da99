"""Staff pages of the mail outbox: what waits, what went out, what failed; `.eml`; re-send.

Organizers and admins only: the outbox holds every registrant's address and personal links.
"""

from __future__ import annotations

from email.errors import MessageError
from email.message import EmailMessage

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from webinars.accounts.access import organizer_required
from webinars.extensions import db
from webinars.mail.delivery import (
    NotResendable,
    build_message,
    delivery_holdup,
    message_bytes,
    requeue,
    status_counts,
)
from webinars.mail.labels import STATUS as STATUS_LABELS
from webinars.mail.labels import kind_label
from webinars.mail.models import OutboxMessage, OutboxStatus
from webinars.mail.queries import outbox_messages
from webinars.mail.rendering import shared_reads
from webinars.series.models import Series
from webinars.series.queries import all_series
from webinars.staff import bp

PER_PAGE = 50


class OutboxFilterForm(FlaskForm):
    """The list's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        default="",
    )
    series = SelectField(_l("Series"), default="")
    recipient = SearchField(
        _l("Recipient"),
        validators=[Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("Part of the address or of the name."),
    )

    def __init__(self, series: list[Series]) -> None:
        super().__init__(formdata=request.args)
        self.series.choices = [SelectChoice("", _l("Any series"))] + [
            SelectChoice(str(s.id), s.title) for s in series
        ]

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters, by query-string name (invalid ones show an error)."""
        return {
            field.name: field.data
            for field in (self.status, self.series, self.recipient)
            if field.data and not field.errors
        }


def _built(message: OutboxMessage) -> tuple[EmailMessage | None, str]:
    """The built e-mail, or None and the reason when a stored header cannot be written."""
    try:
        return build_message(message), ""
    except (ValueError, LookupError, MessageError) as error:
        return None, str(error)


@bp.route("/outbox")
@organizer_required
def outbox() -> str:
    every_series = all_series()
    form = OutboxFilterForm(every_series)
    form.validate()
    filters = form.filters()
    query = outbox_messages(
        status=OutboxStatus(filters["status"]) if "status" in filters else None,
        series_id=int(filters["series"]) if "series" in filters else None,
        recipient=filters.get("recipient", ""),
    )
    page = db.paginate(query, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    # A deferred message's subject is rendered here: one session's agenda is read once.
    with shared_reads():
        return render_template(
            "staff/outbox.html",
            form=form,
            filters=filters,
            page=page,
            series_by_id={s.id: s for s in every_series},
            counts=status_counts(),
            holdup=delivery_holdup(),
            status_labels=STATUS_LABELS,
            kind_label=kind_label,
        )


@bp.route("/outbox/<int:message_id>")
@organizer_required
def outbox_message(message_id: int) -> str:
    message = db.get_or_404(OutboxMessage, message_id)
    built, build_error = _built(message)
    return render_template(
        "staff/outbox_message.html",
        message=message,
        headers=list(built.items()) if built is not None else [],
        build_error=build_error,
        series=db.session.get(Series, message.series_id) if message.series_id else None,
        status_labels=STATUS_LABELS,
        kind_label=kind_label,
    )


#: The e-mail's own HTML, shown in a sandboxed frame: its inline styles apply, nothing runs,
#: nothing is fetched, and only this site may frame it.
EMAIL_PREVIEW_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox;"
        " frame-ancestors 'self'"
    ),
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


@bp.route("/outbox/<int:message_id>/body.html")
@organizer_required
def outbox_html(message_id: int) -> Response:
    """The HTML part of a message, for the preview frame of the message page."""
    message = db.get_or_404(OutboxMessage, message_id)
    return Response(message.body_html, mimetype="text/html", headers=EMAIL_PREVIEW_HEADERS)


@bp.route("/outbox/<int:message_id>.eml")
@organizer_required
def outbox_eml(message_id: int) -> Response:
    """The message's bytes as SMTP sends them (not re-serialised by the `email` package)."""
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        data = message_bytes(message)
    except (ValueError, LookupError, MessageError) as error:
        flash(_("This message cannot be built: %(error)s", error=str(error)), "error")
        return redirect(url_for("staff.outbox_message", message_id=message.id))
    return Response(
        data,
        mimetype="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="message-{message.id}.eml"'},
    )


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
@organizer_required
def outbox_resend(message_id: int) -> Response:
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        requeue(message)
    except NotResendable:
        db.session.rollback()
        flash(_("This message is waiting to be sent already."), "error")
    else:
        db.session.commit()
        flash(_("The message is back in the queue: the next delivery pass sends it."), "success")
    return redirect(url_for("staff.outbox_message", message_id=message_id))
