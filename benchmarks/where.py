"""Where a scenario's time goes across processes: CPU per request and what PostgreSQL waits on.

    .venv/bin/python benchmarks/where.py [--scenario submit|board] [--seconds 10]

Starts the portal (and the reference) under gunicorn as `make bench` does, drives the
scenario with 8 keep-alive clients, and prints for it and its reference: requests/s, the
CPU each request costs in the app's workers, in PostgreSQL's backends and in the load
generator (from /proc and getrusage, so whatever the profilers miss is counted), and then,
sampled every 20 ms while the portal runs, what its database connections were doing (on
average how many were idle, in a transaction waiting for the app, or waiting on a lock,
and on which statement). The samples cost the machine a little: read the requests/s from
`make bench`, the shares from here. PostgreSQL only.
"""
from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import (  # noqa: E402
    Client,
    Database,
    Server,
    drive,
    escort_client,
    escort_step,
    queue_step,
)
from benchmarks.seed import portal_env, seed_portal, seed_reference  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
ACTIVITY = ("SELECT state, coalesce(wait_event_type, '-'), coalesce(wait_event, '-'), "
            "CASE WHEN state = 'active' THEN left(query, 50) ELSE '' END "
            "FROM pg_stat_activity WHERE datname = :name AND backend_type = 'client backend' "
            "AND query NOT LIKE 'LISTEN%' AND pid <> pg_backend_pid()")


def cpu_seconds(match) -> float:
    """CPU seconds (user + system) of the processes whose /proc stat `match` accepts."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if match(comm, int(fields[2])):
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, server: Server, client, step, seconds: float, sample=None) -> None:
    drive(name, client, step, seconds=2, concurrency=8, max_requests=10**6, warmup=0)
    app = lambda: cpu_seconds(lambda _c, group: group == server.process.pid)  # noqa: E731
    pg = lambda: cpu_seconds(lambda comm, _g: comm.startswith("postgres"))  # noqa: E731
    before = (app(), pg(), own_cpu())
    done = threading.Event()
    sampler = threading.Thread(target=sample, args=(done,)) if sample else None
    if sampler:
        sampler.start()
    result = drive(name, client, step, seconds=seconds, concurrency=8, max_requests=10**6,
                   warmup=0)
    done.set()
    if sampler:
        sampler.join()
    spent = [(after - first) * 1000 / max(len(result.latencies), 1)
             for after, first in zip((app(), pg(), own_cpu()), before, strict=True)]
    print(f"{name:18} {result.rps:6.0f} req/s   CPU per request: app {spent[0]:.2f} ms, "
          f"PostgreSQL {spent[1]:.2f} ms, load generator {spent[2]:.2f} ms", flush=True)


def activity_sampler(db: Database):
    from sqlalchemy import create_engine, text

    counts: collections.Counter = collections.Counter()

    def sample(done: threading.Event) -> None:
        engine = create_engine(db.url, isolation_level="AUTOCOMMIT")
        samples = 0
        with engine.connect() as connection:
            while not done.is_set():
                counts.update(tuple(row) for row in connection.execute(
                    text(ACTIVITY), {"name": db.name}))
                samples += 1
                time.sleep(0.02)
        engine.dispose()
        print(f"the portal's database connections, on average over {samples} samples:")
        for (state, kind, event, query), seen in counts.most_common(8):
            print(f"  {seen / samples:5.2f}  {state:20} {kind}/{event} {query}")

    return sample


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", choices=("submit", "board"), default="submit")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    db = Database()
    if db.kind != "PostgreSQL":
        print("needs PostgreSQL on 127.0.0.1:5432")
        return 1
    servers: list[Server] = []
    try:
        env = portal_env(db.url, 50)
        cookie = seed_portal(db.url, env, 100_000, 40)
        seed_reference(db.url, 100_000, 40)
        portal = Server("wsgi:app", env, 2, 4, "/")
        servers.append(portal)
        reference = Server("benchmarks.reference_app:app",
                           {**os.environ, "REFERENCE_DATABASE_URL": db.url}, 2, 4, "/rows")
        servers.append(reference)
        if args.scenario == "submit":
            measure("reference insert", reference, lambda: Client(reference.port),
                    lambda c: c.send("POST", "/rows", {"title": "E", "phone": "5"})[0] == 303,
                    args.seconds)
            measure("escort submit", portal, lambda: escort_client(portal.port), escort_step,
                    args.seconds, activity_sampler(db))
        else:
            measure("reference select", reference, lambda: Client(reference.port),
                    lambda c: c.send("GET", "/rows")[0] == 200, args.seconds)
            measure("dispatch queue", portal, lambda: Client(portal.port, cookie), queue_step,
                    args.seconds, activity_sampler(db))
    finally:
        for server in servers:
            server.stop()
        db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
