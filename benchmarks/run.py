"""Benchmark the portal against a bare Flask+SQLAlchemy reference (`make bench`).

1. Makes a fresh database: PostgreSQL `bench_<random>` at 127.0.0.1:5432 when it answers
   (dropped at the end), else an SQLite file in a temporary folder.
2. Creates the portal's tables and the reference table, and bulk-seeds 100,000 tickets
   (escorts; 40 open, the rest closed over a year) and as many reference rows (as many
   open), so that the board and the reference list the same rows.
3. Starts both apps under gunicorn with the same workers on free loopback ports.
4. Drives each with the same concurrent load from threads using keep-alive connections
   (bounded in time and count; each portal scenario in slices alternating with its
   reference's, so that the shared machine's changing load falls on both alike) and
   prints requests/second, p50, p95 and max latency, and the portal/reference ratios
   for: (a) an escort request through the real form (CSRF on) against a one-row insert,
   (b) the dispatch queue against a select of the 50 newest open rows (measured first,
   before the submits add open tickets), (c) after a flood of 2,000 open tickets (1,000
   rows on the board), the board against a select of 1,000 rows,
   and (d) the home page with an active campus alert against the home page without one.

Only loopback addresses are used. Options: python benchmarks/run.py --help.
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.seed import (  # noqa: E402
    issue_alert,
    portal_env,
    seed_flood,
    seed_portal,
    seed_reference,
)

BIN = Path(sys.executable).parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"


# --- the database -----------------------------------------------------------------------

class Database:
    """A throwaway database: PostgreSQL if the local server answers, else SQLite."""

    def __init__(self, prefer_sqlite: bool = False) -> None:
        self.name = f"bench_{secrets.token_hex(4)}"
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.url = None if prefer_sqlite else self._create_postgres()
        if self.url is None:
            self.url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        self.kind = "PostgreSQL" if self.url.startswith("postgresql") else "SQLite"

    def _create_postgres(self) -> str | None:
        from sqlalchemy import create_engine, text

        try:
            engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
                self.server_version = conn.execute(text("SHOW server_version")).scalar()
            engine.dispose()
        except Exception as exc:  # noqa: BLE001 - any failure means "use SQLite"
            print(f"PostgreSQL not available ({type(exc).__name__}); using SQLite.")
            return None
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    def drop(self) -> None:
        if self.kind == "PostgreSQL":
            from sqlalchemy import create_engine, text

            engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- servers ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One app under gunicorn on a free loopback port, stopped on exit."""

    def __init__(self, target: str, env: dict, workers: int, threads: int,
                 ready_path: str) -> None:
        self.port = free_port()
        # Kept open for the server's lifetime (its output), left on disk for a failed start.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "gthread",
             "--threads", str(threads), "--bind", f"{HOST}:{self.port}", "--log-level",
             "warning", "--keep-alive", "30", target],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._wait(ready_path)

    def _wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", path)
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# --- load -------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    error_statuses: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100)[int(q) - 1] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.latencies, default=float("nan")) * 1000


class Client:
    """One keep-alive connection with a cookie jar of one cookie (the session)."""

    def __init__(self, port: int, cookie: str | None = None) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookie = cookie

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        self.last_status = response.status
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return response.status, text


def drive(name: str, make_client, step, seconds: float, concurrency: int,
          max_requests: int, warmup: float) -> Result:
    """Run `step(client)` from `concurrency` threads; time only after the warm-up."""
    result = Result(name)
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    lock = threading.Lock()

    def worker() -> None:
        client = make_client()
        while time.monotonic() < stop_at and len(result.latencies) < max_requests:
            began = time.perf_counter()
            ok = step(client)
            elapsed = time.perf_counter() - began
            with lock:
                if not ok:
                    result.errors += 1
                    status = getattr(client, "last_status", None)
                    result.error_statuses[status] = result.error_statuses.get(status, 0) + 1
                elif time.monotonic() >= measure_from:
                    result.latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = max(0.001, min(time.monotonic(), stop_at) - measure_from)
    return result


HIDDEN = re.compile(r'name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')
OPTION = re.compile(r'<option value="(\d+)"')


def escort_client(port: int):
    """GET the real form once (cookie, CSRF token, places); each step POSTs a new request
    with a fresh submission key, as a new page load would give."""
    client = Client(port)
    _status, page = client.send("GET", "/escorts/")
    fields = dict(HIDDEN.findall(page))
    places = OPTION.findall(page)
    client.form = {"csrf_token": fields["csrf_token"], "from_place": places[0],
                   "to_place": places[1], "when": "now", "party_size": "1",
                   "phone": "(555) 010-1234", "name": "Bench Visitor"}
    return client


def escort_step(client) -> bool:
    status, _ = client.send("POST", "/escorts/", {**client.form,
                                                 "submission_key": secrets.token_urlsafe(24)})
    return status == 303


