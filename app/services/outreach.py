"""Outreach requests: presentations, security surveys, event details, patient valuables.

Each becomes a P3 "service" ticket in the dispatch queue, opened through
app.services.tickets.open_ticket (reference, private follow-up link, first event, audit,
double-submit protection), with an acknowledgement email when an address was given.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.models.accounts import User
from app.models.outreach import SERVICE_TYPES, ServiceRequest
from app.services.followup import follow_up_url
from app.services.mail_quota import enqueue_typed
from app.services.tickets import Opened, open_ticket

# The kinds outreach still takes: valuables pickups are a unit request now
# (app.services.units); old valuables tickets keep their type.
OPEN_TYPES = {kind: label for kind, label in SERVICE_TYPES.items() if kind != "valuables"}

FIELDS = ("department", "topic", "audience_size", "preferred_dates", "area", "event_when",
          "event_where", "expected_attendance", "patient_name", "details")


class OutreachError(ValueError):
    """A request that cannot be made; the message is shown on the form."""


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None = None
    email: str | None = None


def summary_of(request: ServiceRequest) -> str:
    """The one line dispatch reads in the queue."""
    if request.service_type == "presentation":
        text = f"Presentation: {request.topic} for {request.department} ({request.audience_size})"
    elif request.service_type == "survey":
        text = f"Security survey: {request.area}"
    elif request.service_type == "detail":
        text = f"Event detail: {request.event_where}, {request.event_when}"
    else:
        text = f"Patient valuables: {request.area}"
    return text[:200]


def build_request(service_type: str, fields: dict, contact: Contact) -> ServiceRequest:
    if service_type not in OPEN_TYPES:
        raise OutreachError("Choose one of the request types.")
    if not contact.name or not (contact.phone or contact.email):
        raise OutreachError("Give your name and a phone number or an email address.")
    request = ServiceRequest(service_type=service_type, priority=3,
                             contact_name=contact.name, contact_phone=contact.phone or None,
                             contact_email=contact.email or None)
    for name in FIELDS:
        value = fields.get(name)
        setattr(request, name, value if value not in ("",) else None)
    request.location_detail = (request.area or request.event_where or None)
    request.summary = summary_of(request)
    return request


@use_case
def request_service(service_type: str, fields: dict, contact: Contact, actor: User | None,
                    submission_key: str | None = None) -> Opened:
    """Open a service ticket (P3) and acknowledge it by email when an address was given."""
    opened = open_ticket(build_request(service_type, fields, contact), actor, submission_key)
    ticket = opened.ticket
    if opened.duplicate or not ticket.contact_email:
        return opened
    with in_language(ticket.language):
        queued = enqueue_typed(
            ticket.contact_email, "outreach/received",
            _l("We received your request %(reference)s", reference=ticket.reference),
            ticket=ticket, follow_up_url=follow_up_url(ticket.reference, opened.token))
    return opened if queued else opened.held_mail()
