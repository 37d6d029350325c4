"""Demo virtual walks: one running for the member (with a saved walk), and one that ran
out a few minutes ago, its P1 "Safety timer ran out" ticket on the board.

Made through the real services, with the clock passed in: the walk that ran out started
14 minutes ago for 10 minutes, and the timer job fired it at its deadline.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.demo.escorts import _place, _user
from app.extensions import db
from app.models.base import utcnow
from app.models.walks import VirtualWalk
from app.services import saved_walks, walks

ORDER = 35


def seed() -> None:
    if db.session.scalar(select(VirtualWalk.id).limit(1)):
        return
    now = utcnow()
    started = now - timedelta(minutes=14)
    walks.start_walk(walks.WalkDetails(
        origin=_place("Emergency Department Entrance"), destination=_place("Parking Garage B"),
        minutes=10, phone="(555) 010-3141", name="Sam Night",
        emergency_phone="(555) 010-2020"), now=started)
    walks.fire_due_walks(now=started + timedelta(minutes=10))
    member = _user("member@demo.example")
    if member is None:
        return
    details = walks.WalkDetails(
        origin=_place("Research Tower"), destination=_place("Employee Lot C"), minutes=15,
        phone=member.phone or "(555) 010-1000", name=member.name)
    saved_walks.save_walk(member, details)
    walks.start_walk(details, member, now=now - timedelta(minutes=3))
