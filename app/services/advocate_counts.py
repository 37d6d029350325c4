"""The advocates' own counts of the confidential (DV) requests: how many each week, and how
soon a person was first contacted (acknowledged). Counts only, never content; the
operations dashboard holds none of this, and only advocates open the page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.core.timezones import combine, local_now, to_local
from app.extensions import db
from app.models.tickets import Ticket
from app.services.aggregates import hour_bucket, percentiles_by, seconds_between

WEEKS = 12


@dataclass(frozen=True)
class Week:
    monday: date
    requests: int
    contacted: int
    median: float | None  # seconds to first contact
    p90: float | None


def _requests():
    """DV support requests (the escorts and alerts made from a case are not requests)."""
    return Ticket.kind == "dv"


def weekly(weeks: int = WEEKS) -> list[Week]:
    """The last `weeks` local weeks (Monday first), oldest first, this week included."""
    today = local_now().date()
    mondays = [today - timedelta(days=today.weekday() + 7 * n) for n in range(weeks)][::-1]
    start = combine(mondays[0], datetime.min.time())
    received = {monday: 0 for monday in mondays}
    bucket = hour_bucket(Ticket.created_at)
    for hour_text, count in db.session.execute(
            select(bucket, func.count()).where(_requests(), Ticket.created_at >= start)
            .group_by(bucket)):
        local = to_local(datetime.strptime(hour_text, "%Y-%m-%d %H")).date()
        received[local - timedelta(days=local.weekday())] += count
    return [Week(monday, received[monday], *_contact(monday)) for monday in mondays]


def _contact(monday: date) -> tuple[int, float | None, float | None]:
    start = combine(monday, datetime.min.time())
    end = combine(monday + timedelta(days=7), datetime.min.time())
    waited = seconds_between(Ticket.acknowledged_at, Ticket.created_at)
    found = percentiles_by(Ticket.kind, [waited], [
        _requests(), Ticket.created_at >= start, Ticket.created_at < end,
        Ticket.acknowledged_at.is_not(None)])
    return found["dv"][0][0] if "dv" in found else (0, None, None)
