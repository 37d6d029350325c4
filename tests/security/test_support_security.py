"""The DV section's security: who may open what, headers, and DV content appearing nowhere
else (dispatch, exports, "My requests", the public tracker, mail, the audit log)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models.accounts import STAFF_ROLES
from app.models.advocacy import AdvocateAuditEvent
from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from app.models.support import SupportRequest
from tests.fixtures.support import assert_no_secrets, form_data
from tests.helpers import soup

OTHER_IDENTITIES = [None, *[r for r in STAFF_ROLES if r != "advocate"]]


def advocate_routes(app):
    """(method, url) of every advocate route, ids filled with a real-looking number."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("support.") and "/advocate/" in rule.rule:
            url = re.sub(r"<int(\(signed=True\))?:(ticket|grant)_id>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, url))
    return routes


def test_the_advocate_routes_exist(app):
    assert len(advocate_routes(app)) >= 8


@pytest.mark.parametrize("role", OTHER_IDENTITIES)
def test_every_other_role_is_refused_and_audited(app, db, login_as, make_dv_request, role):
    ticket, _ = make_dv_request()
    client = login_as(role)
    for method, url in advocate_routes(app):
        url = url.replace("/advocate/1", f"/advocate/{ticket.id}")
        response = client.open(url, method=method, data={"note-body": "x"})
        assert response.status_code == 403, (role, method, url)
        assert_no_secrets(response.get_data(as_text=True))
    denied = db.session.scalars(select(AdvocateAuditEvent).where(
        AdvocateAuditEvent.action == "dv.denied")).all()
    assert len(denied) == len(advocate_routes(app))
    assert all(event.actor_id == client.user.id for event in denied)
    assert db.session.get(SupportRequest, ticket.id).events[-1].kind == "created"


def test_anonymous_visitors_are_sent_to_sign_in(app, client, make_dv_request):
    ticket, _ = make_dv_request()
    for method, url in advocate_routes(app):
        response = client.open(url.replace("/advocate/1", f"/advocate/{ticket.id}"), method=method)
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_admin_with_advocate_role_gets_in(db, login_as, make_dv_request):
    ticket, _ = make_dv_request()
    both = login_as("admin", "advocate")
    assert both.get(f"/support/advocate/{ticket.id}").status_code == 200


def test_every_page_of_the_section_is_no_store_and_no_referrer(db, client, login_as,
                                                              make_dv_request):
    ticket, token = make_dv_request()
    advocate = login_as("advocate")
    pages = [(client, "/support/"), (client, "/support/browse-safely"),
             (client, "/support/request"), (client, f"/support/follow/{ticket.reference}/{token}"),
             (client, "/support/follow/DVA-NOPE99/forged"),
             (advocate, "/support/advocate/"), (advocate, f"/support/advocate/{ticket.id}")]
    for who, url in pages:
        response = who.get(url)
        assert "no-store" in response.headers["Cache-Control"], url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
    response = client.post("/support/request", data=form_data())
    assert "no-store" in response.headers["Cache-Control"]


# --- absence everywhere else --------------------------------------------------------------

def test_not_on_the_dispatch_board_or_history(app, db, login_as, make_dv_request):
    from app.services import queue

    ticket, _ = make_dv_request()
    open_refs = [t.reference for t in queue.open_queue().tickets]
    assert ticket.reference not in open_refs
    dispatcher = login_as("dispatcher", "admin")
    board = dispatcher.get("/dispatch/")
    assert board.status_code == 200
    assert ticket.reference not in board.get_data(as_text=True)
    assert dispatcher.get(f"/dispatch/tickets/{ticket.id}").status_code == 404


def test_not_in_closed_history_or_its_csv(app, db, login_as, make_dv_request, make_user):
    from app.services import queue, support

    ticket, _ = make_dv_request()
    support.close_request(ticket.id, make_user(roles=("advocate",)), None, "resolved:assisted")
    filters = queue.HistoryFilters()
    history = queue.closed_history(filters)
    rows = history if isinstance(history, list) else getattr(history, "tickets", history)
    assert ticket.reference not in repr([getattr(t, "reference", t) for t in rows])
    csv_text = "".join(queue.history_csv(filters))
    assert ticket.reference not in csv_text
    assert_no_secrets(csv_text)
    dispatcher = login_as("dispatcher", "admin")
    for endpoint in ("dispatch.history", "dispatch.history_csv", "dispatch.export"):
        if endpoint in app.view_functions:
            with app.test_request_context():
                from flask import url_for

                url = url_for(endpoint)
            body = dispatcher.get(url).get_data(as_text=True)
            assert ticket.reference not in body, endpoint


def test_public_tracker_redirects_the_private_link_to_the_support_page(db, client,
                                                                       make_dv_request):
    ticket, token = make_dv_request()
    response = client.get(f"/track/{ticket.reference}/{token}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/support/follow/{ticket.reference}/{token}")
    posted = client.post(f"/track/{ticket.reference}/{token}/message", data={"body": "hi"})
    assert posted.status_code in (303, 404)
    assert len(db.session.get(SupportRequest, ticket.id).events) == 1


def test_dv_reference_without_its_token_is_a_plain_refusal(db, client, make_dv_request):
    ticket, _ = make_dv_request()
    for url in (f"/track/{ticket.reference}/forged-token", f"/support/follow/{ticket.reference}/x",
                f"/support/follow/{ticket.reference}/{'A' * 300}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_no_secrets(response.get_data(as_text=True))
    for data in ({"reference": ticket.reference}, {"link": ticket.reference},
                 {"reference": ticket.reference, "token": "forged"}):
        response = client.post("/track/", data=data)
        assert response.status_code in (200, 400), data
        body = response.get_data(as_text=True)
        assert_no_secrets(body)
        assert "Support request" not in body.split("<main", 1)[-1]


def test_token_of_another_request_does_not_open_it(db, client, make_dv_request):
    first, first_token = make_dv_request()
    second, _ = make_dv_request()
    response = client.get(f"/support/follow/{second.reference}/{first_token}")
    assert response.status_code == 404
    posted = client.post(f"/support/follow/{second.reference}/{first_token}",
                         data={"body": "forged"})
    assert posted.status_code == 404
    assert len(db.session.get(SupportRequest, second.id).events) == 1


def test_not_in_my_requests_without_opt_in(db, login_as, make_dv_request):
    member = login_as(None)
    ticket, _ = make_dv_request(actor=member.user)
    page = member.get("/track/mine").get_data(as_text=True)
    assert ticket.reference not in page
    assert member.get(f"/track/mine/{ticket.reference}").status_code == 404


def test_no_mail_except_to_the_safe_address(db, client, login_as, make_dv_request):
    ticket, _ = make_dv_request()
    advocate = login_as("advocate")
    advocate.post(f"/support/advocate/{ticket.id}/message", data={"message-body": "zebra-7731"})
    client.post("/support/request", data=form_data(contact_method="email", phone=None,
                                                   email="robin@example.org"))
    assert db.session.scalar(select(OutboxMessage.id)) is None  # not ticked safe: refused
    client.post("/support/request", data=form_data(contact_method="email", phone=None,
                                                   email="robin@example.org", email_is_safe="y"))
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in messages] == ["robin@example.org"]
    for message in messages:
        assert_no_secrets(message.subject + message.text_body + (message.html_body or ""))


def test_audit_log_holds_no_content(db, login_as, make_dv_request):
    ticket, token = make_dv_request()
    advocate = login_as("advocate")
    advocate.get(f"/support/advocate/{ticket.id}")
    advocate.post(f"/support/advocate/{ticket.id}/note", data={"note-body": "zebra-7731 note"})
    advocate.post(f"/support/advocate/{ticket.id}/close",
                  data={"close-outcome": "cancelled:no_longer_needed", "close-note": "quokka"})
    events = db.session.scalars(select(AdvocateAuditEvent)).all()
    text = repr([(e.action, e.object_id, e.detail) for e in events])
    assert_no_secrets(text)
    assert ticket.reference in text and token not in text
    admin_side = repr([(e.action, e.object_id, e.detail)
                       for e in db.session.scalars(select(AuditEvent))])
    assert ticket.reference not in admin_side and "dv." not in admin_side


def test_admin_audit_page_shows_existence_not_content(app, db, login_as, make_dv_request):
    ticket, _ = make_dv_request()
    admin = login_as("admin")
    for endpoint in ("admin.audit", "admin.audit_log"):
        if endpoint in app.view_functions:
            with app.test_request_context():
                from flask import url_for

                body = admin.get(url_for(endpoint)).get_data(as_text=True)
            assert_no_secrets(body)


# --- hostile input ------------------------------------------------------------------------

HOSTILE = [
    "", " " * 50, "x" * 5000, "bad\x00null", "bidi\u202eoverride", "<script>alert(1)</script>",
    "'; DROP TABLE ticket; --", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 ﷽", "line\nbreak",
]
FIELDS = ["details", "phone", "email", "in_person_place", "in_person_time", "safe_times",
          "code_word", "preferred_name", "contact_method", "may_leave_message", "help_kinds",
          "submission_key"]


@pytest.mark.parametrize("field", FIELDS)
def test_hostile_text_on_every_field_never_500s(db, client, field):
    for value in HOSTILE:
        response = client.post("/support/request", data=form_data(**{field: value}),
                               follow_redirects=True)
        assert response.status_code in (200, 400), (field, value)
    assert db.session.query(SupportRequest).count() <= len(HOSTILE)


def test_over_long_and_control_characters_are_refused_with_a_message(db, client):
    response = client.post("/support/request", data=form_data(details="x" * 5000))
    assert response.status_code == 400 and "under 4000" in response.get_data(as_text=True)
    response = client.post("/support/request", data=form_data(code_word="a\x00b"),
                           follow_redirects=True)
    assert response.status_code == 400 and "control characters" in response.get_data(as_text=True)
    response = client.post("/support/request", data=form_data(help_kinds=["forged"]),
                           follow_redirects=True)
    assert response.status_code == 400
    assert db.session.query(SupportRequest).count() == 0


def test_hostile_text_is_stored_and_shown_escaped(db, client, login_as):
    client.post("/support/request", data=form_data(details="<img src=x onerror=alert(1)>"))
    ticket = db.session.scalar(select(SupportRequest))
    page = login_as("advocate").get(f"/support/advocate/{ticket.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_forged_ids_and_wrong_types_on_advocate_routes(db, login_as):
    advocate = login_as("advocate")
    assert advocate.get("/support/advocate/abc").status_code == 404
    assert advocate.post("/support/advocate/987654/close",
                         data={"close-outcome": "resolved:assisted"}).status_code == 404
    assert advocate.post("/support/advocate/987654/acknowledge",
                         data={"version": "not-a-number"}).status_code == 404


def test_csrf_is_required_on_the_request_form(db):
    from app import create_app

    app = create_app("testing", WTF_CSRF_ENABLED=True,
                     SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(hide_password=False))
    response = app.test_client().post("/support/request", data=form_data())
    assert response.status_code in (400, 403)
    assert db.session.query(SupportRequest).count() == 0


def test_an_expired_support_form_never_shows_what_was_typed_and_keeps_the_quick_exit(db):
    from app import create_app

    app = create_app("testing", WTF_CSRF_ENABLED=True,
                     SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(hide_password=False))
    data = form_data() | {"details": "He waits by the garage every evening"}
    response = app.test_client().post("/support/request", data=data)
    html = response.get_data(as_text=True)
    page = soup(html)
    assert response.status_code == 400
    assert response.headers["Cache-Control"].startswith("no-store")
    assert page.title.get_text().startswith("Support request")
    assert "He waits by the garage every evening" not in page.get_text()
    assert "quick-exit" in html
    assert page.find("button", string="Send it now")
