"""Staff actions on a ticket: acknowledge, prioritise, assign, move, note, message, close.

Every action checks the lifecycle table (app.models.tickets.TRANSITIONS), writes one
TicketEvent and one AuditEvent and commits (the version counter moves by itself), or
raises and writes nothing. Actions that change the ticket take the `version` the member of
staff saw: if someone changed the ticket since, TicketConflict says so instead of overwriting.

The check is made twice: against the row as read at the start of the action (a stale form),
and by the UPDATE itself (`WHERE version = :read`, the version counter on Ticket), so of
two actions racing on one ticket exactly one commits, on SQLite and on PostgreSQL, and the
lifecycle rule is judged on the row that is actually written. `ticket_action` turns the
refused UPDATE into TicketConflict. Confidential (DV) tickets: advocates only.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import ParamSpec, TypeVar

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.core.database import in_use_case, use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.tickets import (
    ACKNOWLEDGED,
    ASSIGNED,
    CANCELLED,
    CLOSED_STATUSES,
    EN_ROUTE,
    NEW,
    ON_SCENE,
    PRIORITIES,
    RESOLVED,
    STATUS_LABELS,
    STATUSES,
    Ticket,
    TicketEvent,
    can_transition,
)
from app.services import audit, outbox, visibility

NOTE_MAX = 2000
REASON_MAX = 300
DETAIL_MAX = 300
ETA_MAX_MINUTES = 240

# How a ticket ended, in the words the requester reads: status -> {outcome: label}.
OUTCOMES: dict[str, dict[str, str]] = {
    RESOLVED: {
        "completed": "Completed",
        "assisted": "Help given",
        "referred": "Referred to another service",
        "no_contact": "We could not find or reach the person",
        "nothing_found": "Checked, nothing found",
    },
    CANCELLED: {
        "requester_cancelled": "Cancelled at the requester's wish",
        "no_longer_needed": "No longer needed",
        "duplicate": "A duplicate of another request",
        "outside_service": "Outside what we can do; advice given",
        "junk": "Not a genuine request",
    },
}
BULK_OUTCOMES = ("duplicate", "junk")  # what a bulk close may say (a flood, repeats)
OUTCOME_LABELS = {key: label for options in OUTCOMES.values() for key, label in options.items()}


class DispatchError(Exception):
    """An action that cannot be done; the message is shown to the member of staff."""


class IllegalTransition(DispatchError):
    pass


class TicketConflict(DispatchError):
    """The ticket changed since the member of staff loaded it."""

    def __init__(self, ticket: Ticket, seen_events: int | None) -> None:
        super().__init__("This ticket changed while you were looking at it.")
        self.ticket = ticket
        self.changes = list(ticket.events[seen_events or 0:])


P = ParamSpec("P")
R = TypeVar("R")


def ticket_action(fn: Callable[P, R]) -> Callable[P, R]:
    """A use case on one ticket (first argument the ticket id, second the actor): one
    transaction; a stale form or a write that lost a race becomes TicketConflict, listing
    the changes after the keyword `seen_events` every action takes. Called from another
    ticket action it joins that one, which reports the conflict after its rollback."""
    run = use_case(fn)

    @functools.wraps(fn)
    def wrapper(*args: P.args, seen_events: int | None = None, **kwargs: P.kwargs) -> R:
        if in_use_case():
            return fn(*args, **kwargs)
        try:
            return run(*args, **kwargs)
        except TicketConflict as conflict:
            raise TicketConflict(conflict.ticket, seen_events) from None
        except StaleDataError:
            ticket = load_ticket(args[0], args[1], fresh=True)
            if ticket is None:  # gone, or no longer visible to this member of staff
                raise DispatchError("That ticket does not exist.") from None
            raise TicketConflict(ticket, seen_events) from None

    return wrapper


MAX_ID = 2**31 - 1
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")


def clean_text(value: str | None) -> str:
    """Text without NUL and other control characters (PostgreSQL refuses NUL), trimmed."""
    return (value or "").replace("\r\n", "\n").translate(CONTROL_CHARACTERS).strip()


def load_ticket(ticket_id: int, actor: User, fresh: bool = False) -> Ticket | None:
    """A ticket that `actor` may see and work on (app.services.visibility), or None.

    `fresh` reads the row again even when this session already holds the ticket (a view
    loaded it to render or check it): an action judges the row, not a copy in memory."""
    if not isinstance(ticket_id, int) or not 0 < abs(ticket_id) <= MAX_ID:  # DV: below 0
        return None
    query = select(Ticket).where(Ticket.id == ticket_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    ticket = db.session.scalar(query)
    if ticket is None or not visibility.staff_may_see(actor, ticket):
        return None
    return ticket


def checked_ticket(ticket_id: int, actor: User, version: int | None) -> Ticket:
    """The ticket as the action will judge it (read again), if `actor` may act on it and it is
    still at the `version` the member of staff saw. The one stale-form check for tickets:
    the versioned UPDATE (Ticket's `version_id_col`) catches the race after it."""
    ticket = load_ticket(ticket_id, actor, fresh=True)
    if ticket is None:
        raise DispatchError("That ticket does not exist.")
    if version is not None and ticket.version != version:
        raise TicketConflict(ticket, None)  # ticket_action adds what was seen
    return ticket


def _event(ticket: Ticket, actor: User, kind: str, body: str | None = None,
           visible: bool = False, **fields) -> TicketEvent:
    event = TicketEvent(kind=kind, actor=actor, body=body, visible_to_requester=visible, **fields)
    ticket.events.append(event)
    ticket.touch()  # its UPDATE carries the version check
    return event


def _audit(action: str, ticket: Ticket, actor: User, detail: str = "") -> None:
    audit.record(action, actor, "ticket", ticket.reference, detail=detail)


def _text(value: str | None, limit: int, what: str, required: bool = True) -> str | None:
    """Stripped text within `limit` characters, or DispatchError saying what is wrong."""
    text = clean_text(value)
    if required and not text:
        raise DispatchError(f"Write the {what} first.")
    if len(text) > limit:
        raise DispatchError(f"The {what} is too long: keep it under {limit} characters.")
    return text or None


def set_status(ticket: Ticket, actor: User, target: str, body: str | None = None) -> None:
    """Move `ticket` to `target` if the lifecycle allows it, with its event and audit."""
    if target not in STATUSES:
        raise IllegalTransition("That is not a status a ticket can have.")
    if not can_transition(ticket.status, target):
        raise IllegalTransition(
            f"A ticket that is {STATUS_LABELS[ticket.status].lower()} cannot be moved to "
            f"{STATUS_LABELS.get(target, target).lower()}."
        )
    _event(ticket, actor, "status", body, visible=True, from_status=ticket.status,
           to_status=target)
    ticket.status = target
    now = utcnow()
    if target == ACKNOWLEDGED and ticket.acknowledged_at is None:
        ticket.acknowledged_at = now
    if target == ON_SCENE and ticket.on_scene_at is None:
        ticket.on_scene_at = now
    if target in CLOSED_STATUSES:
        ticket.closed_at = now
    _audit("ticket.status", ticket, actor, f"to={target}")


@ticket_action
def acknowledge(ticket_id: int, actor: User, version: int | None) -> Ticket:
    ticket = checked_ticket(ticket_id, actor, version)
    set_status(ticket, actor, ACKNOWLEDGED)
    return ticket


@ticket_action
def change_priority(ticket_id: int, actor: User, version: int | None, priority: int,
                    reason: str) -> Ticket:
    ticket = checked_ticket(ticket_id, actor, version)
    if priority not in PRIORITIES:
        raise DispatchError("Choose priority 1, 2 or 3.")
    if not (reason or "").strip():
        raise DispatchError("Give a reason for changing the priority.")
    reason = _text(reason, REASON_MAX, "reason")
    if not ticket.is_open:
        raise IllegalTransition("A closed ticket keeps its priority.")
    if priority == ticket.priority:
        raise DispatchError(f"The ticket is already P{priority}.")
    _event(ticket, actor, "priority", f"P{ticket.priority} → P{priority}: {reason}")
    ticket.priority = priority
    _audit("ticket.priority", ticket, actor, f"to=P{priority}")
    return ticket


@ticket_action
def assign(ticket_id: int, actor: User, version: int | None, officer: User | int | None) -> Ticket:
    """Assign or reassign an officer (a User or a user id); a new ticket is acknowledged
    on the way. An officer en route or on scene can be replaced without changing status."""
    ticket = checked_ticket(ticket_id, actor, version)
    if isinstance(officer, int):
        officer = db.session.get(User, officer) if 0 < officer <= MAX_ID else None
    if officer is None or "officer" not in officer.role_names or not officer.is_active:
        raise DispatchError("Choose an active officer from the list.")
    if ticket.status in CLOSED_STATUSES:
        raise IllegalTransition("A closed ticket cannot be assigned.")
    if ticket.assigned_officer_id == officer.id:
        raise DispatchError(f"The ticket is already assigned to {officer.public_name}.")
    if ticket.status == NEW:
        set_status(ticket, actor, ACKNOWLEDGED)
    previous = ticket.assigned_officer
    ticket.assigned_officer = officer
    verb = "Reassigned" if previous else "Assigned"
    _event(ticket, actor, "assignment", f"{verb} to {officer.public_name}", visible=True,
           previous_officer_id=previous.id if previous else None)
    if ticket.status == ACKNOWLEDGED:
        set_status(ticket, actor, ASSIGNED)
    _audit("ticket.assign", ticket, actor, f"officer={officer.id}")
    return ticket


@ticket_action
def move(ticket_id: int, actor: User, version: int | None, status: str,
         note: str | None = None, eta_minutes: int | None = None) -> Ticket:
    """Move a ticket along its lifecycle (en route, on scene, ...). Closing uses `close`."""
    ticket = checked_ticket(ticket_id, actor, version)
    if status in CLOSED_STATUSES:
        raise IllegalTransition("Use resolve or cancel to close a ticket, with its outcome.")
    if status == ASSIGNED:
        raise IllegalTransition("Choose an officer to assign the ticket.")
    note = _text(note, NOTE_MAX, "note", required=False)
    if eta_minutes is not None and status != EN_ROUTE:
        raise DispatchError("An expected arrival time goes with en route.")
    if eta_minutes is not None and not 1 <= eta_minutes <= ETA_MAX_MINUTES:
        raise DispatchError(f"Give the expected arrival in 1 to {ETA_MAX_MINUTES} minutes.")
    set_status(ticket, actor, status, note)
    tell_requester(ticket, note)
    if status == ACKNOWLEDGED and ticket.assigned_officer_id is not None:
        _event(ticket, actor, "assignment", "Officer unassigned", visible=True,
               previous_officer_id=ticket.assigned_officer_id)
        ticket.assigned_officer = None
        ticket.eta_at = None
    if eta_minutes is not None:
        ticket.eta_at = utcnow() + timedelta(minutes=eta_minutes)
    return ticket


@ticket_action
def close(ticket_id: int, actor: User, version: int | None, status: str, outcome: str,
          detail: str | None = None) -> Ticket:
    """Resolve or cancel with an outcome the requester sees in plain words."""
    ticket = checked_ticket(ticket_id, actor, version)
    if status not in (RESOLVED, CANCELLED):
        raise IllegalTransition("A ticket closes as resolved or cancelled.")
    if outcome not in OUTCOMES[status]:
        raise DispatchError(f"Choose how the ticket was {STATUS_LABELS[status].lower()}.")
    detail = _text(detail, DETAIL_MAX, "outcome detail", required=False)
    set_status(ticket, actor, status, detail)
    ticket.outcome = outcome
    ticket.outcome_detail = detail
    ticket.eta_at = None
    _event(ticket, actor, "outcome", OUTCOMES[status][outcome], visible=True)
    tell_requester(ticket, detail)
    return ticket


@ticket_action
def add_note(ticket_id: int, actor: User, body: str, for_shift_report: bool = False) -> Ticket:
    """An internal note: staff only, never shown to the requester; `for_shift_report`
    puts it on the shift report the supervisor signs."""
    ticket = checked_ticket(ticket_id, actor, None)
    body = _text(body, NOTE_MAX, "note")
    _event(ticket, actor, "note", body).for_shift_report = bool(for_shift_report)
    _audit("ticket.note", ticket, actor)
    return ticket


@ticket_action
def message_requester(ticket_id: int, actor: User, body: str, follow_up_url: str | None = None
                      ) -> Ticket:
    """A message shown on the follow-up page, and emailed when the requester gave an email.

    The email says only that there is a new message and links to the follow-up page when
    the caller passes it; confidential tickets are emailed only to a safe address, which is
    the only address they store.
    """
    ticket = checked_ticket(ticket_id, actor, None)
    body = _text(body, NOTE_MAX, "message")
    _event(ticket, actor, "message_out", body, visible=True)
    _audit("ticket.message", ticket, actor)
    tell_requester(ticket, body, follow_up_url, update=False)
    return ticket


def tell_requester(ticket: Ticket, body: str | None, follow_up_url: str | None = None,
                   update: bool = True) -> None:
    """Email what staff wrote for the requester (a message, a status or closing note) when
    the ticket has an address, in the same transaction as the event (through the outbox).

    Confidential tickets store only a safe address, and their mail carries no content."""
    if not body or not ticket.contact_email:
        return
    with in_language(ticket.language):  # the requester's language, not the dispatcher's
        outbox.enqueue(
            ticket.contact_email, "ticket_message",
            (_l("An update about your request %(reference)s", reference=ticket.reference)
             if update else
             _l("New message about your request %(reference)s", reference=ticket.reference)),
            ticket=ticket, update=update, body=None if ticket.confidential else body,
            follow_up_url=follow_up_url)


def bulk_close(ticket_ids: list[int], actor: User, outcome: str, reason: str) -> list[Ticket]:
    """Cancel several open tickets as duplicates or junk with one reason (a flood).

    All or nothing, in one transaction: one status event and one audit record per ticket.
    Refused, closing none, if any ticket is confidential (DV), not visible to `actor`,
    already closed or changed by someone else meanwhile (the versioned UPDATE).
    """
    try:
        return _bulk_close(ticket_ids, actor, outcome, reason)
    except StaleDataError:
        raise DispatchError("Nothing was closed: one of the selected tickets changed "
                            "meanwhile. Check the board and try again.") from None


@use_case
def _bulk_close(ticket_ids: list[int], actor: User, outcome: str, reason: str) -> list[Ticket]:
    if outcome not in BULK_OUTCOMES:
        raise DispatchError("Choose duplicate or junk.")
    reason = _text(reason, REASON_MAX, "reason")
    ids = sorted({i for i in ticket_ids if isinstance(i, int)})
    if not ids:
        raise DispatchError("Select the tickets to close first.")
    if len(ids) > current_app.config["DISPATCH_BULK_CLOSE_MAX"]:
        raise DispatchError(f"Close at most {current_app.config['DISPATCH_BULK_CLOSE_MAX']} "
                            "tickets at once.")
    tickets = [load_ticket(i, actor, fresh=True) for i in ids]
    refused = [t for t in tickets
               if t is None or not t.is_open or not visibility.on_dispatch_board(actor, t)]
    if refused:
        raise DispatchError(f"Nothing was closed: {len(refused)} of the selected tickets "
                            "cannot be closed here (closed already, or not on this board).")
    for ticket in tickets:
        set_status(ticket, actor, CANCELLED)
        ticket.outcome, ticket.outcome_detail, ticket.eta_at = outcome, reason, None
        _audit("ticket.bulk_close", ticket, actor, f"outcome={outcome} reason={reason}")
    return tickets


@ticket_action
def mark_read(ticket_id: int, actor: User) -> None:
    ticket = load_ticket(ticket_id, actor)
    if ticket is not None:
        clear_unread(ticket)


def clear_unread(ticket: Ticket) -> None:
    """Staff have seen the requester's messages. Not a change to the ticket: the version
    stays, so nobody's open form goes stale because a colleague opened the page."""
    if ticket.unread_by_staff:
        db.session.execute(update(Ticket.__table__).where(Ticket.__table__.c.id == ticket.id)
                           .values(unread_by_staff=False))
        db.session.expire(ticket, ["unread_by_staff"])
