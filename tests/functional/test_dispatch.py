"""The dispatch console, officers' page and history, through the routes as staff use them."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app.core.timezones import local_today
from app.models.tickets import (
    ACKNOWLEDGED,
    ASSIGNED,
    CANCELLED,
    EN_ROUTE,
    NEW,
    ON_SCENE,
    RESOLVED,
    Ticket,
)
from tests.helpers import soup


def fresh(db, ticket_id):
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def hidden(page, prefix):
    """The version fields of the form with `prefix`, as the page rendered them."""
    return {
        f"{prefix}-version": page.find("input", {"name": f"{prefix}-version"})["value"],
        f"{prefix}-seen_events": page.find("input", {"name": f"{prefix}-seen_events"})["value"],
    }


@pytest.fixture()
def dispatcher(client_request):
    client_request.login("dispatcher")
    return client_request


@pytest.fixture()
def officer(make_user):
    return make_user(roles=("officer",), display_name="Officer X")


# --- the queue ------------------------------------------------------------------------

def test_queue_lists_p1_first_then_oldest_with_markers(dispatcher, make_ticket, officer):
    p3 = make_ticket(priority=3, age_minutes=200, summary="Old routine")
    p1 = make_ticket(priority=1, age_minutes=5, summary="Suspicious package")
    p2 = make_ticket(priority=2, age_minutes=30, status=ASSIGNED, officer=officer,
                     unread_by_staff=True)
    make_ticket(priority=1, status=RESOLVED)
    make_ticket(priority=1, confidential=True, summary="Secret")
    page = dispatcher.get("/dispatch/")
    rows = page.select("table.queue tbody tr")
    assert [r["data-reference"] for r in rows] == [p1.reference, p2.reference, p3.reference]
    assert "row-p1" in rows[0]["class"]
    assert rows[0].find(class_="new-p1").text == "NEW P1"
    assert rows[0].find(class_="badge-overdue").text.startswith("Overdue by")
    assert "Officer X" in rows[1].text and rows[1].find(class_="badge-unread")
    assert "Secret" not in page.text
    assert page.find(attrs={"data-refresh": "15"}) is not None
    assert "3 open" in " ".join(page.find(class_="queue-counts").text.split())
    assert "1 overdue" in page.find(class_="queue-counts").text


def test_queue_filters_and_search(dispatcher, make_ticket, make_location, officer):
    garage = make_location("Garage C", kind="garage")
    a = make_ticket(location_id=garage.id, summary="From Garage C")
    b = make_ticket(priority=1, contact_name="Grace Hopper")
    c = make_ticket(status=ASSIGNED, officer=officer)

    def listed(query):
        page = dispatcher.get("/dispatch/", _query_string=query)
        return [r["data-reference"] for r in page.select("table.queue tbody tr")]

    assert listed({"location_id": garage.id}) == [a.reference]
    assert listed({"priority": 1}) == [b.reference]
    assert listed({"officer_id": officer.id}) == [c.reference]
    assert listed({"status": ASSIGNED}) == [c.reference]
    assert listed({"kind": "escort"}) == [b.reference, a.reference, c.reference]
    assert listed({"q": "hopper"}) == [b.reference]
    assert listed({"q": c.reference}) == [c.reference]


@pytest.mark.parametrize("query", [
    {"status": "resolved"}, {"status": "<script>"}, {"priority": "9"}, {"priority": "x"},
    {"location_id": "987654"}, {"officer_id": "abc"}, {"kind": "dv"}, {"q": "x" * 500},
])
def test_forged_filters_are_reported_not_applied(dispatcher, make_ticket, query):
    ticket = make_ticket()
    page = dispatcher.get("/dispatch/", _query_string=query)
    assert page.find(class_="error-summary") is not None
    assert ticket.reference in page.text


# --- the ticket page ------------------------------------------------------------------

def test_ticket_page_shows_everything_and_clears_unread(db, dispatcher, make_ticket):
    ticket = make_ticket(contact_name="Ada", contact_phone="555-0199",
                         contact_email="ada@example.org", unread_by_staff=True)
    page = dispatcher.get(f"/dispatch/tickets/{ticket.id}")
    assert page.h1.text.startswith(ticket.reference)
    facts = page.find("dl", class_="facts").text
    assert "Ada" in facts and "555-0199" in facts and "ada@example.org" in facts
    assert page.find(id="kind-details-title").text == "Escort details"
    assert "Request received" in page.find(class_="ticket-history").text
    assert fresh(db, ticket.id).unread_by_staff is False


def test_only_legal_next_statuses_are_offered(dispatcher, make_ticket, officer):
    ticket = make_ticket(status=ASSIGNED, officer=officer)
    page = dispatcher.get(f"/dispatch/tickets/{ticket.id}")
    options = [o["value"] for o in page.select("select[name=move-status] option") if o["value"]]
    assert options == [ACKNOWLEDGED, EN_ROUTE, ON_SCENE]


def test_acknowledge_assign_move_resolve(db, dispatcher, make_ticket, officer):
    ticket = make_ticket(priority=1)
    url = f"/dispatch/tickets/{ticket.id}"
    page = dispatcher.get(url)
    dispatcher.post_response(f"{url}/acknowledge", _data=hidden(page, "ack"),
                             _expected_redirect=url)
    assert "Acknowledged." in dispatcher.get_response(url).get_data(as_text=True)
    page = dispatcher.get(url)
    offered = [o.text for o in page.select("select[name=assign-officer_id] option")]
    assert "Officer X" in offered
    dispatcher.post_response(f"{url}/assign", _data={**hidden(page, "assign"),
                                                     "assign-officer_id": officer.id},
                             _expected_status=302)
    assert fresh(db, ticket.id).assigned_officer_id == officer.id
    page = dispatcher.get(url)
    dispatcher.post_response(f"{url}/move", _data={
        **hidden(page, "move"), "move-status": EN_ROUTE, "move-eta_minutes": "6",
        "move-note": "Coming"}, _expected_status=302)
    assert fresh(db, ticket.id).status == EN_ROUTE
    page = dispatcher.get(url)
    dispatcher.post_response(f"{url}/resolve", _data={
        **hidden(page, "resolve"), "resolve-outcome": "completed", "resolve-detail": "Done"},
                             _expected_status=302)
    ticket = fresh(db, ticket.id)
    assert (ticket.status, ticket.outcome) == (RESOLVED, "completed")


def test_cancel_with_outcome(db, dispatcher, make_ticket):
    ticket = make_ticket()
    page = dispatcher.get(f"/dispatch/tickets/{ticket.id}")
    dispatcher.post_response(f"/dispatch/tickets/{ticket.id}/cancel", _data={
        **hidden(page, "cancel"), "cancel-outcome": "duplicate"}, _expected_status=302)
    assert fresh(db, ticket.id).status == CANCELLED


def test_illegal_transition_is_refused_with_a_message(db, dispatcher, make_ticket):
    ticket = make_ticket(status=NEW)
    page = dispatcher.get(f"/dispatch/tickets/{ticket.id}")
    before = fresh(db, ticket.id).version
    shown = dispatcher.post(f"/dispatch/tickets/{ticket.id}/move",
                            _data={**hidden(page, "move"), "move-status": ON_SCENE},
                            _expected_status=400)
    message = shown.find(class_="action-error").text
    assert message == "A ticket that is new cannot be moved to on scene."
    ticket = fresh(db, ticket.id)
    assert (ticket.status, ticket.version) == (NEW, before)


def test_priority_change_needs_a_reason(db, dispatcher, make_ticket):
    ticket = make_ticket(priority=3)
    url = f"/dispatch/tickets/{ticket.id}"
    page = dispatcher.get(url)
    page = dispatcher.post(f"{url}/priority", _data={**hidden(page, "priority"),
                                                     "priority-priority": "1"},
                           _expected_status=400)
    assert "Give a reason for changing the priority." in page.find(class_="error-summary").text
    assert fresh(db, ticket.id).priority == 3
    dispatcher.post_response(f"{url}/priority", _data={**hidden(page, "priority"),
                                                       "priority-priority": "1",
                                                       "priority-reason": "Caller is alone"},
                             _expected_status=302)
    assert fresh(db, ticket.id).priority == 1
    assert "P3 → P1: Caller is alone" in dispatcher.get_response(url).get_data(as_text=True)


def test_note_is_internal_and_message_is_sent(db, dispatcher, make_ticket):
    ticket = make_ticket(contact_email="visitor@example.org")
    url = f"/dispatch/tickets/{ticket.id}"
    page = dispatcher.get(url)
    dispatcher.post_response(f"{url}/note", _data={**hidden(page, "note"),
                                                   "note-body": "Check camera 4"},
                             _expected_status=302)
    dispatcher.post_response(f"{url}/message", _data={**hidden(page, "message"),
                                                      "message-body": "Officer on the way"},
                             _expected_status=302)
    history = dispatcher.get(url).find(class_="ticket-history")
    note = history.find("li", class_="event-note")
    assert "Check camera 4" in note.text and "Internal" in note.text
    assert "event-internal" not in history.find("li", class_="event-message_out")["class"]


def test_two_dispatchers_cannot_overwrite_each_other(db, login_as, make_ticket):
    first, second = login_as("dispatcher"), login_as("dispatcher")
    ticket = make_ticket(priority=2)
    url = f"/dispatch/tickets/{ticket.id}"
    seen_by_first = soup(first.get(url))
    seen_by_second = soup(second.get(url))
    first.post(f"{url}/acknowledge", data=hidden(seen_by_first, "ack"))
    response = second.post(f"{url}/priority", data={
        **hidden(seen_by_second, "priority"), "priority-priority": "1",
        "priority-reason": "Sounds urgent"})
    assert response.status_code == 409
    page = soup(response)
    conflict = page.find(id="conflict")
    assert conflict.h2.text == "This ticket changed while you were looking at it"
    assert "New → Acknowledged" in conflict.text
    assert page.find("input", {"name": "priority-reason"})["value"] == "Sounds urgent"
    assert fresh(db, ticket.id).priority == 2
    second.post(f"{url}/priority", data={**hidden(page, "priority"), "priority-priority": "1",
                                         "priority-reason": "Sounds urgent"})
    ticket = fresh(db, ticket.id)
    assert (ticket.priority, ticket.status) == (1, ACKNOWLEDGED)


def test_confidential_and_unknown_tickets_are_not_found(dispatcher, make_ticket):
    secret = make_ticket(confidential=True)
    dispatcher.get_response(f"/dispatch/tickets/{secret.id}", _expected_status=404)
    dispatcher.post_response(f"/dispatch/tickets/{secret.id}/acknowledge",
                             _data={"ack-version": "1"}, _expected_status=404)
    dispatcher.get_response("/dispatch/tickets/987654", _expected_status=404)


# --- officers ---------------------------------------------------------------------------

def test_officers_see_and_move_only_their_tickets(db, login_as, make_ticket, officer, make_user):
    other = make_user(roles=("officer",), display_name="Officer Y")
    mine = make_ticket(status=ASSIGNED, officer=officer, summary="Mine")
    theirs = make_ticket(status=ASSIGNED, officer=other, summary="Theirs")
    client = login_as(user=officer)
    page = soup(client.get("/dispatch/mine"))
    assert page.h1.text == "My assignments"
    assert "Mine" in page.text and "Theirs" not in page.text
    assert client.get(f"/dispatch/mine/{theirs.id}").status_code == 404
    assert client.post(f"/dispatch/mine/{theirs.id}/en_route").status_code == 404
    assert client.get("/dispatch/").status_code == 403

    detail = soup(client.get(f"/dispatch/mine/{mine.id}"))
    client.post(f"/dispatch/mine/{mine.id}/en_route",
                data={**hidden(detail, "en_route"), "en_route-eta_minutes": "4"})
    assert fresh(db, mine.id).status == EN_ROUTE and fresh(db, mine.id).eta_at is not None
    detail = soup(client.get(f"/dispatch/mine/{mine.id}"))
    client.post(f"/dispatch/mine/{mine.id}/on_scene", data=hidden(detail, "on_scene"))
    assert fresh(db, mine.id).status == ON_SCENE
    detail = soup(client.get(f"/dispatch/mine/{mine.id}"))
    response = client.post(f"/dispatch/mine/{mine.id}/resolve", data={
        **hidden(detail, "resolve"), "resolve-outcome": "completed", "resolve-detail": "Safe"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dispatch/mine")
    assert fresh(db, mine.id).status == RESOLVED
    assert "Mine" not in soup(client.get("/dispatch/mine")).text


def test_officer_eta_out_of_range_is_explained(db, login_as, make_ticket, officer):
    ticket = make_ticket(status=ASSIGNED, officer=officer)
    client = login_as(user=officer)
    page = soup(client.get(f"/dispatch/mine/{ticket.id}"))
    response = client.post(f"/dispatch/mine/{ticket.id}/en_route",
                           data={**hidden(page, "en_route"), "en_route-eta_minutes": "999"})
    assert response.status_code == 400
    assert "from 1 to 240" in soup(response).find(class_="error-summary").text
    assert fresh(db, ticket.id).status == ASSIGNED


# --- history ----------------------------------------------------------------------------

def test_history_and_csv_for_a_date_range(dispatcher, make_ticket):
    recent = make_ticket(status=RESOLVED, closed_minutes_ago=30, outcome="completed",
                         summary="Recent one")
    old = make_ticket(status=CANCELLED, closed_minutes_ago=60 * 24 * 40,
                      age_minutes=60 * 24 * 41, summary="Old one")
    make_ticket(status=NEW, summary="Still open")
    page = dispatcher.get("/dispatch/history")
    assert page.h1.text == "Closed tickets"
    assert "Recent one" in page.text
    assert "Old one" not in page.text and "Still open" not in page.text
    today = local_today()
    args = {"date_from": (today - timedelta(days=60)).isoformat(), "date_to": today.isoformat()}
    page = dispatcher.get("/dispatch/history", _query_string=args)
    assert "Old one" in page.text
    response = dispatcher.get_response("/dispatch/history.csv", _query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [r[0] for r in rows[1:]] == [old.reference, recent.reference]
    assert rows[2][4] == "Completed"


@pytest.mark.parametrize("args", [
    {"date_from": "2026-02-30"}, {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    {"date_from": "2020-01-01", "date_to": "2026-01-01"}, {"kind": "dv"},
])
def test_history_rejects_bad_ranges_with_a_message(dispatcher, args):
    for url in ("/dispatch/history", "/dispatch/history.csv"):
        page = dispatcher.get(url, _query_string=args, _expected_status=400)
        assert page.find(class_="error-summary") is not None


def test_change_priority_starts_from_the_tickets_own_priority(login_as, make_ticket):
    ticket = make_ticket(priority=2)
    page = soup(login_as("dispatcher").get(f"/dispatch/tickets/{ticket.id}"))
    selected = page.select_one("select[name='priority-priority'] option[selected]")
    assert selected is not None and selected["value"] == "2"


def test_incident_reports_close_only_through_their_own_outcomes(login_as, make_ticket):
    ticket = make_ticket(kind="incident", status="acknowledged", category="suspicious_person",
                         description="Someone trying doors")
    page = soup(login_as("dispatcher").get(f"/dispatch/tickets/{ticket.id}"))
    assert page.find("form", action=f"/dispatch/tickets/{ticket.id}/resolve") is None
    assert page.find("form", action=f"/report/tickets/{ticket.id}/close") or \
        page.find("form", action=lambda a: a and a.endswith("/close"))


@pytest.mark.parametrize("where", ["dispatcher", "officer"])
def test_escort_ticket_page_has_one_details_heading(client_request, make_ticket, make_user,
                                                     where):
    """The page's "Escort details" section held the kind template's own "Escort" heading."""
    officer = make_user(roles=("officer",))
    ticket = make_ticket(status=ASSIGNED, officer=officer)
    if where == "dispatcher":
        client_request.login("dispatcher")
        page = client_request.get(f"/dispatch/tickets/{ticket.id}")
    else:
        client_request.login(user=officer)
        page = client_request.get(f"/dispatch/mine/{ticket.id}")
    details = page.find("section", attrs={"aria-labelledby": "kind-details-title"})
    assert [h.get_text(strip=True) for h in details.find_all(["h2", "h3"])] == ["Escort details"]
    assert "Main entrance" in details.text
