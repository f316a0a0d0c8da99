"""A mixed load for a fixed time: browsing, registrations and participant-list downloads.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 40] [--workers N] [--rate R]
                                   [--redis URL]

Creates the PostgreSQL database `webinars_bench_load` afresh with two series: an open one with
hard limits (capacity 200, at most 5 per country and profile, as in bench/registration.py),
which is browsed and takes the registrations, and a past one of 1,000 registrations
(bench/reports.py), whose participant list is downloaded. Serves the app with gunicorn and
deploy/gunicorn.conf.py (sync workers, 2 x cores + 1 unless `--workers`), logs an organizer
in through the real form, then has `--clients` threads send requests for `--seconds`, each as
soon as its previous one is answered (closed loop: the server's saturation), or at `--rate`
requests per second whatever the answers (open loop: the latency at that load), each request
drawn at random:

- 70 % browsing: GET /, the series page or its public calendar feed;
- 20 % registrations: POST /api/v1/series/<slug>/registrations (REGISTRATION_RATE_LIMIT is
  raised for the bench: every request comes from one address);
- 10 % list downloads: GET /staff/series/<slug>/participants.csv as the organizer.

Prints requests per second, p50 and p99 per kind and the errors, then the integrity check:
every registration answered 201 is in the database exactly once and no other was written,
each has its e-mail in the outbox, no hard limit was exceeded, and every download held the
whole list. Rate limits are kept in memory, or in Redis with `--redis redis://host:port/db`
(its keys are deleted at the end). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration import (  # noqa: E402  (after the path is set)
    CAPACITY,
    COUNTRIES,
    PG,
    PROFILES,
    _free_port,
    _psql,
    _wait_for,
    server_environment,
)
from bench.registration import LOAD_MAX_PER_COUNTRY as MAX_PER_COUNTRY  # noqa: E402

DB = "webinars_bench_load"
SLUG = "bench-load"
LIST_ROWS = 1000
LIST_SLUG = f"bench-{LIST_ROWS}"  # the name bench/reports.py gives its series
ORGANIZER, PASSWORD = "organizer@bench.example", "bench password 1234"
KEY_PREFIX = "bench-load"
BROWSE_PATHS = ("/", f"/series/{SLUG}", f"/series/{SLUG}/calendar.ics")
#: Share of the requests per kind.
MIX = {"browsing": 70, "registration": 20, "list download": 10}
EXPECTED = {"browsing": 200, "registration": 201, "list download": 200}


@dataclass
class Kind:
    """What the requests of one kind got."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return sum(self.statuses.values()) - len(self.latencies)

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


@dataclass
class Run:
    kinds: dict[str, Kind] = field(default_factory=lambda: {k: Kind() for k in MIX})
    #: The e-mail addresses of the registrations answered 201.
    registered: set[str] = field(default_factory=set)
    #: Line counts of the downloaded lists.
    list_lines: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self, name: str, kind: Kind) -> str:
        answered = sum(kind.statuses.values())
        mean = statistics.mean(kind.latencies) * 1000 if kind.latencies else 0.0
        return (
            f"{name:<14} {answered / self.seconds:8.1f} req/s   p50 {kind.pct(0.50):7.1f} ms"
            f"   p99 {kind.pct(0.99):7.1f} ms   mean {mean:7.1f} ms   errors {kind.errors}"
            f"   statuses {dict(sorted(kind.statuses.items()))}"
        )


def _prepare(env: dict[str, str]) -> None:
    """Migrate; the open series, the past one of 1,000 registrations, and the organizer; in a
    child process (config.py reads the environment when imported)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webinars", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    code = f"""
