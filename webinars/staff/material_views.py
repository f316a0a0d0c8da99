"""A session's materials in the staff area: attach, remove, e-mail the links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from webinars.accounts.access import staff_required
from webinars.errors import show_field_error
from webinars.extensions import db
from webinars.materials import services
from webinars.materials.models import Material
from webinars.materials.queries import materials_of
from webinars.policy import may_work_on_sessions
from webinars.series.services import SchedulingError
from webinars.sessions.labels import AGENDA_KIND
from webinars.sessions.models import EventSession
from webinars.staff import bp
from webinars.staff.material_forms import VISIBILITY_LABELS, MaterialForm
from webinars.storage import get_storage
from webinars.types import utcnow
from webinars.web_loaders import load_session

URL = "/series/<slug>/sessions/<int:session_id>/materials"


def _session(slug: str, session_id: int) -> EventSession:
    event_session = load_session(slug, session_id, with_agenda=True)
    if not may_work_on_sessions(current_user, event_session.series):
        abort(403)
    return event_session


def _form(event_session: EventSession) -> MaterialForm:
    form = MaterialForm()
    form.agenda_item_id.choices = [SelectChoice("", _("The whole session"))] + [
        SelectChoice(str(item.id), item.title or str(AGENDA_KIND[item.kind]))
        for item in event_session.agenda_items
    ]
    return form


def _page(event_session: EventSession, form: MaterialForm | None = None) -> str:
    return render_template(
        "staff/session_materials.html",
        event_session=event_session,
        series=event_session.series,
        materials=materials_of([event_session]),
        form=form or _form(event_session),
        visibility_labels=VISIBILITY_LABELS,
        ended=event_session.end_at <= utcnow(),
    )


@bp.route(URL, methods=["GET", "POST"])
@staff_required
def session_materials(slug: str, session_id: int) -> str | Response:
    event_session = _session(slug, session_id)
    form = _form(event_session)
    if request.method == "POST" and form.validate_on_submit():
        upload = form.file.data
        data = services.MaterialData(
            title_en=form.title_en.data,
            title_es=form.title_es.data,
            visibility=form.visibility.data,
            agenda_item_id=form.agenda_item_id.data,
            filename=upload.filename or "",
            data=upload.stream.read(services.max_bytes() + 1),
        )
        try:
            services.add_material(event_session, data, current_user._get_current_object())
        except SchedulingError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The document was attached."), "success")
            return redirect(url_for("staff.session_materials", slug=slug, session_id=session_id))
    return _page(event_session, form)


@bp.route(URL + "/<int:material_id>/delete", methods=["POST"])
@staff_required
def session_material_delete(slug: str, session_id: int, material_id: int) -> Response:
    event_session = _session(slug, session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    material = db.get_or_404(Material, material_id)
    if material.session_id != event_session.id:
        abort(404)
    key = services.remove_material(material)
    db.session.commit()
    get_storage().delete(key)
    flash(_("The document was removed."), "success")
    return redirect(url_for("staff.session_materials", slug=slug, session_id=session_id))


@bp.route(URL + "/send", methods=["POST"])
@staff_required
def session_materials_send(slug: str, session_id: int) -> Response:
    event_session = _session(slug, session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    written = services.send_links(event_session)
    db.session.commit()
    if written:
        message = ngettext(
            "The links were e-mailed to %(num)d registrant.",
            "The links were e-mailed to %(num)d registrants.",
            written,
        )
        flash(message, "success")
    else:
        flash(_("Nobody to write to: every registrant has the links already."), "info")
    return redirect(url_for("staff.session_materials", slug=slug, session_id=session_id))
