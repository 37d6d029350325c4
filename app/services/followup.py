"""What the person who asked can do and see on their follow-up page.

Requester actions (a message to dispatch, cancelling while open) are use cases with a
TicketEvent and an audit record. `timeline` turns the ticket's visible events into the
plain words the requester reads; staff notes and priority changes never appear.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.database import use_case
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.tickets import (
    ACKNOWLEDGED,
    CANCELLED,
    EN_ROUTE,
    NEW,
    ON_SCENE,
    RESOLVED,
    Ticket,
    TicketEvent,
    can_transition,
)
from app.services import audit
from app.services.ackclock import ack_deadline

MESSAGE_MAX = 2000
AN_OFFICER = _l("An officer")

REQUESTER_CANCELLED = "requester_cancelled"

# The outcome codes of app.services.dispatch.OUTCOMES, in the requester's words. Unknown
# codes are shown with their underscores turned into spaces.
OUTCOME_WORDS = {
    "completed": _l("the escort or visit was completed"),
    "assisted": _l("an officer helped you"),
    "referred": _l("your request was passed to the right service"),
    "no_contact": _l("we could not find or reach you"),
    "nothing_found": _l("an officer checked and found nothing of concern"),
    REQUESTER_CANCELLED: _l("you cancelled the request"),
    "no_longer_needed": _l("it was no longer needed"),
    "duplicate": _l("it was the same as another request"),
    "outside_service": _l("it is outside what we can do; we gave advice"),
    "junk": _l("it was not a genuine request"),
}


class FollowupError(ValueError):
    """A requester action that cannot be done; the message is shown to them."""


@dataclass(frozen=True)
class Step:
    """One line of the requester's timeline."""

    at: datetime
    text: str
    body: str | None = None
    kind: str = "status"


def follow_up_url(reference: str, token: str | None) -> str | None:
    """The absolute private link, always at SITE_URL (never the request's Host)."""
    if not token:
        return None
    return external_url("track.follow", reference=reference, token=token)


def outcome_words(code: str | None) -> str:
    if not code:
        return _l("the request was handled")
    return OUTCOME_WORDS.get(code, code.replace("_", " ").strip().lower())


# Bodies the portal itself writes into a ticket's history (stored in English for dispatch)
# that the requester's timeline shows in the page's language: register them with
# `fixed_words(N_("..."))`, never translate what a person wrote.
FIXED_BODIES: set[str] = set()


def fixed_words(text: str) -> str:
    FIXED_BODIES.add(text)
    return text


def _body(event: TicketEvent):
    return _l(event.body) if event.body in FIXED_BODIES else event.body


def _officer_name(body: str | None) -> str | None:
    for prefix in ("Assigned to ", "Reassigned to "):
        if body and body.startswith(prefix):
            return body[len(prefix):].strip() or None
    return None


def _status_text(event: TicketEvent, ticket: Ticket, officer: str) -> str | None:
    target = event.to_status
    if target == ACKNOWLEDGED:
        return _l("Dispatch acknowledged your request")
    if target == EN_ROUTE:
        return _l("%(officer)s is on the way", officer=officer)
    if target == ON_SCENE:
        return _l("%(officer)s has arrived", officer=officer)
    if target == RESOLVED:
        return _l("Resolved: %(outcome)s", outcome=outcome_words(ticket.outcome))
    if target == CANCELLED:
        if ticket.outcome in (None, REQUESTER_CANCELLED):
            return _l("Cancelled")
        return _l("Cancelled: %(outcome)s", outcome=outcome_words(ticket.outcome))
    return None  # "assigned" is told by the assignment line


