"""A service's refusal of input, carried to the field it is about.

Services raise a `FieldError` (through their own subclasses: `RegistrationError`,
`SchedulingError`, ...) and never touch a form; a page shows it with `show_field_error`, the
API answers it with `api.errors.field_refusal`. Both read the same `fields`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import LazyString

if TYPE_CHECKING:
    from flask_wtf import FlaskForm


class FieldError(ValueError):
    """Refused input: `message` belongs beside the form or JSON field(s) named by `fields`
    (`field` is the first); `code` the kind of refusal, for API clients."""

    code = "invalid"

    def __init__(self, field: str | tuple[str, ...], message: str | LazyString) -> None:
        super().__init__(str(message))
        self.fields: tuple[str, ...] = (field,) if isinstance(field, str) else field
        self.message = message

    @property
    def field(self) -> str:
        return self.fields[0]


def show_field_error(form: FlaskForm, error: FieldError) -> None:
    """Show the refusal beside each field it names that the form has; above the form when it
    has none of them. The view rolls the refused change back itself."""
    shown = False
    for name in error.fields:
        if name in form:
            form[name].errors = [*form[name].errors, error.message]
            shown = True
    if not shown:
        form.form_errors.append(error.message)
