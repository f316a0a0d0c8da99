"""Where the CPU of a request goes under load: the workers, PostgreSQL, the load generator.

    .venv/bin/python bench/cpu_per_request.py [confirmed] [waitlisted] [flask] [wsgi]
        [--seconds 10] [--repeat 1] [--all]

Serves each target named (those of `bench/registration.py`) under gunicorn with 2 sync
workers, warms it, runs the closed loop with 50 connections for `--seconds`, and divides the
CPU time (user + system, from /proc) of the gunicorn workers, of the PostgreSQL backends that
serve them, and of this process (the load generator) by the registrations answered; the last
figure is both cores' time, busy or idle, per registration. `--repeat` measures that many
runs in a row on the same server and series (how the cost grows with the series); with
`--all` the four targets are served at once, as `bench/registration.py` does. Creates the database `webinars_bench`
afresh and drops it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import registration as bench  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int) -> int:
    """User and system CPU of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def _backends() -> list[int]:
    query = f"SELECT pid FROM pg_stat_activity WHERE datname = '{bench.DB}'"
    found = subprocess.run(
        ["psql", f"{bench.PG}/postgres", "-Atc", query], capture_output=True, text=True
    ).stdout
    return [int(p) for p in found.split()]


def _machine_ticks() -> int:
    return sum(int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:8])


def _measure(label: str, port: int, path: str, seconds: float, tag: str) -> str:
    workers = _children(servers[label][0].pid)
    backends = _backends()
    processes = {"workers": workers, "postgres": backends, "load": [os.getpid()]}
    before = {name: sum(map(_ticks, pids)) for name, pids in processes.items()}
    machine = _machine_ticks()
    run = bench._load(port, path, 50, seconds, tag)
    machine = _machine_ticks() - machine
    answered = run.statuses.get(201, 0)

    def per_request(ticks: int) -> str:
        return f"{ticks / CLOCK_TICKS * 1000 / answered:.2f}"

    spent = {name: sum(map(_ticks, pids)) - before[name] for name, pids in processes.items()}
    return (
        f"{label:<10} {answered / run.seconds:7.1f} req/s; CPU ms a request: workers"
        f" {per_request(spent['workers'])}, PostgreSQL {per_request(spent['postgres'])}"
        f" ({len(backends)} connections), load generator {per_request(spent['load'])};"
        f" both cores, busy or idle, {per_request(machine)}"
    )


servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", default=["confirmed", "flask"])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=1, help="runs in a row on one series")
    parser.add_argument("--all", action="store_true", help="serve the four targets at once")
    args = parser.parse_args()
    bench._psql(f"DROP DATABASE IF EXISTS {bench.DB}")
    bench._psql(f"CREATE DATABASE {bench.DB}")
    dsn = f"{bench.PG}/{bench.DB}"
    env = bench.server_environment(dsn)
    try:
        bench._prepare(env)
        from bench.bare_app import create_table
        from bench.bare_flask_app import create_table as create_flask_table

        create_table(dsn)
        create_flask_table(dsn)
        paths = {label: (app, path) for label, app, path in bench.TARGETS}
        served = list(paths if args.all else dict.fromkeys(args.targets))  # each served once
        for label, port in zip(served, bench._free_ports(len(served)), strict=True):
            servers[label] = (bench._serve(paths[label][0], env, 2, port), port)
        for turn, label in enumerate(args.targets):  # addresses new at every turn
            port, path = servers[label][1], paths[label][1]
            bench._load(port, path, 5, 2, f"warm{label}{turn}t")
            for n in range(args.repeat):
                tag = f"cpu{label}{turn}t{n}x"
                print(_measure(label, port, path, args.seconds, tag), flush=True)
    finally:
        for server, _port in servers.values():
            server.terminate()
            server.wait()
        bench._psql(f"DROP DATABASE IF EXISTS {bench.DB}")


if __name__ == "__main__":
    main()
