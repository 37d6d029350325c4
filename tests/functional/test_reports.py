"""Reporting a concern through the browser-facing routes, and dispatch closing it."""
from __future__ import annotations

import re

import pytest

from app.models.audit import AuditEvent
from app.models.reports import IncidentReport, ReportPhoto
from app.models.tickets import TicketEvent
from app.services import dispatch
from tests.fixtures.reports import image_bytes, local_now_text, report_data, upload
from tests.helpers import soup


def send(client, category="suspicious_package", environ_base=None, **overrides):
    return client.post(f"/report/{category}", data=report_data(**overrides),
                       content_type="multipart/form-data", environ_base=environ_base or {})


def follow_link(client, response) -> str:
    page = soup(client.get(response.headers["Location"]))
    return page.select_one(".private-link a")["href"]


def test_step_one_lists_every_category_as_a_link(client):
    page = soup(client.get("/report/"))
    links = [a["href"] for a in page.select(".report-categories a")]
    assert "/report/suspicious_package" in links and len(links) == 7
    assert page.select_one("a.call-now")["href"] == "tel:911"


def test_guidance_comes_before_the_form_in_order(client):
    html = client.get("/report/suspicious_package").get_data(as_text=True)
    call = html.index('class="call-now"')
    meanwhile = html.index("What to do meanwhile")
    form = html.index("<form method=\"post\" action=\"/report/suspicious_package\"")
    assert call < meanwhile < form
    assert html.index("Do not touch, move or cover it") < html.index("radio") < form
    call_link = soup(html).select_one(".report-call a.call-now")
    assert call_link["href"] == "tel:911" and "911" in call_link.get_text()


@pytest.mark.parametrize(("category", "text"), [
    ("hazardous_material", "Wash any exposed skin"),
    ("unauthorized_person", "Do not confront"),
])
def test_each_category_shows_its_own_guidance(client, category, text):
    page = soup(client.get(f"/report/{category}"))
    assert text in page.select_one(".report-meanwhile").get_text()


def test_unknown_category_is_404(client):
    assert client.get("/report/ZZZ-NOPE99").status_code == 404


def test_anonymous_report_with_photo(client, db):
    response = send(client, anonymous="y", contact_name="Should Vanish",
                    contact_email="gone@example.org", contact_phone="555-0199",
                    still_happening="y", person_clothing="red coat",
                    photos=[upload(image_bytes())])
    assert response.status_code == 303
    sent = soup(client.get(response.headers["Location"]))
    assert "Keep this link to see questions from dispatch" in sent.get_text()
    report = db.session.query(IncidentReport).one()
    assert report.reference in sent.get_text()
    assert report.anonymous and report.priority == 1 and report.person_clothing == "red coat"
    assert (report.contact_name, report.contact_email, report.contact_phone) == (None,) * 3
    assert len(report.photos) == 1 and report.photos[0].from_requester
    assert all(e.ip_address is None for e in db.session.query(AuditEvent))
    assert sent.select_one(".private-link a")["href"].split("/track/")[1].startswith(
        report.reference)


def test_named_report_keeps_contact_and_takes_the_location_list(client, db, make_location):
    lobby = make_location("Main Lobby")
    response = send(client, category="theft", location=str(lobby.id), location_detail="",
                    contact_name="Jo Reporter", contact_phone="555-0100")
    assert response.status_code == 303
    report = db.session.query(IncidentReport).one()
    assert report.location_id == lobby.id and report.contact_name == "Jo Reporter"
    assert report.priority == 2 and not report.anonymous


def test_double_submit_makes_one_report(client, db):
    key = "s" * 40
    first = send(client, submission_key=key)
    second = send(client, submission_key=key)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(IncidentReport).count() == 1
    assert "Keep this link" in soup(client.get(second.headers["Location"])).get_text()


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"description": ""}, "description", "Say what you saw."),
    ({"description": "x" * 2001}, "description", "under 2000"),
    ({"location_detail": "", "location": ""}, "location_detail", "Choose a place"),
    ({"observed_at": ""}, "observed_at", "Say when you saw it."),
    ({"observed_at": "yesterday-ish"}, "observed_at", None),
    ({"location": "987654"}, "location", None),
    ({"contact_email": "not-an-email"}, "contact_email", "email address"),
])
def test_bad_input_is_shown_on_the_form(client, db, overrides, field, message):
    response = send(client, **overrides)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one(".error-summary")
    error = page.select_one(f"#{field}-error")
    assert error is not None
    if message:
        assert message in error.get_text()
    assert db.session.query(IncidentReport).count() == 0


def test_time_in_the_future_is_refused(client, db):
    response = send(client, observed_at=local_now_text(60))
    assert "cannot be in the future" in soup(response).select_one("#observed_at-error").get_text()
    assert db.session.query(IncidentReport).count() == 0


def test_anonymous_report_ignores_an_invalid_email(client, db):
    response = send(client, anonymous="y", contact_email="not-an-email")
    assert response.status_code == 303
    assert db.session.query(IncidentReport).one().contact_email is None


def test_follow_page_shows_the_report_and_the_photo_form(client, db):
    link = follow_link(client, send(client, anonymous="y"))
    page = soup(client.get(link))
    assert "Your report" in page.get_text() and "Suspicious package" in page.get_text()
    form = page.find("form", action=re.compile(r"/report/RPT-.*/photos$"))
    assert form is not None and form.find("input", type="file")


