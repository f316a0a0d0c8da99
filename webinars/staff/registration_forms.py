"""Forms of the staff pages for registrations and quotas.

The filter form reads the query string (GET, no CSRF token: it changes nothing); an unknown
value is shown as an error beside its field and that filter is left out. The buttons
(approve, cancel, send reminders) need no form class: CSRFProtect checks every POST. The
rejection reason is checked here and again by the service.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from webinars.catalog.collation import collated
from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.registration.labels import STATUS as STATUS_LABELS
from webinars.registration.models import RegistrationStatus
from webinars.registration.queries import OBSERVERS, RegistrationFilters
from webinars.registration.services import OTHER_PROFILE
from webinars.series.models import Series

#: The query-string keys of the filters, kept across the approve/reject/cancel round trip.
FILTER_KEYS = ("status", "country", "profile")
REASON_MAX_LENGTH = 500


class RegistrationFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")
    country = SelectField(_l("Country"), default="")
    profile = SelectField(_l("Participant profile"), default="")

    def __init__(self, series: Series, args: MultiDict[str, str], *, scoped: bool) -> None:
        """`scoped`: the viewer sees one country only (a focal point): no country filter."""
        super().__init__(formdata=args)
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()
        ]
        self.profile.choices = (
            [SelectChoice("", _l("Any profile"))]
            + [SelectChoice(p.code, p.label) for p in series.profiles]
            + [SelectChoice(OTHER_PROFILE, _l("Other"))]
        )
        if scoped:
            del self.country
        else:
            countries = collated(db.session.scalars(db.select(Country)), lambda c: c.name)
            self.country.choices = (
                [SelectChoice("", _l("Any country"))]
                + [SelectChoice(c.code, c.name) for c in countries]
                + [SelectChoice(OBSERVERS, _l("Observer organizations"))]
            )

    def filters(self) -> RegistrationFilters:
        """Validate, and keep only the filters whose value is one of the choices."""
        self.validate()

        def value(name: str) -> str:
            field = self._fields.get(name)
            return "" if field is None or field.errors else (field.data or "")

        status = value("status")
        return RegistrationFilters(
            status=RegistrationStatus(status) if status else None,
            country=value("country"),
            profile=value("profile"),
        )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        default="",
        description=_l("Sent to the registrant in the e-mail that tells them."),
    )
