"""Staff pages for a session's agenda, its people and their roles; the people directory.

Organizers and admins edit; a facilitator assigned to the series may read the session page;
the people directory holds personal data (e-mails) and is for organizers and admins only.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from webinars.accounts.access import organizer_required, staff_required
from webinars.catalog.models import Country, Organization, Person
from webinars.errors import show_field_error
from webinars.extensions import db
from webinars.invitations.flow import speakers_without_email
from webinars.policy import may_work_on_sessions
from webinars.sessions import agenda as services
from webinars.sessions import labels
from webinars.sessions.agenda import AgendaError
from webinars.sessions.models import AgendaItem, EventSession, Role
from webinars.staff import bp
from webinars.staff.agenda_forms import (
    AgendaItemForm,
    DeleteForm,
    PersonForm,
    RoleForm,
    lines,
)
from webinars.web_loaders import load_session

SESSION_URL = "/series/<slug>/sessions/<int:session_id>"


def _item_or_404(event_session: EventSession, item_id: int) -> AgendaItem:
    for item in event_session.agenda_items:
        if item.id == item_id:
            return item
    abort(404)


def _initial(values: dict[str, Any]) -> dict[str, Any] | None:
    """A form's starting values, for a GET only: a submitted form holds exactly what was sent."""
    return None if request.method == "POST" else values


def _back_to(event_session: EventSession) -> Response:
    return redirect(
        url_for("staff.session_detail", slug=event_session.series.slug, session_id=event_session.id)
    )


def _organizations() -> list[Organization]:
    return list(db.session.scalars(db.select(Organization).order_by(Organization.acronym_en)))


# --- the session page ------------------------------------------------------------------------


@bp.route(SESSION_URL)
@staff_required
def session_detail(slug: str, session_id: int) -> str:
    event_session = load_session(slug, session_id, with_agenda=True)
    if not may_work_on_sessions(current_user, event_session.series):
        abort(403)
    return render_template(
        "staff/session_detail.html",
        event_session=event_session,
        series=event_session.series,
        can_edit=current_user.can_manage_series,
        without_email=speakers_without_email(event_session),
    )


# --- agenda items ----------------------------------------------------------------------------


def _agenda_data(form: AgendaItemForm) -> services.AgendaItemData:
    return services.AgendaItemData(
        kind=form.kind.data,
        start_time=form.start_time.data,
        end_time=form.end_time.data,
        title_en=form.title_en.data or "",
        title_es=form.title_es.data or "",
        sub_points_en=lines(form.sub_points_en.data),
        sub_points_es=lines(form.sub_points_es.data),
        position=form.position.data or 0,
    )


@bp.route(SESSION_URL + "/agenda/new", methods=["GET", "POST"])
@organizer_required
def agenda_item_new(slug: str, session_id: int) -> str | Response:
    event_session = load_session(slug, session_id, with_agenda=True)
    form = AgendaItemForm(data=_initial({"position": services.next_agenda_position(event_session)}))
    if form.validate_on_submit():
        try:
            item = services.create_agenda_item(event_session, _agenda_data(form))
        except AgendaError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Agenda item “%(title)s” added.", title=item.title), "success")
            return _back_to(event_session)
    return render_template(
        "staff/agenda_item_form.html", form=form, event_session=event_session, item=None
    )


@bp.route(SESSION_URL + "/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@organizer_required
def agenda_item_edit(slug: str, session_id: int, item_id: int) -> str | Response:
    event_session = load_session(slug, session_id, with_agenda=True)
    item = _item_or_404(event_session, item_id)
    form = AgendaItemForm(data=_initial(AgendaItemForm.data_of(item)))
    if form.validate_on_submit():
        try:
            services.update_agenda_item(item, _agenda_data(form))
        except AgendaError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Agenda item “%(title)s” saved.", title=item.title), "success")
            return _back_to(event_session)
    return render_template(
        "staff/agenda_item_form.html", form=form, event_session=event_session, item=item
    )


@bp.route(SESSION_URL + "/agenda/<int:item_id>/delete", methods=["GET", "POST"])
@organizer_required
def agenda_item_delete(slug: str, session_id: int, item_id: int) -> str | Response:
    event_session = load_session(slug, session_id, with_agenda=True)
    item = _item_or_404(event_session, item_id)
    form = DeleteForm()
    if form.validate_on_submit():
        title = item.title
        services.delete_agenda_item(item)
        db.session.commit()
        flash(_("Agenda item “%(title)s” deleted.", title=title), "success")
        return _back_to(event_session)
    return render_template(
        "staff/agenda_confirm_delete.html",
        form=form,
        heading=_("Delete the agenda item “%(title)s”?", title=item.title),
        consequence=_("Its roles (speakers, panelists...) are deleted with it."),
        cancel_url=url_for("staff.session_detail", slug=slug, session_id=session_id),
    )


# --- roles -----------------------------------------------------------------------------------


@bp.route(SESSION_URL + "/roles/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route(SESSION_URL + "/agenda/<int:item_id>/roles/new", methods=["GET", "POST"])
@organizer_required
def role_new(slug: str, session_id: int, item_id: int | None) -> str | Response:
    """A role in the whole session, or in one of its agenda items when `item_id` is given."""
    event_session = load_session(slug, session_id, with_agenda=True)
    item = _item_or_404(event_session, item_id) if item_id is not None else None
    people = list(
        db.session.scalars(
            db.select(Person).options(selectinload(Person.organization)).order_by(Person.name)
        )
    )
    organizations = _organizations()
    form = RoleForm(people, organizations)
    if form.validate_on_submit():
        people_by_id = {p.id: p for p in people}
        organizations_by_id = {o.id: o for o in organizations}
        data = services.RoleData(
            kind=form.kind.data,
            person=people_by_id.get(form.person.data),
            organization=organizations_by_id.get(form.organization.data),
            note_en=form.note_en.data or "",
            note_es=form.note_es.data or "",
        )
        try:
            if item is None:
                role = services.add_session_role(event_session, data)
            else:
                role = services.add_agenda_item_role(item, data)
        except AgendaError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(role)s: %(name)s added.",
                    role=labels.ROLE_KIND[role.kind],
                    name=role.display_name,
                ),
                "success",
            )
            return _back_to(event_session)
    return render_template(
        "staff/role_form.html", form=form, event_session=event_session, item=item
    )


