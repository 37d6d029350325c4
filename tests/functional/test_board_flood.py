"""A flood never hides a real request: every P1 and P2 is on the board's first screen, the
board says how many tickets it does not show, and dispatch can close the junk in bulk."""
from __future__ import annotations

from sqlalchemy import func, select

from app.models.audit import AuditEvent
from app.models.tickets import CANCELLED, NEW, RESOLVED, Ticket, TicketEvent
from app.services import dispatch
from app.services.dispatch import DispatchError
from tests.helpers import soup


def board_refs(page) -> list[str]:
    return [row["data-reference"] for row in page.select("table.queue tbody tr")]


def flood(make_ticket, n, priority=3):
    return [make_ticket(priority=priority, age_minutes=500 - i % 400, summary=f"Flood {i}")
            for i in range(n)]


def test_a_p2_sent_after_150_p3_is_on_the_first_screen_and_the_hidden_are_counted(
        login_as, make_ticket):
    flood(make_ticket, 150)
    real = make_ticket(priority=2, summary="Real escort request")
    page = soup(login_as("dispatcher").get("/dispatch/"))
    refs = board_refs(page)
    assert real.reference in refs
    assert len(refs) == 100
    notice = page.select_one(".queue-hidden").get_text(" ", strip=True)
    assert "51 open tickets are not shown" in notice
    assert "every P1 and P2" in notice


def test_every_p1_and_p2_is_shown_even_past_the_limit(login_as, make_ticket):
    urgent = flood(make_ticket, 110, priority=2)
    p1 = make_ticket(priority=1)
    flood(make_ticket, 5)
    refs = board_refs(soup(login_as("dispatcher").get("/dispatch/")))
    assert refs[0] == p1.reference
    assert {t.reference for t in urgent} <= set(refs)
    assert len(refs) == 111


# --- bulk close ------------------------------------------------------------------------

def _events(db, ticket_id):
    return db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket_id))


def test_dispatcher_bulk_closes_selected_junk_with_one_reason(db, login_as, make_ticket):
    junk = flood(make_ticket, 3)
    keep = make_ticket(priority=3, summary="Keep me")
    before = {t.id: _events(db, t.id) for t in junk}
    client = login_as("dispatcher")
    page = soup(client.get("/dispatch/"))
    boxes = page.select("input[type=checkbox][name=ticket_ids]")
    assert len(boxes) == 4 and len({b["id"] for b in boxes}) == 4
    response = client.post("/dispatch/bulk-close", data={
        "ticket_ids": [t.id for t in junk], "outcome": "junk",
        "reason": "Script flood from one address"})
    assert response.status_code == 302
    db.session.expire_all()
    for ticket in junk:
        row = db.session.get(Ticket, ticket.id)
        assert (row.status, row.outcome) == (CANCELLED, "junk")
        assert row.outcome_detail == "Script flood from one address"
        assert _events(db, ticket.id) == before[ticket.id] + 1
    assert db.session.get(Ticket, keep.id).status == NEW
    audits = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "ticket.bulk_close")).all()
    assert sorted(a.object_id for a in audits) == sorted(t.reference for t in junk)
    assert all("Script flood" in a.detail for a in audits)
    board = soup(client.get("/dispatch/"))
    assert "3 tickets closed as junk" in board.text
    assert board_refs(board) == [keep.reference]


def test_bulk_close_refuses_dv_and_closed_tickets_and_changes_nothing(
        db, make_user, make_ticket):
    dispatcher = make_user(roles=("dispatcher",))
    ok = make_ticket(priority=3)
    dv = make_ticket(priority=2, confidential=True)
    closed = make_ticket(status=RESOLVED)
    for bad in (dv, closed):
        try:
            dispatch.bulk_close([ok.id, bad.id], dispatcher, "duplicate", "Same caller")
        except DispatchError as refused:
            assert "nothing was closed" in str(refused).lower()
        else:
            raise AssertionError("bulk close accepted a ticket it must refuse")
        db.session.expire_all()
        assert db.session.get(Ticket, ok.id).status == NEW
    assert db.session.get(Ticket, dv.id).status == NEW


def test_bulk_close_needs_a_reason_and_a_selection(db, make_user, make_ticket):
    dispatcher = make_user(roles=("dispatcher",))
    ticket = make_ticket(priority=3)
    for ids, reason in (([ticket.id], " "), ([], "Junk")):
        try:
            dispatch.bulk_close(ids, dispatcher, "junk", reason)
        except DispatchError:
            pass
        else:
            raise AssertionError("accepted")
    assert db.session.get(Ticket, ticket.id).status == NEW


def test_bulk_close_is_for_the_console_only(login_as, make_ticket):
    ticket = make_ticket(priority=3)
    for role in ("officer", "advocate", "trainer"):
        response = login_as(role).post("/dispatch/bulk-close", data={
            "ticket_ids": [ticket.id], "outcome": "junk", "reason": "x"})
        assert response.status_code in (403, 404), role
