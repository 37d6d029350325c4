"""What a member of staff who is not an advocate can learn of DV activity from the live
streams and the ids they are shown: nothing, not even when it happened.

A DV request wakes every stream of the process (one NOTIFY channel), so a board stream's
output must not change with it: no event, no cursor, no moved heartbeat.
"""
from __future__ import annotations

import threading

import pytest

from app.services import support
from tests.fixtures.live import read_sse
from tests.fixtures.support import request_data

pytestmark = pytest.mark.usefixtures("live_config")


def file_dv_requests_meanwhile(app, every: float, count: int) -> threading.Thread:
    """DV requests filed by another thread (another person) while the test reads."""
    stop = threading.Event()

    def file_them() -> None:
        with app.app_context():
            for n in range(count):
                if stop.wait(every):
                    return
                support.submit_request(request_data(), None, f"dv-meanwhile-{n:04d}-key")

    thread = threading.Thread(target=file_them, daemon=True)
    thread.stop = stop
    thread.start()
    return thread


def test_dv_requests_neither_reach_a_board_stream_nor_move_its_heartbeats(
        app, db, login_as, live_config):
    live_config.update(LIVE_HEARTBEAT_SECONDS=1, LIVE_SESSION_CHECK_SECONDS=30)
    desk = login_as("dispatcher")
    db.session.commit()
    # A request every 0.4 s: a wake-up that restarted the heartbeat's wait would keep the
    # 1-second heartbeat from ever coming while they go on.
    filing = file_dv_requests_meanwhile(app, every=0.4, count=9)
    raw: list[str] = []
    try:
        read_sse(desk.get("/live/board", buffered=False), raw=raw, seconds=3.6)
    finally:
        filing.stop.set()
        filing.join(10)
    blocks = raw[1:]  # after "retry:"
    assert blocks and set(blocks) == {": heartbeat"}, blocks
    assert len(blocks) >= 2
