"""Demo incident reports: an open P1 package with a photo, an anonymous person report with a
dispatcher's question, and a closed report referred to the city police."""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.core import uploads
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location
from app.models.reports import IncidentReport
from app.services import dispatch, reports
from app.services.reports import ReportDetails

ORDER = 40


def _place(name: str) -> Location:
    place = db.session.scalar(select(Location).where(Location.name == name))
    if place is None:
        place = Location(name=name, kind="building")
        db.session.add(place)
        db.session.flush()
    return place


def _dispatcher() -> User | None:
    return db.session.scalar(select(User).where(User.email == "dispatcher@demo.example"))


def _package_photo() -> uploads.PreparedImage:
    """A small drawn picture of a box beside a bench, re-encoded like any upload."""
    image = Image.new("RGB", (480, 360), (205, 210, 215))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, 480, 360), fill=(150, 140, 130))
    draw.rectangle((170, 170, 300, 270), fill=(160, 110, 60), outline=(90, 60, 30), width=4)
    draw.line((170, 215, 300, 215), fill=(220, 200, 120), width=6)
    draw.rectangle((330, 200, 470, 230), fill=(80, 80, 90))
    raw = io.BytesIO()
    image.save(raw, "PNG")
    return uploads.prepare(raw.getvalue(), label="Demo photo")


def _age(report: IncidentReport, minutes: int) -> None:
    report = db.session.get(IncidentReport, report.id)
    report.created_at = utcnow() - timedelta(minutes=minutes)
    report.observed_at = report.created_at - timedelta(minutes=2)


def seed() -> None:
    if db.session.scalar(select(IncidentReport.id).limit(1)):
        return
    lobby, garage, clinic = (_place("Main Lobby"), _place("Parking Garage B"),
                             _place("Outpatient Clinic"))
    db.session.commit()
    package = reports.submit_report(ReportDetails(
        category="suspicious_package", location_id=lobby.id, location_detail="by the east benches",
        description="A taped brown box left under the bench by the east doors for 20 minutes. "
                    "Nobody came back for it.",
        still_happening=True, anonymous=False, contact_name="Jordan Visitor",
        contact_phone="555-0142"), None, [_package_photo()]).ticket
    person = reports.submit_report(ReportDetails(
        category="suspicious_person", location_id=garage.id, location_detail="level 2, stairwell",
        description="Someone trying car door handles one after another.",
        person_height="about 6 feet", person_clothing="grey hoodie, black backpack",
        person_direction="towards the stairs to level 3", anonymous=True), None).ticket
    referred = reports.submit_report(ReportDetails(
        category="theft", location_id=clinic.id, location_detail="waiting room",
        description="A bicycle was taken from the rack outside the clinic entrance.",
        anonymous=False, contact_name="Casey Nurse"), None).ticket
    staff = _dispatcher()
    if staff is not None:
        dispatch.message_requester(person.id, staff, "Thank you. Is the person still in the "
                                   "garage, and did you see which car they came from?")
        reports.close_report(referred.id, staff, None, "referred",
                             agency="City Police Department")
    for report, minutes in ((package, 4), (person, 12), (referred, 180)):
        _age(report, minutes)
