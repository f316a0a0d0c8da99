"""Reports and exports over 10,000 registrations across 4 sessions: time, peak memory, queries.

    .venv/bin/python bench/reports.py [--rows 10000] [--database sqlite|postgresql]

Builds a series with four sessions and `--rows` confirmed registrations (every one chose every
session, about 80 % attended each), then measures, one after the other: the report (load and
build), the participant list as CSV (streamed chunk by chunk and thrown away, as a download
is), as XLSX and as PDF. For each it prints the wall time, the peak of Python memory
allocated during it (tracemalloc, in a second run) and the number of SQL statements it issued. It runs again
with a tenth of the rows to show the statement counts do not grow with the rows.

PostgreSQL: the database `webinars_bench_reports` is created afresh and dropped at the end.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = "postgresql://postgres@127.0.0.1:5432"
DB = "webinars_bench_reports"
COUNTRIES = ("BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")


def _database_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench-reports.sqlite3'}"
    subprocess.run(["psql", PG, "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True)
    subprocess.run(["psql", PG, "-qc", f"CREATE DATABASE {DB}"], check=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"


def _fill(rows: int) -> str:
    """A series with 4 sessions and `rows` registrations, written in bulk. Returns its slug."""
    from webinars.attendance.models import AttendanceSource, AttendanceState
    from webinars.extensions import db
    from webinars.models import Attendance, EventSession, ParticipantProfile, Registration, Series
    from webinars.registration.models import registration_sessions
    from webinars.series.models import Modality, SeriesStatus

    slug = f"bench-{rows}"
    series = Series(
        slug=slug,
        title_en="Bench series",
        title_es="Serie de prueba",
        modality=Modality.ONLINE,
        timezone="America/Costa_Rica",
        status=SeriesStatus.CLOSED,
    )
    start = datetime(2020, 9, 8, 15, tzinfo=UTC)
    series.sessions = [
        EventSession(
            topic_en=f"Session {n}",
            topic_es=f"Sesión {n}",
            start_at=start + timedelta(days=n),
            end_at=start + timedelta(days=n, hours=2),
        )
        for n in range(4)
    ]
    series.profiles = [
        ParticipantProfile(
            code=f"p{n}", label_en=f"Profile {n}", label_es=f"Perfil {n}", min_per_country=2
        )
        for n in range(3)
    ]
    db.session.add(series)
    db.session.flush()
    profile_ids = [p.id for p in series.profiles]
    session_ids = [s.id for s in series.sessions]
    rng = random.Random(rows)
    registrations = [
        {
            "series_id": series.id,
            "email": f"official{n}@bench.example",
            "first_name": rng.choice(("Ana", "José", "María", "Óscar", "Lucía")),
            "last_name": f"Pérez {n}",
            "country_code": COUNTRIES[n % len(COUNTRIES)],
            "observer_organization": "",
            "institution": "Dirección General de Migración",
            "position": "Oficial",
            "profile_id": profile_ids[n % 3],
            "language": "es",
            "timezone": "America/Costa_Rica",
            "consent_to_list": n % 3 != 0,
            "status": "confirmed",
            "rejection_reason": "",
            "manage_token": f"bench-{rows}-{n}",
            "created_at": start,
            "updated_at": start,
        }
        for n in range(rows)
    ]
    db.session.execute(db.insert(Registration), registrations)
    ids = list(
        db.session.scalars(db.select(Registration.id).where(Registration.series_id == series.id))
    )
    db.session.execute(
        db.insert(registration_sessions),
        [{"registration_id": r, "session_id": s} for r in ids for s in session_ids],
    )
    presences = [
        {
            "session_id": s,
            "registration_id": r,
            "state": AttendanceState.REGISTERED,
            "name": f"Registrant {r}",
            "email": "",
            "report_key": f"r{r}",
            "role": "attendee",
            "minutes": rng.randint(10, 120),
            "source": AttendanceSource.ZOOM,
            "updated_at": start,
        }
        for r in ids
        for s in session_ids
        if rng.random() < 0.8
    ]
    db.session.execute(db.insert(Attendance), presences)
    db.session.commit()
    return slug


def _measure(name: str, work: Callable[[], Any]) -> tuple[str, float, float, int]:
    """Time one run as it is; then run again under tracemalloc (which slows Python down) for
    the peak memory, counting the SQL statements."""
    from sqlalchemy import event

    from webinars.extensions import db

    db.session.expire_all()
    began = time.perf_counter()
    work()
    seconds = time.perf_counter() - began

    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", record)
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        event.remove(db.engine, "before_cursor_execute", record)
    return name, seconds, peak / 1024 / 1024, len(statements)


def _run(app: Any, slug: str) -> list[tuple[str, float, float, int]]:
    from webinars.exports import csv_chunks, pdf_table, xlsx_bytes
    from webinars.extensions import db
    from webinars.reports.participants import (
        ListScope,
        iter_participants,
        participant_cells,
        participant_header,
        participant_table,
    )
    from webinars.reports.report import build_report, load_report_data, report_json
    from webinars.series.models import Series

    results = []
    with app.test_request_context():

        def series() -> Series:
            return db.session.scalar(db.select(Series).filter_by(slug=slug))

        def report() -> None:
            report_json(build_report(load_report_data(series())))

        def csv() -> None:
            scope = ListScope(series())
            rows = (participant_cells(scope, p) for p in iter_participants(scope))
            for _chunk in csv_chunks(participant_header(scope), rows):
                pass

        def xlsx() -> None:
            xlsx_bytes([participant_table(ListScope(series()))])

        def pdf() -> None:
            pdf_table("Participants", "bench", participant_table(ListScope(series())))

        for name, work in (("report", report), ("csv", csv), ("xlsx", xlsx), ("pdf", pdf)):
            results.append(_measure(name, work))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    args = parser.parse_args()

    import tempfile

    from webinars import create_app
    from webinars.catalog.reference import ensure_reference_data
    from webinars.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = _database_url(args.database, Path(tmp))
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
            with app.app_context():
                from flask_migrate import upgrade

                upgrade(directory=str(ROOT / "migrations"))
                ensure_reference_data()
                db.session.commit()
                small, big = _fill(args.rows // 10), _fill(args.rows)
                # Planner statistics, as autovacuum keeps them on a live database: without
                # them PostgreSQL guesses one row per table and joins in nested loops.
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            print(f"database: {args.database}; 4 sessions; registrations per run as shown")
            print(f"{'export':<8} {'rows':>7} {'seconds':>9} {'peak MiB':>9} {'queries':>8}")
            for slug, rows in ((small, args.rows // 10), (big, args.rows)):
                for name, seconds, peak, queries in _run(app, slug):
                    print(f"{name:<8} {rows:>7} {seconds:>9.2f} {peak:>9.1f} {queries:>8}")
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        finally:
            if args.database == "postgresql":
                subprocess.run(
                    ["psql", PG, "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True
                )


if __name__ == "__main__":
    main()
