"""Demo seminars for `make run`: the division's topics with upcoming sessions (some nearly
full, one full with a waitlist) taught by trainer@demo.example, and two outreach requests."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.seminars import CONFIRMED, WAITLISTED, Registration, Seminar, SeminarSession
from app.services.outreach import Contact, build_request
from app.services.tickets import open_ticket

ORDER = 70

# (slug, title, topic, audience, minutes, description, [(days ahead, capacity, taken)])
SEMINARS = (
    ("active-shooter-response", "Active-shooter response: Run, Hide, Fight", "active-shooter",
     "employees", 120, "What to do in the first minutes of an active-shooter event in a "
     "hospital: recognising the signs, evacuating patients and visitors, sheltering in place, "
     "and working with responding officers.", [(5, 30, 28), (33, 30, 4)]),
    ("workplace-violence-prevention", "Workplace violence prevention", "workplace-violence",
     "employees", 90, "Recognising warning signs, reporting threats, and the division's "
     "support for staff who have been threatened or assaulted.", [(9, 25, 25), (40, 25, 0)]),
    ("de-escalation", "De-escalation for front-line staff", "de-escalation", "public", 90,
     "Calming tense conversations: listening, body language, space and when to call for "
     "help. Open to staff, volunteers and the community.", [(3, 20, 19), (17, 20, 6)]),
    ("infant-protection-program", "Infant Protection Program", "infant-protection",
     "employees", 60, "How the Infant Protection Program keeps newborns safe: tags, alarms, "
     "the code response and every staff member's part in it.", [(12, 15, 3)]),
    ("crime-prevention", "Crime prevention on campus", "crime-prevention", "public", 60,
     "Protecting yourself, your car and your belongings on and around campus. Open to "
     "everyone.", [(7, 40, 11), (14, 12, 12), (28, 40, 0)]),
    ("safety-and-security", "Safety and security presentation", "safety-security", "public",
     60, "An overview of the division's services: escorts, reporting concerns, lockdown "
     "of equipment, and how to reach dispatch 24 hours a day.", [(21, 50, 2)]),
)


def _start(days: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).replace(hour=15, minute=0, second=0, microsecond=0)
    return day  # 15:00 UTC: late morning in the US time zones


def _registrations(session: SeminarSession, taken: int) -> None:
    waiting = 2 if taken >= session.capacity else 0
    for n in range(1, taken + waiting + 1):
        session.arrival_seq = n
        email = f"demo.attendee{session.id}.{n}@example.org"
        session.registrations.append(Registration(
            name=f"Demo attendee {n}", email=email, person_key=f"email:{email}",
            status=CONFIRMED if n <= session.capacity else WAITLISTED, arrival=n,
            confirmed_at=utcnow()))


def _seed_seminars(trainer: User | None) -> None:
    for slug, title, topic, audience, minutes, description, sessions in SEMINARS:
        if db.session.scalar(select(Seminar.id).where(Seminar.slug == slug)):
            continue
        seminar = Seminar(slug=slug, title=title, topic=topic, audience=audience,
                          duration_minutes=minutes, description=description)
        db.session.add(seminar)
        for days, capacity, taken in sessions:
            start = _start(days)
            session = SeminarSession(seminar=seminar, starts_at=start, capacity=capacity,
                                     ends_at=start + timedelta(minutes=minutes),
                                     place="Education Center, room 2", trainer=trainer)
            db.session.add(session)
            db.session.flush()
            _registrations(session, taken)


def _seed_requests() -> None:
    requests = (
        ("presentation", {"department": "Emergency Department nursing", "topic": "De-escalation",
                          "audience_size": 35, "preferred_dates": "Any Tuesday morning next month"},
         Contact("Pat Nurse", "(555) 010-2233", "pat.nurse@example.org")),
        ("survey", {"area": "Pharmacy loading dock", "department": "Pharmacy",
                    "details": "The dock door is often propped open during deliveries."},
         Contact("Lee Pharmacist", None, "lee.pharmacist@example.org")),
    )
    for service_type, fields, contact in requests:
        open_ticket(build_request(service_type, fields, contact), None, None)


def seed() -> None:
    trainer = db.session.scalar(select(User).where(User.email == "trainer@demo.example"))
    _seed_seminars(trainer)
    _seed_requests()
