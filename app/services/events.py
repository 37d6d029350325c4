"""The live event log, read per listener: what a stream sends, and to whom.

Every change someone else should see is already a row: a TicketEvent (created,
acknowledged, assigned, moved, prioritised, messaged, resolved, cancelled, a requester's
reply) or an OfficerStatusEvent. A stream is a cursor over those two logs, so a client that
reconnects with its Last-Event-ID gets every event it missed, in order, once.

Who sees what is decided in ONE place, `visibility(listener)`: the SQL condition for ticket
events and the rule for officer-status events of each channel. It is the pages' policy:
the board never shows DV, an officer sees their own assignments, the advocates the DV
queue, a requester their own ticket and only what their page shows.

Ids are taken in order but committed in any order (two transactions on PostgreSQL), so a
reader never moves past an id that is not visible yet unless it is older than
LIVE_GAP_GRACE_SECONDS (then it was rolled back): see `_horizon`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import contains_eager

from app.core import tokens
from app.extensions import db
from app.models.base import utcnow
from app.models.live import OfficerStatusEvent
from app.models.tickets import OPEN_STATUSES, Ticket, TicketEvent

BOARD, OFFICER, ADVOCATE, REQUESTER = "board", "officer", "advocate", "requester"
CHANNEL_ROLES = {  # the staff roles that may open each staff channel
    BOARD: frozenset({"dispatcher", "supervisor"}),  # supervisors read the board
    OFFICER: frozenset({"officer"}),
    ADVOCATE: frozenset({"advocate"}),
}
CONFIDENTIAL_KINDS = ("dv",)
BATCH = 200


@dataclass(frozen=True)
class Listener:
    """Who holds a stream: the channel, the staff user (or None) and a requester's ticket."""

    channel: str
    user_id: int | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class Cursor:
    """How far a stream has read each log.

    It goes out (the SSE id, a page's data-live-since) only as an opaque token: the numbers
    are event ids of every ticket, DV included, and a listener who saw them could tell from
    a gap that something they may not see happened, and when."""

    ticket: int = 0
    officer: int = 0

    def token(self, fresh: bool = False) -> str:
        """The same token for the same cursor (an SSE id), or with `fresh` a new one each
        time (a page's starting point, so two renders look alike whatever happened)."""
        return tokens.seal_pair(self.ticket, self.officer, fresh=fresh)

    @classmethod
    def from_token(cls, text: str | None) -> Cursor | None:
        pair = tokens.open_pair((text or "").strip())
        return cls(*pair) if pair else None


@dataclass(frozen=True)
class LiveEvent:
    id: str
    type: str
    data: dict


@dataclass(frozen=True)
class Visibility:
    tickets: ColumnElement[bool]
    officers: ColumnElement[bool]


def _confidential() -> ColumnElement[bool]:
    return or_(Ticket.confidential.is_(True), Ticket.kind.in_(CONFIDENTIAL_KINDS))


def visibility(listener: Listener) -> Visibility:
    """The one rule: which ticket events and which officer-status events `listener` gets."""
    public = ~_confidential()
    if listener.channel == BOARD:
        return Visibility(public, true())
    if listener.channel == OFFICER and listener.user_id is not None:
        mine = or_(Ticket.assigned_officer_id == listener.user_id,
                   TicketEvent.previous_officer_id == listener.user_id)  # taken from them
        return Visibility(public & mine, OfficerStatusEvent.officer_id == listener.user_id)
    if listener.channel == ADVOCATE:
        return Visibility(_confidential(), false())
    if listener.channel == REQUESTER and listener.ticket_id is not None:
        # Their own request, DV included: the signed stream ticket is only ever minted by
        # a page that already checked the private token (or the member's own request).
        return Visibility((Ticket.id == listener.ticket_id)
                          & TicketEvent.visible_to_requester.is_(True), false())
    return Visibility(false(), false())


