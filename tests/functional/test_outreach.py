"""Outreach requests: each type opens a P3 service ticket that is followed like any other."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.models.outbox import OutboxMessage
from app.models.outreach import ServiceRequest
from app.models.tickets import Ticket
from tests.helpers import soup, text
from tests.spanish import SPANISH, assert_spanish

VALID = {
    "presentation": {"department": "Nursing", "topic": "De-escalation", "audience_size": "30",
                     "preferred_dates": "Any Tuesday in March"},
    "survey": {"area": "Pharmacy loading dock", "details": "The door is propped open."},
    "detail": {"event_when": "1 May, 18:00-22:00", "event_where": "Atrium",
               "expected_attendance": "200", "details": "VIP guests"},
}
CONTACT = {"contact_name": "Pat Requester", "contact_phone": "(555) 010-2233",
           "contact_email": "pat@example.org"}


def tickets(db) -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


def test_landing_lists_every_request_type(client, db):
    page = soup(client.get("/outreach/"))
    assert page.h1.text == "Outreach requests"
    links = [a["href"] for a in page.select(".card a")]
    assert links == [f"/outreach/{kind}" for kind in VALID]
    assert client.get("/outreach/ZZZ-NOPE99").status_code == 404
    assert page.find("a", href="/units/valuables") is not None


def test_the_old_valuables_address_says_where_valuables_went(client, db, app):
    """A bookmark of the old form: a page, not a sign-in wall. Unit staff get the unit form,
    a patient or visitor the number to call; nothing is written."""
    for headers in ({}, SPANISH):
        response = client.get("/outreach/valuables", headers=headers)
        assert response.status_code == 200
        page = soup(response)
        assert page.find("a", href="/units/valuables") is not None
        assert page.find("a", href=re.compile("^tel:")) is not None
    assert "Valuables pickups have moved" in text(client.get("/outreach/valuables"))
    assert_spanish(client.get("/outreach/valuables", headers=SPANISH))
    assert tickets(db) == 0


@pytest.mark.parametrize("kind", list(VALID))
def test_each_type_opens_a_p3_service_ticket(client, db, kind):
    form = soup(client.get(f"/outreach/{kind}"))
    key = form.find("input", attrs={"name": "submission_key"})["value"]
    assert form.find("label", attrs={"for": "contact_name"}).text.strip() == "Your name"
    response = client.post(f"/outreach/{kind}",
                           data={**VALID[kind], **CONTACT, "submission_key": key})
    assert response.status_code == 303
    ticket = db.session.scalar(select(ServiceRequest))
    assert (ticket.kind, ticket.priority, ticket.service_type) == ("service", 3, kind)
    assert ticket.reference.startswith("SVC-")
    page = soup(client.get(response.headers["Location"]))
    assert ticket.reference in page.select_one(".reference").text
    link = page.select_one(".private-link a")["href"]
    assert f"/track/{ticket.reference}/" in link
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == "pat@example.org"))
    assert ticket.reference in mail.subject and link in mail.text_body
    followed = client.get(urlsplit(link).path)
    assert followed.status_code == 200
    assert str(ticket.service_label) in followed.get_data(as_text=True)


def test_double_submit_makes_one_ticket(client, db):
    data = {**VALID["survey"], **CONTACT, "submission_key": "k" * 32}
    client.post("/outreach/survey", data=data)
    client.post("/outreach/survey", data=data)
    assert tickets(db) == 1


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Enter your name."),
    ({**VALID["presentation"], "contact_name": "Pat"}, "phone number or an email"),
    ({**VALID["presentation"], **CONTACT, "audience_size": "-4"}, "between 1 and 5000"),
    ({**VALID["presentation"], **CONTACT, "audience_size": "many"}, "integer"),
    ({**VALID["presentation"], **CONTACT, "topic": "x" * 5000}, "under 120"),
    ({**VALID["presentation"], **CONTACT, "topic": "Bad\x1bText"}, "control characters"),
    ({**VALID["presentation"], **CONTACT, "contact_phone": "'; DROP TABLE ticket;--"},
     "phone number"),
    ({**VALID["presentation"], **CONTACT, "contact_email": "pat@@example"}, "email address"),
])
def test_bad_input_is_shown_on_the_form(client, db, data, message):
    response = client.post("/outreach/presentation", data=data)
    assert response.status_code == 400
    assert message in soup(response).select_one(".error-summary").text
    assert tickets(db) == 0


def test_hostile_text_is_stored_as_text_and_escaped(client, db, login_as):
    data = {**VALID["survey"], **CONTACT, "area": "<script>alert(1)</script> \u202e",
            "details": "Robert'); DROP TABLE ticket;-- \U0001F6A8 ñ"}
    data["area"] = "<script>alert(1)</script> Ωmega"
    client.post("/outreach/survey", data=data)
    ticket = db.session.scalar(select(ServiceRequest))
    assert ticket.area == "<script>alert(1)</script> Ωmega"
    assert "DROP TABLE" in ticket.details


def test_dispatch_sees_the_service_details(client, db, login_as):
    client.post("/outreach/detail", data={**VALID["detail"], **CONTACT})
    ticket = db.session.scalar(select(ServiceRequest))
    page = soup(login_as("dispatcher").get(f"/dispatch/tickets/{ticket.id}"))
    section = page.select_one(".kind-details")
    assert [h.text for h in section.find_all("h2")] == ["Service request details"]
    assert "Security detail coverage for an event" in section.dl.text
    assert "Atrium" in section.text and "200" in section.text


def test_member_details_are_prefilled(db, login_as):
    member = login_as(None, name="Morgan Member", email="morgan@example.org")
    page = soup(member.get("/outreach/detail"))
    assert page.find("input", attrs={"name": "contact_email"})["value"] == "morgan@example.org"
