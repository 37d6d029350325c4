"""Unit requests as a nurse, a dispatcher and an officer meet them: each kind booked from
the unit's form lands on the board as "Building · Unit · Room", the ticket pages show the
full path and the unit's phone, My unit shows the unit's open requests and nobody else's,
and what looks like a patient identifier is refused with nothing written."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.timezones import to_local
from app.models.base import utcnow
from app.models.tickets import Ticket
from app.models.units import UnitRequest
from app.services import units
from tests.helpers import soup, text

FORM_DATA = {
    "standby": {"duration_minutes": "90", "risk": "agitated, has struck staff before",
                "restraints_planned": "y"},
    "consult": {"concern": "A visitor keeps coming back after being asked to leave."},
    "elopement-watch": {"duration_minutes": "120", "risk": "tries the stairwell doors"},
    "valuables": {"items": "Wallet, phone and a ring for the safe"},
}
KINDS = {"standby": ("standby", 2, "Patient standby"),
         "consult": ("unit_consult", 3, "Unit security consult"),
         "elopement-watch": ("elopement_watch", 2, "Elopement-risk watch"),
         "valuables": ("valuables_pickup", 3, "Valuables pickup")}


def count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Ticket.id)))


def book(client, slug: str, headers: dict | None = None, **overrides):
    page = soup(client.get(f"/units/{slug}", headers=headers))
    key = page.find("input", attrs={"name": "submission_key"})["value"]
    data = {"when": "now", "room": "5-112", "phone": "(555) 010-5050", "submission_key": key,
            **FORM_DATA[slug], **overrides}
    return client.post(f"/units/{slug}", headers=headers,
                       data={k: v for k, v in data.items() if v is not None})


@pytest.fixture()
def nurse(login_as, make_nurse, research_tower):
    return login_as(user=make_nurse(research_tower["5B"], name="Nina Nurse"))


@pytest.mark.parametrize("slug", list(KINDS))
def test_each_unit_request_reaches_the_board_with_building_unit_and_room(
        slug, nurse, login_as, db, research_tower):
    response = book(nurse, slug)
    assert response.status_code == 303, text(response)[:3000]
    ticket = db.session.scalar(select(UnitRequest))
    kind, priority, label = KINDS[slug]
    assert (ticket.kind, ticket.priority, ticket.KIND_LABEL) == (kind, priority, label)
    assert ticket.location_id == research_tower["5-112"].id
    assert ticket.unit_id == research_tower["5B"].id and ticket.unit_phone == "(555) 010-5050"
    confirmation = soup(nurse.get(response.headers["Location"]))
    assert ticket.reference in confirmation.get_text()
    follow = text(nurse.get(confirmation.select_one(".private-link a")["href"]))
    assert f"Your request: {label.lower()}" in follow
    assert "Research Tower · Floor 5 · 5B · 5-112" in follow

    dispatcher = login_as("dispatcher")
    row = soup(dispatcher.get("/dispatch/")).find("a", string=ticket.reference).find_parent("tr")
    assert "Research Tower · 5B · 5-112" in row.get_text(" ")
    page = soup(dispatcher.get(f"/dispatch/tickets/{ticket.id}"))
    assert "Research Tower · Floor 5 · 5B · 5-112" in page.get_text(" ")
    assert page.find("a", href="tel:5550105050") is not None


def test_a_standby_booked_for_three_pm_shows_its_time_and_restraints(nurse, db):
    tomorrow = to_local(utcnow() + timedelta(days=1)).date()
    response = book(nurse, "standby", when="later", date=tomorrow.isoformat(), time="15:00")
    assert response.status_code == 303
    standby = db.session.scalar(select(UnitRequest))
    assert to_local(standby.requested_for).strftime("%H:%M") == "15:00"
    assert standby.restraints_planned is True and standby.duration_minutes == 90
    assert "15:00" in standby.summary and "restraints planned" in standby.summary


def test_the_officer_phone_page_shows_the_full_path_and_a_tap_to_call_unit_phone(
        nurse, login_as, db):
    book(nurse, "standby")
    officer = login_as("officer")
    ticket = db.session.scalar(select(UnitRequest))
    ticket.assigned_officer_id = officer.user.id
    ticket.status = "assigned"
    db.session.commit()
    page = soup(officer.get(f"/dispatch/mine/{ticket.id}"))
    assert "Research Tower · Floor 5 · 5B · 5-112" in page.get_text(" ")
    calls = [a.get_text(" ", strip=True) for a in page.find_all("a", href="tel:5550105050")]
    assert "Call 5B: (555) 010-5050" in calls


@pytest.mark.parametrize("risk", [
    "MRN 00482913, agitated", "pt 1234567 agitated", "DOB 03/04/1980", "born 1980-02-03",
    "Mr. Johnson is agitated", "patient name is on the board", "diagnosis: schizophrenia",
    "dob Jan 5, 1980",
])
def test_what_looks_like_a_patient_identifier_is_refused_and_nothing_is_written(
        nurse, db, risk):
    response = book(nurse, "standby", risk=risk)
    assert response.status_code == 400
    assert "Leave out the patient's name" in soup(response).select_one(".error-summary").text
    assert count(db) == 0


def test_the_service_refuses_identifiers_whichever_way_they_arrive(make_nurse, research_tower,
                                                                   db):
    nurse = make_nurse(research_tower["5B"])
    with pytest.raises(units.UnitRequestError, match="record number"):
        units.request_for_unit("consult", units.Booking(
            concern="See chart number 55, he threatened staff", phone="555 010 1234"), nurse)
    with pytest.raises(units.UnitRequestError):
        units.request_for_unit("valuables", units.Booking(
            items="ring", room="MRN 7781234", phone="555 010 1234"), nurse)
    assert count(db) == 0


def test_a_room_not_in_the_list_is_kept_as_typed(nurse, db):
    response = book(nurse, "valuables", room="", room_other="Family room")
    assert response.status_code == 303
    ticket = db.session.scalar(select(UnitRequest))
    assert ticket.location.name == "5B" and ticket.room == "Family room"
    assert ticket.where == "Research Tower · Floor 5 · 5B, Family room"  # no English added


def test_my_unit_lists_the_units_open_requests_and_only_that_unit(
        login_as, make_nurse, research_tower, db):
    day = login_as(user=make_nurse(research_tower["5B"], name="Day Nurse"))
    other_unit = login_as(user=make_nurse(research_tower["5C"], name="Five C Nurse"))
    assert book(day, "standby").status_code == 303
    assert book(other_unit, "consult", room=None).status_code == 303
    assert book(day, "valuables").status_code == 303
    closed = db.session.scalars(select(UnitRequest).where(UnitRequest.kind == "valuables_pickup")
                                ).one()
    closed.status = "resolved"
    db.session.commit()

    night = login_as(user=make_nurse(research_tower["5B"], name="Night Charge Nurse"))
    page = soup(night.get("/units/mine"))
    listed = [h.get_text(" ", strip=True) for h in page.select(".card h2")]
    assert len(listed) == 1 and listed[0].startswith("Patient standby")
    assert "Day Nurse" in page.get_text() and "Five C" not in page.get_text()


def test_dv_help_asked_by_a_nurse_is_never_linked_to_her_unit(nurse, make_dv_request, db):
    ticket, _ = make_dv_request(actor=nurse.user)
    db.session.refresh(ticket)
    assert ticket.location_id is None and not isinstance(ticket, UnitRequest)
    assert not hasattr(ticket, "unit_id")
    assert "DV" not in text(nurse.get("/units/mine")) and ticket.reference not in text(
        nurse.get("/units/mine"))
    assert units.open_for_unit(nurse.user) == []


def test_members_who_are_not_employees_are_told_who_may_ask(login_as, research_tower, db):
    visitor = login_as(None, affiliation="visitor")
    for url in ("/units/", "/units/standby", "/units/mine", "/units/unit"):
        response = visitor.get(url)
        assert response.status_code == 403
        assert "for hospital employees" in text(response)


def test_an_employee_chooses_the_unit_once_and_it_is_remembered(login_as, make_nurse,
                                                                 research_tower, db):
    client = login_as(user=make_nurse(None))
    assert client.get("/units/standby").headers["Location"].endswith("/units/unit")
    page = soup(client.get("/units/unit"))
    options = [o.get_text() for o in page.select("#unit_id option")]
    assert "Research Tower · Floor 5 · 5B" in options
    refused = client.post("/units/unit", data={"unit_id": str(research_tower["5-112"].id)})
    assert refused.status_code == 400
    chosen = client.post("/units/unit", data={"unit_id": str(research_tower["5B"].id)})
    assert chosen.status_code == 302
    page = soup(client.get("/units/standby"))
    assert "Research Tower · Floor 5 · 5B" in page.get_text()
    assert page.find("input", attrs={"name": "phone"})["value"] == "(555) 010-5050"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"duration_minutes": "abc"}, "whole number"),
    ({"duration_minutes": "100000"}, "between 15 and 720"),
    ({"risk": ""}, "Say the risk"),
    ({"risk": "x" * 201}, "under 200"),
    ({"risk": "calm\u202enow"}, "control characters"),
    ({"room": "9-999"}, "Choose a room from the list"),
    ({"phone": "not a phone"}, "Enter a phone number"),
    ({"when": "later", "date": "2001-01-01", "time": "10:00"}, "already passed"),
    ({"when": "later", "date": "9999-01-01", "time": "10:00"}, "between 2000 and 2100"),
    ({"when": "tomorrow"}, "Not a valid choice"),
    # a tired nurse types 3 p.m. but leaves "Now" chosen: ask, never book it for now
    ({"when": "now", "date": "2030-06-01", "time": "15:00"}, "but chose “Now”"),
    ({"when": "now", "time": "15:00"}, "but chose “Now”"),
])
def test_hostile_and_mistaken_input_gets_a_message_and_writes_nothing(nurse, db, overrides,
                                                                      message):
    response = book(nurse, "standby", **overrides)
    assert response.status_code == 400
    assert message.lower() in soup(response).select_one(".error-summary").text.lower()
    assert count(db) == 0


def test_an_unknown_request_kind_is_not_found(nurse):
    assert nurse.get("/units/..%2Fadmin").status_code == 404
    assert nurse.get("/units/dv").status_code == 404


def test_the_same_form_sent_twice_makes_one_request(nurse, db):
    page = soup(nurse.get("/units/consult"))
    key = page.find("input", attrs={"name": "submission_key"})["value"]
    data = {"room": "", "phone": "555 010 5050", "submission_key": key, **FORM_DATA["consult"]}
    assert nurse.post("/units/consult", data=data).status_code == 303
    assert nurse.post("/units/consult", data=data).status_code == 303
    assert count(db) == 1


def test_dispatch_filters_by_building_and_unit(nurse, login_as, make_nurse, research_tower,
                                               make_ticket, db):
    book(nurse, "standby")
    hospital_nurse = login_as(user=make_nurse(research_tower["2A"]))
    book(hospital_nurse, "consult", room=None)
    escort = make_ticket(location_id=research_tower["garage"].id, summary="Garage escort")
    refs = {t.unit_id: t.reference for t in db.session.scalars(select(UnitRequest))}
    dispatcher = login_as("dispatcher")

    def listed(**query):
        page = soup(dispatcher.get("/dispatch/", query_string=query))
        return {a.get_text(strip=True) for a in page.select("tbody a[href*='/dispatch/tickets/']")}

    assert listed(location_id=research_tower["tower"].id) == {refs[research_tower["5B"].id]}
    assert listed(unit_id=research_tower["2A"].id) == {refs[research_tower["2A"].id]}
    assert listed(location_id=research_tower["garage"].id) == {escort.reference}
    units_offered = [o.get_text() for o in soup(dispatcher.get("/dispatch/")).select(
        "#unit_id option")]
    assert "Research Tower · 5B" in units_offered
