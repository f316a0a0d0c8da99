"""`GET /healthz`: whether this web process can reach the database.

For load balancers and monitors: no log-in, no cookie, no rate limit, never cached.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from webinars.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """200 with `"database": "ok"` when `SELECT 1` works, else 503 with `"unavailable"`."""
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        # The error's class only: its text may hold the database address.
        current_app.logger.warning("health check: database unavailable (%s)", type(error).__name__)
        status, database = 503, "unavailable"
    else:
        status, database = 200, "ok"
    response = jsonify(status="ok" if status == 200 else "unavailable", database=database)
    response.headers["Cache-Control"] = "no-store"
    return response, status
