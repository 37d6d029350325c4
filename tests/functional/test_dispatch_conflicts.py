"""Two dispatchers on one ticket page, through the routes: one action wins, the other sees
"This ticket changed" (409) and nothing of theirs is saved."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.models.tickets import ACKNOWLEDGED, ASSIGNED, RESOLVED, Ticket, TicketEvent
from tests.helpers import run_threads, soup


def hidden(page, prefix):
    return {name: page.find("input", {"name": name})["value"]
            for name in (f"{prefix}-version", f"{prefix}-seen_events")}


def _post_together(clients_and_posts):
    """POST from each client in its own thread, released together; the responses."""
    barrier = threading.Barrier(len(clients_and_posts))
    responses = [None] * len(clients_and_posts)

    def run(i, client, url, data):
        barrier.wait(timeout=30)
        responses[i] = client.post(url, data=data)

    run_threads(run, [(i, *args) for i, args in enumerate(clients_and_posts)])
    return responses


def test_two_dispatchers_assigning_the_same_version_one_gets_this_ticket_changed(
        db, login_as, make_user, make_ticket):
    officers = [make_user(roles=("officer",), display_name=f"Officer {n}") for n in "AB"]
    ticket = make_ticket(status=ACKNOWLEDGED)
    first, second = login_as("dispatcher"), login_as("dispatcher")
    url = f"/dispatch/tickets/{ticket.id}"
    pages = [soup(first.get(url)), soup(second.get(url))]

    responses = _post_together([
        (client, url + "/assign", {**hidden(page, "assign"), "assign-officer_id": officer.id})
        for client, page, officer in zip((first, second), pages, officers, strict=True)
    ])

    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert "This ticket changed while you were looking at it" in loser.get_data(as_text=True)
    db.session.rollback()  # end the test's own read: see what the two requests wrote
    assert db.session.get(Ticket, ticket.id).status == ASSIGNED
    assert db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "assignment")) == 1


def test_a_resolved_ticket_cannot_be_reassigned_from_a_page_loaded_before(
        db, login_as, make_user, make_ticket):
    officer, other = (make_user(roles=("officer",)) for _ in range(2))
    ticket = make_ticket(status=ASSIGNED, officer=officer)
    first, second = login_as("dispatcher"), login_as("dispatcher")
    url = f"/dispatch/tickets/{ticket.id}"
    before = soup(second.get(url))
    resolved = first.post(url + "/resolve", data={
        **hidden(soup(first.get(url)), "resolve"), "resolve-outcome": "completed"})
    assert resolved.status_code == 302

    response = second.post(url + "/assign", data={**hidden(before, "assign"),
                                                  "assign-officer_id": other.id})

    assert response.status_code == 409
    assert "This ticket changed" in response.get_data(as_text=True)
    row = db.session.get(Ticket, ticket.id)
    db.session.refresh(row)
    assert (row.status, row.assigned_officer_id) == (RESOLVED, officer.id)
