"""The directory of national authorities and focal points: read, keep, export, import.

Readers: organizers, admins, focal points and members of the directory (signed in). Keepers:
organizers and admins for every country, a focal point for their own country only.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from webinars.accounts.access import staff_required
from webinars.accounts.models import User
from webinars.authorities import services as directory
from webinars.authorities.exports import directory_table, vcards
from webinars.authorities.labels import TOPIC
from webinars.authorities.models import DirectoryEntry
from webinars.catalog.collation import collated
from webinars.catalog.models import Country, WorkingGroup
from webinars.errors import show_field_error
from webinars.exports import xlsx_bytes
from webinars.extensions import db
from webinars.policy import (
    directory_scope,
    may_keep_directory,
    may_read_directory,
)
from webinars.registration.delegation import DelegationFileError, read_xlsx_records
from webinars.registration.services import RegistrationError
from webinars.staff import bp
from webinars.staff.directory_forms import ConfirmForm, EntryForm, ImportForm
from webinars.staff.report_views import XLSX_MIMETYPE

#: The largest workbook the import reads.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _user() -> User:
    return current_user._get_current_object()


def _reader() -> None:
    user = _user()
    if not may_read_directory(user, member=directory.is_member(user.email)):
        abort(403)


def _keeper(country_code: str | None = None) -> None:
    if not may_keep_directory(_user(), country_code):
        abort(403)


def _countries() -> list[Country]:
    return collated(db.session.scalars(db.select(Country)), lambda c: c.name)


def _country_or_404(code: str) -> Country:
    country = db.session.get(Country, code.upper())
    if country is None:
        abort(404)
    return country


def _groups() -> list[WorkingGroup]:
    return list(db.session.scalars(db.select(WorkingGroup)))


def _entry(entry_id: int) -> DirectoryEntry:
    entry = db.get_or_404(DirectoryEntry, entry_id)
    _keeper(entry.country_code)
    return entry


@bp.route("/directory", endpoint="directory")
@staff_required
def directory_page() -> str:
    _reader()
    code = request.args.get("country", "").upper()
    country = _country_or_404(code) if code else None
    return render_template(
        "staff/directory.html",
        entries=directory.entries(country.code if country else None),
        countries=_countries(),
        country=country,
        topics=TOPIC,
        is_stale=directory.is_stale,
        may_keep=lambda c: may_keep_directory(_user(), c),
        keeps_some=may_keep_directory(_user()),
        confirm_form=ConfirmForm(),
    )


def _entry_page(form: EntryForm, entry: DirectoryEntry | None, country: str | None) -> str:
    return render_template("staff/directory_entry.html", form=form, entry=entry, country=country)


@bp.route("/directory/new", methods=["GET", "POST"])
@staff_required
def directory_new() -> str | BaseResponse:
    _keeper()
    scope = directory_scope(_user())
    form = EntryForm.build(
        None if scope else _countries(),
        _groups(),
        country=request.args.get("country", "").upper(),
    )
    if form.validate_on_submit():
        code = scope or form.country.data
        _keeper(code)
        if db.session.get(Country, code) is None:
            form.country.errors = [_("Choose the country.")]
        else:
            try:
                entry = directory.save_entry(None, code, form.to_data())
            except RegistrationError as error:
                db.session.rollback()
                show_field_error(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s added to the directory.", name=entry.full_name), "success")
                return redirect(url_for("staff.directory", country=code))
    return _entry_page(form, None, scope)


@bp.route("/directory/<int:entry_id>/edit", methods=["GET", "POST"])
@staff_required
def directory_edit(entry_id: int) -> str | BaseResponse:
    entry = _entry(entry_id)
    form = EntryForm.build(None, _groups(), entry)
    if form.validate_on_submit():
        try:
            directory.save_entry(entry, entry.country_code, form.to_data())
        except RegistrationError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved and confirmed."), "success")
            return redirect(url_for("staff.directory", country=entry.country_code))
    return _entry_page(form, entry, entry.country_code)


@bp.post("/directory/<int:entry_id>/confirm")
@staff_required
def directory_confirm(entry_id: int) -> BaseResponse:
    entry = _entry(entry_id)
    if ConfirmForm().validate_on_submit():
        directory.confirm([entry])
        db.session.commit()
        flash(_("%(name)s confirmed as up to date.", name=entry.full_name), "success")
    return redirect(url_for("staff.directory", country=entry.country_code))


@bp.post("/directory/<int:entry_id>/delete")
@staff_required
def directory_delete(entry_id: int) -> BaseResponse:
    entry = _entry(entry_id)
    code, name = entry.country_code, entry.full_name
    if ConfirmForm().validate_on_submit():
        directory.delete_entry(entry)
        db.session.commit()
        flash(_("%(name)s removed from the directory.", name=name), "success")
    return redirect(url_for("staff.directory", country=code))


@bp.route("/directory/<code>.<any(xlsx, vcf):fmt>")
@staff_required
def directory_download(code: str, fmt: str) -> Response:
    _reader()
    country = _country_or_404(code)
    entries = directory.entries(country.code)
    filename = f"directory-{country.code.lower()}.{fmt}"
    if fmt == "xlsx":
        body: object = xlsx_bytes([directory_table(entries, country.name)])
        mimetype = XLSX_MIMETYPE
    else:
        body = vcards(entries)
        mimetype = "text/vcard; charset=utf-8"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/directory/import", methods=["GET", "POST"])
@staff_required
def directory_import() -> str | BaseResponse:
    _keeper()
    scope = directory_scope(_user())
    form = ImportForm.build(None if scope else _countries())
    errors: list[object] = []
    if form.validate_on_submit():
        code = scope or form.country.data
        _keeper(code)
        if db.session.get(Country, code) is None:
            form.country.errors = [_("Choose the country.")]
            return render_template("staff/directory_import.html", form=form, errors=errors)
        data = form.file.data.stream.read(MAX_IMPORT_BYTES + 1)
        try:
            if len(data) > MAX_IMPORT_BYTES:
                raise DelegationFileError(_("The file is larger than %(size)d MB.", size=5))
            result = directory.import_records(code, read_xlsx_records(data))
        except DelegationFileError as error:
            form.file.errors = [error.reason]
        except directory.ImportRejected as rejected:
            db.session.rollback()
            errors = list(rejected.errors)
        else:
            db.session.commit()
            flash(
                _(
                    "Imported: %(created)d new, %(updated)d updated.",
                    created=result.created,
                    updated=result.updated,
                ),
                "success",
            )
            return redirect(url_for("staff.directory", country=code))
    return render_template("staff/directory_import.html", form=form, errors=errors)