from datetime import UTC, datetime, timedelta
from bench.reports import _fill
from webinars import create_app
from webinars.accounts.models import StaffRole, User
from webinars.catalog.reference import ensure_reference_data
from webinars.extensions import db
from webinars.series.models import *
from webinars.sessions.models import *
app = create_app()
with app.app_context():
    ensure_reference_data()
    series = Series(slug={SLUG!r}, title_en="Bench", title_es="Banco", modality=Modality.ONLINE,
                    timezone="America/Costa_Rica", status=SeriesStatus.PUBLISHED, capacity={CAPACITY},
                    verify_email=False, registration_opens_at=datetime.now(UTC) - timedelta(days=1))
    start = datetime.now(UTC) + timedelta(days=30)
    for day in range(2):
        series.sessions.append(EventSession(topic_en="T", topic_es="T",
            start_at=start + timedelta(days=day), end_at=start + timedelta(days=day, hours=2)))
    for i, code in enumerate({PROFILES!r}):
        series.profiles.append(ParticipantProfile(code=code, label_en=code, label_es=code,
            min_per_country=2, max_per_country={MAX_PER_COUNTRY}, position=i))
    db.session.add(series)
    organizer = User(email={ORGANIZER!r}, role=StaffRole.ORGANIZER)
    organizer.set_password({PASSWORD!r})
    db.session.add(organizer)
    db.session.commit()
    _fill({LIST_ROWS})
    db.session.execute(db.text("ANALYZE"))  # the statistics autovacuum keeps in production
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def _serve(env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    """gunicorn as deployed (deploy/gunicorn.conf.py), with this many workers, on this port."""
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-c",
        str(ROOT / "deploy/gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        f"webinars:create_app({{'RATELIMIT_KEY_PREFIX': {KEY_PREFIX!r}}})",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    _wait_for(port)
    return server


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    return dict(
        header.split(";", 1)[0].split("=", 1)
        for header in response.headers.get_all("Set-Cookie") or []
    )


def _log_in(port: int) -> str:
    """The organizer's session cookie, through the log-in form and its CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the log-in page")
    form = urlencode({"csrf_token": token.group(1), "email": ORGANIZER, "password": PASSWORD})
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    conn.request(
        "POST",
        "/login",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 302:
        raise RuntimeError(f"log-in answered {response.status}, not a redirect")
    cookies.update(_cookies(response))
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _registration(n: int) -> tuple[str, str]:
    email = f"load{n}@bench.example"
    body = {
        "first_name": "Ana",
        "last_name": f"Bench {n}",
        "email": email,
        "country": COUNTRIES[n % len(COUNTRIES)],
        "institution": "Fiscalía",
        "position": "Fiscal",
        "profile": PROFILES[n % len(PROFILES)],
        "language": "es",
    }
    return email, json.dumps(body)


def _load(
    port: int,
    cookie: str,
    clients: int,
    seconds: float,
    numbers: Iterator[int],
    rate: float | None = None,
) -> Run:
    """Closed loop (each client sends again as soon as it has its answer) or, with `rate`,
    open loop: request n is due at start + n/rate whoever sends it, and its latency counts
    from that moment, so a server that falls behind pays for the queue."""
    run = Run()
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds
    ticks = itertools.count()

    def client(index: int) -> None:
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            due = None
            if rate is not None:
                due = start + next(ticks) / rate
                if due >= deadline:
                    break
                time.sleep(max(0.0, due - time.monotonic()))
            kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            email = ""
            if kind == "browsing":
                method, path, body, headers = "GET", rng.choice(BROWSE_PATHS), None, {}
            elif kind == "registration":
                email, body = _registration(next(numbers))
                method, path = "POST", f"/api/v1/series/{SLUG}/registrations"
                headers = {"Content-Type": "application/json"}
            else:
                method, path, body = "GET", f"/staff/series/{LIST_SLUG}/participants.csv", None
                headers = {"Cookie": cookie}
            began = time.monotonic() if due is None else due
            try:
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, data = 0, b""
            elapsed = time.monotonic() - began
            with lock:
                stats = run.kinds[kind]
                stats.statuses[status] += 1
                if status == EXPECTED[kind]:
                    stats.latencies.append(elapsed)
                    if email:
                        run.registered.add(email)
                    if kind == "list download":
                        run.list_lines[data.count(b"\n")] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - start
    return run


def _integrity(dsn: str, registered: set[str], list_lines: Counter[int]) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        series_id = conn.execute("SELECT id FROM series WHERE slug = %s", (SLUG,)).fetchone()[0]
        emails = [
            row[0]
            for row in conn.execute(
                "SELECT email FROM registrations WHERE series_id = %s", (series_id,)
            )
        ]
        held = conn.execute(
            "SELECT count(*) FROM registrations WHERE series_id = %s"
            " AND status IN ('pending', 'confirmed')",
            (series_id,),
        ).fetchone()[0]
        worst = conn.execute(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM registrations"
            " WHERE series_id = %s AND status IN ('pending', 'confirmed')"
            " GROUP BY country_code, profile_id) t",
            (series_id,),
        ).fetchone()[0]
        without_mail = conn.execute(
            "SELECT count(*) FROM registrations r WHERE series_id = %s AND NOT EXISTS"
            " (SELECT 1 FROM outbox_messages m WHERE m.registration_id = r.id)",
            (series_id,),
        ).fetchone()[0]
    stored = Counter(emails)
    lost = len(registered - stored.keys())
    unanswered = len(stored.keys() - registered)
    doubled = sum(1 for count in stored.values() if count > 1)
    ok = (
        lost == unanswered == doubled == without_mail == 0
        and held <= CAPACITY
        and worst <= MAX_PER_COUNTRY
        and len(list_lines) == 1
    )
    lists = ", ".join(f"{n} x {lines} lines" for lines, n in sorted(list_lines.items()))
    return (
        f"integrity: {'OK' if ok else 'FAILED'}: {len(registered)} answered 201, {len(emails)}"
        f" rows: {lost} lost, {doubled} doubled, {unanswered} written without a 201;"
        f" {without_mail} without their e-mail; {held}/{CAPACITY} seats held, at most {worst}"
        f"/{MAX_PER_COUNTRY} per country and profile; list downloads: {lists or 'none'}"
    )


def _delete_redis_keys(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{KEY_PREFIX}*"))
    if keys:
        client.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument(
        "--workers", type=int, default=None, help="default: deploy/gunicorn.conf.py's"
    )
    parser.add_argument(
        "--rate", type=float, default=None, help="open loop at this many requests/s, all kinds"
    )
    parser.add_argument("--redis", default=None, help="rate limits in this Redis, not in memory")
    args = parser.parse_args()

    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    dsn = f"{PG}/{DB}"
    storage = args.redis or "memory://"
    env = dict(server_environment(dsn), RATELIMIT_STORAGE_URI=storage)
    env.pop("WEB_CONCURRENCY", None)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    try:
        _prepare(env)
        port = _free_port()
        server = _serve(env, workers, port)
        try:
            cookie = _log_in(port)
            numbers = itertools.count()
            warm = _load(port, cookie, 5, 2, numbers)
            run = _load(port, cookie, args.clients, args.seconds, numbers, args.rate)
        finally:
            server.terminate()
            server.wait()
        total = sum(sum(kind.statuses.values()) for kind in run.kinds.values())
        print(
            f"{args.clients} clients, {workers} gunicorn sync workers (deploy/gunicorn.conf.py),"
            f" {args.seconds:.0f} s, PostgreSQL, rate limits in {storage}, {os.cpu_count()} cores"
        )
        loop = (
            "closed loop (every client sends again as soon as it is answered)"
            if args.rate is None
            else f"open loop: {args.rate:g} requests/s offered, spread over the clients"
        )
        print(f"{loop}; mix {', '.join(f'{share} % {kind}' for kind, share in MIX.items())}")
        print(
            f"{'all':<14} {total / run.seconds:8.1f} req/s   errors"
            f" {sum(kind.errors for kind in run.kinds.values())}"
        )
        for name, kind in run.kinds.items():
            print(run.line(name, kind))
        print(_integrity(dsn, warm.registered | run.registered, warm.list_lines + run.list_lines))
    finally:
        _psql(f"DROP DATABASE IF EXISTS {DB}")
        if args.redis:
            _delete_redis_keys(args.redis)


if __name__ == "__main__":
    main()
