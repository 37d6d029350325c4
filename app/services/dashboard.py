"""The operations dashboard's figures: volume, where, outcomes and outreach for a period.

Every figure is an SQL aggregate over the period's tickets (app.services.aggregates), never
a confidential one (DV requests have their own counts page, for advocates only). Response
times are in app.services.response_times. Tickets count in the period they were received,
closures in the period they were closed. Times are stored in UTC; days and hours of the
week are the site's (TIMEZONE).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, literal, select

from app.core.timezones import combine, local_now, site_zone, to_local
from app.extensions import db
from app.models.base import utcnow
from app.models.devices import Device
from app.models.locations import Location
from app.models.reports import CATEGORIES, IncidentReport
from app.models.seminars import Registration, SeminarSession
from app.models.tickets import CANCELLED, OPEN_STATUSES, RESOLVED, Ticket
from app.models.walks import WalkTally
from app.services import locations, visibility
from app.services.aggregates import hour_bucket
from app.services.queue import cached_choices, queue_kinds
from app.services.shifts import current_shift

PERIODS = {"today": "Today", "shift": "This shift", "7d": "Last 7 days",
           "30d": "Last 30 days", "custom": "Custom range"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
OUTCOME_GROUPS = ("resolved", "unfounded", "referred", "duplicate", "cancelled")
UNFOUNDED = ("unfounded", "nothing_found", "junk")
TOP_PLACES = 10


class PeriodError(ValueError):
    """A period the dashboard cannot answer; the message is shown on the form."""


@dataclass(frozen=True)
class Scope:
    """What the dashboard is about: a period (naive UTC, end excluded) and optionally one
    kind or one location."""

    period: str
    label: str
    start: datetime
    end: datetime
    kind: str | None = None
    location_id: int | None = None

    def days(self) -> list[date]:
        first, last = to_local(self.start).date(), to_local(self.end - timedelta(0, 1)).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def scope(period: str, date_from: date | None = None, date_to: date | None = None,
          kind: str | None = None, location_id: int | None = None) -> Scope:
    """The Scope of a named period ("custom": local dates `date_from`..`date_to` included)."""
    now, today = utcnow(), local_now().date()
    if period == "custom":
        start, end, label = _custom(date_from, date_to)
    elif period == "shift":
        running = current_shift(now)
        start, end, label = running.start, now, running.label
    elif period in ("today", "7d", "30d"):
        days = {"today": 1, "7d": 7, "30d": 30}[period]
        start, end, label = _midnight(today - timedelta(days=days - 1)), now, PERIODS[period]
    else:
        raise PeriodError("Choose one of the periods offered.")
    return Scope(period, label, start, end, kind, location_id)


def _midnight(day: date) -> datetime:
    return combine(day, datetime.min.time())


def _custom(date_from: date | None, date_to: date | None) -> tuple[datetime, datetime, str]:
    if date_from is None or date_to is None:
        raise PeriodError("Give both dates of the custom range.")
    if date_to < date_from:
        raise PeriodError("The end date must be on or after the start date.")
    if (date_to - date_from).days + 1 > current_app.config["DASHBOARD_MAX_DAYS"]:
        raise PeriodError(
            f"Choose at most {current_app.config['DASHBOARD_MAX_DAYS']} days.")
    return (_midnight(date_from), _midnight(date_to + timedelta(days=1)),
            f"{date_from:%d %b %Y} to {date_to:%d %b %Y}")


def public_tickets(where: Scope) -> list:
    """The conditions every dashboard figure starts from: not confidential, and the scope's
    kind and location (the period is added by each figure: received, or closed)."""
    conditions = [visibility.not_confidential(), Ticket.kind != "dv"]
    if where.kind:
        conditions.append(Ticket.kind == where.kind)
    if where.location_id:
        conditions.append(Ticket.location_id == where.location_id)
    return conditions


def received_in(where: Scope) -> list:
    return [*public_tickets(where), Ticket.created_at >= where.start,
            Ticket.created_at < where.end]


# --- volume -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Volume:
    days: list[date]
    kinds: list[str]
    per_day: dict[date, Counter]  # day -> kind -> tickets
    heat: dict[tuple[int, int], int]  # (weekday 0=Mon, hour) -> tickets
    total: int

    def day_total(self, day: date) -> int:
        return sum(self.per_day[day].values())

    def kind_total(self, kind: str) -> int:
        return sum(c[kind] for c in self.per_day.values())


def received_hours(where: Scope) -> list[tuple[str, str, int]]:
    """(UTC hour, kind, tickets) received from the period's start on, to now (beyond the
    period's end too: the backlog counts what arrived after each day of it)."""
    bucket = hour_bucket(Ticket.created_at)
    return list(db.session.execute(
        select(bucket, Ticket.kind, func.count())
        .where(*public_tickets(where), Ticket.created_at >= where.start)
        .group_by(bucket, Ticket.kind)))


