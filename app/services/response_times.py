"""How fast the division answered: time to acknowledge and to reach the scene, per priority.

Medians and 90th percentiles are wall-clock seconds from receipt (percentile_cont on
PostgreSQL, the same interpolation on SQLite: app.services.aggregates). "Within target" is
judged by the board's own acknowledgement clock (app.services.ackclock), business time
included: a P3 received on Friday afternoon is in time when acknowledged by Monday
afternoon, and a unit request is judged by its kind's own target (a standby's minutes),
whatever line of priority it counts in. A ticket counts once its verdict is known:
acknowledged (in time or late), or unacknowledged past its deadline (late); one still
inside its target is not counted yet.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, and_, bindparam, case, func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.tickets import Ticket
from app.services.ackclock import (
    business_sql,
    deadline_rule,
    duration,
    kind_targets,
    target_seconds_sql,
)
from app.services.aggregates import percentiles_by, seconds_between
from app.services.dashboard import Scope, received_in

WORST = 10
EPSILON = 0.001  # julianday arithmetic on SQLite is a float: 120 s may read 119.99999


@dataclass(frozen=True)
class PriorityResponse:
    priority: int
    received: int
    target_seconds: int
    business: bool
    ack: tuple[int, float | None, float | None]  # (acknowledged, median, p90) seconds
    scene: tuple[int, float | None, float | None]  # (reached, median, p90) seconds
    within: int
    judged: int
    scene_target_seconds: int = 0  # 0: no on-scene target for this priority
    scene_within: int = 0  # reached the scene within it

    @property
    def share(self) -> float | None:
        """The share within target, 0..1, or None when no verdict is known yet."""
        return self.within / self.judged if self.judged else None

    @property
    def scene_judged(self) -> int:
        """Tickets judged against the on-scene target: those an officer reached (one never
        reached, resolved by phone or cancelled, has no on-scene time to judge)."""
        return self.scene[0] if self.scene_target_seconds else 0

    @property
    def scene_share(self) -> float | None:
        return self.scene_within / self.scene_judged if self.scene_judged else None

    @property
    def scene_target_label(self) -> str:
        return duration(self.scene_target_seconds) if self.scene_target_seconds else "none"

    @property
    def target_label(self) -> str:
        if not self.business:
            return duration(self.target_seconds)
        days, rest = divmod(self.target_seconds, 86400)
        if not rest:
            return "1 business day" if days == 1 else f"{days} business days"
        return f"{duration(self.target_seconds)} of weekday time"


@dataclass(frozen=True)
class SlowTicket:
    id: int
    reference: str
    priority: int
    kind: str
    created_at: datetime
    acknowledged: bool
    seconds: float  # to acknowledge, or waiting so far
    times_target: float


def _targets() -> dict[int, int]:
    return {int(p): int(s) for p, s in current_app.config["ACK_TARGET_SECONDS"].items()}


def _scene_targets() -> dict[int, int]:
    return {int(p): int(s) for p, s in current_app.config["ON_SCENE_TARGET_SECONDS"].items()}


def _is_business(priority: int) -> bool:
    return priority in current_app.config["ACK_BUSINESS_TIME_PRIORITIES"]


def response(where: Scope) -> list[PriorityResponse]:
    """One line per configured priority, P1 first: two scans of the period (the aggregates;
    the tickets the business clock must judge one by one)."""
    targets, now = _targets(), utcnow()
    ack = seconds_between(Ticket.acknowledged_at, Ticket.created_at)
    scene = seconds_between(Ticket.on_scene_at, Ticket.created_at)
    target = target_seconds_sql() + EPSILON
    acked, business = Ticket.acknowledged_at.is_not(None), business_sql()
    in_time = and_(acked, ack <= target)
    overdue = and_(~acked, Ticket.created_at < _wall_cutoff(targets, now))
    counts = [func.count()] + [func.sum(case((c, 1), else_=0)) for c in (
        in_time, and_(business, in_time), and_(~business, acked | overdue))]
    base = received_in(where)
    found = percentiles_by(Ticket.priority, [ack, scene], base,
                           counts + [_on_scene_in_time(scene)])
    verdicts = _business_verdicts(base, ack, target, now)
    lines = []
    for priority, seconds in sorted(targets.items()):
        (acks, scenes), sums = found.get(priority, ([(0, None, None)] * 2, (0, 0, 0, 0, 0)))
        received, quick, quick_business, wall_judged, scene_in_time = (int(n or 0) for n in sums)
        # Business-time rows late by the wall clock are judged one by one (verdicts).
        extra_within, extra_judged = verdicts.get(priority, (0, 0))
        lines.append(PriorityResponse(
            priority, received, seconds, _is_business(priority), acks, scenes,
            quick + extra_within, wall_judged + quick_business + extra_judged,
            _scene_targets().get(priority, 0), scene_in_time))
    return lines


def _on_scene_in_time(scene):
    """Per priority: tickets reached within their on-scene target (wall-clock time; a
    priority without a target, 0, counts none)."""
    targets = {p: s for p, s in _scene_targets().items() if s > 0}
    if not targets:
        return func.sum(0)
    target = case(targets, value=Ticket.priority, else_=-1) + EPSILON
    return func.sum(case((and_(Ticket.on_scene_at.is_not(None), scene <= target), 1), else_=0))


def _wall_cutoff(targets: dict[int, int], now: datetime):
    """Per row: received before this and unacknowledged is past a wall-clock target."""
    def cutoff(name: str, seconds: int):
        return bindparam(f"cutoff_{name}", now - timedelta(seconds=seconds), type_=DateTime)

    by_priority = case({p: cutoff(str(p), s) for p, s in targets.items()},
                       value=Ticket.priority)
    kinds = kind_targets()
    if not kinds:
        return by_priority
    return case(*((Ticket.kind == k, cutoff(k, s)) for k, s in kinds.items()),
                else_=by_priority)


def _business_verdicts(base: list, ack, target, now: datetime) -> dict[int, tuple[int, int]]:
    """{priority: (in time, judged)} for the rows judged in business time, over those not
    already in time in wall-clock time (weekday time never runs faster, so those are in
    time under either clock and the aggregate counts them)."""
    if not current_app.config["ACK_BUSINESS_TIME_PRIORITIES"]:
        return {}
    # Through the session's connection (Core): thousands of plain rows, and the ORM's
    # result wrapper cost more than judging them.
    rows = db.session.connection().execute(
        select(Ticket.kind, Ticket.priority, Ticket.created_at, Ticket.acknowledged_at)
        .where(*base, business_sql(), Ticket.acknowledged_at.is_(None) | (ack > target)))
    verdicts: dict[int, list[int]] = {}
    ack_deadline = deadline_rule()
    for kind, priority, created_at, acknowledged_at in rows:
        deadline = ack_deadline(kind, priority, created_at)
        if acknowledged_at is not None or deadline < now:
            verdict = verdicts.setdefault(priority, [0, 0])
            verdict[1] += 1
            verdict[0] += acknowledged_at is not None and acknowledged_at <= deadline
    return {p: (v[0], v[1]) for p, v in verdicts.items()}


def worst(where: Scope, limit: int = WORST) -> list[SlowTicket]:
    """The tickets slowest to acknowledge against their target (waiting ones too), worst
    first, measured in wall-clock time (a weekend P3 can show here yet be in time), each
    against its own target (app.services.ackclock)."""
    now = bindparam("now", utcnow(), type_=DateTime)
    waited = seconds_between(func.coalesce(Ticket.acknowledged_at, now), Ticket.created_at)
    ratio = waited / target_seconds_sql()
    rows = db.session.execute(
        select(Ticket.id, Ticket.reference, Ticket.priority, Ticket.kind, Ticket.created_at,
               Ticket.acknowledged_at.is_not(None), waited, ratio)
        .where(*received_in(where)).order_by(ratio.desc(), Ticket.id).limit(limit))
    return [SlowTicket(*row[:5], bool(row[5]), float(row[6]), float(row[7])) for row in rows]
