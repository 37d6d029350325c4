"""The safety timer with several workers: each due walk opens exactly one ticket.

Real concurrency, on SQLite and on PostgreSQL (TEST_DATABASE_URL): threads that each hold
their own app context, session and connection, released together by a barrier; and real
`python` processes running the job, as two `flask worker`s on two machines would. On
PostgreSQL the job claims walks with SELECT ... FOR UPDATE SKIP LOCKED, so the two workers
share the due walks; on SQLite the write lock (BEGIN IMMEDIATE) takes them one at a time.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db as _db
from app.models.base import utcnow
from app.models.tickets import Ticket, TicketEvent
from app.models.walks import ALERTED, SafetyTimerTicket, VirtualWalk
from app.services import walks
from tests.helpers import run_threads

ROOT = Path(__file__).resolve().parents[2]
T0 = utcnow().replace(microsecond=0)

# One worker process: run the timer job once at the given time; print how many it fired.
WORKER = textwrap.dedent("""
    import sys
    from datetime import datetime
    from app import create_app
    from app.services.walks import fire_due_walks

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1])
    with app.app_context():
        print(fire_due_walks(now=datetime.fromisoformat(sys.argv[2])))
""")


def tickets_per_walk(db) -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(
        select(Ticket.submission_key, func.count(Ticket.id)).where(Ticket.kind == "safety_timer")
        .group_by(Ticket.submission_key)).all()
    return dict(rows)


def race(app, actions) -> list[BaseException | None]:
    """Run each action in its own thread and app context, all released at once."""
    barrier = threading.Barrier(len(actions))
    results: list[BaseException | None] = [None] * len(actions)

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                actions[i]()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                results[i] = error
            finally:
                _db.session.remove()

    run_threads(run, [(i,) for i in range(len(actions))])
    return results


def worker_processes(app, now, count: int = 2) -> list[int]:
    """Start `count` worker processes at once on the test database; what each fired."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "PORTAL_ENV": "testing"}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, now.isoformat()], cwd=ROOT,
                              env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(count)]
    fired = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        fired.append(int(out.strip().splitlines()[-1]))
    return fired


def test_two_worker_threads_fire_each_due_walk_once(app, db, start_walk):
    for _ in range(6):
        start_walk(minutes=5, now=T0)
    at = T0 + timedelta(minutes=5, seconds=3)
    fired: list[int] = []
    results = race(app, [lambda: fired.append(walks.fire_due_walks(now=at))] * 2)
    assert results == [None, None]
    assert sum(fired) == 6
    assert sorted(tickets_per_walk(db).values()) == [1] * 6
    assert db.session.scalar(select(func.count(VirtualWalk.id))
                             .where(VirtualWalk.status == ALERTED)) == 6


def test_two_worker_processes_fire_each_due_walk_once(app, db, start_walk):
    for _ in range(4):
        start_walk(minutes=5, now=T0)
    db.session.commit()
    fired = worker_processes(app, T0 + timedelta(minutes=6))
    assert sum(fired) == 4
    assert sorted(tickets_per_walk(db).values()) == [1] * 4


def test_a_worker_restarted_after_the_deadline_fires_once(app, db, start_walk):
    start_walk(minutes=5, now=T0)
    db.session.commit()
    deadline = T0 + timedelta(minutes=5)
    assert worker_processes(app, deadline - timedelta(seconds=1), count=1) == [0]
    # The worker is down at the deadline; a new process starts 20 minutes later.
    assert worker_processes(app, deadline + timedelta(minutes=20), count=1) == [1]
    assert worker_processes(app, deadline + timedelta(minutes=21), count=1) == [0]
    assert list(tickets_per_walk(db).values()) == [1]


def test_help_now_while_the_worker_fires_opens_one_ticket(app, db, start_walk):
    walk_id = start_walk(minutes=5, now=T0).walk.id
    at = T0 + timedelta(minutes=5, seconds=1)
    results = race(app, [lambda: walks.fire_due_walks(now=at),
                         lambda: walks.help_now(walk_id, now=at)])
    assert results == [None, None]
    assert list(tickets_per_walk(db).values()) == [1]


def test_a_check_in_racing_the_worker_never_leaves_both_a_safe_end_and_a_ticket(
        app, db, start_walk):
    walk_id = start_walk(minutes=5, now=T0).walk.id
    at = T0 + timedelta(minutes=5)
    results = race(app, [lambda: walks.fire_due_walks(now=at),
                         lambda: walks.end_safely(walk_id, now=at)])
    assert results == [None, None]
    db.session.rollback()
    walk = db.session.get(VirtualWalk, walk_id)
    tickets = db.session.scalars(select(SafetyTimerTicket)).all()
    if walk is None:  # the check-in won: deleted, and nothing fired
        assert tickets == []
    else:  # the worker won: one ticket, and dispatch was told the walker is safe
        assert walk.status == ALERTED and len(tickets) == 1
        assert db.session.scalar(select(func.count(TicketEvent.id)).where(
            TicketEvent.ticket_id == tickets[0].id, TicketEvent.kind == "message_in")) == 1
