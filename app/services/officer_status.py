"""Officers' own status and the board's officer panel.

An officer sets their status from the phone; every change is a row of the log (and so an
event of the live stream). The panel shows each active officer's status, their open
assignments and how long they have been on them; "assign" lists available officers first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.live import (
    AVAILABLE,
    OFF_DUTY,
    OFFICER_STATUS_LABELS,
    OFFICER_STATUSES,
    ON_BREAK,
    ON_CALL,
    OfficerStatusEvent,
)
from app.models.tickets import OPEN_STATUSES, Ticket, TicketEvent
from app.services import audit
from app.services.ackclock import duration
from app.services.queue import cached_choices

UNKNOWN = "unknown"
# "assign" offers officers in this order; an officer who never set a status sits between.
ASSIGN_ORDER = {AVAILABLE: 0, ON_CALL: 1, UNKNOWN: 2, ON_BREAK: 3, OFF_DUTY: 4}


class OfficerStatusError(ValueError):
    """A status this app does not know, or an actor who is not an officer."""


def set_status(officer: User, status: str) -> OfficerStatusEvent:
    """Record `officer`'s own new status (a use case: the caller wraps it in use_case)."""
    if status not in OFFICER_STATUSES:
        raise OfficerStatusError("Choose one of the statuses offered.")
    if not officer.has_any_role({"officer"}):
        raise OfficerStatusError("Only officers have a status.")
    row = OfficerStatusEvent(officer_id=officer.id, status=status)
    db.session.add(row)
    audit.record("officer.status", officer, "user", officer.id, detail=f"status={status}")
    return row


def current_statuses(officer_ids=None) -> dict[int, OfficerStatusEvent]:
    """The newest status row of each officer (of `officer_ids`, or all)."""
    newest = select(func.max(OfficerStatusEvent.id)).group_by(OfficerStatusEvent.officer_id)
    if officer_ids is not None:
        newest = newest.where(OfficerStatusEvent.officer_id.in_(list(officer_ids)))
    rows = db.session.scalars(select(OfficerStatusEvent).where(OfficerStatusEvent.id.in_(newest)))
    return {row.officer_id: row for row in rows}


def status_of(officer_id: int) -> str:
    row = current_statuses([officer_id]).get(officer_id)
    return row.status if row else UNKNOWN


def available_first(choices: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Officer choices (id, name), available officers first, otherwise as given."""
    statuses = current_statuses([officer_id for officer_id, _ in choices])

    def rank(item):
        row = statuses.get(item[0])
        return ASSIGN_ORDER.get(row.status if row else UNKNOWN, 2)

    return sorted(choices, key=rank)


@dataclass(frozen=True)
class Assignment:
    ticket_id: int
    reference: str
    priority: int
    since: datetime

    @property
    def time_on(self) -> str:
        return duration((utcnow() - self.since).total_seconds())


@dataclass
class PanelRow:
    officer_id: int
    name: str
    status: str
    status_label: str
    since: datetime | None
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def oldest(self) -> datetime | None:
        return min((a.since for a in self.assignments), default=None)


def officer_panel() -> list[PanelRow]:
    """Every active officer: status, open assignments (id, reference, priority, since).
    The officer list is the board's per-process cache (CHOICES_CACHE_SECONDS)."""
    officers = cached_choices("officers")
    statuses = current_statuses([officer_id for officer_id, _ in officers])
    rows = {}
    for officer_id, name in officers:
        row = statuses.get(officer_id)
        status = row.status if row else UNKNOWN
        rows[officer_id] = PanelRow(officer_id, name, status,
                                    OFFICER_STATUS_LABELS.get(status, "Not set"),
                                    row.created_at if row else None)
    for ticket_id, reference, priority, officer_id, since in _open_assignments(list(rows)):
        rows[officer_id].assignments.append(
            Assignment(ticket_id, reference, priority, since or utcnow()))
    return sorted(rows.values(), key=lambda r: (ASSIGN_ORDER.get(r.status, 2), r.name))


def _open_assignments(officer_ids: list[int]):
    """(ticket id, reference, priority, officer id, assigned at) of open, non-confidential
    tickets assigned to these officers; "assigned at" is the newest assignment event."""
    if not officer_ids:
        return []
    assigned_at = (select(func.max(TicketEvent.created_at))
                   .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "assignment")
                   .correlate(Ticket).scalar_subquery())
    return db.session.execute(
        select(Ticket.id, Ticket.reference, Ticket.priority, Ticket.assigned_officer_id,
               assigned_at)
        .where(Ticket.assigned_officer_id.in_(officer_ids), Ticket.confidential.is_(False),
               Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.priority, Ticket.created_at)).all()


__all__ = ["AVAILABLE", "OFF_DUTY", "ON_BREAK", "ON_CALL", "available_first", "officer_panel",
           "set_status", "status_of"]
