"""Instructions per registration in the app's process, counted by callgrind.

    .venv/bin/python bench/instructions.py [--path confirmed|waitlisted|flask] [--count 100]

This machine's speed changes by up to a factor of two within minutes, so CPU times cannot tell
one change from another; the number of instructions does not depend on what else the machine
does. The same program runs twice at once under `valgrind --tool=callgrind` (Debian package
`valgrind`): one posts `--count` registrations through Flask's test client, after 40 to warm
up, the other none; the difference, divided by `--count`, is what one registration costs,
from the request to its commit (not the kernel's work, not PostgreSQL's). The registrations
are those of `bench/registration.py`: `confirmed` (automatic approval, two sessions, a
maximum per country and profile never reached), `waitlisted` (its one seat taken), or
`flask`, the bare Flask + Flask-SQLAlchemy endpoint. Each run creates its own database and
drops it. About three minutes with the default count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration import PG, SLUG, WAITLIST_SLUG, _prepare, _psql  # noqa: E402

PATHS = {
    "confirmed": f"/api/v1/series/{SLUG}/registrations",
    "waitlisted": f"/api/v1/series/{WAITLIST_SLUG}/registrations",
    "flask": "/",
}
WARM = 40


def _post_all(path: str, count: int) -> None:
    """The measured program: a database of its own, the app, WARM + `count` registrations."""
    db = f"webinars_bench_instructions_{os.getpid()}"
    dsn = f"{PG}/{db}"
    env = {
        "DATABASE_URL": dsn,
        "WEBINARS_CONFIG": "production",
        "SECRET_KEY": "bench",
        "REGISTRATION_RATE_LIMIT": "1000000 per minute",
        "BENCH_DSN": dsn,
    }
    _psql(f"CREATE DATABASE {db}")
    try:
        _prepare(dict(os.environ, **env))
        os.environ.update(env)
        if path == "flask":
            from bench.bare_flask_app import create_app, create_table

            create_table(dsn)
            app = create_app()
        else:
            from webinars import create_app as create_webinars_app

            app = create_webinars_app()
        client = app.test_client()
        for n in range(WARM + count):
            body = {
                "first_name": "Ana",
                "last_name": f"Bench {n}",
                "email": f"i{n}@bench.example",
                "country": ("CR", "MX", "GT")[n % 3],
                "institution": "Fiscalía",
                "position": "Fiscal",
                "profile": ("prosecutor", "investigator")[n % 2],
                "language": "es",
            }
            response = client.post(
                PATHS[path], data=json.dumps(body), content_type="application/json"
            )
            assert response.status_code == 201, response.text
        if path == "flask":
            from bench.bare_flask_app import db as bare_db

            with app.app_context():
                bare_db.engine.dispose()
        else:
            from webinars.extensions import db as app_db

            with app.app_context():
                app_db.engine.dispose()
    finally:
        _psql(f"DROP DATABASE IF EXISTS {db}")


def _counted(path: str, count: int, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            "--path",
            path,
            "--count",
            str(count),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def _total(process: subprocess.Popen[bytes]) -> int:
    _out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(err.decode()[-2000:])
    found = re.search(rb"Collected : (\d+)", err)
    if found is None:
        raise RuntimeError("callgrind printed no total")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", choices=sorted(PATHS), default="confirmed")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _post_all(args.path, args.count)
        return
    with tempfile.TemporaryDirectory() as tmp:
        measured = _counted(args.path, args.count, Path(tmp) / "measured.out")
        empty = _counted(args.path, 0, Path(tmp) / "empty.out")
        per_registration = (_total(measured) - _total(empty)) / args.count
    print(f"{args.path}: {per_registration / 1e6:.2f} M instructions per registration (app)")


if __name__ == "__main__":
    main()
