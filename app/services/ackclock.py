"""The acknowledgement clock: each ticket's target, business time, overdue.

A ticket's target is its kind's when the kind has one (ACK_TARGET_KIND_MINUTES: the unit
requests, wall-clock time), else its priority's (ACK_TARGET_SECONDS); priorities in
ACK_BUSINESS_TIME_PRIORITIES count weekday time only (weekends skipped, in TIMEZONE),
which makes P3's "one business day". `target` decides, in Python, and `target_seconds_sql`
/ `business_sql` say the same in SQL: the board, the ticket and follow pages and the
dashboard all judge by them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, literal, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from app.core.timezones import site_zone, to_local, to_utc
from app.models.base import utcnow
from app.models.tickets import Ticket


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The aware start of `day` in `zone` (business-time walks step day by day)."""
    return datetime.combine(day, time(0), tzinfo=zone)


def add_business_seconds(start: datetime, seconds: int, zone: ZoneInfo) -> datetime:
    """`start` (naive UTC) plus `seconds` of weekday time (weekends skipped, local days)."""
    cursor, remaining = to_local(start, zone), timedelta(seconds=seconds)
    while True:
        day_end = local_midnight(cursor.date() + timedelta(days=1), zone)
        if cursor.weekday() < 5:
            available = to_utc(day_end) - to_utc(cursor)
            if remaining <= available:
                return to_utc(cursor) + remaining
            remaining -= available
        cursor = day_end


def subtract_business_seconds(end: datetime, seconds: int, zone: ZoneInfo) -> datetime:
    """The inverse of add_business_seconds: the latest start whose deadline is `end`."""
    cursor, remaining = to_local(end, zone), timedelta(seconds=seconds)
    while True:
        day_start = local_midnight(cursor.date(), zone)
        if day_start == cursor:
            day_start = local_midnight(cursor.date() - timedelta(days=1), zone)
        if day_start.weekday() < 5:
            available = to_utc(cursor) - to_utc(day_start)
            if remaining <= available:
                return to_utc(cursor) - remaining
            remaining -= available
        cursor = day_start


def _target_seconds(priority: int) -> int:
    targets = current_app.config["ACK_TARGET_SECONDS"]
    return int(targets.get(priority, targets[max(targets)]))


def _business(priority: int) -> bool:
    return priority in current_app.config["ACK_BUSINESS_TIME_PRIORITIES"]


def kind_targets() -> dict[str, int]:
    """{kind: seconds} of the kinds with a target of their own (wall-clock time)."""
    return {kind: int(minutes) * 60
            for kind, minutes in current_app.config["ACK_TARGET_KIND_MINUTES"].items()}


def target(kind: str, priority: int) -> tuple[int, bool]:
    """(seconds, counted in business time?) of the target of a ticket of `kind` at
    `priority`: the kind's own, whatever the priority, else the priority's."""
    own = kind_targets().get(kind)
    if own is not None:
        return own, False
    return _target_seconds(priority), _business(priority)


def ack_deadline(kind: str, priority: int, created_at: datetime) -> datetime:
    """When a ticket of `kind` at `priority` created at `created_at` must be acknowledged."""
    seconds, business = target(kind, priority)
    return _deadline(created_at, seconds, business, current_app.config["TIMEZONE"])


def deadline_rule() -> Callable[[str, int, datetime], datetime]:
    """`ack_deadline` with the settings read once, for judging thousands of rows (the
    dashboard's business-time verdicts): reading them per row was most of that loop."""
    zone, rules = current_app.config["TIMEZONE"], {}

    def deadline(kind: str, priority: int, created_at: datetime) -> datetime:
        rule = rules.get((kind, priority))
        if rule is None:
            rule = rules[(kind, priority)] = target(kind, priority)
        return _deadline(created_at, *rule, zone)

    return deadline


def target_seconds_sql():
    """SQL: each row's target in seconds, as `target` gives it."""
    targets = {int(p): int(s) for p, s in current_app.config["ACK_TARGET_SECONDS"].items()}
    by_priority = case(targets, value=Ticket.priority, else_=max(targets.values()))
    kinds = kind_targets()
    if not kinds:
        return by_priority
    return case(*((Ticket.kind == kind, literal(s)) for kind, s in kinds.items()),
                else_=by_priority)


def business_sql() -> ColumnElement[bool]:
    """SQL: the row's target counts business time (a business priority, no kind target)."""
    priorities = sorted(current_app.config["ACK_BUSINESS_TIME_PRIORITIES"])
    return and_(Ticket.priority.in_(priorities), not_(Ticket.kind.in_(sorted(kind_targets()))))


@lru_cache(maxsize=16384)
def _deadline(created_at: datetime, seconds: int, business: bool, zone_name: str) -> datetime:
    """Cached: the board recomputes the same open tickets' deadlines on every refresh, and
    a business-time deadline walks the calendar. The key holds every input, so a change
    of setting gives a new entry rather than a stale one."""
    if business:
        return add_business_seconds(created_at, seconds, ZoneInfo(zone_name))
    return created_at + timedelta(seconds=seconds)


def _overdue_cutoff(priority: int, now: datetime) -> datetime:
    """Tickets of `priority` created before this and still unacknowledged are overdue."""
    seconds = _target_seconds(priority)
    if _business(priority):
        return subtract_business_seconds(now, seconds, site_zone())
    return now - timedelta(seconds=seconds)


@dataclass(frozen=True)
class AckClock:
    """The acknowledgement clock of one ticket, as the board shows it."""

    deadline: datetime
    acknowledged: bool
    seconds: int  # left (negative when overdue), or taken to acknowledge
    overdue: bool

    @property
    def label(self) -> str:
        if self.acknowledged:
            state = "late" if self.overdue else "in time"
            return f"Acknowledged in {duration(self.seconds)} ({state})"
        if self.overdue:
            return f"Overdue by {duration(-self.seconds)}"
        return f"{duration(self.seconds)} left"


def duration(seconds: float) -> str:
    """A short human duration: 45s, 3m 05s, 2h 10m, 3d 4h."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def ack_clock(ticket: Ticket, now: datetime | None = None) -> AckClock:
    now = now or utcnow()
    deadline = ack_deadline(ticket.kind, ticket.priority, ticket.created_at)
    if ticket.acknowledged_at is not None:
        taken = (ticket.acknowledged_at - ticket.created_at).total_seconds()
        return AckClock(deadline, True, int(taken), ticket.acknowledged_at > deadline)
    left = (deadline - now).total_seconds()
    return AckClock(deadline, False, int(left), left < 0)


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """SQL: unacknowledged past its target (index-friendly: one OR per kind with a target of
    its own, then one per priority for the other kinds)."""
    kinds = kind_targets()
    per_kind = [and_(Ticket.kind == kind, Ticket.created_at < now - timedelta(seconds=s))
                for kind, s in sorted(kinds.items())]
    others = not_(Ticket.kind.in_(sorted(kinds))) if kinds else literal(True)
    per_priority = [
        and_(others, Ticket.priority == p, Ticket.created_at < _overdue_cutoff(p, now))
        for p in sorted(current_app.config["ACK_TARGET_SECONDS"])
    ]
    return and_(Ticket.acknowledged_at.is_(None), or_(*per_kind, *per_priority))
