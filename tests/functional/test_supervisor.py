"""The supervisor: reads the board, every non-DV ticket and the history; acts on none."""
from __future__ import annotations

import pytest

from app.models.tickets import ASSIGNED, NEW, Ticket
from tests.helpers import soup, text

TICKET_ACTIONS = ("acknowledge", "assign", "move", "priority", "note", "message", "resolve",
                  "cancel")


def ticket_forms(page) -> list[str]:
    """Where the page's forms post, but the ones every page has (sign out, stay signed in)."""
    return [f["action"] for f in page.select("form[method=post]")
            if f["action"] not in ("/logout", "/session/extend")]


def test_supervisor_reads_the_board_without_bulk_close(supervisor, make_ticket):
    ticket = make_ticket(priority=1, summary="Loud argument in the lobby")
    make_ticket(priority=1, confidential=True, summary="Secret")
    page = supervisor.get("/dispatch/")
    rows = page.select("table.queue tbody tr")
    assert [r["data-reference"] for r in rows] == [ticket.reference]
    assert page.select("input[name=ticket_ids]") == []
    assert page.find("form", id="bulk-close") is None
    assert page.find(id="officer-panel") is not None
    assert "only a dispatcher acts on tickets" in text(page)


def test_supervisor_opens_a_ticket_read_only(supervisor, make_ticket):
    ticket = make_ticket(priority=2, summary="Escort to garage", unread_by_staff=True)
    page = supervisor.get(f"/dispatch/tickets/{ticket.id}")
    assert "Escort to garage" in text(page)
    assert ticket_forms(page) == []
    assert "only a dispatcher acts on it" in text(page)


def test_a_supervisor_look_does_not_clear_the_new_reply_mark(supervisor, make_ticket, db):
    ticket = make_ticket(unread_by_staff=True)
    supervisor.get(f"/dispatch/tickets/{ticket.id}")
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).unread_by_staff is True


@pytest.mark.parametrize("action", TICKET_ACTIONS)
def test_supervisor_cannot_act_on_a_ticket(supervisor, make_ticket, db, action):
    ticket = make_ticket(priority=2, status=NEW)
    before = (ticket.status, ticket.priority, ticket.version, len(ticket.events))
    supervisor.post_response(f"/dispatch/tickets/{ticket.id}/{action}",
                             _data={"body": "x", "priority-priority": "1"},
                             _expected_status=403)
    db.session.expire_all()
    after = db.session.get(Ticket, ticket.id)
    assert (after.status, after.priority, after.version, len(after.events)) == before


def test_supervisor_cannot_bulk_close(supervisor, make_ticket, db):
    ticket = make_ticket()
    supervisor.post_response("/dispatch/bulk-close",
                             _data={"ticket_ids": [ticket.id], "outcome": "junk"},
                             _expected_status=403)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).is_open


def test_supervisor_gets_404_on_a_confidential_ticket(supervisor, make_ticket):
    secret = make_ticket(priority=2, confidential=True, summary="Secret")
    supervisor.get(f"/dispatch/tickets/{secret.id}", _expected_status=404)


def test_supervisor_opens_no_dv_page(supervisor, make_dv_request):
    dv, _token = make_dv_request()
    for url in ("/support/advocate/", f"/support/advocate/{dv.id}", "/support/advocate/audit",
                "/support/advocate/access", "/live/advocate"):
        supervisor.get_response(url, _expected_status=403)
    supervisor.get_response(f"/dispatch/tickets/{dv.id}", _expected_status=404)


def test_a_supervisor_who_is_also_a_dispatcher_acts(client_request, make_ticket):
    client_request.login("supervisor", "dispatcher")
    ticket = make_ticket(priority=2, status=ASSIGNED)
    page = client_request.get(f"/dispatch/tickets/{ticket.id}")
    assert ticket_forms(page)
    assert soup(client_request.get_response("/dispatch/").data).find(
        "form", id="bulk-close") is not None


def test_supervisor_lands_on_the_board_and_has_its_link(supervisor):
    page = supervisor.get("/account/")
    links = [a.get_text(strip=True) for a in page.select("nav a")]
    assert "Dispatch" in links
