"""Every public form that opens a ticket or sends mail has a per-client limit (members
included, POSTs only), and the answer past it is the form again with what was typed, the
numbers to call, status 429 and Retry-After; on DV pages with the quick exit and safety
note. Mail to a typed address is limited per address."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.escorts import EscortRequest
from app.models.outbox import OutboxMessage
from app.models.seminars import Registration
from app.models.tickets import Ticket
from tests.fixtures.reports import report_data
from tests.fixtures.support import form_data as dv_form_data
from tests.helpers import sign_in, soup

MARKER = "Typed-words-kept-7Q"
TWO = "2 per 10 minutes"
LIMITS = {"RATELIMIT_TICKET_LIMIT": TWO, "RATELIMIT_REPLY_LIMIT": TWO,
          "RATELIMIT_SIGNUP_LIMIT": TWO, "RATELIMIT_UPLOAD_LIMIT": TWO}


def escort_data(campus, **overrides) -> dict:
    data = {"from_place": str(campus["garage"].id), "to_place": str(campus["rail"].id),
            "when": "now", "party_size": "1", "phone": "(555) 010-1234",
            "needs": MARKER, "name": "Pat Doe", "email": ""}
    return data | overrides


@pytest.fixture()
def forms(campus, make_session, make_dv_request, make_escort, make_device, make_user):
    """name -> (path, data, multipart, member or None) for every limited public form."""
    session = make_session()
    dv_ticket, dv_token = make_dv_request()
    escort = make_escort()
    owner = make_user()
    device = make_device(owner=owner)
    return {
        "escort": ("/escorts/", escort_data(campus), False, None),
        "report": ("/report/suspicious_person", report_data(description=MARKER), True, None),
        "dv request": ("/support/request", dv_form_data(details=MARKER), False, None),
        "outreach": ("/outreach/survey", {"contact_name": MARKER}, False, None),
        "seminar": (f"/seminars/sessions/{session.id}/register",
                    {"name": MARKER, "email": "visitor@example.org"}, False, None),
        "apb": ("/apb/subscribe", {"email": f"{MARKER}@example.org"}, False, None),
        "follow-up message": (f"/track/{escort.reference}/{escort.token}/message",
                              {"body": MARKER}, False, None),
        "dv reply": (f"/support/follow/{dv_ticket.reference}/{dv_token}", {"body": MARKER},
                     False, None),
        "stolen device": (f"/devices/{device.id}/stolen",
                          {"last_seen_at": "2026-11-24T08:30", "where": MARKER}, False, owner),
        "device photo": ("/devices/register", {"make": MARKER}, True, owner),
    }


FORM_NAMES = ["escort", "report", "dv request", "outreach", "seminar", "apb",
              "follow-up message", "dv reply", "stolen device", "device photo"]


@pytest.mark.parametrize("name", FORM_NAMES)
def test_past_its_limit_a_form_comes_back_with_what_was_typed_and_a_429(
        limited_app, db, forms, name):
    path, data, multipart, owner = forms[name]
    client = limited_app(**LIMITS).test_client()
    if owner is not None:
        sign_in(client, owner)
    kwargs = {"content_type": "multipart/form-data"} if multipart else {}
    for _ in range(2):
        assert client.post(path, data=data, **kwargs).status_code != 429
    response = client.post(path, data=data, **kwargs)

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 600
    page = soup(response)
    assert MARKER in str(page.select_one("main")), "what was typed is kept"
    panel = page.select_one(".rate-limited")
    assert "try again in a few minutes" in panel.get_text()
    assert {"tel:911", "tel:5550104400"} <= {a["href"] for a in panel.find_all("a")}
    if path.startswith("/support/"):
        assert page.select_one("#quick-exit") is not None
        assert page.select_one(".safety-note") is not None
    page_path = path.removesuffix("/message")  # a POST-only route: its page is the GET
    assert client.get(page_path).status_code == 200, "GETs are never limited"


def test_a_signed_in_member_is_limited_like_anyone(limited_app, db, campus, make_user):
    client = limited_app(RATELIMIT_TICKET_LIMIT=TWO).test_client()
    sign_in(client, make_user())
    codes = [client.post("/escorts/", data=escort_data(campus, submission_key=f"k-{n:020d}"))
             .status_code for n in range(3)]
    assert codes == [303, 303, 429]
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 2


def test_colleagues_behind_one_hospital_address_each_have_their_own_count(
        limited_app, db, campus, make_user):
    """A hospital's staff reach the portal through one address (its NAT or proxy): a ward
    of signed-in nurses must not spend one shared count, nor a visitor on the guest network
    theirs. Members are counted by account, anonymous visitors by address."""
    app = limited_app(RATELIMIT_TICKET_LIMIT=TWO)
    nurses = [app.test_client() for _ in range(3)]
    for nurse in nurses:
        sign_in(nurse, make_user())
    visitor = app.test_client()
    codes = {name: [client.post("/escorts/", data=escort_data(
        campus, submission_key=f"{name}-{n:020d}")).status_code for n in range(2)]
        for name, client in [("n0", nurses[0]), ("n1", nurses[1]), ("n2", nurses[2]),
                             ("visitor", visitor)]}
    assert codes == {name: [303, 303] for name in ("n0", "n1", "n2", "visitor")}
    assert nurses[0].post("/escorts/", data=escort_data(
        campus, submission_key="n0-" + "9" * 20)).status_code == 429
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 8


def test_signing_out_does_not_give_a_member_a_fresh_count(limited_app, db, campus, make_user):
    """A member who spent their count signs out and posts anonymously: the address's own
    count is separate, so a script gains at most one more count this way, never one per
    account it signs out of (the address count is shared by every anonymous post)."""
    app = limited_app(RATELIMIT_TICKET_LIMIT=TWO)
    client = app.test_client()
    for n in range(2):
        assert client.post("/escorts/", data=escort_data(
            campus, submission_key=f"anon-{n:020d}")).status_code == 303
    sign_in(client, make_user())
    for n in range(2):
        assert client.post("/escorts/", data=escort_data(
            campus, submission_key=f"member-{n:020d}")).status_code == 303
    with client.session_transaction() as session:
        session.clear()
    assert client.post("/escorts/", data=escort_data(
        campus, submission_key="anon-" + "9" * 20)).status_code == 429


def test_ticket_forms_share_one_count_and_other_clients_are_not_affected(
        limited_app, db, campus):
    app = limited_app(RATELIMIT_TICKET_LIMIT=TWO)
    client = app.test_client()
    assert client.post("/escorts/", data=escort_data(campus)).status_code == 303
    assert client.post("/report/theft", data=report_data(),
                       content_type="multipart/form-data").status_code == 303
    assert client.post("/outreach/survey", data={}).status_code == 429
    other = app.test_client()
    elsewhere = {"REMOTE_ADDR": "192.0.2.77"}
    assert other.post("/escorts/", data=escort_data(campus),
                      environ_base=elsewhere).status_code == 303
    assert db.session.scalar(select(func.count(Ticket.id))) == 3


def test_refused_forms_count_too_so_a_script_cannot_probe_for_free(limited_app, db, campus):
    client = limited_app(RATELIMIT_TICKET_LIMIT=TWO).test_client()
    assert client.post("/escorts/", data={}).status_code == 400
    assert client.post("/escorts/", data={}).status_code == 400
    assert client.post("/escorts/", data=escort_data(campus)).status_code == 429


# --- mail to a typed address ----------------------------------------------------------

def mails_to(db, address: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.to_address == address))


def test_escort_confirmations_to_one_typed_address_stop_at_its_quota(limited_app, db, campus):
    app = limited_app(RATELIMIT_MAIL_PER_ADDRESS="2 per hour")
    victim = "someone.else@example.org"
    pages = []
    for n in range(3):  # three different clients, one address typed by all of them
        client = app.test_client()
        response = client.post("/escorts/", data=escort_data(campus, email=victim),
                               environ_base={"REMOTE_ADDR": f"192.0.2.{n + 10}"},
                               follow_redirects=True)
        pages.append(soup(response).get_text(" ", strip=True))
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 3, "every ticket taken"
    assert mails_to(db, victim) == 2
    assert "We did not email you" not in pages[1]
    assert "We did not email you" in pages[2]
    assert "private link" in pages[2]


def test_apb_confirmations_to_one_address_stop_at_its_quota(limited_app, db):
    app = limited_app(RATELIMIT_MAIL_PER_ADDRESS="2 per hour")
    for n in range(4):
        app.test_client().post("/apb/subscribe", data={"email": "reader@example.org"},
                               environ_base={"REMOTE_ADDR": f"192.0.2.{n + 10}"})
    assert mails_to(db, "reader@example.org") == 2


def test_password_reset_mails_to_one_address_stop_at_its_quota(limited_app, db, make_user):
    """A stranger typing someone's address into "Forgot password" from many addresses
    cannot flood that person's inbox: the page answers the same, the mail stops."""
    victim = make_user(email="nurse@example.org")
    app = limited_app(RATELIMIT_MAIL_PER_ADDRESS="2 per hour")
    for n in range(5):
        response = app.test_client().post("/forgot-password", data={"email": victim.email},
                                          environ_base={"REMOTE_ADDR": f"192.0.2.{n + 10}"})
        assert response.status_code in (200, 302, 303)
    assert mails_to(db, victim.email) == 2


def test_a_seminar_place_is_refused_when_its_address_had_its_mail(limited_app, db,
                                                                  make_session):
    app = limited_app(RATELIMIT_MAIL_PER_ADDRESS="1 per hour")
    first, second = make_session(), make_session()
    for session, ip in ((first, "192.0.2.10"), (second, "192.0.2.11")):
        response = app.test_client().post(
            f"/seminars/sessions/{session.id}/register",
            data={"name": "Vic Tim", "email": "vic@example.org"}, environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 400
    assert "several emails to this address" in soup(response).get_text()
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert mails_to(db, "vic@example.org") == 1
