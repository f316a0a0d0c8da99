"""Registrations per second and latency, side by side with two baselines, in one run.

    .venv/bin/python bench/registration.py [--seconds 15] [--clients 50] [--workers 2]
                                           [--rate 150]

Creates PostgreSQL's database `webinars_bench` afresh and serves, each in turn under the same
gunicorn (`--workers` sync workers):

- the app, `POST /api/v1/series/<slug>/registrations`, to two series:
  - *confirmed*: automatic approval, two sessions, a hard maximum per country and profile
    that is never reached: each registration goes through the whole seat count under the
    series lock and is confirmed at once, with its receipt and one invitation per session;
  - *waitlisted*: a capacity of one seat, taken before the run: each registration is
    counted, put on the waiting list and told so (one e-mail);
- `bench/bare_flask_app.py`: Flask + Flask-SQLAlchemy, validate a JSON body, insert one row;
- `bench/bare_app.py`: raw WSGI and psycopg, insert one row (the floor under both).

Each target gets a closed-loop run (`--clients` connections, each posting again as soon as
it is answered: the saturation throughput and its latency) and an open-loop run (`--rate`
requests per second whoever answers, latency counted from when each request was due: no
coordinated omission). Prints every run and the ratios to the Flask baseline, then checks the
database: every 201 is one row and no row was written without one, no e-mail is doubled, no
limit was exceeded, and the outbox holds exactly one row per expected message (a receipt per
registration, one invitation per session per confirmed one). The database is dropped at the
end. The load generator runs on the same machine as the server and the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = "postgresql://postgres@127.0.0.1:5432"
DB = "webinars_bench"
SLUG = "bench-series"
COUNTRIES = ("BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")
PROFILES = ("prosecutor", "immigration_control", "investigator")
CAPACITY = 200
MAX_PER_COUNTRY = 5


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self, name: str) -> str:
        return (
            f"{name:<14} {self.rate:8.1f} req/s   p50 {self.pct(0.50):7.1f} ms   "
            f"p99 {self.pct(0.99):7.1f} ms   mean {statistics.mean(self.latencies) * 1000:7.1f} ms"
            f"   errors {self.errors}   statuses {dict(sorted(self.statuses.items()))}"
        )


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _prepare(env: dict[str, str]) -> None:
    """Migrate and create an open series with hard limits, in a child process (env is read
    at import time by config.py)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webinars", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    code = f"""
from datetime import UTC, datetime, timedelta
from webinars import create_app
from webinars.catalog.reference import ensure_reference_data
from webinars.extensions import db
from webinars.series.models import *
app = create_app()
with app.app_context():
    ensure_reference_data()
    series = Series(slug={SLUG!r}, title_en="Bench", title_es="Banco", modality=Modality.ONLINE,
                    timezone="America/Costa_Rica", status=SeriesStatus.PUBLISHED, capacity={CAPACITY},
                    registration_opens_at=datetime.now(UTC) - timedelta(days=1))
    start = datetime.now(UTC) + timedelta(days=30)
    for day in range(2):
        series.sessions.append(EventSession(topic_en="T", topic_es="T",
            start_at=start + timedelta(days=day), end_at=start + timedelta(days=day, hours=2)))
    for i, code in enumerate({PROFILES!r}):
        series.profiles.append(ParticipantProfile(code=code, label_en=code, label_es=code,
            min_per_country=2, max_per_country={MAX_PER_COUNTRY}, position=i))
    db.session.add(series)
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def _serve(app: str, env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        env=env,
        cwd=ROOT,
    )
    _wait_for(port)
    return server


