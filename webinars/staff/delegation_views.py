"""Delegation registration: a focal point registers officials of their country at once.

By rows typed on the page or by an uploaded CSV or XLSX file; either way all rows are
registered or none (`webinars.registration.delegation`): on any error the transaction is
rolled back and each row's errors are shown, otherwise it is committed once and a summary
lists each official's status. Organizers and admins may register a delegation of any country.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from webinars.accounts.access import country_scope, staff_required
from webinars.authorities import services as directory
from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.i18n import current_language
from webinars.policy import may_register_delegation
from webinars.registration import delegation
from webinars.registration.delegation import (
    DelegationFileError,
    DelegationRejected,
    RowError,
)
from webinars.registration.labels import STATUS as STATUS_LABELS
from webinars.registration.models import Registration, in_reading_order
from webinars.registration.services import RegistrationError
from webinars.series.models import Series
from webinars.staff import bp
from webinars.staff.delegation_forms import (
    FIELD_LABELS,
    MAX_FORM_ROWS,
    DelegationForm,
    DelegationUploadForm,
    delegation_form,
    upload_form,
)
from webinars.web_loaders import load_series

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _countries() -> list[Country] | None:
    """Member countries for the country cell of organizers; None for a focal point, whose
    officials are of their own country."""
    if country_scope(current_user) is not None:
        return None
    return collated(db.session.scalars(db.select(Country)), lambda country: country.name)


def _page(
    series: Series,
    form: DelegationForm,
    upload: DelegationUploadForm,
    *,
    errors: Sequence[RowError] = (),
    upload_errors: Sequence[RowError] = (),
    file_error: DelegationFileError | None = None,
) -> str:
    return render_template(
        "staff/delegation.html",
        series=series,
        form=form,
        upload=upload,
        errors=errors,
        upload_errors=upload_errors,
        file_error=file_error,
        field_labels=FIELD_LABELS,
        max_rows=MAX_FORM_ROWS,
        max_file_rows=delegation.MAX_ROWS,
        example_email=delegation.EXAMPLE_EMAIL,
        is_open=series.registration_is_open(),
        directory_entries=directory.entries(country_scope(current_user)),
    )


def _commit_and_summarize(series: Series, registrations: list[Registration]) -> str:
    """Commit the delegation, then list it (read again in one query after the commit)."""
    ids = [registration.id for registration in registrations]
    db.session.commit()
    registered = in_reading_order(
        db.session.scalars(
            db.select(Registration)
            .where(Registration.id.in_(ids))
            .options(selectinload(Registration.profile), selectinload(Registration.country))
            .order_by(Registration.id)
        )
    )
    return render_template(
        "staff/delegation_done.html",
        series=series,
        registrations=registered,
        status_labels=STATUS_LABELS,
    )


@bp.route("/series/<slug>/delegation", methods=["GET", "POST"], endpoint="delegation")
@staff_required
def delegation_rows(slug: str) -> str:
    series = load_series(slug, need=may_register_delegation)
    form = delegation_form(series, countries=_countries(), bound=True)
    upload = upload_form(series, bound=False)
    chosen = [int(i) for i in request.args.getlist("directory") if i.isdigit()]
    if chosen and not form.is_submitted():
        form.fill_rows(directory.delegation_rows(chosen, country_scope(current_user)))
    if form.is_submitted() and form.more.data:
        form.add_rows()
        return _page(series, form, upload)
    errors: list[RowError] = []
    if form.validate_on_submit():
        try:
            registrations = delegation.register_delegation(
                series,
                form.delegation_rows(),
                registered_by=current_user._get_current_object(),
                session_ids=form.chosen_sessions(),
            )
        except DelegationRejected as rejected:
            db.session.rollback()
            errors = rejected.errors
            form.show_errors(errors)
        except RegistrationError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            return _commit_and_summarize(series, registrations)
    return _page(series, form, upload, errors=errors)


@bp.route("/series/<slug>/delegation/upload", methods=["POST"])
@staff_required
def delegation_upload(slug: str) -> str:
    series = load_series(slug, need=may_register_delegation)
    form = delegation_form(series, countries=_countries(), bound=False)
    upload = upload_form(series, bound=True)
    if not upload.validate_on_submit():
        return _page(series, form, upload)
    storage = upload.file.data
    try:
        rows = delegation.parse_file(
            storage.filename or "",
            storage.stream.read(delegation.MAX_FILE_BYTES + 1),
            require_origin=country_scope(current_user) is None,
        )
        registrations = delegation.register_delegation(
            series,
            rows,
            registered_by=current_user._get_current_object(),
            session_ids=upload.chosen_sessions(),
        )
    except DelegationFileError as error:
        return _page(series, form, upload, file_error=error)
    except DelegationRejected as rejected:
        db.session.rollback()
        return _page(series, form, upload, upload_errors=rejected.errors)
    except RegistrationError as error:
        db.session.rollback()
        upload.form_errors.append(error.message)
        return _page(series, form, upload)
    return _commit_and_summarize(series, registrations)


@bp.route("/series/<slug>/delegation/template.<any(csv, xlsx):fmt>")
@staff_required
def delegation_template(slug: str, fmt: str) -> Response:
    series = load_series(slug, need=may_register_delegation)
    countries = _countries()
    options = {"with_origin": countries is not None, "language": current_language()}
    if fmt == "csv":
        body = delegation.template_csv(series, **options)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = delegation.template_xlsx(series, countries=countries or (), **options)
        mimetype = XLSX_MIMETYPE
    filename = f"delegation-{series.slug}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
