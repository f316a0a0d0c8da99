"""Registrations per second and latency, side by side with two baselines, in one run.

    .venv/bin/python bench/registration.py [--seconds 15] [--clients 50] [--workers 2]
                                           [--rate 150] [--rounds 3]

Creates PostgreSQL's database `webinars_bench` afresh and serves, all at once, each on its
own port under the same gunicorn (`--workers` sync workers):

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
coordinated omission), of `--seconds` each, cut in `--rounds` slices that alternate between
the targets (in an order that turns at each round): the speed of this machine changes by up
to a factor of two within minutes, and a target run after another would be measured on
another machine. Only one target is under load at a time. Prints every run, with the rate of
each of its slices (a path that slows as its tables grow shows there) and the WAL PostgreSQL
wrote per request, and the ratios to the Flask baseline, then checks the
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
SLUG = "bench-series"  # the confirmed path
WAITLIST_SLUG = "bench-waitlist"
COUNTRIES = ("BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")
PROFILES = ("prosecutor", "immigration_control", "investigator")
SESSIONS = 2
#: The confirmed path's hard limit: counted under the lock for every registration, never reached.
MAX_PER_COUNTRY = 1_000_000
#: The waitlisted path's capacity, taken by one registration before the run.
WAITLIST_CAPACITY = 1
#: bench/load.py's series (kept here for it): a capacity and a maximum that are reached.
CAPACITY = 200
LOAD_MAX_PER_COUNTRY = 5


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0
    #: Each slice's rate, in the order they ran: a path that slows as its tables grow shows here.
    slices: list[float] = field(default_factory=list)
    #: Bytes of WAL PostgreSQL wrote while this target was under load (one target at a time).
    wal_bytes: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def add(self, other: Run) -> None:
        """Count `other`, a slice of the same run, in this one."""
        self.latencies.extend(other.latencies)
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.errors += other.errors
        self.seconds += other.seconds
        self.slices.append(other.rate)

    def line(self, name: str) -> str:
        return (
            f"{name:<26} {self.rate:8.1f} req/s   p50 {self.pct(0.50):7.1f} ms   "
            f"p99 {self.pct(0.99):7.1f} ms   mean {statistics.mean(self.latencies) * 1000:7.1f} ms"
            f"   errors {self.errors}   statuses {dict(sorted(self.statuses.items()))}"
        )

    def detail(self) -> str:
        """The slices' rates and the WAL written per request: where a path's time may go."""
        slices = " ".join(f"{rate:.0f}" for rate in self.slices)
        per_request = self.wal_bytes / max(1, len(self.latencies))
        return f"{'':<26} slices {slices} req/s; WAL {per_request:,.0f} bytes a request"


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


def _free_ports(count: int) -> list[int]:
    """Distinct free localhost ports: each probe stays bound until all are chosen, since probes
    closed one after the other may each be given the port the last one released."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _free_port() -> int:
    return _free_ports(1)[0]


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _prepare(env: dict[str, str]) -> None:
    """Migrate and create the two open series, in a child process (env is read at import
    time by config.py); the waitlisted series' one seat is taken at once."""
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
from webinars.registration import services
from webinars.series.models import *
from webinars.sessions.models import *
app = create_app()
with app.app_context():
    ensure_reference_data()
    start = datetime.now(UTC) + timedelta(days=30)
    for slug, capacity, maximum in (({SLUG!r}, None, {MAX_PER_COUNTRY}),
                                    ({WAITLIST_SLUG!r}, {WAITLIST_CAPACITY}, None)):
        series = Series(slug=slug, title_en="Bench", title_es="Banco", modality=Modality.ONLINE,
                        timezone="America/Costa_Rica", status=SeriesStatus.PUBLISHED,
                        approval_mode=ApprovalMode.AUTOMATIC, capacity=capacity,
                        verify_email=False, conference_url="https://zoom.us/j/1",
                        registration_opens_at=datetime.now(UTC) - timedelta(days=1))
        for day in range({SESSIONS}):
            series.sessions.append(EventSession(topic_en=f"Session {{day}}", topic_es=f"Sesión {{day}}",
                start_at=start + timedelta(days=day), end_at=start + timedelta(days=day, hours=2)))
        for i, code in enumerate({PROFILES!r}):
            series.profiles.append(ParticipantProfile(code=code, label_en=code, label_es=code,
                min_per_country=2, max_per_country=maximum, position=i))
        db.session.add(series)
        db.session.commit()
    waitlist = db.session.execute(db.select(Series).filter_by(slug={WAITLIST_SLUG!r})).scalar_one()
    services.register(waitlist, services.RegistrationData(
        first_name="Seat", last_name="Holder", email="holder@bench.example", institution="x",
        position="x", language="es", country_code="CR", profile_code="prosecutor"))
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def server_environment(dsn: str) -> dict[str, str]:
    """The environment the benchmark's servers run in: production settings on `dsn`, no
    rate limit that a run could reach, no SMTP server (messages wait in the outbox)."""
    env = dict(
        os.environ,
        DATABASE_URL=dsn,
        WEBINARS_CONFIG="production",
        SECRET_KEY="bench",
        REGISTRATION_RATE_LIMIT="1000000 per minute",
        BENCH_DSN=dsn,
    )
    env.pop("MAIL_SERVER", None)
    return env


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


