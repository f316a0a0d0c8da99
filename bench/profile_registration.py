"""Where the time of a confirmed registration goes: cProfile of N requests in-process.

    .venv/bin/python bench/profile_registration.py [--count 100] [--top 25]

Creates the PostgreSQL database `webinars_bench_profile` afresh with the confirmed path of
bench/registration.py (automatic approval, two sessions, a hard maximum never reached),
posts `--count` registrations through Flask's test client (the whole app: routing, parsing,
validation, the lock, the count, the inserts, the commit; no HTTP server), prints the mean
time per registration, the SQL statements per registration and the functions with the most
cumulative time, then drops the database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration import (  # noqa: E402
    PG,
    SLUG,
    WAITLIST_SLUG,
    _prepare,
    _psql,
    server_environment,
)

DB = "webinars_bench_profile"
SHOW = int(os.environ.get("SHOW", 160))
#: Registrations whose statements are counted, before the measured ones.
COUNTED = 20


def _backend_pids(app: Any) -> list[int]:
    """The PostgreSQL server processes of the app's pooled connections."""
    from webinars.extensions import db

    with app.app_context():
        pids = {db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()}
        db.session.rollback()
    return sorted(pids)


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats key, e.g. tottime")
    parser.add_argument(
        "--plain", action="store_true", help="time without the profiler (its overhead is ~2x)"
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="print the SQL of one registration first (its first SHOW=160 characters)",
    )
    parser.add_argument("--dump", help="also write the raw profile to this file (for pstats)")
    parser.add_argument(
        "--waitlisted", action="store_true", help="the waitlisted path (its one seat is taken)"
    )
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    dsn = f"{PG}/{DB}"
    env = server_environment(dsn)
    try:
        _prepare(env)
        os.environ.update(env)
        from sqlalchemy import event

        from webinars import create_app
        from webinars.extensions import db

        app = create_app()
        client = app.test_client()
        path = f"/api/v1/series/{WAITLIST_SLUG if args.waitlisted else SLUG}/registrations"

        def post(n: int, tag: str) -> None:
            body = {
                "first_name": "Ana",
                "last_name": f"Perfil {n}",
                "email": f"{tag}{n}@bench.example",
                "country": "CR",
                "institution": "Fiscalía",
                "position": "Fiscal",
                "profile": "prosecutor",
                "language": "es",
            }
            response = client.post(
                path, data=json.dumps(body), headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 201, response.text

        for n in range(10):
            post(n, "warm")
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        with app.app_context():
            engine = db.engine
        if args.statements:

            def show(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
                print(" ".join(statement.split())[:SHOW])

            event.listen(engine, "before_cursor_execute", show)
            post(0, "shown")
            event.remove(engine, "before_cursor_execute", show)
            print()
        # Counted on registrations of their own: a listener on the engine makes SQLAlchemy
        # dispatch events at every statement, which the app, without one, does not pay.
        event.listen(engine, "before_cursor_execute", count)
        for n in range(COUNTED):
            post(n, "counted")
        event.remove(engine, "before_cursor_execute", count)
        backends = _backend_pids(app)
        profile = cProfile.Profile()
        began, app_cpu, db_cpu = time.perf_counter(), time.process_time(), _cpu(backends)
        if not args.plain:
            profile.enable()
        for n in range(args.count):
            post(n, "profiled")
        profile.disable()
        elapsed = time.perf_counter() - began
        app_cpu, db_cpu = time.process_time() - app_cpu, _cpu(backends) - db_cpu
        print(
            f"{args.count} {'waitlisted' if args.waitlisted else 'confirmed'} registrations"
            " in-process"
            f"{'' if args.plain else ' under cProfile'}:"
            f" {elapsed / args.count * 1000:.1f} ms each,"
            f" {statements / COUNTED:.1f} SQL statements each;"
            f" CPU {app_cpu / args.count * 1000:.1f} ms in the app,"
            f" {db_cpu / args.count * 1000:.1f} ms in PostgreSQL"
            " (CPU times hold on a busy machine, where the wall time does not)"
        )
        out = io.StringIO()
        if not args.plain:
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            if args.dump:
                profile.dump_stats(args.dump)
        print(out.getvalue())
        with app.app_context():
            db.engine.dispose()
    finally:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"],
            capture_output=True,
        )


if __name__ == "__main__":
    main()
