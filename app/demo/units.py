"""Demo unit requests: the demo nurse works on 5B and has a patient standby booked."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.core.timezones import local_today, to_utc
from app.extensions import db
from app.models.accounts import User
from app.models.locations import Location
from app.models.units import UnitRequest
from app.services import units

ORDER = 25  # after the locations, before the escorts


def _unit_5b() -> Location | None:
    return next((u for u in units.units() if u.path == "Research Tower · Floor 5 · 5B"), None)


def seed() -> None:
    nurse = db.session.scalar(select(User).where(User.email == "nurse@demo.example"))
    unit = _unit_5b()
    if nurse is None or unit is None:
        return
    nurse.unit = unit
    db.session.flush()
    if db.session.scalar(select(UnitRequest.id).where(UnitRequest.unit_id == unit.id)):
        return
    day = local_today() + timedelta(days=1)
    at = to_utc(datetime.combine(day, time(15, 0)))
    units.request_for_unit("standby", units.Booking(
        room="5-112", when=at, duration_minutes=60, risk="agitated, has struck staff before",
        restraints_planned=True, phone=unit.phone), nurse, "demo-standby-5b-0001")
