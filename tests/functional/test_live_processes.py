"""Across processes: an event committed by another process reaches a stream held here.

On PostgreSQL the other process's transaction sends NOTIFY with the event row; this
process's listener thread wakes the stream at once. The heartbeat is set to 30 s, so the
event can only arrive through the wake-up (a log re-read at a heartbeat would be too late
for the read below). On SQLite the per-process poll of the newest id does the same.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.services import events
from tests.fixtures.live import read_sse, ticket_events

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from app import create_app
    from app.core.database import use_case
    from app.services.tickets import open_ticket
    from app.models.escorts import EscortRequest

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1])
    with app.app_context():
        ticket = EscortRequest(priority=1, summary="From another process", from_other="A",
                        to_other="B", party_size=1)
        opened = use_case(open_ticket)(ticket, None, "other-process-1", audit_ip=False)
        print(opened.reference)
""")


def test_an_event_committed_by_another_process_reaches_an_open_board_stream(
        app, db, login_as, live_config):
    live_config.update(LIVE_HEARTBEAT_SECONDS=30, LIVE_SESSION_CHECK_SECONDS=30)
    desk = login_as("dispatcher")
    db.session.commit()
    since = events.newest_cursor().token()
    db.session.commit()
    response = desk.get(f"/live/board?since={since}", buffered=False)
    try:
        assert b"retry" in next(iter(response.response))  # open before the other write
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        done = subprocess.run([sys.executable, "-c", SCRIPT, url], cwd=ROOT, text=True,
                              capture_output=True, timeout=60,
                              env={**os.environ, "PORTAL_ENV": "testing"})
    except BaseException:
        response.close()
        raise
    assert done.returncode == 0, done.stderr
    reference = done.stdout.strip().splitlines()[-1]
    got = ticket_events(read_sse(response, until=lambda e: ticket_events(e), seconds=15))
    assert [e.data["reference"] for e in got] == [reference]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="NOTIFY is PostgreSQL's: set TEST_DATABASE_URL to a PostgreSQL URL")
def test_notify_is_sent_only_when_the_event_commits(app, db, make_ticket):
    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    dsn = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(dsn.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("LISTEN portal_events")
        db.session.execute(text("SELECT 1"))
        ticket = make_ticket()
        committed = list(conn.notifies(timeout=2, stop_after=1))
        assert committed, "a committed event wakes listeners"
        from app.models.tickets import TicketEvent

        db.session.add(TicketEvent(ticket_id=ticket.id, kind="note", body="never committed"))
        db.session.flush()
        db.session.rollback()
        assert list(conn.notifies(timeout=1, stop_after=1)) == []