def newest_cursor() -> Cursor:
    """Where a page rendered now starts its stream (nothing before it is news)."""
    ticket = db.session.scalar(select(func.max(TicketEvent.id))) or 0
    officer = db.session.scalar(select(func.max(OfficerStatusEvent.id))) or 0
    return Cursor(ticket, officer)


def _horizon(model, after: int, now: datetime) -> tuple[int, bool]:
    """The highest id such that every id from `after` up to it is committed (or was taken
    more than the grace period ago and never committed: rolled back); and whether rows past
    it were seen (an uncommitted id held the reading back, or the batch was full): read
    again soon. A row committed after this read sends its own wake-up."""
    grace = timedelta(seconds=current_app.config["LIVE_GAP_GRACE_SECONDS"])
    rows = db.session.execute(
        select(model.id, model.created_at).where(model.id > after).order_by(model.id)
        .limit(BATCH)).all()
    horizon = after
    for row_id, created_at in rows:
        if row_id != horizon + 1 and now - created_at < grace:
            return horizon, True
        horizon = row_id
    return horizon, len(rows) == BATCH


def read_after(listener: Listener, cursor: Cursor) -> tuple[list[LiveEvent], Cursor, bool]:
    """The events `listener` may see after `cursor`, oldest first; the cursor to go on from;
    and whether an uncommitted id held the reading back (read again soon)."""
    now = utcnow()
    rule = visibility(listener)
    t_upto, t_held = _horizon(TicketEvent, cursor.ticket, now)
    o_upto, o_held = _horizon(OfficerStatusEvent, cursor.officer, now)
    tickets = db.session.scalars(
        select(TicketEvent).join(TicketEvent.ticket).options(contains_eager(TicketEvent.ticket))
        .where(TicketEvent.id > cursor.ticket, TicketEvent.id <= t_upto, rule.tickets)
        .order_by(TicketEvent.id)).all() if t_upto > cursor.ticket else []
    officers = db.session.scalars(
        select(OfficerStatusEvent)
        .where(OfficerStatusEvent.id > cursor.officer, OfficerStatusEvent.id <= o_upto,
               rule.officers)
        .order_by(OfficerStatusEvent.id)).all() if o_upto > cursor.officer else []
    events = _merge(listener, cursor, tickets, officers)
    return events, Cursor(t_upto, o_upto), t_held or o_held


def _merge(listener: Listener, cursor: Cursor, tickets, officers) -> list[LiveEvent]:
    """Both logs in time order, each event carrying the cursor just after it."""
    rows = sorted([(e.created_at, 0, e) for e in tickets]
                  + [(e.created_at, 1, e) for e in officers],
                  key=lambda item: (item[0], item[1], item[2].id))
    out, t_seen, o_seen = [], cursor.ticket, cursor.officer
    for _at, which, row in rows:
        if which == 0:
            t_seen = max(t_seen, row.id)
            data = _ticket_data(listener, row)
            out.append(LiveEvent(Cursor(t_seen, o_seen).token(), "ticket", data))
        else:
            o_seen = max(o_seen, row.id)
            out.append(LiveEvent(Cursor(t_seen, o_seen).token(), "officer", _officer_data(row)))
    return out


def _ticket_data(listener: Listener, event: TicketEvent) -> dict:
    ticket = event.ticket
    if listener.channel == REQUESTER:
        from app.services.live_requester import requester_data

        return requester_data(event, ticket)
    return {"ticket_id": ticket.id, "reference": ticket.reference,
            "kind": event.kind, "status": ticket.status, "priority": ticket.priority,
            "officer_id": ticket.assigned_officer_id, "open": ticket.status in OPEN_STATUSES,
            "acknowledged": ticket.acknowledged_at is not None,
            "at": event.created_at.isoformat() + "Z"}


def _officer_data(event: OfficerStatusEvent) -> dict:
    return {"officer_id": event.officer_id, "status": event.status,
            "label": event.label, "at": event.created_at.isoformat() + "Z"}
