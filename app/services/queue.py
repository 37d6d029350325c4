"""What the dispatch console reads: the open queue, its clocks, and the closed history.

Read-only queries over every ticket kind at once (one polymorphic query on Ticket, with the
location and the assigned officer joined in the same statement). Confidential tickets (DV
assistance) never appear here. Every query is bounded (LIMIT) and written so that the
indexes on ticket (the partial open-queue index, closed_at) serve it with 100,000 rows.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.core.cache import cached
from app.core.csv_export import csv_chunks
from app.core.database import use_case
from app.core.search import icontains
from app.core.timezones import combine, site_zone, to_local
from app.extensions import db
from app.models.accounts import Role, User, user_roles
from app.models.base import utcnow
from app.models.locations import Location
from app.models.tickets import CLOSED_STATUSES, OPEN_STATUSES, STATUS_LABELS, Ticket
from app.services import audit, visibility
from app.services.ackclock import (  # noqa: F401  (re-exported for the views and tests)
    AckClock,
    ack_clock,
    ack_deadline,
    add_business_seconds,
    duration,
    overdue_condition,
    subtract_business_seconds,
)
from app.services.dispatch import MAX_ID, OUTCOME_LABELS, clean_text
from app.services.locations import Place, of_kind, places, subtree_ids

TOP_KINDS = ("building", "garage", "transit", "landmark", "entrance")

CONFIDENTIAL_KINDS = frozenset({"dv"})
MAX_SEARCH = 100


# --- the open queue -------------------------------------------------------------------

@dataclass
class QueueFilters:
    """What the dispatcher chose in the filter form; None means "any"."""

    kind: str | None = None
    status: str | None = None
    priority: int | None = None
    location_id: int | None = None  # a building or other top place, with all it holds
    unit_id: int | None = None
    officer_id: int | None = None  # 0 means "nobody assigned"
    q: str | None = None
    overdue: bool = False

    @property
    def active(self) -> bool:
        return any(v not in (None, "", False) for v in vars(self).values())


class QueueItem:
    """One row of the board: plain values read in one query (no ORM objects to build)."""

    __slots__ = ("id", "reference", "kind", "status", "priority", "summary", "created_at",
                 "acknowledged_at", "unread_by_staff", "language", "officer_name", "where", "clock",
                 "age")

    def __init__(self, row, now: datetime, index: dict[int, Place]) -> None:
        for name in self.__slots__[:-3]:
            setattr(self, name, getattr(row, name))
        place = index.get(row.location_id)
        parts = (place.board_label if place else row.location_name, row.location_detail)
        self.where = ", ".join(p for p in parts if p) or "Not given"
        self.clock = ack_clock(self, now)
        self.age = duration((now - self.created_at).total_seconds())

    @property
    def late(self) -> bool:
        """Unacknowledged past its target: the board marks it overdue."""
        return self.clock.overdue and not self.clock.acknowledged

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


QUEUE_COLUMNS = (
    Ticket.id, Ticket.reference, Ticket.kind, Ticket.status, Ticket.priority, Ticket.summary,
    Ticket.location_detail, Ticket.created_at, Ticket.acknowledged_at, Ticket.unread_by_staff,
    Ticket.location_id, Ticket.language, Location.name.label("location_name"),
    func.coalesce(User.display_name, User.name).label("officer_name"),
)


URGENT = 2  # P1 and P2: never cut from the board by its limit


@dataclass
class QueuePage:
    tickets: list[QueueItem]
    clocks: dict[int, AckClock]
    total_open: int
    total_overdue: int
    matching: int
    limit: int
    now: datetime = field(default_factory=utcnow)

    @property
    def hidden(self) -> int:
        """Matching open tickets the board does not list."""
        return max(self.matching - len(self.tickets), 0)

    urgent: int = 0  # matching P1 and P2 tickets

    @property
    def every_urgent_shown(self) -> bool:
        return sum(1 for t in self.tickets if t.priority <= URGENT) >= self.urgent


def _visible() -> ColumnElement[bool]:
    return visibility.not_confidential()


def _open() -> ColumnElement[bool]:
    """Open statuses as literals, so the partial index ix_ticket_open_board matches."""
    statuses = bindparam("open_statuses", list(OPEN_STATUSES), expanding=True,
                         literal_execute=True)
    return Ticket.status.in_(statuses)


def _text_match(q: str) -> ColumnElement[bool]:
    q = clean_text(q)[:MAX_SEARCH]
    return or_(
        icontains(Ticket.reference, q.replace(" ", "")),
        icontains(Ticket.summary, q),
        icontains(Ticket.location_detail, q),
        icontains(Ticket.contact_name, q),
    )


def _filter_conditions(filters: QueueFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.kind:
        conditions.append(Ticket.kind == filters.kind)
    if filters.status:
        conditions.append(Ticket.status == filters.status)
    if filters.priority:
        conditions.append(Ticket.priority == filters.priority)
    for place_id in (filters.location_id, filters.unit_id):
        if place_id:
            inside = sorted(subtree_ids(min(place_id, MAX_ID)))
            conditions.append(Ticket.location_id.in_(inside))
    if filters.officer_id == 0:
        conditions.append(Ticket.assigned_officer_id.is_(None))
    elif filters.officer_id:
        conditions.append(Ticket.assigned_officer_id == min(filters.officer_id, MAX_ID))
    if filters.q and clean_text(filters.q):
        conditions.append(_text_match(filters.q))
    if filters.overdue:
        conditions.append(overdue_condition(now))
    return conditions


def open_queue(filters: QueueFilters | None = None, limit: int | None = None) -> QueuePage:
    """Open, non-confidential tickets of every kind: P1 first, then oldest first.

    The board lists `limit` tickets but never cuts a P1 or P2, however many P3 there are
    (a flood): when more urgent tickets match, the page grows to hold them all, up to
    DISPATCH_URGENT_LIMIT. The page knows how many matching tickets it does not show.
    """
    filters = filters or QueueFilters()
    limit = limit or current_app.config["DISPATCH_QUEUE_LIMIT"]
    now = utcnow()
    conditions = [_open(), _visible(), *_filter_conditions(filters, now)]
    matching, overdue, urgent = db.session.execute(_counts_query(now, conditions)).one()
    if filters.active:
        total_open, total_overdue = queue_counts(now)
    else:
        total_open, total_overdue = matching, int(overdue)
    shown = max(limit, min(int(urgent), current_app.config["DISPATCH_URGENT_LIMIT"]))
    query = (
        select(*QUEUE_COLUMNS).select_from(Ticket)
        .outerjoin(Location, Location.id == Ticket.location_id)
        .outerjoin(User, User.id == Ticket.assigned_officer_id)
        .where(*conditions)
        .order_by(Ticket.priority, Ticket.created_at, Ticket.id).limit(shown)
    )
    index = places()
    tickets = [QueueItem(row, now, index) for row in db.session.execute(query)]
    clocks = {t.id: t.clock for t in tickets}
    return QueuePage(tickets, clocks, total_open, total_overdue, matching, limit, now,
                     urgent=int(urgent))


def queue_counts(now: datetime | None = None) -> tuple[int, int]:
    """(open tickets, of which overdue) on the whole board."""
    row = db.session.execute(_counts_query(now or utcnow())).one()
    return int(row[0]), int(row[1])


def _counts_query(now: datetime, conditions: list[ColumnElement[bool]] | None = None):
    """(open, overdue, P1 and P2) among the tickets meeting `conditions` (the whole board)."""
    overdue = case((overdue_condition(now), 1), else_=0)
    urgent = case((Ticket.priority <= URGENT, 1), else_=0)
    return select(
        func.count(Ticket.id).label("total_open"),
        func.coalesce(func.sum(overdue), 0).label("total_overdue"),
        func.coalesce(func.sum(urgent), 0).label("urgent"),
    ).where(*(conditions if conditions is not None else (_open(), _visible())))


def board_marker() -> tuple:
    """What changes whenever anything the board shows changes, and nothing else: the newest
    event of a non-confidential ticket, the newest officer status event, and the open
    non-confidential tickets' count and newest row change (every UPDATE of a ticket sets
    updated_at). One statement, served by the open-board partial index and the event ids'."""
    return tuple(db.session.connection().execute(_marker_statement()).one())


