"""The pages around the live streams: officers' status, the officer panel, the no-JS board."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models.live import OfficerStatusEvent
from app.services import events
from tests.fixtures.live import read_sse


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def set_status(client, status):
    page = soup(client.get("/dispatch/mine"))
    token = page.select_one("form[action$='/mine/status'] input[name=csrf_token]")
    data = {"officer-status": status}
    if token is not None:
        data["officer-csrf_token"] = token["value"]
    return client.post("/dispatch/mine/status", data=data)


def test_an_officer_sets_their_own_status_and_the_board_stream_is_told(
        db, login_as, live_config):
    officer = login_as("officer", display_name="Officer Lee")
    desk = login_as("dispatcher")
    since = events.Cursor().token()
    response = set_status(officer, "on_break")
    assert response.status_code == 303
    rows = db.session.scalars(select(OfficerStatusEvent)).all()
    assert [(r.officer_id, r.status) for r in rows] == [(officer.user.id, "on_break")]
    text = soup(officer.get("/dispatch/mine")).get_text(" ")
    assert "My status: On break" in " ".join(text.split())
    got = read_sse(desk.get(f"/live/board?since={since}", buffered=False),
                   until=lambda e: any(x.type == "officer" for x in e))
    assert [(e.data["officer_id"], e.data["status"]) for e in got if e.type == "officer"] == [
        (officer.user.id, "on_break")]


def test_an_unknown_status_is_refused_and_writes_nothing(db, login_as):
    officer = login_as("officer")
    set_status(officer, "asleep")
    assert db.session.scalars(select(OfficerStatusEvent)).all() == []


def test_only_officers_set_a_status(db, login_as):
    desk = login_as("dispatcher")
    assert desk.post("/dispatch/mine/status", data={"officer-status": "available"}
                     ).status_code == 403


def test_board_has_an_officer_panel_and_assign_lists_available_officers_first(
        db, login_as, make_ticket):
    busy = login_as("officer", display_name="Officer Aaron")
    free = login_as("officer", display_name="Officer Zed")
    set_status(busy, "on_break")
    set_status(free, "available")
    desk = login_as("dispatcher")
    ticket = make_ticket(status="assigned", officer=busy.user, summary="Walk to garage")
    board = soup(desk.get("/dispatch/"))
    panel = board.select_one("#officer-panel")
    rows = [li.get_text(" ", strip=True) for li in panel.select("li.officer-row")]
    assert rows[0].startswith("Officer Zed Available")
    assert "Officer Aaron On break" in rows[1] and ticket.reference in rows[1]
    page = soup(desk.get(f"/dispatch/tickets/{ticket.id}"))
    offered = [o.text for o in page.select("select[name=assign-officer_id] option")][1:]
    assert offered.index("Officer Zed") < offered.index("Officer Aaron")


@pytest.mark.parametrize("url,role", [("/dispatch/", "dispatcher"), ("/dispatch/mine", "officer")])
def test_live_pages_name_their_stream_and_still_work_without_javascript(db, login_as, url,
                                                                        role, make_ticket):
    client = login_as(role)
    make_ticket(priority=1, summary="Package in lobby")
    page = soup(client.get(url))
    host = page.select_one("[data-live-stream]")
    assert host["data-live-stream"].startswith("/live/")
    assert host["data-live-since"]
    if role == "dispatcher":
        assert page.select_one("a.refresh-link")["href"].startswith("/dispatch/")
        row = page.select_one("tr[data-ticket-id]")
        assert row.get("data-p1-unack") == "1" and "NEW P1" in row.get_text()
        assert row.select_one("td[data-ack-deadline]") is not None