def queue_step(client) -> bool:
    status, text = client.send("GET", "/dispatch/")
    return status == 200 and "Dispatch queue" in text


def reference_select(port: int, rows: int = 50):
    path = "/rows" if rows == 50 else f"/rows?limit={rows}"
    return lambda: Client(port), lambda c: c.send("GET", path)[0] == 200


def paired(results: dict, pair, load: dict, rounds: int) -> None:
    """Run the two scenarios of `pair` in `rounds` alternating slices (reference, portal,
    reference, ...), so that a change in the shared machine's load falls on both alike and
    their ratio holds; the first slice of each warms up for `load["warmup"]` s."""
    for name, _ in pair:
        results[name] = Result(name)
    for round_ in range(rounds):
        for name, (client, step) in pair:
            part = drive(name, client, step, **{
                **load, "seconds": load["seconds"] / rounds,
                "warmup": load["warmup"] if round_ == 0 else min(load["warmup"], 0.5)})
            total = results[name]
            total.latencies += part.latencies
            total.errors += part.errors
            total.seconds += part.seconds
            for status, count in part.error_statuses.items():
                total.error_statuses[status] = total.error_statuses.get(status, 0) + count


def run_all(args, portal_port: int, reference_port: int, cookie: str,
            flood=None) -> dict[str, Result]:
    """The board on the realistic seed first (before the submits add open tickets), then
    the submits, then (after `flood()` adds a flood of open tickets) the board again; each
    against its reference in alternating slices."""
    common = {"seconds": args.seconds, "concurrency": args.concurrency,
              "max_requests": args.max_requests, "warmup": args.warmup}
    light = {**common, "concurrency": args.light_concurrency}
    board = (lambda: Client(portal_port, cookie), queue_step)
    insert = (lambda: Client(reference_port),
              lambda c: c.send("POST", "/rows", {"title": "Escort", "phone": "555"})[0] == 303)
    results: dict[str, Result] = {}
    for pair, load in (
            ((("reference select", reference_select(reference_port)),
              ("dispatch queue", board)), common),
            ((("reference select, light load", reference_select(reference_port)),
              ("dispatch queue, light load", board)), light),
            ((("reference insert", insert),
              ("escort submit", (lambda: escort_client(portal_port), escort_step))), common)):
        paired(results, pair, load, args.rounds)
    if args.board_and_submit:
        return results
    results.update(home_page_runs(portal_port, common))
    if flood is not None:
        flood()
        rows = FLOOD_ROWS
        paired(results, ((f"reference select, {rows:,} rows",
                          reference_select(reference_port, rows)),
                         ("dispatch queue, flood", board)), common, args.rounds)
    return results


FLOOD_ROWS = 1000  # what the board lists in a flood: every P1 and P2, up to 1,000


def home_page_runs(portal_port: int, common: dict) -> dict[str, Result]:
    """The home page for a visitor without and then with an active campus alert (issued in
    this process: the servers' copies see it within ALERT_CACHE_SECONDS)."""
    def home_step(client, banner: bool) -> bool:
        status, text = client.send("GET", "/")
        return status == 200 and ('id="campus-alerts"' in text) == banner

    runs = {"home page": drive("home page", lambda: Client(portal_port),
                               lambda c: home_step(c, False), **common)}
    issue_alert()
    time.sleep(int(os.environ.get("ALERT_CACHE_SECONDS", "5")) + 1)
    runs["home page, active alert"] = drive("home page, active alert",
                                            lambda: Client(portal_port),
                                            lambda c: home_step(c, True), **common)
    return runs


