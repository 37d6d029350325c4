"""Hostile input against the dispatch console: forged values, long text, markup, CSV tricks."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from app import create_app
from app.models.audit import AuditEvent
from app.models.tickets import ASSIGNED, NEW, RESOLVED, Ticket, TicketEvent
from tests.helpers import soup

SCRIPT = "<script>alert('x')</script>"
ODD = ["'; DROP TABLE ticket; --", "\u202eevil\u202c", "ｆｕｌｌ ｗｉｄｔｈ", "tab\there",
       "nul\x00byte", "\x07bell", "😀" * 50]


def state(db, ticket_id):
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    events = db.session.scalar(
        select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket_id))
    audits = db.session.scalar(select(func.count(AuditEvent.id)))
    return (ticket.status, ticket.version, ticket.priority, ticket.assigned_officer_id,
            events, audits)


def fields(client, ticket, prefix):
    page = soup(client.get(f"/dispatch/tickets/{ticket.id}"))
    return {name: page.find("input", {"name": name})["value"]
            for name in (f"{prefix}-version", f"{prefix}-seen_events")}


@pytest.fixture()
def dispatcher(login_as):
    return login_as("dispatcher")


@pytest.mark.parametrize("status", [
    "resolved", "cancelled", "assigned", "new", "escalated", "", SCRIPT, "en_route' OR '1'='1",
    "ON_SCENE", "x" * 5000,
])
def test_forged_status_values_are_refused(db, dispatcher, make_ticket, status):
    ticket = make_ticket(status=NEW)
    before = state(db, ticket.id)
    response = dispatcher.post(f"/dispatch/tickets/{ticket.id}/move",
                               data={**fields(dispatcher, ticket, "move"), "move-status": status})
    assert response.status_code == 400
    page = soup(response)
    assert page.find(class_="action-error") or page.find(class_="error-summary")
    assert SCRIPT not in response.get_data(as_text=True)
    assert state(db, ticket.id) == before


@pytest.mark.parametrize("officer_id", ["987654", "abc", "-1", "0", "1 OR 1=1",
                                        "99999999999999999999", "", "dispatcher"])
def test_forged_officer_ids_are_refused(db, dispatcher, make_ticket, officer_id):
    ticket = make_ticket(status=NEW)
    if officer_id == "dispatcher":
        officer_id = str(dispatcher.user.id)
    before = state(db, ticket.id)
    response = dispatcher.post(f"/dispatch/tickets/{ticket.id}/assign", data={
        **fields(dispatcher, ticket, "assign"), "assign-officer_id": officer_id})
    assert response.status_code == 400
    assert soup(response).find(class_=["action-error", "error-summary"]) is not None
    assert state(db, ticket.id) == before


@pytest.mark.parametrize("path", [
    "/dispatch/tickets/987654", "/dispatch/tickets/99999999999999999999",
    "/dispatch/tickets/0", "/dispatch/tickets/-1", "/dispatch/tickets/abc",
    "/dispatch/mine/987654", "/dispatch/mine/99999999999999999999",
])
def test_forged_ticket_ids_are_not_found(login_as, path):
    client = login_as("dispatcher", "officer")
    assert client.get(path).status_code == 404
    assert client.post(path + "/acknowledge", data={"ack-version": "1"}).status_code in (404, 405)


@pytest.mark.parametrize("version", ["abc", "-5", "", "1e9", "99999999999999999999"])
def test_forged_versions_never_write(db, dispatcher, make_ticket, version):
    ticket = make_ticket(status=NEW)
    before = state(db, ticket.id)
    response = dispatcher.post(f"/dispatch/tickets/{ticket.id}/acknowledge",
                               data={"ack-version": version, "ack-seen_events": "x"})
    assert response.status_code in (400, 409)
    assert state(db, ticket.id) == before


@pytest.mark.parametrize(("prefix", "field"), [("note", "body"), ("message", "body"),
                                               ("priority", "reason"), ("resolve", "detail")])
def test_over_long_text_is_refused_with_a_message(db, dispatcher, make_ticket, prefix, field):
    ticket = make_ticket(status=ASSIGNED, officer=None)
    before = state(db, ticket.id)
    data = {**fields(dispatcher, ticket, prefix), f"{prefix}-{field}": "x" * 20000,
            "priority-priority": "1", "resolve-outcome": "completed"}
    response = dispatcher.post(f"/dispatch/tickets/{ticket.id}/{prefix}", data=data)
    assert response.status_code == 400
    assert "under" in soup(response).find(class_="error-summary").text
    assert state(db, ticket.id) == before


@pytest.mark.parametrize("text", ODD)
def test_odd_text_in_notes_is_stored_safely(db, dispatcher, make_ticket, text):
    ticket = make_ticket()
    response = dispatcher.post(f"/dispatch/tickets/{ticket.id}/note", data={
        **fields(dispatcher, ticket, "note"), "note-body": text})
    assert response.status_code == 302
    body = db.session.scalars(select(TicketEvent.body).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "note")).one()
    assert "\x00" not in body and "\x07" not in body
    assert dispatcher.get(f"/dispatch/tickets/{ticket.id}").status_code == 200


@pytest.mark.parametrize("q", ODD + [SCRIPT, "%", "_", "\\"])
def test_odd_searches_never_fail(dispatcher, make_ticket, q):
    make_ticket()
    assert dispatcher.get("/dispatch/", query_string={"q": q}).status_code == 200
    assert dispatcher.get("/dispatch/history", query_string={"q": q}).status_code == 200


def test_markup_is_rendered_escaped_everywhere(db, dispatcher, make_ticket, make_user):
    officer = make_user(roles=("officer",), display_name=SCRIPT)
    ticket = make_ticket(summary=SCRIPT, contact_name=SCRIPT, location_detail=SCRIPT,
                         status=ASSIGNED, officer=officer)
    url = f"/dispatch/tickets/{ticket.id}"
    dispatcher.post(f"{url}/note", data={**fields(dispatcher, ticket, "note"),
                                         "note-body": SCRIPT})
    for page_url in ("/dispatch/", url):
        html = dispatcher.get(page_url).get_data(as_text=True)
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html
    client = dispatcher.application.test_client()
    from tests.helpers import sign_in

    sign_in(client, officer)
    for page_url in ("/dispatch/mine", f"/dispatch/mine/{ticket.id}"):
        html = client.get(page_url).get_data(as_text=True)
        assert SCRIPT not in html


def test_csv_export_defuses_formulas(db, dispatcher, make_ticket):
    make_ticket(status=RESOLVED, summary='=HYPERLINK("http://evil.example","x")',
                location_detail="@SUM(1+1)", outcome_detail="-2+3", outcome="completed")
    response = dispatcher.get("/dispatch/history.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Summary"].startswith("'=")
    assert row["Location detail"] == "'@SUM(1+1)"
    assert row["Outcome detail"] == "'-2+3"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in rows[1])


def test_officer_step_cannot_be_forged(login_as, make_ticket, make_user):
    officer = make_user(roles=("officer",))
    ticket = make_ticket(status=ASSIGNED, officer=officer)
    client = login_as(user=officer)
    for step in ("resolved", "cancelled", "acknowledged", "new"):
        assert client.post(f"/dispatch/mine/{ticket.id}/{step}").status_code in (404, 405)


def test_actions_need_a_csrf_token(tmp_path, login_as, make_ticket):
    from app.extensions import db as _db

    ticket = make_ticket()
    app = create_app("testing", WTF_CSRF_ENABLED=True,
                     SQLALCHEMY_DATABASE_URI=_db.engine.url.render_as_string(hide_password=False))
    client = app.test_client()
    from tests.helpers import sign_in

    dispatcher = login_as("dispatcher").user
    sign_in(client, dispatcher)
    response = client.post(f"/dispatch/tickets/{ticket.id}/acknowledge",
                           data={"ack-version": str(ticket.version)})
    assert response.status_code == 400
    _db.session.expire_all()
    assert _db.session.get(Ticket, ticket.id).status == NEW


def test_an_admin_cannot_read_the_dispatch_board_or_act_on_a_ticket(login_as, make_ticket, db):
    """Admins run accounts and the audit log; working tickets is the dispatcher's role."""
    ticket = make_ticket(kind="escort", summary="Escort from Garage B to the ER")
    admin = login_as("admin")
    assert admin.get("/dispatch/").status_code == 403
    assert admin.get(f"/dispatch/tickets/{ticket.id}").status_code == 403
    assert admin.post(f"/dispatch/tickets/{ticket.id}/acknowledge").status_code == 403
    assert admin.get("/dispatch/history.csv").status_code == 403
    assert admin.get("/devices/lookup").status_code == 403
    assert "Dispatch" not in [a.get_text(strip=True) for a in
                              soup(admin.get("/admin/")).select("nav a")]
    db.session.expire_all()
    assert db.session.get(type(ticket), ticket.id).status == "new"
