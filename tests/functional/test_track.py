"""The requester's follow-up page: private link, timeline, messages, cancel, My requests."""
from __future__ import annotations

from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.tickets import Ticket, TicketEvent
from app.services import dispatch
from tests.helpers import soup


def link(opened) -> str:
    return f"/track/{opened.ticket.reference}/{opened.token}"


def timeline_texts(page) -> list[str]:
    return [li.find("strong").text for li in page.select("ol.timeline li")]


def staff(make_user):
    dispatcher = make_user(roles=("dispatcher",))
    officer = make_user(roles=("officer",), display_name="Officer Lee")
    return dispatcher, officer


def test_new_request_page(client, db, make_escort):
    opened = make_escort()
    response = client.get(link(opened))
    page = soup(response)
    assert response.status_code == 200
    assert page.h1.text == f"Your request {opened.ticket.reference}"
    assert timeline_texts(page) == ["Dispatch received your request"]
    assert "Dispatch aims to acknowledge your request by" in page.text
    assert page.select_one("[data-refresh]") is not None
    assert page.find("a", string="Refresh now")
    assert "Garage A, Level 3" in page.select_one("dl.facts").text
    assert response.headers["Cache-Control"].startswith("no-store")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_timeline_in_plain_words_through_the_whole_lifecycle(client, db, make_escort, make_user):
    dispatcher, officer = staff(make_user)
    opened = make_escort()
    ticket = opened.ticket
    dispatch.acknowledge(ticket.id, dispatcher, None)
    dispatch.assign(ticket.id, dispatcher, None, officer)
    dispatch.add_note(ticket.id, dispatcher, "Internal: requester sounded anxious")
    dispatch.message_requester(ticket.id, dispatcher, "Please wait by the elevator.")
    dispatch.move(ticket.id, officer, None, "en_route", eta_minutes=7)
    page = soup(client.get(link(opened)))
    assert "Your officer: Officer Lee" in page.text
    assert "Expected arrival around" in page.text
    dispatch.move(ticket.id, officer, None, "on_scene")
    dispatch.close(ticket.id, officer, None, "resolved", "completed")
    page = soup(client.get(link(opened)))
    assert timeline_texts(page) == [
        "Dispatch received your request",
        "Dispatch acknowledged your request",
        "Officer Lee has been assigned",
        "Message from dispatch",
        "Officer Lee is on the way",
        "Officer Lee has arrived",
        "Resolved: the escort or visit was completed",
    ]
    assert "Please wait by the elevator." in page.text
    assert "anxious" not in page.text
    assert page.select_one("[data-refresh]") is None
    assert page.find("form", action=lambda a: a and a.endswith("/message")) is None


def test_requester_sends_a_message(client, db, make_escort):
    opened = make_escort()
    response = client.post(link(opened) + "/message", data={"body": "I am by the blue door."})
    assert response.status_code == 303
    page = soup(client.get(link(opened)))
    assert "You wrote" in timeline_texts(page) and "I am by the blue door." in page.text
    ticket = db.session.get(Ticket, opened.ticket.id)
    assert ticket.unread_by_staff is True
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.kind == "message_in"))
    assert event.visible_to_requester and event.body == "I am by the blue door."
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "ticket.requester_message")) is not None


def test_empty_message_is_refused_with_a_message(client, db, make_escort):
    opened = make_escort()
    response = client.post(link(opened) + "/message", data={"body": "   "})
    assert response.status_code == 400
    assert "Write your message first." in soup(response).select_one(".error-summary").text
    assert db.session.scalar(select(TicketEvent).where(TicketEvent.kind == "message_in")) is None


def test_cancel_asks_first_then_cancels(client, db, make_escort):
    opened = make_escort()
    page = soup(client.get(link(opened) + "/cancel"))
    assert page.h1.text.startswith("Cancel your request")
    assert db.session.get(Ticket, opened.ticket.id).status == "new"
    response = client.post(link(opened) + "/cancel", follow_redirects=True)
    page = soup(response)
    assert "Your request is cancelled" in page.text
    assert timeline_texts(page)[-1] == "Cancelled"
    ticket = db.session.get(Ticket, opened.ticket.id)
    assert ticket.status == "cancelled" and ticket.closed_at and ticket.unread_by_staff
    again = client.post(link(opened) + "/cancel", follow_redirects=True)
    assert "already closed" in soup(again).text


