"""A week of closed tickets for the supervisor's dashboard and shift report.

About sixty escorts and incident reports over the last seven days, busier in the evening,
each acknowledged and reached in plausible times (P1s mostly inside two minutes, one late),
three places with repeat incident reports, and notes marked for last night's shift report.
Opened through the services, then moved back in time (as the escorts' demo does).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location
from app.models.tickets import Ticket, TicketEvent
from app.services import dispatch, escorts, reports, shifts
from app.services.escorts import Place
from app.services.reports import ReportDetails

ORDER = 60
MARK = "Demo history"
PATROL_PLACES = ("Parking Garage B", "Main Lobby", "Emergency Department Entrance")
INCIDENTS = (("theft", "A bag was taken from a car."),
             ("suspicious_person", "Someone trying door handles."),
             ("unauthorized_person", "A visitor in a staff-only corridor."))


def _places() -> dict[str, int]:
    return dict(db.session.execute(select(Location.name, Location.id)).all())


def _escort(places: dict[str, int], rng: random.Random) -> int:
    origin, destination = rng.sample(sorted(places), 2)
    opened = escorts.request_escort(escorts.EscortDetails(
        origin=Place(places[origin]), destination=Place(places[destination]),
        requested_for=None, party_size=1, needs=None, phone="(555) 010-4000",
        name=MARK), actor=None)
    return opened.ticket.id


def _incident(places: dict[str, int], place: str, n: int) -> int:
    category, text = INCIDENTS[n % len(INCIDENTS)]
    return reports.submit_report(ReportDetails(
        category=category, description=text, location_id=places.get(place),
        contact_name=MARK), None).ticket.id


def _close_in_the_past(ticket_id: int, created: datetime, rng: random.Random,
                       priority: int) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    ack = {1: rng.choice((40, 55, 70, 95, 110, 150)), 2: rng.randint(60, 420),
           3: rng.randint(600, 30000)}[priority]
    ticket.priority, ticket.created_at, ticket.updated_at = priority, created, created
    ticket.acknowledged_at = created + timedelta(seconds=ack)
    ticket.on_scene_at = created + timedelta(seconds=ack + rng.randint(180, 900))
    ticket.closed_at = ticket.on_scene_at + timedelta(minutes=rng.randint(5, 30))
    ticket.status, ticket.outcome = "resolved", rng.choice(("completed", "assisted"))
    for event in ticket.events:
        event.created_at = created


def _week(places: dict[str, int], rng: random.Random) -> list[int]:
    now, made = utcnow(), []
    for n in range(60):
        created = now - timedelta(days=1 + n % 7, hours=rng.choice((2, 4, 6, 8, 10, 13)),
                                  minutes=rng.randint(0, 59))
        place = PATROL_PLACES[n % 3] if n % 4 == 0 else None
        ticket_id = _incident(places, place, n) if place else _escort(places, rng)
        _close_in_the_past(ticket_id, created, rng, 1 if n % 9 == 0 else 2 if n % 3 else 3)
        made.append(ticket_id)
    return made


def _night_notes(dispatcher: User, rng: random.Random) -> None:
    """Two notes on the last night shift's report (one ticket received in it)."""
    night = shifts.last_ended(shifts.shift_names()[-1])
    places = _places()
    ticket_id = _escort(places, rng)
    _close_in_the_past(ticket_id, night.start + timedelta(hours=3), rng, 2)
    db.session.commit()
    for text in ("Garage B stairwell light out: facilities called.",
                 "Patrol added for the ED entrance after two reports."):
        dispatch.add_note(ticket_id, dispatcher, text, for_shift_report=True)
    for event in db.session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "note")):
        event.created_at = night.start + timedelta(hours=4)


def seed() -> None:
    if db.session.scalar(select(Ticket.id).where(Ticket.contact_name == MARK).limit(1)):
        return
    places = _places()
    if len(places) < 2:
        return
    rng = random.Random(15)
    _week(places, rng)
    db.session.commit()
    dispatcher = db.session.scalar(select(User).where(User.email == "dispatcher@demo.example"))
    if dispatcher is not None:
        _night_notes(dispatcher, rng)
