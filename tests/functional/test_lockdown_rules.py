"""Lockdown tickets: only the assigned officer (or dispatch) records a lock, a stolen device
stays stolen until recovered, a theft report takes the device off its lockdown ticket, and
the ticket says where the devices are."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models.devices import LOCKED, RECOVERED, REQUESTED, STOLEN, Device, LockdownRequest
from app.models.outbox import OutboxMessage
from app.models.tickets import CANCELLED, TicketEvent
from app.services import dispatch
from tests.helpers import soup


def lock(client, ticket, device, lock_id="L-5531"):
    return client.post(f"/devices/lockdowns/{ticket.id}/lock", data={
        "device_id": device.id, "lock_id": lock_id, "locked_on": date.today().isoformat()})


def state(db, device) -> str:
    db.session.expire_all()
    return db.session.get(Device, device.id).state


@pytest.fixture()
def lockdown(login_as, db, make_device, make_location):
    """A member's device in Building 7, room 204, on a lockdown request (no place given)."""
    def make(devices=1):
        member = login_as(None)
        building = make_location("Research Building 7")
        made = [make_device(owner=member.user, location_id=building.id, room="Room 204")
                for _ in range(devices)]
        member.post("/devices/lockdown", data={"devices": [d.id for d in made],
                                               "preferred_times": "Tue 9-11"})
        ticket = db.session.scalar(select(LockdownRequest))
        return member, made, ticket

    return make


def assign(db, make_user, ticket, officer):
    dispatch.assign(ticket.id, make_user(roles=("dispatcher",)), None, officer)


def test_officer_cannot_record_a_lock_on_another_officers_ticket(
        db, login_as, make_user, lockdown):
    _, (device,), ticket = lockdown()
    assigned = make_user(roles=("officer",))
    assign(db, make_user, ticket, assigned)
    stranger = login_as("officer")
    response = lock(stranger, ticket, device)
    assert response.status_code == 404
    assert state(db, device) == REQUESTED


def test_officer_cannot_record_a_lock_on_an_unassigned_ticket(db, login_as, lockdown):
    _, (device,), ticket = lockdown()
    assert lock(login_as("officer"), ticket, device).status_code == 404
    assert state(db, device) == REQUESTED


def test_the_assigned_officer_and_any_dispatcher_record_locks(
        db, login_as, make_user, lockdown):
    member, (first, second), ticket = lockdown(devices=2)
    officer = login_as("officer")
    assign(db, make_user, ticket, officer.user)
    assert lock(officer, ticket, first).status_code == 302
    assert lock(login_as("dispatcher"), ticket, second, "L-2").status_code == 302
    assert (state(db, first), state(db, second)) == (LOCKED, LOCKED)
    mails = db.session.scalars(select(OutboxMessage.text_body).where(
        OutboxMessage.subject.contains("An update about your request"))).all()
    assert any("Lock L-5531 installed" in body for body in mails)
    follow = soup(member.get(f"/track/mine/{ticket.reference}")).select_one("ol.timeline")
    assert "Lock L-5531 installed" in follow.text


def test_recording_a_lock_never_clears_the_stolen_flag(db, login_as, make_user, lockdown):
    member, (first, second), ticket = lockdown(devices=2)
    member.post(f"/devices/{first.id}/stolen", data={
        "last_seen_at": "2026-11-24T08:30", "where": "Cafeteria", "description": "Gone"})
    assert state(db, first) == STOLEN
    response = lock(login_as("dispatcher"), ticket, first)
    assert response.status_code == 302
    assert state(db, first) == STOLEN
    db.session.expire_all()
    assert db.session.get(Device, first.id).lock_id is None


def test_a_recovered_device_can_be_locked_again_later(db, login_as, make_user, lockdown):
    member, (device,), _ = lockdown()
    member.post(f"/devices/{device.id}/stolen", data={
        "last_seen_at": "2026-11-24T08:30", "where": "Cafeteria", "description": "Gone"})
    login_as("dispatcher").post(f"/devices/staff/{device.id}/recovered", data={"note": "Found"})
    assert state(db, device) == RECOVERED


def test_reporting_the_only_device_stolen_cancels_its_lockdown_ticket_saying_why(
        db, lockdown):
    member, (device,), ticket = lockdown()
    member.post(f"/devices/{device.id}/stolen", data={
        "last_seen_at": "2026-11-24T08:30", "where": "Cafeteria", "description": "Gone"})
    db.session.expire_all()
    ticket = db.session.get(LockdownRequest, ticket.id)
    assert ticket.status == CANCELLED and ticket.outcome == "no_longer_needed"
    theft = db.session.get(Device, device.id).theft_ticket
    why = [e.body for e in ticket.events if e.kind == "status" and e.to_status == CANCELLED]
    assert why and "reported stolen" in why[0] and theft.reference in why[0]


def test_reporting_one_of_two_devices_stolen_keeps_the_ticket_for_the_other(db, lockdown):
    member, (stolen, other), ticket = lockdown(devices=2)
    member.post(f"/devices/{stolen.id}/stolen", data={
        "last_seen_at": "2026-11-24T08:30", "where": "Cafeteria", "description": "Gone"})
    db.session.expire_all()
    ticket = db.session.get(LockdownRequest, ticket.id)
    assert ticket.is_open
    notes = db.session.scalars(select(TicketEvent.body).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "note")).all()
    assert any("reported stolen" in n and "no lock" in n.lower() for n in notes)
    assert state(db, other) == REQUESTED


def test_the_lockdown_ticket_carries_the_devices_building_and_room(
        db, login_as, make_user, lockdown):
    _, _, ticket = lockdown()
    assert ticket.where == "Research Building 7, Room 204"
    board = soup(login_as("dispatcher").get("/dispatch/")).text
    assert "Research Building 7, Room 204" in board
    officer = login_as("officer")
    assign(db, make_user, ticket, officer.user)
    assert "Research Building 7, Room 204" in soup(officer.get("/dispatch/mine")).text
    card = soup(officer.get(f"/dispatch/mine/{ticket.id}")).text
    assert "Research Building 7, Room 204" in card