def test_reporter_adds_photos_anonymously_and_dispatch_sees_unread(client, db):
    link = follow_link(client, send(client, anonymous="y"))
    reference, token = link.split("/track/")[1].split("/")
    response = client.post(f"/report/{reference}/{token}/photos",
                           data={"photos": [upload(image_bytes()), upload(image_bytes("PNG"))]},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    report = db.session.query(IncidentReport).one()
    assert len(report.photos) == 2 and report.unread_by_staff
    assert "Added 2 photos" in soup(client.get(link)).get_text()
    assert all(e.ip_address is None for e in db.session.query(AuditEvent))


def test_add_photos_without_a_photo_says_so(client, db):
    link = follow_link(client, send(client))
    reference, token = link.split("/track/")[1].split("/")
    response = client.post(f"/report/{reference}/{token}/photos", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose at least one photo" in soup(response).select_one(".error-summary").get_text()


def test_reporter_reply_marks_unread_and_keeps_no_address(client, db):
    link = follow_link(client, send(client, anonymous="y"))
    client.post(link + "/message", data={"body": "It is still there."},
                environ_base={"REMOTE_ADDR": "198.51.100.7"})
    report = db.session.query(IncidentReport).one()
    assert report.unread_by_staff
    assert all(e.ip_address is None for e in db.session.query(AuditEvent))


def test_dispatch_page_shows_report_photos_and_close_form(client, db, login_as):
    send(client, anonymous="y", photos=[upload(image_bytes())])
    report = db.session.query(IncidentReport).one()
    staff = login_as("dispatcher")
    page = soup(staff.get(f"/dispatch/tickets/{report.id}"))
    details = page.select_one(".report-details")
    assert "Suspicious package" in details.get_text() and "Keep away" in details.get_text()
    image = details.select_one(".report-photos img")
    assert image["src"] == f"/report/photo/{report.photos[0].id}" and image["alt"]
    assert page.find("form", action=f"/report/{report.id}/close")


def test_officer_sees_details_but_no_close_form(client, db, login_as):
    send(client)
    report = db.session.query(IncidentReport).one()
    officer = login_as("officer")
    dispatch.assign(report.id, login_as("dispatcher").user, None, officer.user)
    page = soup(officer.get(f"/dispatch/mine/{report.id}"))
    assert "Do not touch" not in page.get_text()
    assert page.select_one(".report-details") is not None
    assert page.find("form", action=f"/report/{report.id}/close") is None


def test_dispatch_refers_and_the_reporter_reads_it(client, db, login_as):
    link = follow_link(client, send(client, anonymous="y"))
    report = db.session.query(IncidentReport).one()
    staff = login_as("dispatcher")
    response = staff.post(f"/report/{report.id}/close", data={
        "outcome": "referred", "agency": "City Police Department", "version": report.version})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(IncidentReport, report.id).outcome == "referred"
    assert "Referred to City Police Department." in soup(client.get(link)).get_text()


def test_close_refusal_is_flashed_and_writes_nothing(client, db, login_as):
    send(client)
    report = db.session.query(IncidentReport).one()
    staff = login_as("dispatcher")
    response = staff.post(f"/report/{report.id}/close", data={"outcome": "referred"},
                          follow_redirects=True)
    assert "Name the agency" in soup(response).get_text()
    db.session.expire_all()
    assert db.session.get(IncidentReport, report.id).is_open
    assert db.session.query(TicketEvent).count() == 1


def test_staff_photo_route_headers(client, db, login_as):
    send(client, photos=[upload(image_bytes())])
    photo = db.session.query(ReportPhoto).one()
    officer = login_as("officer")
    db.session.get(IncidentReport, photo.ticket_id).assigned_officer_id = officer.user.id
    db.session.commit()
    response = officer.get(f"/report/photo/{photo.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline") and f"photo-{photo.id}.jpg" in disposition


def test_officer_cannot_open_photos_of_a_report_assigned_to_someone_else(client, db, login_as):
    send(client, photos=[upload(image_bytes())])
    photo = db.session.query(ReportPhoto).one()
    other = login_as("officer")
    db.session.get(IncidentReport, photo.ticket_id).assigned_officer_id = other.user.id
    db.session.commit()
    assert login_as("officer").get(f"/report/photo/{photo.id}").status_code == 404
    assert login_as("dispatcher").get(f"/report/photo/{photo.id}").status_code == 200


def test_flooded_client_keeps_its_words_and_sees_the_numbers(limited_app, db):
    limited_app = limited_app(RATELIMIT_TICKET_LIMIT="2 per 10 minutes")
    client = limited_app.test_client()
    for _ in range(2):
        assert send(client, anonymous="y").status_code == 303
    response = send(client, anonymous="y", description="Third: smoke from a bin")
    assert response.status_code == 429
    page = soup(response)
    assert "Third: smoke from a bin" in page.select_one("#description").get_text()
    panel = page.select_one(".rate-limited")
    assert "try again in a few minutes" in panel.get_text()
    hrefs = [a["href"] for a in panel.find_all("a")]
    assert "tel:911" in hrefs and "tel:5550104400" in hrefs
    assert db.session.query(IncidentReport).count() == 2
    elsewhere = {"REMOTE_ADDR": "192.0.2.44"}
    assert send(limited_app.test_client(), anonymous="y", environ_base=elsewhere).status_code == 303
