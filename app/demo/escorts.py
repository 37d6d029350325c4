"""Demo escorts: a living queue (new, overdue, assigned, en route, on scene), a few weeks of
closed escorts, and a recurring escort for member@demo.example.

Tickets are made and moved through the real services, so their events and audit trail are
real; afterwards their times are moved back so that ages and history look lived-in.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.escorts import EscortRequest, RecurringEscort
from app.models.locations import Location
from app.models.tickets import Ticket
from app.services import dispatch, escorts, followup
from app.services.escorts import Place

ORDER = 30

# (from, to, minutes ago, party, needs, name, requester email or None, what happens)
OPEN = (
    ("Parking Garage A, Level 3", "Medical Center Light Rail Station", 14, 1, None,
     "Jamie Rivera", None, "new"),
    ("Cancer Center", "Parking Garage B", 3, 2, "My father uses a wheelchair.",
     "Lee Thompson", None, "new"),
    ("Research Tower", "Employee Lot C", 9, 1, None, "Priya Natarajan", None, "acknowledged"),
    ("Women's & Infants Pavilion", "Parking Garage A, Level 2", 11, 3,
     "New baby in a car seat; we walk slowly.", "Chris Okafor", None, "assigned_lee"),
    ("Emergency Department Entrance", "Bus Stop, Hospital Drive", 16, 1,
     "I speak Spanish; some English.", "Ana Morales", None, "en_route_diaz"),
    ("Main Lobby", "Parking Garage A, Level 4 (roof)", 22, 1, None, "Morgan Member",
     "member@demo.example", "on_scene_lee"),
)

# (from, to, days ago, outcome)
CLOSED = (
    ("Outpatient Clinic", "Medical Center Light Rail Station", 1, "completed"),
    ("Main Hospital", "Employee Lot C", 2, "completed"),
    ("Cafeteria", "Parking Garage B", 3, "requester_cancelled"),
    ("Behavioral Health Pavilion", "Campus Shuttle Stop, Main Lobby", 5, "completed"),
    ("Chapel", "Parking Garage A, Level 1", 8, "no_contact"),
    ("Children's Hospital", "Parking Garage A, Level 2", 12, "completed"),
    ("Research Tower", "Medical Center Light Rail Station", 16, "duplicate"),
    ("Main Lobby", "Parking Garage A, Level 3", 20, "completed"),
)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _place(name: str) -> Place:
    location_id = db.session.scalar(select(Location.id).where(Location.name == name))
    return Place(location_id) if location_id else Place(other=name)


def _open(origin: str, destination: str, party: int = 1, needs: str | None = None,
          name: str = "Demo Visitor", requester: User | None = None) -> int:
    opened = escorts.request_escort(escorts.EscortDetails(
        origin=_place(origin), destination=_place(destination), requested_for=None,
        party_size=party, needs=needs, phone=f"(555) 010-2{party:03d}", name=name),
        actor=requester)
    return opened.ticket.id


def _backdate(ticket_id: int, minutes_ago: float, spread: float = 2.0) -> None:
    """Move the ticket and its events back in time, keeping their order."""
    ticket = db.session.get(Ticket, ticket_id)
    start = utcnow() - timedelta(minutes=minutes_ago)
    ticket.created_at = start
    for index, event in enumerate(ticket.events):
        event.created_at = start + timedelta(minutes=spread * index)
        if event.to_status == "acknowledged":
            ticket.acknowledged_at = event.created_at
    if ticket.closed_at is not None:
        ticket.closed_at = ticket.events[-1].created_at
    ticket.updated_at = ticket.events[-1].created_at
    db.session.commit()


def _work(ticket_id: int, plan: str, staff: dict[str, User]) -> None:
    """Move an open ticket to where the plan says (e.g. "en_route_diaz")."""
    dispatcher = staff["dispatcher"]
    if plan == "new":
        return
    dispatch.acknowledge(ticket_id, dispatcher, None)
    if plan == "acknowledged":
        return
    officer = staff["diaz"] if plan.endswith("diaz") else staff["lee"]
    dispatch.assign(ticket_id, dispatcher, None, officer)
    if plan.startswith("en_route"):
        dispatch.message_requester(ticket_id, dispatcher,
                                   "Officer Diaz is coming from the Main Lobby.")
        dispatch.move(ticket_id, officer, None, "en_route", eta_minutes=6)
        ticket = db.session.get(Ticket, ticket_id)
        followup.requester_message(ticket, "I am inside by the blue doors.", None)
    if plan.startswith("on_scene"):
        dispatch.move(ticket_id, officer, None, "en_route", eta_minutes=5)
        dispatch.move(ticket_id, officer, None, "on_scene")


def _close(ticket_id: int, outcome: str, staff: dict[str, User]) -> None:
    if outcome == "requester_cancelled":
        followup.requester_cancel(db.session.get(Ticket, ticket_id), None)
        return
    dispatcher, officer = staff["dispatcher"], staff["lee"]
    if outcome == "duplicate":
        dispatch.close(ticket_id, dispatcher, None, "cancelled", "duplicate")
        return
    dispatch.assign(ticket_id, dispatcher, None, officer)
    if outcome == "completed":
        dispatch.move(ticket_id, officer, None, "en_route", eta_minutes=4)
        dispatch.move(ticket_id, officer, None, "on_scene")
    dispatch.close(ticket_id, officer, None, "resolved", outcome)


def _recurring(member: User) -> None:
    if db.session.scalar(select(RecurringEscort.id).where(RecurringEscort.owner_id == member.id)):
        return
    garage = _place("Parking Garage A, Level 3")
    rail = _place("Medical Center Light Rail Station")
    escorts.create_recurring(member, escorts.RecurringDetails(
        origin=garage, destination=rail, time_of_day=time(23, 15),
        weekdays={0, 1, 2, 3, 4}, start_date=date.today(), end_date=None, party_size=1,
        needs=None, phone="(555) 010-3141"))


def seed() -> None:
    if db.session.scalar(select(EscortRequest.id).limit(1)):
        return
    staff = {"dispatcher": _user("dispatcher@demo.example"), "lee": _user("officer@demo.example"),
             "diaz": _user("officer2@demo.example")}
    member = _user("member@demo.example")
    staffed = all(staff.values())
    for origin, destination, days, outcome in CLOSED:
        ticket_id = _open(origin, destination, requester=member if days == 3 else None)
        if staffed:
            _close(ticket_id, outcome, staff)
        _backdate(ticket_id, days * 24 * 60 + 90, spread=3)
    for origin, destination, minutes, party, needs, name, email, plan in OPEN:
        ticket_id = _open(origin, destination, party, needs, name,
                          _user(email) if email else None)
        if staffed:
            _work(ticket_id, plan, staff)
        _backdate(ticket_id, minutes, spread=min(2.0, minutes / 8))
    later = utcnow() + timedelta(hours=6)
    escorts.request_escort(escorts.EscortDetails(
        origin=_place("Cancer Center"), destination=_place("Medical Center Light Rail Station"),
        requested_for=later.replace(second=0, microsecond=0), party_size=1,
        needs="After my infusion; I may be tired.", phone="(555) 010-2718", name="Robin Hale"))
    if member is not None:
        _recurring(member)
