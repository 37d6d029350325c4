"""Tickets: the one thing dispatch works on, and their history.

Every request kind (escort, incident report, lockdown, DV assistance, service request) is a
subclass of Ticket through joined-table inheritance, so the dispatch queue is one
polymorphic query while each kind keeps its own table.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Sequence, String, event, false, func, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedText
from app.core.i18n import N_
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location

NEW, ACKNOWLEDGED, ASSIGNED, EN_ROUTE, ON_SCENE = (
    "new", "acknowledged", "assigned", "en_route", "on_scene",
)
RESOLVED, CANCELLED = "resolved", "cancelled"
OPEN_STATUSES = (NEW, ACKNOWLEDGED, ASSIGNED, EN_ROUTE, ON_SCENE)
CLOSED_STATUSES = (RESOLVED, CANCELLED)
STATUSES = OPEN_STATUSES + CLOSED_STATUSES
OPEN_STATUS_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"

# The lifecycle, in one place: status -> the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({ACKNOWLEDGED, CANCELLED}),
    ACKNOWLEDGED: frozenset({ASSIGNED, RESOLVED, CANCELLED}),
    ASSIGNED: frozenset({ACKNOWLEDGED, EN_ROUTE, ON_SCENE, RESOLVED, CANCELLED}),
    EN_ROUTE: frozenset({ON_SCENE, RESOLVED, CANCELLED}),
    ON_SCENE: frozenset({RESOLVED, CANCELLED}),
    RESOLVED: frozenset(),
    CANCELLED: frozenset(),
}

STATUS_LABELS = {
    NEW: N_("New"),
    ACKNOWLEDGED: N_("Acknowledged"),
    ASSIGNED: N_("Assigned"),
    EN_ROUTE: N_("En route"),
    ON_SCENE: N_("On scene"),
    RESOLVED: N_("Resolved"),
    CANCELLED: N_("Cancelled"),
}

PRIORITIES = (1, 2, 3)

EVENT_KINDS = (
    "created",
    "status",
    "assignment",
    "priority",
    "note",
    "message_out",
    "message_in",
    "outcome",
    "link",
)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


class Ticket(db.Model):
    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default=NEW)
    priority: Mapped[int] = mapped_column(default=3)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    location_detail: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    assigned_officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    confidential: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    acknowledged_at: Mapped[datetime | None]
    on_scene_at: Mapped[datetime | None]  # first arrival on scene (the dashboard's response)
    closed_at: Mapped[datetime | None]
    eta_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_detail: Mapped[str | None] = mapped_column(String(300))
    unread_by_staff: Mapped[bool] = mapped_column(default=False)
    # The language the request was made in ("en", "es"): its mail and follow-up page use
    # it, and dispatch sees "Prefers Spanish" to call back with an interpreter.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    version: Mapped[int] = mapped_column(default=1)

    location: Mapped[Location | None] = relationship(lazy="joined")
    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    assigned_officer: Mapped[User | None] = relationship(
        foreign_keys=[assigned_officer_id], lazy="joined"
    )
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket",
        order_by="TicketEvent.id",
        cascade="all, delete-orphan",
    )

    # Every UPDATE of a ticket says `WHERE id = :id AND version = :version_read` and sets
    # version + 1 (SQLAlchemy's version counter): a write from a copy that is no longer the
    # row matches nothing and raises StaleDataError, which the services turn into
    # TicketConflict. Never change `version` by hand; change a column (`touch`) instead.
    __mapper_args__ = {
        "polymorphic_on": "kind", "polymorphic_identity": "ticket", "version_id_col": version,
    }
    __table_args__ = (
        Index("ix_ticket_open_queue", "status", "priority", "created_at"),
        # The dispatch queue (app.services.queue): open tickets in board order, a small
        # partial index however many closed tickets there are. The queue query renders the
        # same literal status list so that both databases can use it.
        Index(
            "ix_ticket_open_board", "priority", "created_at", "id",
            postgresql_where=text(OPEN_STATUS_SQL), sqlite_where=text(OPEN_STATUS_SQL),
        ),
        # Tickets by closing time: the dashboard's outcomes and backlog read a period's
        # closures from the index alone on PostgreSQL (every column they filter and group).
        Index("ix_ticket_closed_at", "closed_at",
              postgresql_include=["confidential", "kind", "location_id", "status", "outcome"]),
        # Tickets by creation time, and the operations dashboard (app.services.dashboard):
        # a period of tickets answered from the index alone on PostgreSQL (every column its
        # aggregates read). It replaced a plain created_at index, which the planner
        # preferred for being smaller though it sent every row to the table.
        Index("ix_ticket_dashboard", "created_at", "priority",
              postgresql_include=["kind", "location_id", "confidential", "acknowledged_at",
                                  "on_scene_at", "status", "closed_at", "outcome"]),
    )

    @property
    def requester_summary(self):
        """What the requester's pages show as the summary; kinds whose stored summary is
        built from English words give a translated one."""
        return self.summary

    # Subclasses set these.
    KIND_LABEL = N_("Request")
    REFERENCE_PREFIX = "REQ"
    HAS_OWN_CLOSE_FORM = False  # True: its dispatch/kinds template closes it with its outcomes
    # How the requester's pages name it, and what they may do to stop it (verb, done).
    REQUESTER_NOUN = "request"
    WITHDRAW = ("cancel", "cancelled")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def where(self) -> str:
        """The full path of the place ("Research Tower · Floor 5 · 5B · 5-112") and the
        requester's detail."""
        parts = [self.location.path if self.location else None, self.location_detail]
        return ", ".join(p for p in parts if p) or "Not given"

    def touch(self) -> None:
        """Mark the ticket changed, so its versioned UPDATE runs even when only its
        history (a new event) changed."""
        self.updated_at = utcnow()

    def __repr__(self) -> str:
        return f"<Ticket {self.reference}>"


# Confidential (DV) tickets are numbered on their own, below zero, so that the ids
# dispatch sees (in addresses, on the board, in streams) run on without a gap where a DV
# request was filed. PostgreSQL takes them from this sequence; SQLite, whose use cases hold
# the write lock from their first statement (app.core.database), counts down from the
# lowest id.
CONFIDENTIAL_TICKET_IDS = Sequence("confidential_ticket_id_seq", metadata=db.metadata)


@event.listens_for(Ticket, "before_insert", propagate=True)
def _number_confidential_apart(_mapper, connection, target: Ticket) -> None:
    if target.id is not None:
        return
    if connection.dialect.name == "postgresql":
        if target.confidential:
            target.id = -connection.scalar(CONFIDENTIAL_TICKET_IDS.next_value())
        return
    ids = Ticket.__table__.c.id
    if target.confidential:
        target.id = min(connection.scalar(select(func.min(ids))) or 0, 0) - 1
    elif (connection.scalar(select(func.max(ids))) or 0) < 1:
        target.id = 1  # SQLite would take max(id) + 1, which is not above zero here


class TicketEvent(db.Model):
    """One line of a ticket's history: a status change, an assignment, a note, a message."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    # Encrypted at rest for every kind of ticket (a DV note or message is one of them).
    body: Mapped[str | None] = mapped_column(EncryptedText(prefixed=True))
    visible_to_requester: Mapped[bool] = mapped_column(default=False)
    # An internal note the dispatcher marked for the shift report.
    for_shift_report: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # On an assignment event: the officer the ticket was taken from, whose live page is
    # told that it is no longer theirs (app.services.events).
    previous_officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
