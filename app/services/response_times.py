"""How fast the division answered: time to acknowledge and to reach the scene, per priority.

Medians and 90th percentiles are wall-clock seconds from receipt (percentile_cont on
PostgreSQL, the same interpolation on SQLite: app.services.aggregates). "Within target" is
judged by the board's own acknowledgement clock (app.services.ackclock), business time
included: a P3 received on Friday afternoon is in time when acknowledged by Monday
afternoon. A ticket counts once its verdict is known: acknowledged (in time or late), or
unacknowledged past its deadline (late); one still inside its target is not counted yet.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import DateTime, bindparam, case, func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.tickets import Ticket
from app.services.ackclock import ack_deadline, duration
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

    @property
    def share(self) -> float | None:
        """The share within target, 0..1, or None when no verdict is known yet."""
        return self.within / self.judged if self.judged else None

    @property
    def target_label(self) -> str:
        words = duration(self.target_seconds)
        return f"{words} of weekday time" if self.business else words


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


def _is_business(priority: int) -> bool:
    return priority in current_app.config["ACK_BUSINESS_TIME_PRIORITIES"]


def response(where: Scope) -> list[PriorityResponse]:
    """One line per configured priority, P1 first."""
    ack = seconds_between(Ticket.acknowledged_at, Ticket.created_at)
    scene = seconds_between(Ticket.on_scene_at, Ticket.created_at)
    base = received_in(where)
    acks = percentiles_by(Ticket.priority, ack, [*base, Ticket.acknowledged_at.is_not(None)])
    scenes = percentiles_by(Ticket.priority, scene, [*base, Ticket.on_scene_at.is_not(None)])
    received = dict(db.session.execute(
        select(Ticket.priority, func.count()).where(*base).group_by(Ticket.priority)).all())
    now = utcnow()
    lines = []
    for priority, target in sorted(_targets().items()):
        within, judged = _verdicts(base, priority, target, now)
        lines.append(PriorityResponse(
            priority, received.get(priority, 0), target, _is_business(priority),
            acks.get(priority, (0, None, None)), scenes.get(priority, (0, None, None)),
            within, judged))
    return lines


def _verdicts(base: list, priority: int, target: int, now: datetime) -> tuple[int, int]:
    """(in time, judged) for one priority. Acknowledged within the target in wall-clock
    time is in time under either clock (weekday time never runs faster), so SQL counts
    those; only the others are walked through the business clock here."""
    ack = seconds_between(Ticket.acknowledged_at, Ticket.created_at)
    mine = [*base, Ticket.priority == priority]
    quick = db.session.scalar(select(func.count()).where(
        *mine, Ticket.acknowledged_at.is_not(None), ack <= target + EPSILON)) or 0
    rest = db.session.execute(select(Ticket.created_at, Ticket.acknowledged_at).where(
        *mine, (Ticket.acknowledged_at.is_(None)) | (ack > target + EPSILON)))
    within, judged = quick, quick
    for created_at, acknowledged_at in rest:
        deadline = ack_deadline(priority, created_at)
        if acknowledged_at is not None:
            judged += 1
            within += acknowledged_at <= deadline
        elif deadline < now:
            judged += 1
    return within, judged


def worst(where: Scope, limit: int = WORST) -> list[SlowTicket]:
    """The tickets slowest to acknowledge against their target (waiting ones too), worst
    first, measured in wall-clock time (a weekend P3 can show here yet be in time)."""
    targets = _targets()
    now = bindparam("now", utcnow(), type_=DateTime)
    waited = seconds_between(func.coalesce(Ticket.acknowledged_at, now), Ticket.created_at)
    target = case(targets, value=Ticket.priority, else_=max(targets.values()))
    ratio = waited / target
    rows = db.session.execute(
        select(Ticket.id, Ticket.reference, Ticket.priority, Ticket.kind, Ticket.created_at,
               Ticket.acknowledged_at.is_not(None), waited, ratio)
        .where(*received_in(where)).order_by(ratio.desc(), Ticket.id).limit(limit))
    return [SlowTicket(*row[:5], bool(row[5]), float(row[6]), float(row[7])) for row in rows]
