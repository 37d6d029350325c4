"""What a requester's stream carries: exactly what their follow-up page shows, nothing more.

The line of the timeline comes from app.services.followup (the page's own wording), and the
"where it is now" panel from the ticket as it is when the event is read.
"""
from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.models.tickets import Ticket, TicketEvent
from app.services import followup


def _officer(event: TicketEvent, ticket: Ticket) -> str:
    if event.kind == "assignment":
        return followup._officer_name(event.body) or followup.AN_OFFICER
    officer = ticket.assigned_officer
    return officer.public_name if officer is not None else followup.AN_OFFICER


def _person_data(event: TicketEvent, ticket: Ticket) -> dict:
    """A confidential (DV) request's page: the advocate's wording, no officer, no times."""
    from app.services.support import person_line

    line = person_line(event)
    return {
        "kind": event.kind, "open": ticket.is_open,
        "status": "open" if ticket.is_open else "closed",
        "status_label": str(_l("Open") if ticket.is_open else _l("Closed")),
        "officer": None, "expected": None,
        "step": ({"at": line[0].isoformat() + "Z", "text": str(line[1]), "body": line[2],
                  "kind": event.kind} if line else None),
    }


def requester_data(event: TicketEvent, ticket: Ticket) -> dict:
    if ticket.confidential:
        return _person_data(event, ticket)
    step = followup._step(event, ticket, _officer(event, ticket))
    expected = followup.expected(ticket)
    officer = ticket.assigned_officer
    return {
        "kind": event.kind,
        "status": ticket.status,
        "status_label": ticket.status_label,
        "open": ticket.is_open,
        "officer": officer.public_name if officer is not None and ticket.is_open else None,
        "expected": ({"text": str(expected[0]), "at": expected[1].isoformat() + "Z"}
                     if expected else None),
        "step": ({"at": step.at.isoformat() + "Z", "text": str(step.text), "body": step.body,
                  "kind": step.kind} if step else None),
    }
