"""The baseline of bench/registration.py: a WSGI endpoint that inserts one row and nothing else.

Same database, same server (gunicorn, same workers), no framework: what the registration
endpoint costs above this is the price of Flask, validation, the series lock, the seat count,
the outbox row and the e-mail rendering. Sync workers serve one request at a time, so one
connection per worker process is enough.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

_connection: psycopg.Connection | None = None


def _conn() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_DSN"], autocommit=True)
    return _connection


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    row = (
        _conn()
        .execute("INSERT INTO bench_rows (email) VALUES (%s) RETURNING id", (body["email"],))
        .fetchone()
    )
    start_response("201 Created", [("Content-Type", "application/json")])
    return [json.dumps({"id": row[0] if row else None}).encode()]


def create_table(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_rows")
        conn.execute("CREATE TABLE bench_rows (id serial PRIMARY KEY, email text NOT NULL)")
