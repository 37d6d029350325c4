"""Profile the board and the escort submit in-process (pyinstrument), on the bench's data.

    .venv/bin/python benchmarks/profile.py [--tickets 100000] [--requests 50]

Makes a throwaway database as `make bench` does (PostgreSQL if it answers, else SQLite),
seeds it with benchmarks/seed.py, then times `--requests` GETs of /dispatch/ as the seeded
dispatcher and as many escort POSTs through the real form (CSRF on), each under
pyinstrument, and prints the call trees (wall time; CPU time in the header). The machine's
load average is printed too: on a loaded machine the wall time is mostly waiting.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import HIDDEN, OPTION, Database  # noqa: E402
from benchmarks.seed import portal_env, seed_portal  # noqa: E402

BASE = "https://127.0.0.1"  # the production config's trusted host; the cookie is Secure


def profiled(label: str, count: int, call) -> None:
    from pyinstrument import Profiler

    for _ in range(3):
        call()  # warm: templates compiled, connections open, statements prepared
    profiler = Profiler(interval=0.0005)
    began = time.perf_counter()
    with profiler:
        for _ in range(count):
            call()
    per_request = (time.perf_counter() - began) / count * 1000
    print(f"== {label}: {per_request:.1f} ms per request (wall); load average "
          f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(profiler.output_text(unicode=False, color=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--open-tickets", type=int, default=40,
                        help="seeded open tickets (default 40, as make bench; 2000: a flood)")
    args = parser.parse_args()
    db = Database()
    try:
        env = portal_env(db.url, 50)
        cookie = seed_portal(db.url, env, args.tickets, args.open_tickets)
        from app import create_app

        app = create_app("production")
        board = app.test_client()
        name, value = cookie.split("=", 1)
        board.set_cookie(name, value, domain="127.0.0.1", secure=True)

        def get_board() -> None:
            assert board.get("/dispatch/", base_url=BASE).status_code == 200

        visitor = app.test_client()
        page = visitor.get("/escorts/", base_url=BASE).get_data(as_text=True)
        places = OPTION.findall(page)
        form = {"csrf_token": dict(HIDDEN.findall(page))["csrf_token"],
                "from_place": places[0], "to_place": places[1], "when": "now",
                "party_size": "1", "phone": "(555) 010-1234", "name": "Bench Visitor"}

        def submit() -> None:
            response = visitor.post("/escorts/", base_url=BASE, headers={
                "Referer": f"{BASE}/escorts/"}, data={
                **form, "submission_key": secrets.token_urlsafe(24)})
            assert response.status_code == 303, response.status_code

        profiled("GET /dispatch/", args.requests, get_board)
        profiled("POST /escorts/", args.requests, submit)
    finally:
        db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
