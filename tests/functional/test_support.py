"""The support section as people use it: the person's pages and the advocate's queue."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.models.advocacy import AdvocateAuditEvent
from app.models.escorts import EscortRequest
from app.models.support import SupportRequest, WorkplaceAlert
from tests.fixtures.support import SECRET_CODE, SECRET_DETAILS, form_data
from tests.helpers import soup

PUBLIC_PAGES = ("/support/", "/support/browse-safely", "/support/request")


def test_every_public_page_has_quick_exit_first_safety_note_and_numbers(app, client):
    for url in PUBLIC_PAGES:
        page = soup(client.get(url))
        first_focusable = page.body.find(["a", "button", "input", "select", "textarea"])
        assert first_focusable.get("id") == "quick-exit", url
        assert first_focusable["href"] == "/support/exit"
        assert set(first_focusable["rel"]) == {"nofollow", "noreferrer"}
        note = page.find(id="safety-note-title").parent.get_text(" ")
        for number in (app.config["DV_NATIONAL_HOTLINE"], app.config["DV_ADVOCACY_PHONE"],
                       app.config["EMERGENCY_PHONE"]):
            assert number in note, (url, number)
        assert "cannot" in note and "monitored" in note
        assert page.title.get_text(strip=True) == "Support request"
        assert page.find("script", src=re.compile("quick-exit.js"))


def test_exit_goes_to_the_neutral_site_and_marks_the_browser_with_a_bare_flag(app, client):
    response = client.get("/support/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["DV_NEUTRAL_URL"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{app.config['DV_EXIT_COOKIE']}=1;")
    assert f"Max-Age={app.config['DV_EXIT_SECONDS']}" in cookie and "Path=/support/" in cookie
    assert "no-store" in response.headers["Cache-Control"]


def test_after_the_exit_every_persons_page_leads_to_the_neutral_site(app, client,
                                                                    make_dv_request):
    ticket, token = make_dv_request()
    client.get("/support/exit")
    for url in PUBLIC_PAGES + (f"/support/follow/{ticket.reference}/{token}",
                               "/support/received"):
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["Location"] == app.config["DV_NEUTRAL_URL"], url
        assert "no-store" in response.headers["Cache-Control"], url
    posted = client.post("/support/request", data={"help_kinds": "safety_plan"})
    assert posted.headers["Location"] == app.config["DV_NEUTRAL_URL"]


def test_the_exit_mark_does_not_bar_advocates_from_their_queue(db, login_as):
    advocate = login_as("advocate")
    advocate.get("/support/exit")
    assert advocate.get("/support/advocate/").status_code == 200


def test_every_state_keeps_quick_exit_first_and_the_safety_note(db, client,
                                                                 make_dv_request):
    ticket, token = make_dv_request()
    follow = f"/support/follow/{ticket.reference}/{token}"
    pages = [client.post("/support/request", data={}, follow_redirects=True),
             client.post("/support/request", data=form_data(), follow_redirects=True),
             client.post(follow, data={"body": ""}, follow_redirects=True),
             client.post(follow, data={"body": "Thanks"}, follow_redirects=True)]
    for response in pages:
        page = soup(response)
        first = page.body.find(["a", "button", "input", "select", "textarea"])
        assert first.get("id") == "quick-exit", response.request.path
        assert page.find(id="safety-note-title") is not None, response.request.path


def test_no_persons_page_answers_a_post_with_a_page(db, client, make_dv_request):
    """Post/redirect/get: a history entry is never a POST result the browser cannot show."""
    ticket, token = make_dv_request()
    follow = f"/support/follow/{ticket.reference}/{token}"
    for url, data in (("/support/request", {}), (follow, {"body": ""}),
                      (follow, {"body": "Thursday works"})):
        response = client.post(url, data=data)
        assert response.status_code == 303, url


def test_nothing_is_loaded_from_other_sites(client):
    for url in PUBLIC_PAGES:
        page = soup(client.get(url))
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in page.find_all(tag):
                assert not (element.get(attr) or "").startswith(("http", "//")), element


def test_landing_page_links_to_the_form_and_browse_safely(client):
    page = soup(client.get("/support/"))
    assert page.h1.get_text(strip=True) == "Confidential support"
    hrefs = {a["href"] for a in page.find_all("a")}
    assert "/support/request" in hrefs and "/support/browse-safely" in hrefs


def test_submit_shows_reference_and_private_link_with_warning(db, client):
    response = client.post("/support/request", data=form_data(), follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/support/received"
    page = soup(response)
    request = db.session.scalar(select(SupportRequest))
    assert request.reference in page.get_text()
    assert "keep this only if it is safe to" in page.get_text().lower()
    link = page.find("a", class_="private-link")["href"]
    assert link.startswith(f"/support/follow/{request.reference}/")
    follow = client.get(link)
    assert follow.status_code == 200 and request.reference in follow.get_data(as_text=True)
    again = client.get("/support/received", follow_redirects=True)
    assert "private-link" not in again.get_data(as_text=True), "the link is shown only once"


def test_double_submit_makes_one_request_and_shows_no_second_link(db, client):
    data = form_data()
    client.post("/support/request", data=data)
    again = soup(client.post("/support/request", data=data, follow_redirects=True))
    assert db.session.query(SupportRequest).count() == 1
    assert again.find("a", class_="private-link") is None
    assert "already had this request" in again.get_text()


def test_missing_answers_are_explained_on_the_form(db, client):
    response = client.post("/support/request", data={"contact_method": "email",
                                                     "email": "a@example.org",
                                                     "details": "kept after the redirect"},
                           follow_redirects=True)
    assert response.status_code == 400 and response.request.path == "/support/request"
    assert "kept after the redirect" in response.get_data(as_text=True)
    page = soup(response)
    summary = page.find(class_="error-summary").get_text()
    assert "Choose at least one kind of help" in summary
    assert "tick the box" in summary
    assert "Say whether we may leave a message" in summary
    assert db.session.query(SupportRequest).count() == 0


def test_in_person_needs_place_and_time(db, client):
    response = client.post("/support/request", data=form_data(contact_method="in_person",
                                                              phone=None),
                           follow_redirects=True)
    assert response.status_code == 400
    text = soup(response).get_text()
    assert "Say where we can meet you" in text and "Say when we can meet you" in text


def test_opt_in_box_only_for_signed_in_people(client, login_as):
    assert soup(client.get("/support/request")).find(id="show_in_my_requests") is None
    member = login_as(None)
    assert soup(member.get("/support/request")).find(id="show_in_my_requests") is not None


def test_person_replies_on_the_follow_page(db, client, make_dv_request):
    ticket, token = make_dv_request()
    url = f"/support/follow/{ticket.reference}/{token}"
    response = client.post(url, data={"body": "I can talk on Tuesday"})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "I can talk on Tuesday" in page
    empty = client.post(url, data={"body": "  "}, follow_redirects=True)
    assert empty.status_code == 400 and "Write your message first" in empty.get_data(as_text=True)


def test_advocate_queue_and_request_page(db, login_as, make_dv_request):
    older, _ = make_dv_request(details="first one")
    newer, _ = make_dv_request(details="second one")
    advocate = login_as("advocate")
    page = soup(advocate.get("/support/advocate/"))
    refs = [a.get_text(strip=True) for a in page.select(".dv-queue h2 a")]
    assert refs == [older.reference, newer.reference]
    assert "Do not leave a message" in page.get_text().replace("No: do not", "Do not")
    assert SECRET_CODE in page.get_text()
    case = advocate.get(f"/support/advocate/{older.id}")
    assert case.status_code == 200 and "first one" in case.get_data(as_text=True)
    actions = db.session.scalars(select(AdvocateAuditEvent.action)).all()
    assert "dv.view" in actions and "dv.queue" in actions


def test_advocate_works_a_request_end_to_end(db, login_as, make_dv_request):
    ticket, token = make_dv_request()
    advocate = login_as("advocate")
    base = f"/support/advocate/{ticket.id}"
    assert advocate.post(base + "/acknowledge", data={"version": ticket.version}).status_code == 303
    assert advocate.post(base + "/note", data={"note-body": "Called, safe"}).status_code == 303
    message = advocate.post(base + "/message", data={"message-body": "We can meet Tuesday"})
    assert message.status_code == 303
    escort = advocate.post(base + "/escort", data={
        "escort-meet": "Robin", "escort-meet_at": "East lobby", "escort-going_to": "Bus stop 4"})
    assert escort.status_code == 303
    alert = advocate.post(base + "/alert", data={"alert-person_description": "Tall, red cap",
                                                 "alert-keep_out_of": "Ward 5"})
    assert alert.status_code == 303
    page = advocate.get(base).get_data(as_text=True)
    assert "Called, safe" in page and "We can meet Tuesday" in page
    assert db.session.scalar(select(EscortRequest)).from_other == "East lobby"
    assert db.session.scalar(select(WorkplaceAlert)).keep_out_of == "Ward 5"
    person = advocate.get(f"/support/follow/{ticket.reference}/{token}").get_data(as_text=True)
    assert "We can meet Tuesday" in person and "Called, safe" not in person
    closed = advocate.post(base + "/close", data={"close-outcome": "resolved:assisted",
                                                  "close-version": "9999"})
    assert closed.status_code == 303
    assert db.session.get(SupportRequest, ticket.id).is_open  # stale version refused
    version = db.session.get(SupportRequest, ticket.id).version
    advocate.post(base + "/close", data={"close-outcome": "resolved:assisted",
                                         "close-version": str(version)})
    assert db.session.get(SupportRequest, ticket.id).status == "resolved"


def test_advocate_form_errors_show_on_the_request_page(db, login_as, make_dv_request):
    ticket, _ = make_dv_request()
    advocate = login_as("advocate")
    response = advocate.post(f"/support/advocate/{ticket.id}/escort", data={"escort-meet": ""})
    assert response.status_code == 400
    assert "Say who the officer meets" in soup(response).find(class_="error-summary").get_text()
    response = advocate.post(f"/support/advocate/{ticket.id}/close",
                             data={"close-outcome": "resolved:forged"})
    assert response.status_code == 400
    assert db.session.get(SupportRequest, ticket.id).is_open


def test_unknown_request_ids_are_404_for_advocates(db, login_as):
    advocate = login_as("advocate")
    assert advocate.get("/support/advocate/987654").status_code == 404
    response = advocate.post("/support/advocate/987654/note", data={"note-body": "x"})
    assert response.status_code == 404


def test_advocate_page_of_a_non_dv_ticket_is_404(db, login_as, make_ticket):
    escort = make_ticket(kind="escort")
    assert login_as("advocate").get(f"/support/advocate/{escort.id}").status_code == 404


def test_details_render_escaped(db, client, make_dv_request, login_as):
    ticket, _ = make_dv_request(details="<script>alert(1)</script>")
    page = login_as("advocate").get(f"/support/advocate/{ticket.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert SECRET_DETAILS  # fixture import used


def test_opted_in_request_shows_in_my_requests_and_opens_there(db, login_as,
                                                                make_dv_request):
    member = login_as(None)
    ticket, _ = make_dv_request(actor=member.user, show_in_my_requests=True)
    mine = soup(member.get("/track/mine"))
    link = mine.find("a", string=ticket.reference)
    assert link["href"] == f"/support/mine/{ticket.reference}"
    page = member.get(link["href"])
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    reply = member.post(link["href"], data={"body": "Tuesday is fine"})
    assert reply.status_code == 303
    assert "Tuesday is fine" in member.get(link["href"]).get_data(as_text=True)
    other = login_as(None)
    assert other.get(link["href"]).status_code == 404
    assert other.post(link["href"], data={"body": "forged"}).status_code == 404
