"""The board's per-process cache (app/blueprints/dispatch/board.py): whatever changes on the
board shows on the next load, no viewer ever gets another's page parts, and the cached table
never holds a confidential (DV) ticket."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from app.blueprints.dispatch import board
from app.models.base import utcnow
from app.models.tickets import Ticket, TicketEvent
from app.services import dispatch, events, queue


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def board_refs(page):
    return [row["data-reference"] for row in page.select("table.queue tbody tr")]


@pytest.fixture()
def cache_on(app):
    board.clear()
    app.config["BOARD_CACHE_SECONDS"] = 600
    yield
    app.config["BOARD_CACHE_SECONDS"] = 0
    board.clear()


def test_a_new_ticket_and_a_dispatch_action_show_on_the_next_load(
        cache_on, db, login_as, make_user, make_ticket):
    first = make_ticket(priority=3, summary="First request")
    dispatcher = make_user(roles=("dispatcher",))
    client = login_as(user=dispatcher)
    assert board_refs(soup(client.get("/dispatch/"))) == [first.reference]
    assert board_refs(soup(client.get("/dispatch/"))) == [first.reference]  # from the cache
    second = make_ticket(priority=1, summary="Urgent one")
    page = soup(client.get("/dispatch/"))
    assert board_refs(page) == [second.reference, first.reference]
    # the page's stream starts where its (cached) body was read: nothing in between is lost
    since = page.select_one(".dispatch-board")["data-live-since"]
    assert events.Cursor.from_token(since) == events.newest_cursor()
    version = db.session.get(Ticket, first.id).version
    dispatch.change_priority(first.id, dispatcher, version, 1, "Caller says it is urgent")
    page = soup(client.get("/dispatch/"))
    row = page.select_one(f'tr[data-reference="{first.reference}"]')
    assert "P1" in row.text


def test_a_row_change_without_an_event_shows_on_the_next_load(
        cache_on, db, login_as, make_ticket):
    ticket = make_ticket(priority=2)
    client = login_as("dispatcher")
    assert "New reply" not in soup(client.get("/dispatch/")).select_one("table.queue").text
    row = db.session.get(Ticket, ticket.id)
    row.unread_by_staff = True
    db.session.commit()
    assert "New reply" in soup(client.get("/dispatch/")).select_one("table.queue").text


def test_a_ticket_turns_overdue_with_nothing_else_changed(
        cache_on, app, db, login_as, make_ticket):
    app.config["BOARD_CACHE_SECONDS"] = 1  # time passing shows at most this late
    ticket = make_ticket(priority=1)
    target = app.config["ACK_TARGET_SECONDS"][1]
    row = db.session.get(Ticket, ticket.id)
    row.created_at = utcnow() - timedelta(seconds=target - 2)
    db.session.commit()
    client = login_as("dispatcher")
    page = soup(client.get("/dispatch/"))
    assert not page.select("table.queue tr.row-overdue")
    assert not soup(client.get("/dispatch/")).select("table.queue tr.row-overdue")
    time.sleep(2.5)
    page = soup(client.get("/dispatch/"))
    assert [r["data-reference"] for r in page.select("table.queue tr.row-overdue")] == [
        ticket.reference]
    assert "1 overdue" in page.select_one(".queue-counts").text


def test_two_role_sets_and_two_filter_sets_never_share_an_entry(
        cache_on, db, login_as, make_ticket):
    p1 = make_ticket(priority=1, summary="Alpha")
    p3 = make_ticket(priority=3, summary="Bravo")
    plain = login_as("dispatcher")
    both = login_as("dispatcher", "officer")
    assert board_refs(soup(plain.get("/dispatch/"))) == [p1.reference, p3.reference]
    assert board_refs(soup(plain.get("/dispatch/?priority=3"))) == [p3.reference]
    assert board_refs(soup(both.get("/dispatch/"))) == [p1.reference, p3.reference]
    keys = list(board._entries)
    assert len(keys) == 3
    assert {key[2] for key in keys} == {("dispatcher",), ("dispatcher", "officer")}


def test_what_belongs_to_one_viewer_is_never_cached(cache_on, db, login_as, make_ticket):
    junk = make_ticket(priority=3, summary="Junk")
    make_ticket(priority=3, summary="Keep")
    first = login_as("dispatcher")
    second = login_as("dispatcher")
    soup(second.get("/dispatch/"))
    first.post("/dispatch/bulk-close", data={"ticket_ids": [junk.id], "outcome": "junk",
                                             "reason": "Flood"})
    mine = soup(first.get("/dispatch/"))
    assert "1 ticket closed as junk" in mine.text
    theirs = soup(second.get("/dispatch/"))
    assert "closed as junk" not in theirs.text
    assert junk.reference not in board_refs(theirs)


def test_the_cached_board_never_holds_a_dv_ticket(cache_on, db, login_as, make_ticket):
    dv = make_ticket(priority=1, confidential=True, summary="Confidential DV request")
    shown = make_ticket(priority=2)
    client = login_as("dispatcher")
    for url in ("/dispatch/", "/dispatch/", "/dispatch/?kind=dv", "/dispatch/?priority=1",
                f"/dispatch/?q={dv.reference}"):
        response = client.get(url)
        assert "Confidential DV request" not in response.get_data(as_text=True)
        assert dv.reference not in board_refs(soup(response))
    assert board_refs(soup(client.get("/dispatch/"))) == [shown.reference]
    for _, _, entry in board._entries.values():
        assert dv.reference not in entry.table and dv.reference not in entry.panel


def test_a_dv_event_leaves_a_dispatchers_cached_board_untouched(
        cache_on, db, login_as, make_ticket):
    """A DV request or any event on one must not re-render the board nor move its marker or
    stream cursor: a dispatcher could time the re-render, and it is wasted work."""
    shown = make_ticket(priority=2)
    client = login_as("dispatcher")
    before = soup(client.get("/dispatch/"))
    marker = queue.board_marker()
    entries = dict(board._entries)
    dv = make_ticket(priority=1, confidential=True, summary="Confidential DV request")
    db.session.add(TicketEvent(ticket=db.session.get(Ticket, dv.id), kind="note",
                               body="Advocate note"))
    db.session.commit()
    after = soup(client.get("/dispatch/"))
    assert queue.board_marker() == marker
    assert dict(board._entries) == entries  # the same entry, not rendered again
    assert all(a is b for a, b in zip(board._entries.values(), entries.values(), strict=True))
    assert board_refs(after) == board_refs(before) == [shown.reference]
    since = events.Cursor.from_token
    assert since(after.select_one(".dispatch-board")["data-live-since"]) == since(
        before.select_one(".dispatch-board")["data-live-since"])