def test_reference_alone_and_forged_tokens_reveal_nothing(client, db, make_escort):
    opened = make_escort()
    other = make_escort()
    reference = opened.ticket.reference
    wrong = client.get(f"/track/{reference}/{'A' * 43}")
    unknown = client.get(f"/track/ESC-ZZZZZZ/{opened.token}x")
    crossed = client.get(f"/track/{reference}/{other.token}")
    for response in (wrong, unknown, crossed):
        assert response.status_code == 404
        assert "Garage A" not in response.get_data(as_text=True)
    assert soup(wrong).select_one("main").text == soup(unknown).select_one("main").text
    assert client.post(f"/track/{reference}/{other.token}/cancel").status_code == 404
    assert client.post(f"/track/{reference}/nope/message", data={"body": "hi"}).status_code == 404
    assert db.session.get(Ticket, opened.ticket.id).status == "new"


def test_entry_accepts_a_pasted_link_or_reference_and_code(client, db, make_escort):
    opened = make_escort()
    response = client.post("/track/", data={"link": "http://localhost" + link(opened)})
    assert response.status_code == 303 and response.headers["Location"].endswith(link(opened))
    response = client.post("/track/", data={"reference": opened.ticket.reference.lower(),
                                            "code": opened.token})
    assert response.status_code == 303


def test_entry_gives_the_same_answer_for_unknown_reference_and_wrong_code(client, db, make_escort):
    opened = make_escort()
    unknown = client.post("/track/", data={"reference": "ESC-ZZZZZZ", "code": opened.token})
    wrong = client.post("/track/", data={"reference": opened.ticket.reference, "code": "x" * 43})
    alone = client.post("/track/", data={"reference": opened.ticket.reference})
    for response in (unknown, wrong, alone):
        assert response.status_code == 400
        assert opened.ticket.summary not in response.get_data(as_text=True)
    summaries = [soup(r).select_one(".error-summary").text for r in (unknown, wrong)]
    assert summaries[0] == summaries[1]


def test_my_requests_lists_only_my_tickets_newest_first(login_as, db, make_escort, make_user):
    client = login_as(None)
    first = make_escort(actor=client.user).ticket
    second = make_escort(actor=client.user, party_size=3).ticket
    make_escort(actor=make_user())
    page = soup(client.get("/track/mine"))
    refs = [a.text for a in page.select("tbody a")]
    assert set(refs) == {first.reference, second.reference} and len(refs) == 2
    detail = soup(client.get(f"/track/mine/{second.reference}"))
    assert detail.h1.text == f"Your request {second.reference}"


def test_member_view_is_for_the_owner_only(login_as, db, make_escort, make_user):
    owner_client = login_as(None)
    ticket = make_escort(actor=owner_client.user).ticket
    stranger = login_as(None)
    assert stranger.get(f"/track/mine/{ticket.reference}").status_code == 404
    assert stranger.post(f"/track/mine/{ticket.reference}/cancel").status_code == 404
    response = owner_client.post(f"/track/mine/{ticket.reference}/message", data={"body": "Hello"})
    assert response.status_code == 303
    response = owner_client.post(f"/track/mine/{ticket.reference}/cancel", follow_redirects=True)
    assert db.session.get(Ticket, ticket.id).status == "cancelled"


def test_my_requests_needs_an_account(client):
    response = client.get("/track/mine")
    assert response.status_code in (302, 401)


def test_confidential_tickets_never_render_here(client, login_as, db, make_escort):
    member = login_as(None)
    opened = make_escort(actor=member.user)
    ticket = db.session.get(Ticket, opened.ticket.id)
    ticket.confidential = True
    db.session.commit()
    response = client.get(link(opened))
    assert response.status_code in (303, 404)
    assert "Garage A" not in response.get_data(as_text=True)
    assert ticket.reference not in soup(member.get("/track/mine")).text
    assert member.get(f"/track/mine/{ticket.reference}").status_code == 404
