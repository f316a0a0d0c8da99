"""What every page needs: template helpers, the current user, error pages."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from webinars import formatting, zones
from webinars.extensions import db, login_manager
from webinars.i18n import current_language
from webinars.series import labels as series_labels


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        date_in=formatting.date_in,
        time_in=formatting.time_in,
        offset_label=formatting.offset_label,
        iso_utc=formatting.iso_utc,
        zone_name=zones.zone_name,
    )
    app.context_processor(_template_context)
    series_labels.register(app)
    app.register_error_handler(HTTPException, _http_error)

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        from webinars.accounts.models import User

        return db.session.get(User, int(user_id))


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on the public address of the site (`PUBLIC_BASE_URL`).

    Works outside a request too (CLI, workers), and never trusts the Host header of a request,
    so a link in an e-mail always points at the real site.
    """
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def switch_language_url(language: str) -> str:
    """The current page in another language."""
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    args["lang"] = language
    if request.endpoint is None:
        return url_for("public.index", lang=language)
    return url_for(request.endpoint, **args)


def _template_context() -> dict[str, Any]:
    return {
        "current_language": current_language(),
        "switch_language_url": switch_language_url,
        "external_url": external_url,
    }


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
