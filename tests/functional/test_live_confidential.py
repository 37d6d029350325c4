"""What a member of staff who is not an advocate can learn of DV activity from the live
streams and the ids they are shown: nothing, not even when it happened.

A DV request wakes every stream of the process (one NOTIFY channel), so a board stream's
output must not change with it: no event, no cursor, no moved heartbeat.
"""
from __future__ import annotations

import threading

import pytest

from app.services import dispatch, support
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


def test_the_tickets_dispatch_sees_are_numbered_as_if_no_dv_request_existed(
        db, make_ticket, make_dv_request):
    before = make_ticket(summary="Escort before")
    dv, _token = make_dv_request()
    also_confidential = make_ticket(confidential=True, summary="Advocates only")
    after = make_ticket(summary="Escort after")
    assert after.id == before.id + 1  # no gap where the DV requests were filed
    assert dv.id < 0 and also_confidential.id < 0 and dv.id != also_confidential.id


def test_an_advocate_works_a_dv_request_at_its_own_address(db, login_as, make_dv_request):
    dv, _token = make_dv_request()
    advocate = login_as("advocate")
    page = advocate.get(f"/support/advocate/{dv.id}")
    assert page.status_code == 200 and dv.reference in page.get_data(as_text=True)
    acknowledged = advocate.post(f"/support/advocate/{dv.id}/acknowledge",
                                 data={"version": dv.version})
    assert acknowledged.status_code in (302, 303)
    db.session.refresh(dv)
    assert dv.status == "acknowledged"


def test_the_first_ticket_after_only_dv_requests_is_numbered_above_zero(
        db, make_ticket, make_dv_request):
    make_dv_request()
    make_dv_request()
    first = make_ticket(summary="First escort of the night")
    assert first.id > 0


def test_what_a_dispatcher_is_shown_carries_no_event_id(db, login_as, make_ticket,
                                                        make_dv_request):
    import re

    from app.services import events
    from tests.fixtures.live import ticket_events
    from tests.functional.test_live_stream import events_url
    from tests.helpers import soup

    desk = login_as("dispatcher")
    ticket = make_ticket(summary="Escort to garage B")
    make_dv_request()
    board = desk.get("/dispatch/").get_data(as_text=True)
    again = desk.get("/dispatch/").get_data(as_text=True)
    first, second = (events_url(page).rsplit("since=", 1)[1] for page in (board, again))
    assert first != second  # a page's starting point looks new every time...
    assert events.Cursor.from_token(first) == events.Cursor.from_token(second)  # ...and is not
    dispatch.acknowledge(ticket.id, desk.user, None)
    got = ticket_events(read_sse(desk.get(events_url(board), buffered=False),
                                 until=lambda e: ticket_events(e)))
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", got[0].id)
    assert "event_id" not in got[0].data
    page = soup(desk.get(f"/dispatch/tickets/{ticket.id}"))
    assert [li["id"] for li in page.select("li.event")] == ["event-1", "event-2"]
    seen = {i["value"] for i in page.select("input[name$='-seen_events']")}
    assert seen == {"2"}  # how many events the page showed, not the newest one's id
