"""One clearly fictional DV assistance request for `make run` (advocate@demo.example sees it)."""
from __future__ import annotations

from sqlalchemy import select

from app.core.tokens import hash_token, new_reference, new_token
from app.extensions import db
from app.models.support import SupportRequest
from app.models.tickets import TicketEvent

ORDER = 60


def seed() -> None:
    if db.session.scalar(select(SupportRequest.id).limit(1)) is not None:
        return
    request = SupportRequest(
        reference=new_reference(SupportRequest.REFERENCE_PREFIX),
        access_token_hash=hash_token(new_token()),
        help_kinds="safety_plan,escort",
        details="DEMO ONLY, a fictional sample: would like an escort to the bus stop after "
                "evening shifts and help making a safety plan.",
        contact_method="in_person", in_person_place="Demo Clinic waiting room (fictional)",
        in_person_time="Weekdays 2-3 pm", safe_times="Weekdays 2-3 pm",
        may_leave_message=False, code_word="sunflower (demo)",
    )
    request.events.append(TicketEvent(kind="created", to_status="new", body="Request received",
                                      visible_to_requester=True))
    db.session.add(request)
