"""Outbox delivery: invitation e-mails per second to a local SMTP server, each exactly once.

    .venv/bin/python bench/delivery.py [--messages 10000] [--workers 2]

Creates the PostgreSQL database `webinars_bench_delivery` afresh with an online series of two
sessions and `--messages` / 2 confirmed registrations, and queues one calendar invitation
per registration and session (`invitations.flow.sync_registration`, as a registration does;
no other e-mail). Starts an aiosmtpd server on localhost (in this process) and `--workers`
processes of `flask outbox work --once` against it, and times them from their start until
the last one has delivered everything due. Prints messages per second and the CPU time per
message of the workers and of the SMTP server (which the machine's load does not change), then
checks that the server received every Message-ID of the outbox exactly once and that every row
is `sent`.
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration import PG, _free_port, _psql, server_environment  # noqa: E402

DB = "webinars_bench_delivery"


class _Sink:
    """aiosmtpd handler: counts the Message-IDs it accepts."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        header = content.split(b"\r\n\r\n", 1)[0]
        for line in header.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    self.ids[line.split(b":", 1)[1].strip().decode()] += 1
        return "250 Message accepted for delivery"


def _prepare(env: dict[str, str], messages: int) -> None:
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
from webinars.invitations import flow
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import new_secret
from webinars.series.models import *
from webinars.sessions.models import *
app = create_app()
with app.app_context():
    ensure_reference_data()
    start = datetime.now(UTC) + timedelta(days=30)
    series = Series(slug="bench-delivery", title_en="Bench", title_es="Banco",
                    modality=Modality.ONLINE, timezone="America/Costa_Rica",
                    status=SeriesStatus.PUBLISHED, conference_url="https://zoom.us/j/1",
                    registration_opens_at=datetime.now(UTC) - timedelta(days=1))
    for day in range(2):
        series.sessions.append(EventSession(topic_en=f"Session {{day}}", topic_es=f"Sesión {{day}}",
            start_at=start + timedelta(days=day), end_at=start + timedelta(days=day, hours=2)))
    db.session.add(series)
    db.session.commit()
    for batch in range({messages // 2} // 500 + 1):
        registrations = [
            Registration(series=series, email=f"p{{batch}}x{{n}}@bench.example", first_name="Ana",
                         last_name=f"Entrega {{n}}", country_code="CR", institution="Fiscalía",
                         position="Fiscal", language="es" if n % 2 else "en",
                         timezone="America/Costa_Rica", status=RegistrationStatus.CONFIRMED,
                         manage_token=new_secret(), sessions=list(series.sessions))
            for n in range(min(500, {messages // 2} - batch * 500))
        ]
        if not registrations:
            break
        db.session.add_all(registrations)
        db.session.flush()
        for registration in registrations:
            flow.sync_registration(registration)
        db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def _cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of the ended child processes (the workers, once waited for)
    and of this process (the aiosmtpd server's thread): a figure the machine's load does not
    change, unlike the messages per second."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    itself = resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime, itself.ru_utime + itself.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--profile", metavar="FILE", help="run the first worker under cProfile, stats to FILE"
    )
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    dsn = f"{PG}/{DB}"
    port = _free_port()
    env = dict(server_environment(dsn), MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    try:
        began = time.monotonic()
        _prepare(env, args.messages)
        queued_in = time.monotonic() - began
        controller.start()
        load_before = os.getloadavg()
        cpu_before = _cpu_seconds()
        began = time.monotonic()
        command = ["-m", "flask", "--app", "webinars", "outbox", "work", "--once"]
        profiled = ["-m", "cProfile", "-o", args.profile] if args.profile else []
        workers = [
            subprocess.Popen(
                [sys.executable, *(profiled if n == 0 else []), *command],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(args.workers)
        ]
        outputs = [w.communicate() for w in workers]
        elapsed = time.monotonic() - began
        load_after = os.getloadavg()
        workers_cpu, sink_cpu = (a - b for a, b in zip(_cpu_seconds(), cpu_before, strict=True))
        for worker, (_out, err) in zip(workers, outputs, strict=True):
            if worker.returncode != 0:
                raise SystemExit(err)
        import psycopg

        with psycopg.connect(dsn) as conn:
            rows = conn.execute("SELECT message_id, status, kind FROM outbox_messages").fetchall()
        total = sum(sink.ids.values())
        print(
            f"{len(rows)} invitations queued in {queued_in:.1f} s (setup);"
            f" {args.workers} workers (`flask outbox work --once`), PostgreSQL, aiosmtpd on"
            f" localhost, {os.cpu_count()} cores; load average before {load_before[0]:.1f},"
            f" after {load_after[0]:.1f}"
        )
        for out, _err in outputs:
            print("  worker:", " ".join(out.split()))
        print(f"delivered {total} in {elapsed:.1f} s: {total / elapsed:.1f} messages/s")
        print(
            f"CPU per message: workers {workers_cpu / max(total, 1) * 1000:.2f} ms (start-up"
            f" included), aiosmtpd {sink_cpu / max(total, 1) * 1000:.2f} ms"
        )
        ids = {message_id for message_id, _s, _k in rows}
        once = set(sink.ids.values()) == {1} and set(sink.ids) == ids
        all_sent = {status for _m, status, _k in rows} == {"sent"}
        invitations = all(kind.startswith("invitation.") for _m, _s, kind in rows)
        ok = once and all_sent and invitations and len(rows) == args.messages
        print(
            f"integrity: {'OK' if ok else 'FAILED'}: {len(rows)} rows, {len(sink.ids)} distinct"
            f" Message-IDs received, at most {max(sink.ids.values(), default=0)} copies of one,"
            f" every row sent: {all_sent}"
        )
    finally:
        controller.stop()
        _psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