@functools.cache
def _marker_statement():
    """Built once: the board asks for its marker on every load, and building this statement
    (and its cache key) cost three times as much CPU as running it."""
    from app.models.live import OfficerStatusEvent
    from app.models.tickets import TicketEvent

    # The newest event of a ticket the board may show: a DV event must not move the marker
    # (a re-rendered board, or a stream cursor that moved, would tell a dispatcher when one
    # happened). Not correlated with the outer count: it reads every ticket, open or closed.
    # ORDER BY ... LIMIT 1, not max(): PostgreSQL walks the event ids backwards to the first
    # shown one (0.08 ms on 40,000 events), where max() over the join hashed them all (64 ms).
    newest_shown = (select(TicketEvent.id).join(Ticket, Ticket.id == TicketEvent.ticket_id)
                    .where(_visible()).order_by(TicketEvent.id.desc()).limit(1)
                    .correlate(None).scalar_subquery())
    return select(
        func.count(Ticket.id), func.max(Ticket.updated_at), newest_shown,
        select(func.max(OfficerStatusEvent.id)).scalar_subquery(),
    ).where(_open(), _visible())


def queue_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every non-confidential ticket kind the app knows."""
    kinds = []
    for identity, mapper in Ticket.__mapper__.polymorphic_map.items():
        cls = mapper.class_
        if identity == "ticket" or identity in CONFIDENTIAL_KINDS:
            continue
        if getattr(cls, "CONFIDENTIAL", False):
            continue
        kinds.append((identity, cls.KIND_LABEL))
    return sorted(kinds, key=lambda item: item[1])


def active_officers() -> list[tuple[int, str]]:
    """(id, public name) of active accounts holding the officer role, by name."""
    name = func.coalesce(User.display_name, User.name)
    query = (
        select(User.id, name).join(user_roles).join(Role)
        .where(Role.name == "officer", User.is_active_account.is_(True))
        .order_by(name)
    )
    return [tuple(row) for row in db.session.execute(query)]


def location_choices() -> list[tuple[int, str]]:
    """(id, name) of the buildings and other top places, for the filter."""
    return [(p.id, p.path) for p in of_kind(*TOP_KINDS, active_only=False) if p.path]


def unit_choices() -> list[tuple[int, str]]:
    """(id, "Building · Unit") of every clinical unit, for the filter."""
    return [(p.id, p.board_label) for p in of_kind("unit", active_only=False)]


def cached_choices(name: str) -> list:
    """Filter choices: the board reloads every few seconds for every dispatcher, and
    locations and officers change rarely, so they come from the per-process cache."""
    loader = {"officers": active_officers, "locations": location_choices,
              "units": unit_choices}[name]
    return cached(f"dispatch.{name}", loader)


def ticket_to_read(ticket_id: int, reader: User) -> Ticket | None:
    """A ticket `reader` may read on the ticket page (visibility.board_may_show), or None.
    Reading writes nothing: a supervisor's look does not clear the dispatchers' "New reply"."""
    if not isinstance(ticket_id, int) or not 0 < ticket_id <= MAX_ID:
        return None
    ticket = db.session.get(Ticket, ticket_id)
    return ticket if ticket is not None and visibility.board_may_show(reader, ticket) else None


def officer_assignments(officer: User) -> list[Ticket]:
    """The open tickets assigned to `officer`, P1 first then oldest."""
    query = (
        select(Ticket)
        .where(_open(), _visible(), Ticket.assigned_officer_id == officer.id)
        .order_by(Ticket.priority, Ticket.created_at).limit(200)
    )
    return list(db.session.scalars(query).unique())


# --- closed history and CSV -----------------------------------------------------------

@dataclass
class HistoryFilters:
    date_from: date | None = None  # local dates, inclusive
    date_to: date | None = None
    kind: str | None = None
    q: str | None = None


def _history_conditions(filters: HistoryFilters) -> list[ColumnElement[bool]]:
    zone = site_zone()
    conditions = [Ticket.status.in_(CLOSED_STATUSES), Ticket.closed_at.is_not(None), _visible()]
    if filters.date_from:
        conditions.append(Ticket.closed_at >= combine(filters.date_from, time.min, zone))
    if filters.date_to:
        end = combine(filters.date_to + timedelta(days=1), time.min, zone)
        conditions.append(Ticket.closed_at < end)
    if filters.kind:
        conditions.append(Ticket.kind == filters.kind)
    if filters.q and clean_text(filters.q):
        conditions.append(_text_match(filters.q))
    return conditions


def closed_history(filters: HistoryFilters, limit: int = 100, offset: int = 0
                   ) -> tuple[list[Ticket], int]:
    """Closed tickets, most recently closed first, and how many match in all."""
    conditions = _history_conditions(filters)
    query = (
        select(Ticket).where(*conditions)
        .order_by(Ticket.closed_at.desc(), Ticket.id.desc()).limit(limit).offset(offset)
    )
    tickets = list(db.session.scalars(query).unique())
    total = db.session.scalar(select(func.count(Ticket.id)).where(*conditions))
    return tickets, int(total or 0)


CSV_HEADER = (
    "Reference", "Kind", "Priority", "Status", "Outcome", "Outcome detail", "Location",
    "Location detail", "Summary", "Created", "Acknowledged", "Closed", "Officer",
    "Seconds to acknowledge",
)


def _csv_row(ticket: Ticket, kinds: dict[str, str]) -> list[str]:
    def when(value: datetime | None) -> str:
        return to_local(value, site_zone()).strftime("%Y-%m-%d %H:%M") if value else ""

    to_ack = ""
    if ticket.acknowledged_at:
        to_ack = str(int((ticket.acknowledged_at - ticket.created_at).total_seconds()))
    officer = ticket.assigned_officer.public_name if ticket.assigned_officer else ""
    cells = [
        ticket.reference, kinds.get(ticket.kind, ticket.kind), f"P{ticket.priority}",
        STATUS_LABELS.get(ticket.status, ticket.status),
        OUTCOME_LABELS.get(ticket.outcome or "", ticket.outcome), ticket.outcome_detail,
        ticket.location.path if ticket.location else "", ticket.location_detail,
        ticket.summary, when(ticket.created_at), when(ticket.acknowledged_at),
        when(ticket.closed_at), officer, to_ack,
    ]
    return cells


@use_case
def export_history(filters: HistoryFilters, actor: User) -> Iterator[list[str]]:
    """Record the export in the audit trail, then hand back the rows (CSV_HEADER's columns),
    read lazily; the view sends them through app.core.csv_export.csv_response."""
    detail = f"from={filters.date_from} to={filters.date_to} kind={filters.kind or 'any'}"
    audit.record("ticket.history_export", actor, "ticket", "history", detail=detail)
    return history_rows(filters)


def history_csv(filters: HistoryFilters) -> Iterator[str]:
    """The export as CSV text (what the download sends), for the CLI and tests."""
    return csv_chunks(CSV_HEADER, history_rows(filters))


def history_rows(filters: HistoryFilters) -> Iterator[list[str]]:
    """The matching closed tickets, oldest closed first, read from the database in batches."""
    kinds = dict(queue_kinds())
    query = (
        select(Ticket).where(*_history_conditions(filters))
        .order_by(Ticket.closed_at, Ticket.id)
        .execution_options(yield_per=500)
    )
    for ticket in db.session.scalars(query):
        yield _csv_row(ticket, kinds)
