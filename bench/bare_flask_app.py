"""The framework baseline of bench/registration.py: Flask + Flask-SQLAlchemy, one insert.

    gunicorn 'bench.bare_flask_app:create_app()'   (BENCH_DSN names the database)

What the issue compares the registration endpoint with: the same stack (Flask, Flask-SQLAlchemy,
SQLAlchemy's ORM, psycopg, gunicorn sync workers), an endpoint that validates a JSON body
(required text fields, an e-mail address with `@`) and inserts one row, with the same engine
options as the app (`pool_pre_ping`). What the registration endpoint costs above this is
its own work: the series, the seat count under the lock, the rows it writes.
`bench/bare_app.py` is the floor under both: raw WSGI and psycopg, no framework.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

REQUIRED = ("first_name", "last_name", "email", "institution", "position", "language")


class BenchRow(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bench_flask_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))


def create_app() -> Flask:
    app = Flask(__name__)
    dsn = os.environ["BENCH_DSN"].replace("postgresql://", "postgresql+psycopg://", 1)
    app.config["SQLALCHEMY_DATABASE_URI"] = dsn
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.post("/")
    def insert() -> Any:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(errors={"_schema": ["A JSON object is expected."]}), 422
        errors = {
            name: ["This field is required."]
            for name in REQUIRED
            if not isinstance(body.get(name), str) or not body[name].strip()
        }
        if not errors and "@" not in body["email"]:
            errors["email"] = ["Enter a valid e-mail address."]
        if errors:
            return jsonify(errors=errors), 422
        row = BenchRow(
            email=body["email"].strip().lower(),
            first_name=body["first_name"].strip(),
            last_name=body["last_name"].strip(),
        )
        db.session.add(row)
        db.session.flush()
        answer = jsonify(id=row.id)  # read before the commit expires the row
        db.session.commit()
        return answer, 201

    return app


def create_table(dsn: str) -> None:
    """Create the table afresh (called by the benchmark before serving)."""
    os.environ.setdefault("BENCH_DSN", dsn)
    app = create_app()
    with app.app_context():
        BenchRow.__table__.drop(db.engine, checkfirst=True)
        BenchRow.__table__.create(db.engine)
        db.engine.dispose()