def _step(event: TicketEvent, ticket: Ticket, officer: str) -> Step | None:
    if event.kind == "created":
        return Step(event.created_at, _l("Dispatch received your request"))
    if event.kind == "status":
        text = _status_text(event, ticket, officer)
        return Step(event.created_at, text, event.body) if text else None
    if event.kind == "note":  # a note staff wrote for the requester (visible ones only)
        return Step(event.created_at, _l("Update from dispatch"), _body(event), "note")
    if event.kind == "assignment":
        name = _officer_name(event.body)
        if name is None:  # "Officer unassigned": back with dispatch
            return Step(event.created_at, _l("Dispatch is choosing another officer"))
        return Step(event.created_at, _l("%(officer)s has been assigned", officer=name))
    if event.kind == "message_out":
        return Step(event.created_at, _l("Message from dispatch"), event.body, "message_out")
    if event.kind == "message_in":
        return Step(event.created_at, _l("You wrote"), _body(event), "message_in")
    return None


def timeline(ticket: Ticket) -> list[Step]:
    """The requester's view of the history, oldest first, in plain words."""
    steps: list[Step] = []
    officer = AN_OFFICER
    for event in ticket.events:
        if not event.visible_to_requester:
            continue
        if event.kind == "assignment":
            officer = _officer_name(event.body) or AN_OFFICER
        step = _step(event, ticket, officer)
        if step is not None:
            steps.append(step)
    return steps


def open_question(ticket: Ticket) -> TicketEvent | None:
    """Dispatch's latest message when the requester has not answered it yet (open tickets)."""
    if not ticket.is_open:
        return None
    for event in reversed(ticket.events):
        if event.kind == "message_in":
            return None
        if event.kind == "message_out" and event.visible_to_requester:
            return event
    return None


def expected(ticket: Ticket) -> tuple[str, datetime] | None:
    """What the requester may expect next, and by when (None when nothing is due)."""
    if ticket.status == NEW:
        return _l("Dispatch aims to acknowledge your request by"), ack_deadline(
            ticket.kind, ticket.priority, ticket.created_at)
    if ticket.status == EN_ROUTE and ticket.eta_at:
        return _l("Expected arrival around"), ticket.eta_at
    return None


def _lock(ticket: Ticket) -> Ticket:
    """The ticket reloaded under a row lock (PostgreSQL), so staff actions wait for us."""
    query = (select(Ticket).where(Ticket.id == ticket.id).with_for_update(of=Ticket.__table__)
             .execution_options(populate_existing=True))
    return db.session.scalar(query)


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@use_case
def requester_message(ticket: Ticket, body: str, actor: User | None) -> TicketEvent:
    """A message from the requester to dispatch; flags the ticket unread for staff."""
    ticket = _lock(ticket)
    body = (body or "").strip()
    if not body:
        raise FollowupError(_l("Write your message first."))
    if len(body) > MESSAGE_MAX:
        raise FollowupError(_l("Keep your message under %(max)d characters.", max=MESSAGE_MAX))
    if not ticket.is_open:
        raise FollowupError(_l("This request is closed. Call dispatch if you still need help."))
    event = TicketEvent(kind="message_in", actor=_actor(actor), body=body,
                        visible_to_requester=True)
    ticket.events.append(event)
    ticket.unread_by_staff = True
    ticket.updated_at = utcnow()
    audit.record("ticket.requester_message", _actor(actor), "ticket", ticket.reference,
                 ip=not getattr(ticket, "anonymous", False))
    return event


@use_case
def requester_cancel(ticket: Ticket, actor: User | None) -> Ticket:
    """The requester no longer needs help: cancel while the ticket is open."""
    ticket = _lock(ticket)
    if not can_transition(ticket.status, CANCELLED):
        raise FollowupError(_l("This request is already closed."))
    ticket.events.append(TicketEvent(
        kind="status", actor=_actor(actor), from_status=ticket.status, to_status=CANCELLED,
        body="Cancelled by the requester", visible_to_requester=True))
    ticket.status = CANCELLED
    ticket.outcome = REQUESTER_CANCELLED
    ticket.closed_at = ticket.updated_at = utcnow()
    ticket.unread_by_staff = True
    ticket.touch()
    audit.record("ticket.requester_cancel", _actor(actor), "ticket", ticket.reference,
                 ip=not getattr(ticket, "anonymous", False))
    return ticket