def volume(where: Scope, hours: list[tuple[str, str, int]]) -> Volume:
    """Requests per local day and kind, and per weekday and hour, from `received_hours`
    (grouped by UTC hour in SQL, folded into local time here)."""
    days = where.days()
    per_day: dict[date, Counter] = {day: Counter() for day in days}
    heat: dict[tuple[int, int], int] = defaultdict(int)
    last = where.end.strftime("%Y-%m-%d %H")
    for hour_text, kind, count in hours:
        if hour_text > last or (hour_text == last and where.end.minute == 0 == where.end.second):
            continue  # after the period (its end is a local midnight, or now)
        local = _local_hour(hour_text, site_zone())
        per_day.setdefault(local.date(), Counter())[kind] += count
        heat[(local.weekday(), local.hour)] += count
    kinds = sorted({k for c in per_day.values() for k in c})
    return Volume(days, kinds, per_day, dict(heat), sum(heat.values()))


@lru_cache(maxsize=4096)
def _local_hour(hour_text: str, zone: ZoneInfo) -> datetime:
    """The local time of a "YYYY-MM-DD HH" UTC hour (kept: a 30-day period has 720 of them,
    and strptime on each was a tenth of the dashboard's Python time)."""
    return to_local(datetime(int(hour_text[:4]), int(hour_text[5:7]), int(hour_text[8:10]),
                             int(hour_text[11:13])), zone)


def backlog(where: Scope, hours: list[tuple[str, str, int]]) -> list[tuple[date, int]]:
    """Open tickets at the end of each local day of the period (the last day: now).

    open at t = open now − received after t + closed after t: the open count from the
    board's partial index and two grouped counts, instead of a scan of every ticket ever
    received."""
    now = utcnow()
    base = public_tickets(where)
    open_now = db.session.scalar(
        select(func.count()).select_from(Ticket).where(*base, Ticket.status.in_(OPEN_STATUSES)))
    later = [min(_midnight(day + timedelta(days=1)), now) for day in where.days()]
    received = _Tally((hour, n) for hour, _kind, n in hours)
    closed = _Tally(_counts_after(Ticket.closed_at, base, later[0]))
    return [(day, open_now - received.after(t) + closed.after(t))
            for day, t in zip(where.days(), later, strict=True)]


def _counts_after(column, base: list, since: datetime) -> list[tuple[str, int]]:
    bucket = hour_bucket(column)
    return list(db.session.execute(
        select(bucket, func.count()).where(*base, column >= since).group_by(bucket)))


class _Tally:
    """Counts per UTC hour ("YYYY-MM-DD HH"), asked how many fell at or after a moment:
    sorted once with running totals, so each day of the backlog is one bisection."""

    def __init__(self, counts) -> None:
        merged: Counter = Counter()
        for hour, n in counts:
            merged[hour] += n
        self.hours = sorted(merged)
        self.from_here = list(accumulate(merged[h] for h in reversed(self.hours)))[::-1]

    def after(self, moment: datetime) -> int:
        """Tickets at or after `moment`, a whole UTC hour or now (its own hour's tickets
        count only when `moment` is the start of that hour)."""
        cut = moment.strftime("%Y-%m-%d %H")
        whole = moment.minute == moment.second == moment.microsecond == 0
        first = (bisect_left if whole else bisect_right)(self.hours, cut)
        return self.from_here[first] if first < len(self.hours) else 0


# --- where ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Places:
    top: list[tuple[str, int]]  # the places with most tickets received, most first
    repeats: list[tuple[str, int]]  # places with two or more incident reports


PlaceCounts = list[tuple[int | None, bool, int]]  # (place id or None, incident?, tickets)


def place_counts(where: Scope) -> PlaceCounts:
    """Tickets received per place (None: the place given only in words) and whether they
    are incident reports: one grouped count that the ranked places and the campus grid
    (app.services.dashboard_where) share."""
    incident = Ticket.kind == "incident"
    return [(place_id, bool(is_incident), count) for place_id, is_incident, count in
            db.session.execute(select(Ticket.location_id, incident, func.count())
                               .where(*received_in(where))
                               .group_by(Ticket.location_id, incident))]


