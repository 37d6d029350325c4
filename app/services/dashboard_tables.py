"""The dashboard as tables: what the page shows beside each chart and each CSV download holds.

One Table per figure, its rows plain values. The page renders these same rows and the CSV
route sends them, so a download always equals the table on the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from app.core.cache import cached_call
from app.services import dashboard, dashboard_where, response_times
from app.services.ackclock import duration
from app.services.dashboard import WEEKDAYS, Scope


@dataclass(frozen=True)
class Table:
    name: str  # the CSV's name: /dashboard/<name>.csv
    title: str
    header: list[str]
    rows: list[list]
    summary: str
    links: dict[int, int] = field(default_factory=dict)  # row index -> ticket id


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    volume: dashboard.Volume
    backlog: list
    response: list[response_times.PriorityResponse]
    worst: list[response_times.SlowTicket]
    places: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    outcomes: list[tuple[str, int]]
    repeats: list[tuple[str, int]]
    outreach: list[tuple[str, int]]
    campus: dashboard_where.Campus


@dataclass(frozen=True)
class Filters:
    """What the dashboard's form asks for (plain values: the cache's key)."""

    period: str
    date_from: object = None
    date_to: object = None
    kind: str | None = None
    location_id: int | None = None
    building_id: int | None = None  # the building charted floor by floor (None: busiest)


def build_for(filters: Filters) -> Dashboard:
    """The dashboard of a period and filters, kept per process DASHBOARD_CACHE_SECONDS
    (app.core.cache): a supervisor's reloads and each CSV download reuse one computation."""
    return cached_call("dashboard", _build_for, (filters,),
                       current_app.config["DASHBOARD_CACHE_SECONDS"])


def _build_for(filters: Filters) -> Dashboard:
    where = dashboard.scope(filters.period, filters.date_from, filters.date_to, filters.kind,
                            filters.location_id)
    return build(where, filters.building_id)


def build(where: Scope, building_id: int | None = None) -> Dashboard:
    hours, counts = dashboard.received_hours(where), dashboard.place_counts(where)
    places, (categories, thefts) = dashboard.places(counts), dashboard.report_counts(where)
    return Dashboard(
        where, dashboard.volume(where, hours), dashboard.backlog(where, hours),
        response_times.response(where), response_times.worst(where),
        places.top, categories, dashboard.outcomes(where),
        places.repeats, dashboard.outreach(where, thefts),
        dashboard_where.campus(counts, building_id))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def seconds_text(seconds: float | None) -> str:
    return "—" if seconds is None else duration(round(seconds))


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _ranked(name: str, title: str, what: str, items: list[tuple[str, int]]) -> Table:
    top = ", ".join(f"{label} ({n})" for label, n in items[:3] if n)
    summary = f"Most {what}: {top}." if top else f"No {what} in this period."
    return Table(name, title, ["Name", "Count"], [[label, n] for label, n in items], summary)


def volume_table(d: Dashboard) -> Table:
    v = d.volume
    rows = [[f"{day:%a %d %b}", *(v.per_day[day][k] for k in v.kinds), v.day_total(day)]
            for day in v.days]
    busiest = max(v.days, key=v.day_total) if v.total else None
    summary = (f"{plural(v.total, 'request')} in {d.scope.label.lower()}; busiest day "
               f"{busiest:%a %d %b} ({v.day_total(busiest)})." if busiest
               else "No requests in this period.")
    labels = dict(dashboard.kind_choices())
    return Table("volume", "Requests per day",
                 ["Day", *(labels.get(k, k) for k in v.kinds), "Total"], rows, summary)


def heat_table(d: Dashboard) -> Table:
    heat = d.volume.heat
    rows = [[WEEKDAYS[w], *(heat.get((w, h), 0) for h in range(24))] for w in range(7)]
    peak = max(heat, key=heat.get) if heat else None
    summary = (f"Peak hour: {WEEKDAYS[peak[0]]} {peak[1]:02d}:00 with "
               f"{plural(heat[peak], 'request')}."
               if peak else "No requests in this period.")
    return Table("heat", "Requests per hour of the week",
                 ["Day", *(f"{h:02d}" for h in range(24))], rows, summary)


def backlog_table(d: Dashboard) -> Table:
    rows = [[f"{day:%a %d %b}", n] for day, n in d.backlog]
    last = d.backlog[-1][1] if d.backlog else 0
    return Table("backlog", "Open backlog at the end of each day", ["Day", "Open"], rows,
                 f"{plural(last, 'ticket')} open at the end of the period.")


