"""Live streams under load, run by `make bench` after the page scenarios (benchmarks/run.py).

The production model: pages and forms on the main gunicorn (gthread), /live/* on gevent
stream servers. Here two stream servers of one gevent worker each (so the streams are
split across two worker processes for sure) on their own ports, as a reverse proxy would
route /live/ to them.

1. Event to screen: 50 board streams (25 per worker); escorts are posted through the real
   form on the main server; for every (stream, event) the time from the event's creation
   (its created_at, taken before the commit, so the figure is an upper bound) to its
   arrival at the stream's socket: p50, p95, max.
2. Escort submit p95 with 200 idle board streams open (100 per worker): every submit
   wakes all of them (NOTIFY), so this also measures what the streams cost the database.
"""
from __future__ import annotations

import contextlib
import json
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime

from benchmarks.run import BIN, HOST, ROOT, Server, drive, escort_client, escort_step, free_port


class StreamServer(Server):
    """The app under gunicorn's gevent worker (gunicorn_live.conf.py's model)."""

    def __init__(self, env: dict, workers: int = 1) -> None:  # noqa: D107
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="gunicorn-live-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "gevent",
             "--worker-connections", "2000", "--bind", f"{HOST}:{self.port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._wait("/")


class Stream(threading.Thread):
    """One open board stream on a raw socket; records when each created event arrives."""

    def __init__(self, port: int, cookie: str, arrivals: list, lock: threading.Lock) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie, self.arrivals, self.lock = port, cookie, arrivals, lock
        self.connected = threading.Event()
        self.stop = False
        self.sock = None

    def run(self) -> None:
        sock = self.sock = socket.create_connection((HOST, self.port), timeout=120)
        sock.sendall((f"GET /live/board HTTP/1.1\r\nHost: {HOST}\r\nCookie: {self.cookie}\r\n"
                      "Accept: text/event-stream\r\n\r\n").encode())
        buffer = b""
        try:
            while not self.stop:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                received = time.time()
                buffer += chunk
                if b"retry:" in buffer:
                    self.connected.set()
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    self._record(block.decode("utf-8", "replace"), received)
        except OSError:
            return
        finally:
            sock.close()

    def _record(self, block: str, received: float) -> None:
        if "event: ticket" not in block:
            return
        for line in block.splitlines():
            if line.startswith("data: "):
                data = json.loads(line[6:])
                if data.get("kind") == "created":
                    at = datetime.fromisoformat(data["at"].rstrip("Z")).replace(tzinfo=UTC)
                    with self.lock:
                        self.arrivals.append(received - at.timestamp())


def open_streams(ports: list[int], per_port: int, cookie: str):
    arrivals: list[float] = []
    lock = threading.Lock()
    streams = [Stream(port, cookie, arrivals, lock) for port in ports for _ in range(per_port)]
    for stream in streams:
        stream.start()
    for stream in streams:
        if not stream.connected.wait(30):
            raise RuntimeError("a stream did not open")
    return streams, arrivals


def close_streams(streams) -> None:
    for stream in streams:
        stream.stop = True
        with contextlib.suppress(OSError):
            stream.sock.shutdown(socket.SHUT_RDWR)
    for stream in streams:
        stream.join(5)


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def event_to_screen(portal_port: int, ports: list[int], cookie: str, events: int = 30):
    streams, arrivals = open_streams(ports, 25, cookie)
    client = escort_client(portal_port)
    for _ in range(events):
        escort_step(client)
        time.sleep(0.25)
    time.sleep(2)
    close_streams(streams)
    return list(arrivals), len(streams) * events


def run(args, env: dict, cookie: str, portal_port: int) -> str:
    env = {**env, "LIVE_HEARTBEAT_SECONDS": "15"}
    servers = [StreamServer(env), StreamServer(env)]
    try:
        ports = [s.port for s in servers]
        arrivals, expected = event_to_screen(portal_port, ports, cookie)
        common = {"seconds": args.seconds, "concurrency": args.concurrency,
                  "max_requests": args.max_requests, "warmup": args.warmup}
        bare = drive("escort submit, no stream open", lambda: escort_client(portal_port),
                     escort_step, **common)
        idle, _ = open_streams(ports, 100, cookie)
        loaded = drive("escort submit, 200 streams open", lambda: escort_client(portal_port),
                       escort_step, **common)
        close_streams(idle)
    finally:
        for server in servers:
            server.stop()
    p95 = pct(arrivals, 95)
    return "\n".join([
        "",
        "Live streams: 2 stream servers x 1 gevent worker; main server as above.",
        f"Event to screen, 50 board streams over 2 workers: {len(arrivals)} of {expected} "
        f"arrivals; p50 {pct(arrivals, 50):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(arrivals, default=float('nan')) * 1000:.1f} ms (target p95 < 1000 ms) "
        f"{'OK' if p95 < 1000 and len(arrivals) == expected else 'MISSED'}",
        f"Escort submit, no stream open: {bare.rps:.0f} req/s, p50 {bare.pct(50):.1f} ms, "
        f"p95 {bare.pct(95):.1f} ms, errors {bare.errors}",
        f"Escort submit with 200 idle streams open: {loaded.rps:.0f} req/s, p50 "
        f"{loaded.pct(50):.1f} ms, p95 {loaded.pct(95):.1f} ms, errors {loaded.errors} "
        f"(target p95 < 500 ms) {'OK' if loaded.pct(95) < 500 else 'MISSED'}",
    ])
