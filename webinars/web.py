"""What every page needs: template helpers, the current user, error pages."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import BuildError, IntegerConverter, Map

from webinars import formatting, zones
from webinars.i18n import current_language
from webinars.series import labels as series_labels

#: The largest id the database's INTEGER columns hold (PostgreSQL's int4; SQLite's is larger).
DB_INT_MAX = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in every address, bounded by the database's integer range: an id past it
    matches no route (404) instead of reaching the database, which refuses it with an error
    (PostgreSQL: "integer out of range"; SQLite: an OverflowError past 2**63)."""

    def __init__(
        self,
        map: Map,  # noqa: A002 (Werkzeug's name)
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = DB_INT_MAX,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(value: str | None) -> int | None:
    """An id typed in a form or a query argument, or None when it is not one the database
    could hold (not decimal digits, or past `DB_INT_MAX`)."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if number <= DB_INT_MAX else None


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their `<int:...>` rules use the bounded converter."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        date_in=formatting.date_in,
        time_in=formatting.time_in,
        offset_label=formatting.offset_label,
        iso_utc=formatting.iso_utc,
        zone_name=zones.zone_name,
    )
    app.jinja_env.globals["same_clock"] = formatting.same_clock
    app.context_processor(_template_context)
    series_labels.register(app)
    app.register_error_handler(HTTPException, _http_error)
    app.jinja_env.globals.update(error_title=error_title, error_message=error_message)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on the public address of the site (`PUBLIC_BASE_URL`).

    Works outside a request too (CLI, workers), and never trusts the Host header of a request,
    so a link in an e-mail always points at the real site.
    """
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def _favicon() -> Any:
    """Browsers ask for /favicon.ico whatever the page says: the icon, not a 404."""
    return current_app.send_static_file("favicon.ico")


def switch_language_url(language: str) -> str:
    """The current page in another language, with its query arguments.

    The query arguments are appended as they came, never passed to `url_for` as keywords:
    `?_method=X`, `?_external=1` or `?slug=other` would otherwise be read as url_for's own
    parameters or replace the page's own values (a 500 on every page, the error page too).
    """
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    query.append(("lang", language))
    path = url_for("public.index")
    if request.endpoint is not None and request.url_rule is not None:
        try:
            path = url_for(request.endpoint, **(request.view_args or {}))
        except BuildError:
            query = [("lang", language)]
    return f"{path}?{urlencode(query)}"


def _template_context() -> dict[str, Any]:
    return {
        "current_language": current_language(),
        "switch_language_url": switch_language_url,
        "external_url": external_url,
    }


#: The title of each error page, in the reader's language (Werkzeug's names are English).
ERROR_TITLES: dict[int, LazyString] = {
    400: _l("The request could not be understood"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Not possible at this address"),
    410: _l("No longer available"),
    413: _l("Too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}

#: What the page says when the code that refused the request gave no message of its own.
ERROR_MESSAGES: dict[int, LazyString] = {
    400: _l("If you sent a form, reload the page and send it again."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist."),
    405: _l("This address does not accept this kind of request."),
    410: _l("This page is no longer available."),
    413: _l("What you sent is too large."),
    429: _l("You have made too many attempts in a short time. Wait a while and try again."),
    500: _l("An unexpected error stopped this page. Try again in a moment."),
    503: _l("The service is not available at the moment. Try again in a few minutes."),
}


def error_title(error: HTTPException) -> str:
    """The page's heading: the code, for those who report it, and its name translated."""
    title = ERROR_TITLES.get(error.code or 500)
    return f"{error.code} · {title}" if title is not None else f"{error.code}"


def error_message(error: HTTPException) -> str:
    """The message our code gave the error (translated where it was raised), else the page's.

    Werkzeug's default descriptions, Flask-Limiter's "5 per 1 hour" and Flask-WTF's CSRF
    messages are English: they are replaced.
    """
    english = (
        error.description == type(error).description
        or isinstance(error, CSRFError)
        or (isinstance(error, RateLimitExceeded) and not error.limit.error_message)
    )
    own = None if english else error.description
    generic = ERROR_MESSAGES.get(error.code or 500)
    return own or (str(generic) if generic is not None else str(error.description or ""))


def _http_error(error: HTTPException) -> Any:
    """JSON for the API, a page in the visitor's language for everything else."""
    if isinstance(error, RequestEntityTooLarge):
        error = _too_large()
    if request.path.startswith("/api/"):
        response = error.get_response()  # keeps headers such as Allow on a 405
        response.data = json.dumps({"code": error.code, "message": error.description})
        response.content_type = "application/json"
        return response
    return render_template("error.html", error=error), error.code


def _too_large() -> RequestEntityTooLarge:
    """413 in the visitor's language, with the limit when the body passed MAX_CONTENT_LENGTH
    (a view may refuse a smaller file with 413 too: then no figure)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        return RequestEntityTooLarge(
            _("What you sent is larger than %(size)d MB.", size=limit // (1024 * 1024))
        )
    return RequestEntityTooLarge(_("What you sent is too large."))