def response_table(d: Dashboard) -> Table:
    rows = [[f"P{r.priority}", r.received, seconds_text(r.ack[1]), seconds_text(r.ack[2]),
             seconds_text(r.scene[1]), seconds_text(r.scene[2]), r.target_label,
             share_text(r.share), r.within, r.judged, r.scene_target_label,
             share_text(r.scene_share), r.scene_within, r.scene_judged] for r in d.response]
    parts = [f"P{r.priority} {share_text(r.share)} acknowledged within {r.target_label}"
             for r in d.response if r.share is not None]
    parts += [f"P{r.priority} {share_text(r.scene_share)} on scene within "
              f"{r.scene_target_label}" for r in d.response if r.scene_share is not None]
    return Table("response", "Response times per priority",
                 ["Priority", "Received", "Acknowledge median", "Acknowledge p90",
                  "On scene median", "On scene p90", "Target", "Within target",
                  "In time", "Judged", "On scene target", "On scene within target",
                  "Reached in time", "Reached"], rows,
                 (("; ".join(parts) + ". Unit requests are judged by their kind's own target.")
                  if parts else "No acknowledgements in this period."))


def worst_table(d: Dashboard) -> Table:
    rows = [[t.reference, f"P{t.priority}", t.kind, seconds_text(t.seconds),
             "acknowledged" if t.acknowledged else "waiting", f"{t.times_target:.1f}×"]
            for t in d.worst]
    return Table("worst", "Slowest to acknowledge, against their target",
                 ["Reference", "Priority", "Kind", "Time", "State", "Times the target"],
                 rows, f"The ten tickets slowest against their target ({len(rows)} shown).",
                 {n: t.id for n, t in enumerate(d.worst)})


def outreach_table(d: Dashboard) -> Table:
    summary = "; ".join(f"{label}: {n}" for label, n in d.outreach) + "."
    return Table("outreach", "Outreach and ALERT", ["Name", "Count"],
                 [[label, n] for label, n in d.outreach], summary)


def buildings_table(d: Dashboard) -> Table:
    c = d.campus
    rows = [[name, n] for _id, name, n in c.buildings]
    rows += [[label, n] for label, n in ((dashboard_where.ELSEWHERE, c.elsewhere),
                                         (dashboard_where.UNPLACED, c.unplaced)) if n]
    top = ", ".join(f"{name} ({n})" for _id, name, n in c.buildings[:3] if n)
    extra = ", ".join(text for text, n in ((f"{c.unplaced} unplaced", c.unplaced),
                                           (f"{c.elsewhere} elsewhere on campus", c.elsewhere))
                      if n)
    summary = (f"Most requests: {top}" if top else "No requests in a building") + (
        f"; {extra}." if extra else ".")
    return Table("buildings", "Requests per building", ["Building", "Requests"], rows, summary)


def floors_table(d: Dashboard) -> Table:
    c = d.campus
    name = c.building[1] if c.building else None
    per_floor: dict[str, int] = {}
    for floor, _unit, n in c.floors:
        per_floor[floor] = per_floor.get(floor, 0) + n
    busiest = max(per_floor, key=per_floor.get) if per_floor else None
    summary = (f"{name}: {plural(sum(per_floor.values()), 'request')}; busiest floor "
               f"{busiest} ({per_floor[busiest]})." if busiest
               else "No requests in a building in this period.")
    return Table("floors", f"{name}: requests per floor and unit" if name
                 else "Requests per floor and unit", ["Floor", "Unit", "Requests"],
                 [list(row) for row in c.floors], summary)


def tables(d: Dashboard) -> dict[str, Table]:
    found = [
        volume_table(d), heat_table(d), backlog_table(d), response_table(d), worst_table(d),
        _ranked("places", "Places with most requests", "requests", d.places),
        _ranked("categories", "Incident reports by category", "reports", d.categories),
        _ranked("outcomes", "How closed tickets ended", "often", d.outcomes),
        _ranked("repeats", "Places with repeat incident reports", "repeat incidents",
                d.repeats),
        buildings_table(d), floors_table(d), outreach_table(d),
    ]
    return {t.name: t for t in found}


TABLE_NAMES = ("volume", "heat", "backlog", "response", "worst", "places", "categories",
               "outcomes", "repeats", "buildings", "floors", "outreach")