@bp.route(SESSION_URL + "/roles/<int:role_id>/delete", methods=["GET", "POST"])
@organizer_required
def role_delete(slug: str, session_id: int, role_id: int) -> str | Response:
    event_session = load_session(slug, session_id, with_agenda=True)
    role = db.get_or_404(Role, role_id)
    if role.owning_session.id != event_session.id:
        abort(404)
    form = DeleteForm()
    if form.validate_on_submit():
        name = role.display_name
        services.delete_role(role)
        db.session.commit()
        flash(_("%(name)s removed.", name=name), "success")
        return _back_to(event_session)
    return render_template(
        "staff/agenda_confirm_delete.html",
        form=form,
        heading=_(
            "Remove %(name)s (%(role)s)?", name=role.display_name, role=labels.ROLE_KIND[role.kind]
        ),
        consequence=_("The person or organization stays in the directory."),
        cancel_url=url_for("staff.session_detail", slug=slug, session_id=session_id),
    )


# --- the people directory --------------------------------------------------------------------


def _person_form(person: Person | None = None) -> tuple[PersonForm, dict[int, Organization]]:
    organizations = _organizations()
    countries = list(db.session.scalars(db.select(Country)))
    form = PersonForm(
        organizations, countries, data=_initial(PersonForm.data_of(person)) if person else None
    )
    return form, {o.id: o for o in organizations}


def _person_data(form: PersonForm, organizations: dict[int, Organization]) -> services.PersonData:
    return services.PersonData(
        name=form.name.data or "",
        title_en=form.title_en.data or "",
        title_es=form.title_es.data or "",
        organization=organizations.get(form.organization.data),
        country=db.session.get(Country, form.country.data) if form.country.data else None,
        email=form.email.data,
    )


@bp.route("/people")
@organizer_required
def people() -> str:
    return render_template("staff/people_list.html", rows=services.people_with_role_counts())


@bp.route("/people/new", methods=["GET", "POST"])
@organizer_required
def person_new() -> str | Response:
    form, organizations = _person_form()
    if form.validate_on_submit():
        try:
            person = services.create_person(_person_data(form, organizations))
        except AgendaError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s added to the directory.", name=person.name), "success")
            return redirect(url_for("staff.people"))
    return render_template("staff/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@organizer_required
def person_edit(person_id: int) -> str | Response:
    person = db.get_or_404(Person, person_id)
    form, organizations = _person_form(person)
    if form.validate_on_submit():
        try:
            services.update_person(person, _person_data(form, organizations))
        except AgendaError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=person.name), "success")
            return redirect(url_for("staff.people"))
    return render_template("staff/person_form.html", form=form, person=person)


@bp.route("/people/<int:person_id>/delete", methods=["GET", "POST"])
@organizer_required
def person_delete(person_id: int) -> str | Response:
    person = db.get_or_404(Person, person_id)
    form = DeleteForm()
    if form.validate_on_submit():
        name = person.name
        removed = services.delete_person(person)
        db.session.commit()
        flash(
            ngettext(
                "%(name)s deleted, with %(num)d role.",
                "%(name)s deleted, with %(num)d roles.",
                removed,
                name=name,
            ),
            "success",
        )
        return redirect(url_for("staff.people"))
    return render_template(
        "staff/agenda_confirm_delete.html",
        form=form,
        heading=_("Delete %(name)s from the directory?", name=person.name),
        consequence=ngettext(
            "Their %(num)d role in sessions and agenda items is deleted with them.",
            "Their %(num)d roles in sessions and agenda items are deleted with them.",
            services.role_count(person),
        ),
        cancel_url=url_for("staff.people"),
    )