def _integrity(dsn: str, created: dict[str, int]) -> tuple[bool, list[str]]:
    """Check the rows against the 201 answers; `created` counts them per target."""
    import psycopg

    lines = []
    ok = True
    with psycopg.connect(dsn) as conn:
        for slug, label in ((SLUG, "confirmed"), (WAITLIST_SLUG, "waitlisted")):
            total, distinct, confirmed, waiting, worst = conn.execute(
                "SELECT count(*), count(DISTINCT r.email),"
                " count(*) FILTER (WHERE r.status = 'confirmed'),"
                " count(*) FILTER (WHERE r.status = 'waitlisted'),"
                " coalesce(max(n), 0)"
                " FROM registrations r JOIN series s ON s.id = r.series_id"
                " LEFT JOIN (SELECT series_id, country_code, profile_id, count(*) n"
                "   FROM registrations WHERE status IN ('pending', 'confirmed')"
                "   GROUP BY series_id, country_code, profile_id) q"
                "   ON q.series_id = r.series_id AND q.country_code = r.country_code"
                "   AND q.profile_id = r.profile_id"
                " WHERE s.slug = %s",
                (slug,),
            ).fetchone()
            expected_rows = created[label] + (1 if slug == WAITLIST_SLUG else 0)
            receipts, invitations, doubled = conn.execute(
                "SELECT count(*) FILTER (WHERE kind LIKE 'registration.%%'),"
                " count(*) FILTER (WHERE kind LIKE 'invitation.%%'),"
                " count(*) - count(DISTINCT (kind, to_address, coalesce(session_id, 0)))"
                " FROM outbox_messages m JOIN series s ON s.id = m.series_id WHERE s.slug = %s",
                (slug,),
            ).fetchone()
            held = confirmed
            limit_ok = (
                held <= WAITLIST_CAPACITY if slug == WAITLIST_SLUG else worst <= MAX_PER_COUNTRY
            )
            mails_ok = receipts == total and invitations == SESSIONS * confirmed and doubled == 0
            # Each path must have ended where it says: a run that measured unverified or
            # pending registrations would not be measuring the confirmed or waitlisted path.
            if slug == WAITLIST_SLUG:
                path_ok = confirmed == 1 and waiting == total - 1
            else:
                path_ok = confirmed == total
            good = total == distinct == expected_rows and limit_ok and mails_ok and path_ok
            ok &= good
            holder = " (+ the seat holder)" if slug == WAITLIST_SLUG else ""
            lines.append(
                f"  {label:<11} {'OK' if good else 'FAILED'}: {created[label]} answered 201{holder},"
                f" {total} rows, {distinct} distinct e-mails, {confirmed} confirmed,"
                f" {waiting} waitlisted, at most {worst} per country and profile;"
                f" {receipts} receipts + {invitations} invitations queued"
                f" (expected {total} + {SESSIONS * confirmed}), {doubled} doubled"
            )
        for table, label in (("bench_flask_rows", "flask"), ("bench_rows", "wsgi")):
            total, distinct = conn.execute(
                f"SELECT count(*), count(DISTINCT email) FROM {table}"  # noqa: S608
            ).fetchone()
            good = total == distinct == created[label]
            ok &= good
            lines.append(
                f"  bare {label:<6} {'OK' if good else 'FAILED'}: {created[label]} answered 201,"
                f" {total} rows, {distinct} distinct"
            )
    return ok, lines