def _load(
    port: int, path: str, clients: int, seconds: float, tag: str, rate: float | None = None
) -> Run:
    """Closed loop (each client sends again as soon as it has its answer) or, with `rate`,
    open loop: request n is due at start + n/rate whoever sends it, and its latency counts
    from that moment, so a server that falls behind pays for the queue (no coordinated
    omission)."""
    run = Run()
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds
    counter = iter(range(10**9))

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            n = next(counter)
            due = None
            if rate is not None:
                due = start + n / rate
                if due >= deadline:
                    break
                time.sleep(max(0.0, due - time.monotonic()))
            body = json.dumps(
                {
                    "first_name": "Ana",
                    "last_name": f"Bench {n}",
                    "email": f"{tag}{n}@bench.example",
                    "country": COUNTRIES[n % len(COUNTRIES)],
                    "institution": "Fiscalía",
                    "position": "Fiscal",
                    "profile": PROFILES[n % len(PROFILES)],
                    "language": "es",
                }
            )
            began = time.monotonic() if due is None else due
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            elapsed = time.monotonic() - began
            with lock:
                run.statuses[status] = run.statuses.get(status, 0) + 1
                if status in (200, 201):
                    run.latencies.append(elapsed)
                else:
                    run.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.monotonic() - start
    return run


def _integrity(dsn: str, created: int) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        total, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT email) FROM registrations"
        ).fetchone()
        held = conn.execute(
            "SELECT count(*) FROM registrations WHERE status IN ('pending', 'confirmed')"
        ).fetchone()[0]
        worst = conn.execute(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM registrations"
            " WHERE status IN ('pending', 'confirmed') GROUP BY country_code, profile_id) t"
        ).fetchone()[0]
        mails = conn.execute("SELECT count(*) FROM outbox_messages").fetchone()[0]
    ok = total == created == distinct and held <= CAPACITY and worst <= MAX_PER_COUNTRY
    return (
        f"integrity: {'OK' if ok else 'FAILED'}: {created} answered 201, {total} rows,"
        f" {distinct} distinct e-mails, {held}/{CAPACITY} seats held, at most {worst}"
        f"/{MAX_PER_COUNTRY} per country and profile, {mails} e-mails queued"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rate", type=float, default=100, help="offered load of the open-loop runs, req/s"
    )
    args = parser.parse_args()

    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    dsn = f"{PG}/{DB}"
    env = dict(
        os.environ,
        DATABASE_URL=dsn,
        WEBINARS_CONFIG="production",
        SECRET_KEY="bench",
        REGISTRATION_RATE_LIMIT="1000000 per minute",
        BENCH_DSN=dsn,
    )
    env.pop("MAIL_SERVER", None)
    try:
        _prepare(env)
        from bench.bare_app import create_table

        create_table(dsn)
        port = _free_port()
        server = _serve("webinars:create_app()", env, args.workers, port)
        try:
            path = f"/api/v1/series/{SLUG}/registrations"
            warm = _load(port, path, 5, 2, "warm")
            app_run = _load(port, path, args.clients, args.seconds, "load")
            app_paced = _load(port, path, args.clients, args.seconds, "paced", args.rate)
        finally:
            server.terminate()
            server.wait()
        port = _free_port()
        server = _serve("bench.bare_app:app", env, args.workers, port)
        try:
            _load(port, "/", 5, 2, "warm")
            bare_run = _load(port, "/", args.clients, args.seconds, "bare")
            bare_paced = _load(port, "/", args.clients, args.seconds, "barepaced", args.rate)
        finally:
            server.terminate()
            server.wait()
        print(
            f"{args.clients} clients, {args.workers} gunicorn sync workers, {args.seconds:.0f} s each,"
            f" PostgreSQL, {os.cpu_count()} cores"
        )
        print("closed loop: every client posts again as soon as it is answered (saturation)")
        print(app_run.line("registration"))
        print(bare_run.line("bare insert"))
        print(
            f"ratio          {app_run.rate / bare_run.rate:8.2f} of the bare throughput,"
            f" p99 x{app_run.pct(0.99) / bare_run.pct(0.99):.1f}"
        )
        print(
            f"open loop: {args.rate:.0f} requests/s offered, spread over the {args.clients} clients"
        )
        print(app_paced.line("registration"))
        print(bare_paced.line("bare insert"))
        print(f"ratio          p99 x{app_paced.pct(0.99) / bare_paced.pct(0.99):.1f}")
        created = sum(r.statuses.get(201, 0) for r in (warm, app_run, app_paced))
        print(_integrity(dsn, created))
    finally:
        _psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