# --- report -----------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text()
                          .splitlines() if line.startswith("MemTotal")))
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except OSError:
        memory = "unknown memory"
    return (f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def report(results: dict[str, Result], args, db: Database) -> str:
    load = os.getloadavg()
    lines = [
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)",
        f"Machine: {machine()}",
        f"Database: {db.kind}; {args.tickets:,} tickets ({args.open_tickets:,} open, the rest "
        f"closed over a year) and as many reference rows ({args.open_tickets:,} open); the "
        f"flood adds {args.flood_tickets:,} open to each",
        f"Servers: gunicorn, {args.workers} workers x {args.threads} threads (gthread) each; "
        f"load: {args.concurrency} keep-alive clients, {args.seconds:g} s per scenario in "
        f"{args.rounds} slices alternating with its reference, after {args.warmup:g} s "
        "warm-up",
        "",
        "| scenario | requests/s | p50 ms | p95 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results.values():
        errors = f"{r.errors} {r.error_statuses}" if r.errors else "0"
        lines.append(f"| {r.name} | {r.rps:.0f} | {r.pct(50):.1f} | {r.pct(95):.1f} | "
                     f"{r.max_ms:.1f} | {errors} |")
    submit = results["escort submit"].rps / max(results["reference insert"].rps, 1e-9)
    queue = results["dispatch queue"].rps / max(results["reference select"].rps, 1e-9)
    p95 = results["dispatch queue"].pct(95)
    light_p95 = results["dispatch queue, light load"].pct(95)
    home_lines = home_page_lines(results)
    lines += [
        "",
        "Realistic seed: the board and the reference list the same open rows "
        f"({args.open_tickets:,}); the submits come after the board scenarios.",
        "",
        f"Escort submit / reference insert: {submit:.2f} (target >= 0.5) "
        f"{'OK' if submit >= 0.5 else 'MISSED'}",
        f"Dispatch queue / reference select: {queue:.2f} (target >= 0.5) "
        f"{'OK' if queue >= 0.5 else 'MISSED'}",
        f"Dispatch queue p95: {p95:.1f} ms with {args.concurrency} clients, "
        f"{light_p95:.1f} ms with {args.light_concurrency} (target < 100 ms) "
        f"{'OK' if p95 < 100 else 'MISSED'} / {'OK' if light_p95 < 100 else 'MISSED'}",
    ]
    return "\n".join(lines + home_lines + flood_lines(results))


def home_page_lines(results: dict[str, Result]) -> list[str]:
    if "home page" not in results:
        return []
    home = results["home page, active alert"].rps / max(results["home page"].rps, 1e-9)
    return [f"Home page with an active alert / without: {home:.2f} (target >= 0.9) "
            f"{'OK' if home >= 0.9 else 'MISSED'}"]


def flood_lines(results: dict[str, Result]) -> list[str]:
    flood = results.get("dispatch queue, flood")
    if flood is None:
        return []
    same = flood.rps / max(results[f"reference select, {FLOOD_ROWS:,} rows"].rps, 1e-9)
    fifty = flood.rps / max(results["reference select"].rps, 1e-9)
    return [
        f"Flood (the old heavy seed): the board lists {FLOOD_ROWS:,} rows; / reference "
        f"select of {FLOOD_ROWS:,} rows: {same:.2f}; / reference select of 50 rows: "
        f"{fifty:.2f}; p95 {flood.pct(95):.1f} ms with 8 clients",
    ]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--open-tickets", type=int, default=40,
                        help="seeded tickets that are open (default 40: a shift's work)")
    parser.add_argument("--flood-tickets", type=int, default=2000,
                        help="open tickets the flood scenario adds (default 2,000; 0: none)")
    parser.add_argument("--queue-limit", type=int, default=50,
                        help="rows on the queue page, as the reference's 50 (default 50)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--light-concurrency", type=int, default=2,
                        help="clients for the light-load queue latency run (default 2)")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating slices of each reference/portal pair (default 3)")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL runs")
    parser.add_argument("--skip-pages", action="store_true",
                        help="only the live-stream scenarios (benchmarks/live.py)")
    parser.add_argument("--skip-live", action="store_true", help="no live-stream scenarios")
    parser.add_argument("--board-and-submit", action="store_true",
                        help="of the page scenarios only the board (8 and 2 clients) and the "
                             "escort submit, each against its reference (no home page, no "
                             "flood); the live scenarios still run unless --skip-live")
    parser.add_argument("--dashboard", action="store_true",
                        help="only the operations dashboard on a large table "
                             "(benchmarks/dashboard.py; PostgreSQL)")
    parser.add_argument("--dashboard-tickets", type=int, default=1_000_000)
    parser.add_argument("--dashboard-concurrency", type=int, default=1)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.dashboard:
        from benchmarks import dashboard

        print(dashboard.run(args), flush=True)
        return 0
    db = Database(prefer_sqlite=args.sqlite)
    servers: list[Server] = []
    try:
        print(f"Seeding {args.tickets:,} tickets and reference rows in {db.kind}...", flush=True)
        began = time.monotonic()
        env = portal_env(db.url, args.queue_limit)
        cookie = seed_portal(db.url, env, args.tickets, args.open_tickets)
        seed_reference(db.url, args.tickets, args.open_tickets)
        print(f"Seeded in {time.monotonic() - began:.0f} s. Starting servers...", flush=True)
        portal = Server("wsgi:app", env, args.workers, args.threads, "/")
        servers.append(portal)
        reference = Server("benchmarks.reference_app:app",
                           {**os.environ, "REFERENCE_DATABASE_URL": db.url},
                           args.workers, args.threads, "/rows")
        servers.append(reference)
        if not args.skip_pages:
            flood = (lambda: seed_flood(db.url, args.flood_tickets)) if args.flood_tickets else None
            results = run_all(args, portal.port, reference.port, cookie, flood)
            print()
            print(report(results, args, db))
        if not args.skip_live:
            from benchmarks import live

            print(live.run(args, env, cookie, portal.port), flush=True)
    finally:
        for server in servers:
            server.stop()
        db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