def places(counts: PlaceCounts) -> Places:
    """The ranked places, each named as finely as it was given (a room, a garage level) with
    its building and unit, so that two rooms "5-112" in two buildings stay apart."""
    totals: Counter = Counter()
    incidents: Counter = Counter()
    index = locations.places()
    for place_id, is_incident, count in counts:
        if place_id is None:
            continue
        name = index[place_id].board_label if place_id in index else _name(place_id)
        totals[name] += count
        if is_incident:
            incidents[name] += count
    return Places(_ranked(totals)[:TOP_PLACES], [(n, c) for n, c in _ranked(incidents) if c >= 2])


def _name(place_id: int) -> str:
    """A place added since this process read the tree."""
    return db.session.get(Location, place_id).name


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def report_counts(where: Scope) -> tuple[list[tuple[str, int]], int]:
    """(incident reports per category in the scope, in the categories' own order with
    zeros; the period's thefts whatever the scope's kind or place, for the outreach
    figures): one join of the period's tickets to their reports, not two."""
    in_scope = func.count().filter(and_(*public_tickets(where)))
    rows = {category: (scoped, every) for category, scoped, every in db.session.execute(
        select(IncidentReport.category, in_scope, func.count())
        .where(Ticket.created_at >= where.start, Ticket.created_at < where.end)
        .group_by(IncidentReport.category))}
    return ([(label, rows.get(key, (0, 0))[0]) for key, label in CATEGORIES.items()],
            rows.get("theft", (0, 0))[1])


# --- outcomes -----------------------------------------------------------------------------

def outcomes(where: Scope) -> list[tuple[str, int]]:
    """Tickets closed in the period, in five groups: resolved, unfounded, referred,
    duplicate, cancelled (an outcome first, then the status it was closed with)."""
    group = func.coalesce(func.nullif(Ticket.outcome, ""), Ticket.status)
    rows = db.session.execute(
        select(Ticket.status, group, func.count()).where(
            *public_tickets(where), Ticket.closed_at >= where.start,
            Ticket.closed_at < where.end).group_by(Ticket.status, group))
    counts: Counter = Counter()
    for status, outcome, count in rows:
        counts[_outcome_group(status, outcome)] += count
    return [(name, counts[name]) for name in OUTCOME_GROUPS]


def _outcome_group(status: str, outcome: str) -> str:
    if outcome in UNFOUNDED:
        return "unfounded"
    if outcome in ("referred", "duplicate"):
        return outcome
    return "cancelled" if status == CANCELLED else "resolved" if status == RESOLVED else status


# --- outreach -----------------------------------------------------------------------------

def outreach(where: Scope, thefts: int) -> list[tuple[str, int]]:
    """Seminars held and their attendance, waitlist promotions, ALERT devices, lockdowns,
    thefts (`thefts`, from report_counts) and recoveries, virtual walks ended safely, in the
    period (kind and location filters do not apply)."""
    start, end = where.start, where.end
    held = [SeminarSession.starts_at >= start, SeminarSession.starts_at < end,
            SeminarSession.cancelled_at.is_(None)]
    first, last = to_local(start).date(), to_local(end - timedelta(0, 1)).date()
    figures = {
        "Seminar sessions held": _count(SeminarSession.id, *held),
        "Seats offered": select(func.coalesce(func.sum(SeminarSession.capacity), 0))
        .where(*held).scalar_subquery(),
        "Attended": _count(Registration.id, Registration.attended_at.is_not(None),
                           Registration.session_id.in_(select(SeminarSession.id).where(*held))),
        "Waitlist promotions": _count(Registration.id, Registration.promoted_at >= start,
                                      Registration.promoted_at < end),
        "ALERT devices registered": _count(Device.id, Device.created_at >= start,
                                           Device.created_at < end),
        "Lockdowns done": _count(Device.id, Device.locked_on >= first, Device.locked_on <= last),
        "Thefts reported": literal(thefts),
        "Devices recovered": _count(Device.id, Device.recovered_at >= start,
                                    Device.recovered_at < end),
        # all that is kept of a walk that ended safely (app.services.walks)
        "Virtual walks ended safely": select(func.coalesce(func.sum(WalkTally.ended_safely), 0))
        .where(WalkTally.day >= first, WalkTally.day <= last).scalar_subquery(),
    }
    values = db.session.execute(select(*figures.values())).one()  # one round trip
    return [(label, int(value or 0)) for label, value in zip(figures, values, strict=True)]


def _count(column, *conditions):
    return select(func.count(column)).where(*conditions).scalar_subquery()


def kind_choices() -> list[tuple[str, str]]:
    """The kinds the dashboard may be narrowed to: the board's (never DV)."""
    return [(k, label) for k, label in queue_kinds() if k != "dv"]


def location_choices() -> list[tuple[int, str]]:
    return cached_choices("locations")

