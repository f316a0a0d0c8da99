"""A database that is away answers 503 Service Unavailable, not a bare 500.

When PostgreSQL restarts, a connection is cut or the pool has no connection left, the request
that needed it fails with a SQLAlchemy error. PostgreSQL rolls its transaction back, so nothing
half-written remains; the visitor gets a 503 with `Retry-After`: JSON under /api/ (the API's
`Error` shape), the error page elsewhere. The pool (`pool_pre_ping`) replaces dead connections,
so the first request after the database is back works. Any other database error is a bug and
stays a logged 500.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import ServiceUnavailable

from webinars.api import API_PATH_PREFIX
from webinars.api.errors import json_error
from webinars.extensions import db

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5


def init_app(app: Flask) -> None:
    """Call after `extensions.init_app`: this module's teardown must run before
    Flask-SQLAlchemy's, and Flask runs teardowns in the reverse order of registration."""
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(PoolTimeout, _database_error)
    app.teardown_appcontext(_release_session)


def is_unavailable(error: SQLAlchemyError) -> bool:
    """Whether the error says the database is away (or busy) rather than that the request is
    wrong: a lost or refused connection, a restart, a serialization failure, no free
    connection in the pool."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _database_error(error: SQLAlchemyError) -> Response:
    if not is_unavailable(error):
        raise error  # an integrity or data error is a bug: Flask's 500, logged with its traceback
    _rollback()  # the error page must not run into the failed transaction
    # The class only: the message may hold the database's address.
    current_app.logger.warning("database unavailable, answered 503 (%s)", _cause(error))
    unavailable = ServiceUnavailable(
        _("The database is not available at the moment. Try again in a few seconds.")
    )
    if request.path.startswith(API_PATH_PREFIX):
        body, _status, _headers = json_error(unavailable)
        response = jsonify(body)
    else:
        response = make_response(_error_page(unavailable))
    response.status_code = unavailable.code or 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _release_session(_error: BaseException | None) -> None:
    """End the request's session, even when its connection was cut after the last query.

    Ending it rolls back the transaction still open (a read opens one too). When PostgreSQL
    ended the connection meanwhile, that ROLLBACK fails: without this, the failure would escape
    Flask-SQLAlchemy's teardown, after the answer was ready, and the server would send a bare
    500 instead. SQLAlchemy has invalidated the connection by then, so a second try releases it.
    """
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session.remove()


def _cause(error: SQLAlchemyError) -> str:
    return type(getattr(error, "orig", None) or error).__name__


def _error_page(error: ServiceUnavailable) -> str:
    """The usual error page; a bare one when even that needs the database (the page header
    loads a logged-in user)."""
    try:
        return render_template("error.html", error=error)
    except SQLAlchemyError:
        _rollback()
        return f"<!doctype html><title>503</title><p>{escape(error.description)}</p>"


def _rollback() -> None:
    # If even that fails, the connection is gone: the session is removed after the request.
    with suppress(SQLAlchemyError):
        db.session.rollback()