#: The targets, in the order they are served: (label, gunicorn app, path).
TARGETS = (
    ("confirmed", "webinars:create_app()", f"/api/v1/series/{SLUG}/registrations"),
    ("waitlisted", "webinars:create_app()", f"/api/v1/series/{WAITLIST_SLUG}/registrations"),
    ("flask", "bench.bare_flask_app:create_app()", "/"),
    ("wsgi", "bench.bare_app:app", "/"),
)
NAMES = {
    "confirmed": "registration, confirmed",
    "waitlisted": "registration, waitlisted",
    "flask": "bare Flask+SQLAlchemy",
    "wsgi": "bare WSGI+psycopg",
}


def _wal_position(dsn: str) -> int:
    """Where PostgreSQL's WAL stands, in bytes from its start."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')").fetchone()
    return int(row[0])


def _alternated(
    servers: dict[str, tuple[subprocess.Popen[bytes], int]],
    args: argparse.Namespace,
    closed: dict[str, Run],
    paced: dict[str, Run],
    created: dict[str, int],
    dsn: str,
) -> None:
    """Warm each target, then run its closed and open loops in `args.rounds` slices that
    alternate between the targets; `created` counts each one's 201 answers."""
    paths = {label: path for label, _app, path in TARGETS}
    labels = list(paths)
    for label in labels:
        warm = _load(servers[label][1], paths[label], 5, 2, f"warm{label}")
        created[label] = warm.statuses.get(201, 0)
        closed[label], paced[label] = Run(), Run()
    part = args.seconds / args.rounds
    for loop, runs, rate in (("c", closed, None), ("p", paced, args.rate)):
        for n in range(args.rounds):
            for label in labels[n % len(labels) :] + labels[: n % len(labels)]:
                tag = f"{loop}{label}r{n}x"
                wal_before = _wal_position(dsn)
                run = _load(servers[label][1], paths[label], args.clients, part, tag, rate)
                runs[label].add(run)
                runs[label].wal_bytes += _wal_position(dsn) - wal_before
                created[label] += run.statuses.get(201, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rate", type=float, default=150, help="offered load of the open-loop runs, req/s"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="slices each run is cut in, alternated"
    )
    args = parser.parse_args()

    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    dsn = f"{PG}/{DB}"
    env = server_environment(dsn)
    closed: dict[str, Run] = {}
    paced: dict[str, Run] = {}
    created: dict[str, int] = {}
    try:
        _prepare(env)
        from bench.bare_app import create_table
        from bench.bare_flask_app import create_table as create_flask_table

        create_table(dsn)
        create_flask_table(dsn)
        load_before = os.getloadavg()
        servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
        try:
            ports = _free_ports(len(TARGETS))
            for (label, app, _path), port in zip(TARGETS, ports, strict=True):
                servers[label] = (_serve(app, env, args.workers, port), port)
            _alternated(servers, args, closed, paced, created, dsn)
        finally:
            for server, _port in servers.values():
                server.terminate()
                server.wait()
        load_after = os.getloadavg()
        print(
            f"{args.clients} clients, {args.workers} gunicorn sync workers, {args.seconds:.0f} s"
            f" per run in {args.rounds} alternated slices, PostgreSQL, {os.cpu_count()} cores;"
            " load average before"
            f" {load_before[0]:.1f}, after {load_after[0]:.1f}"
        )
        print("closed loop: every client posts again as soon as it is answered (saturation)")
        for label, _app, _path in TARGETS:
            print(closed[label].line(NAMES[label]))
            print(closed[label].detail())
        base = closed["flask"]
        for label in ("confirmed", "waitlisted"):
            run = closed[label]
            print(
                f"ratio {label:<10} {run.rate / base.rate:6.2f} x bare Flask throughput"
                f" ({run.rate / closed['wsgi'].rate:.2f} x bare WSGI), p99 {run.pct(0.99):.0f} ms"
            )
        print(
            f"open loop: {args.rate:.0f} requests/s offered, spread over the {args.clients} clients"
        )
        for label, _app, _path in TARGETS:
            print(paced[label].line(NAMES[label]))
        ok, lines = _integrity(dsn, created)
        print(f"integrity: {'OK' if ok else 'FAILED'}")
        print("\n".join(lines))
    finally:
        _psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
