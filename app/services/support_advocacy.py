"""Confidential DV assistance, the advocate's side: the queue, each request's actions, and
the escorts and workplace alerts raised from a request (their link lives here, not on them).

Every view and change by an advocate is audited (object id = reference, no content). Staff
actions reuse app.services.dispatch (advocates only act on confidential tickets); several
compose into one transaction, since a use case called from another joins it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.support import SupportLink, SupportRequest, WorkplaceAlert
from app.models.tickets import (
    CLOSED_STATUSES,
    NEW,
    OPEN_STATUSES,
    RESOLVED,
    TicketEvent,
)
from app.services import audit, dispatch, outbox
from app.services.support_retention import mail_key
from app.services.tickets import Opened, open_ticket

ADVOCATE_ROLES = frozenset({"advocate"})
# DV closing outcomes: a subset of the dispatch outcome codes, as "status:outcome".
CLOSE_CHOICES = (
    ("resolved:assisted", dispatch.OUTCOMES["resolved"]["assisted"]),
    ("resolved:referred", dispatch.OUTCOMES["resolved"]["referred"]),
    ("resolved:no_contact", "We could not reach the person safely"),
    ("cancelled:requester_cancelled", dispatch.OUTCOMES["cancelled"]["requester_cancelled"]),
    ("cancelled:no_longer_needed", dispatch.OUTCOMES["cancelled"]["no_longer_needed"]),
)


# --- the advocate -------------------------------------------------------------------------

def queue() -> list[SupportRequest]:
    """Open requests, oldest first (read-only; the queue page audits the listing)."""
    return list(db.session.scalars(
        select(SupportRequest).where(SupportRequest.status.in_(OPEN_STATUSES))
        .order_by(SupportRequest.created_at, SupportRequest.id)
    ))


def recently_closed(limit: int = 50) -> list[SupportRequest]:
    return list(db.session.scalars(
        select(SupportRequest).where(SupportRequest.status.in_(CLOSED_STATUSES))
        .order_by(SupportRequest.closed_at.desc()).limit(limit)
    ))


@use_case
def audit_queue_view(actor: User) -> None:
    audit.record("dv.queue", actor, "support", "queue")


@dispatch.ticket_action
def view_request(ticket_id: int, actor: User) -> SupportRequest | None:
    """The request for an advocate (audited "dv.view"), or None if it is not one."""
    ticket = dispatch.load_ticket(ticket_id, actor)
    if not isinstance(ticket, SupportRequest):
        return None
    dispatch.clear_unread(ticket)
    audit.record("dv.view", actor, "ticket", ticket.reference)
    return ticket


def record_denied(actor: User, endpoint: str) -> None:
    """A signed-in account without the advocate role tried an advocate page."""
    audit.record_refusal("dv.denied", actor, "route", endpoint)


def _support(ticket_id: int, actor: User) -> SupportRequest:
    ticket = dispatch.load_ticket(ticket_id, actor, fresh=True)
    if not isinstance(ticket, SupportRequest) or not actor.has_any_role(ADVOCATE_ROLES):
        raise dispatch.DispatchError("That request does not exist.")
    return ticket


@dispatch.ticket_action
def acknowledge(ticket_id: int, actor: User, version: int | None) -> SupportRequest:
    _support(ticket_id, actor)
    return dispatch.acknowledge(ticket_id, actor, version)


@dispatch.ticket_action
def add_note(ticket_id: int, actor: User, body: str) -> SupportRequest:
    _support(ticket_id, actor)
    return dispatch.add_note(ticket_id, actor, body)


@dispatch.ticket_action
def message_person(ticket_id: int, actor: User, body: str) -> SupportRequest:
    """A message on the private follow-up page; a bare notice to a safe address only."""
    request = _support(ticket_id, actor)
    dispatch.message_requester(ticket_id, actor, body)
    if request.safe_email:
        with in_language(request.language):
            outbox.enqueue(request.safe_email, "ticket_message",
                           _l("New message about your request %(reference)s",
                              reference=request.reference),
                           dedupe_key=f"{mail_key(request)}message:{request.version}",
                           ticket=request, body=None, follow_up_url=None)
    return request


@dispatch.ticket_action
def close_request(ticket_id: int, actor: User, version: int | None, choice: str,
                  note: str | None = None) -> SupportRequest:
    """Close with an outcome from CLOSE_CHOICES; an optional closing note stays internal.

    A request resolved straight from "new" is acknowledged on the way (the lifecycle has no
    new -> resolved step)."""
    _support(ticket_id, actor)
    request = dispatch.checked_ticket(ticket_id, actor, version)
    if choice not in dict(CLOSE_CHOICES):
        raise dispatch.DispatchError("Choose how the request ended.")
    status, outcome = choice.split(":", 1)
    if note and note.strip():
        dispatch.add_note(ticket_id, actor, note)
    if request.status == NEW and status == RESOLVED:
        dispatch.acknowledge(ticket_id, actor, None)
    dispatch.close(ticket_id, actor, None, status, outcome, None)
    return request


# --- escorts and workplace alerts raised from a request ----------------------------------

def _link(request: SupportRequest, actor: User, opened: Opened, what: str) -> None:
    """Record the link on the DV side only; the new ticket shows no requester."""
    opened.ticket.requester = None
    request.links.append(SupportLink(ticket=opened.ticket))
    request.events.append(TicketEvent(kind="link", actor=actor,
                                      body=f"{what} {opened.ticket.reference} created"))
    request.touch()
    audit.record(f"dv.{what.lower().replace(' ', '_')}", actor, "ticket", request.reference,
                 detail=f"linked={opened.ticket.reference}")  # the advocates' store only


@dataclass(frozen=True)
class LinkedEscort:
    """An escort an advocate asks dispatch for: who to meet, where, where to, when, a phone."""

    meet: str
    meet_at: str
    going_to: str
    requested_for: datetime | None = None
    phone: str | None = None


@dispatch.ticket_action
def create_escort(ticket_id: int, actor: User, details: LinkedEscort) -> Opened:
    """A linked escort ticket for dispatch: who to meet, where, when, a phone if any."""
    meet, meet_at, going_to = details.meet, details.meet_at, details.going_to
    requested_for, phone = details.requested_for, details.phone
    from app.services.escorts import EscortError, Place, build_escort, check_when

    request = _support(ticket_id, actor)
    if not request.is_open:
        raise dispatch.DispatchError("The request is closed.")
    try:
        check_when(requested_for, utcnow())
        escort = build_escort(Place(other=meet_at), Place(other=going_to), requested_for, 1,
                              f"Meet: {meet}".strip()[:500])
    except EscortError as exc:
        raise dispatch.DispatchError(str(exc)) from exc
    escort.contact_name = (meet or "").strip()[:120] or None
    escort.contact_phone = (phone or "").strip()[:40] or None
    opened = open_ticket(escort, None, None, audit_ip=False)  # no advocate's name on it
    _link(request, actor, opened, "Escort")
    return opened


@dispatch.ticket_action
def create_alert(ticket_id: int, actor: User, *, person_description: str, keep_out_of: str,
                 valid_until: date | None, instructions: str | None) -> Opened:
    """A linked workplace alert for dispatch: who to keep out, where, until when."""
    request = _support(ticket_id, actor)
    if not request.is_open:
        raise dispatch.DispatchError("The request is closed.")
    if valid_until is not None and valid_until < utcnow().date():
        raise dispatch.DispatchError("The end date has already passed.")
    alert = WorkplaceAlert(person_description=person_description.strip()[:1000],
                           keep_out_of=keep_out_of.strip()[:300], valid_until=valid_until,
                           instructions=(instructions or "").strip()[:1000] or None, priority=2)
    alert.summary = alert.build_summary()
    opened = open_ticket(alert, None, None, audit_ip=False)  # no advocate's name on it
    _link(request, actor, opened, "Workplace alert")
    return opened
