"""Demo campus alerts: a past garage fire and its all clear (in the archive and feeds, not
on the banner), and the member subscribed to alerts by email."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.alerts import CONFIRMED, AlertSubscriber, CampusAlert
from app.models.base import utcnow
from app.models.locations import Location
from app.services.alerts import AlertDraft, issue, post_update

ORDER = 85


def seed() -> None:
    if db.session.scalar(select(CampusAlert.id)) is not None:
        return
    dispatcher = db.session.scalar(select(User).where(User.email == "dispatcher@demo.example"))
    garage = db.session.scalar(select(Location.id).where(Location.kind == "garage"))
    began = utcnow() - timedelta(days=3)
    fire = issue(dispatcher, AlertDraft(
        "Vehicle fire in the parking garage", "Keep away from the garage; use the east "
        "entrance. Do not move your car until the all clear.", "severe", 60,
        location_ids=(garage,) if garage else ()), now=began)
    clear = post_update(dispatcher, fire.id, AlertDraft(
        "All clear: the parking garage is open", "The fire is out. You may use the garage "
        "again.", "minor", 30, all_clear=True), now=began + timedelta(minutes=50))
    for past in (fire, clear):
        past.fanout_done_at = began  # mailed back then: the worker sends nothing now
    db.session.add(AlertSubscriber(email="member@demo.example", status=CONFIRMED,
                                   confirmed_at=began))
