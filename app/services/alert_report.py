"""Figures of the ALERT program: the public counters and the admins' report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.timezones import local_now, to_local, to_utc
from app.extensions import db
from app.models.devices import RECOVERED, Device
from app.models.reports import IncidentReport

SERIES = ("registered", "locked", "stolen")


@dataclass(frozen=True)
class PublicFigures:
    registered: int
    thefts_this_month: int
    recovered_this_year: int


def public_figures() -> PublicFigures:
    now = local_now()
    month_start = to_utc(now.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    year_start = to_utc(now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0))
    registered = db.session.scalar(select(func.count(Device.id)).where(Device.retired_at.is_(None)))
    thefts = db.session.scalar(
        select(func.count(IncidentReport.id)).where(
            IncidentReport.category == "theft", IncidentReport.created_at >= month_start
        )
    )
    recovered = db.session.scalar(
        select(func.count(Device.id)).where(
            Device.state == RECOVERED, Device.recovered_at >= year_start
        )
    )
    return PublicFigures(registered or 0, thefts or 0, recovered or 0)


@dataclass
class AlertReport:
    months: list[str]
    departments: list[str]
    by_department: dict[str, dict[str, int]] = field(default_factory=dict)
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)
    table: dict = field(default_factory=dict)

    def rows(self):
        """(department, month, registered, locked, stolen) for the CSV export."""
        for department in self.departments:
            for month in self.months:
                counts = self.table.get((department, month), {})
                yield (department, month, *(counts.get(s, 0) for s in SERIES))


def last_months(count: int = 12) -> list[str]:
    now = local_now()
    year, month = now.year, now.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def build_report(months: int = 12) -> AlertReport:
    """Devices registered, locked down and stolen per department and per month."""
    month_keys = last_months(months)
    report = AlertReport(months=month_keys, departments=[])
    by_department = defaultdict(lambda: dict.fromkeys(SERIES, 0))
    by_month = {m: dict.fromkeys(SERIES, 0) for m in month_keys}
    table: dict = defaultdict(lambda: dict.fromkeys(SERIES, 0))
    rows = db.session.execute(
        select(Device.department, Device.created_at, Device.locked_on, Device.stolen_at)
    ).all()
    for department, created_at, locked_on, stolen_at in rows:
        events = {
            "registered": to_local(created_at).strftime("%Y-%m"),
            "locked": locked_on.strftime("%Y-%m") if locked_on else None,
            "stolen": to_local(stolen_at).strftime("%Y-%m") if stolen_at else None,
        }
        for series, month in events.items():
            if month in by_month:
                by_month[month][series] += 1
                by_department[department][series] += 1
                table[(department, month)][series] += 1
    report.departments = sorted(by_department)
    report.by_department, report.by_month, report.table = dict(by_department), by_month, table
    return report


def chart_bars(report: AlertReport, width: int = 720, height: int = 260) -> dict:
    """Coordinates for the server-rendered SVG bar chart (grouped bars per month)."""
    top = max([1] + [v for counts in report.by_month.values() for v in counts.values()])
    left, bottom, plot_h = 40, height - 40, height - 70
    group_w = (width - left - 10) / max(len(report.months), 1)
    bar_w = group_w / (len(SERIES) + 1)
    bars = []
    for i, month in enumerate(report.months):
        for j, series in enumerate(SERIES):
            value = report.by_month[month][series]
            bar_h = plot_h * value / top
            bars.append(
                {
                    "x": round(left + i * group_w + j * bar_w, 1),
                    "y": round(bottom - bar_h, 1),
                    "w": round(bar_w, 1),
                    "h": round(bar_h, 1),
                    "series": series,
                    "value": value,
                    "month": month,
                }
            )
    labels = [
        {"x": round(left + i * group_w + group_w / 2 - bar_w / 2, 1), "text": m[5:] + "/" + m[2:4]}
        for i, m in enumerate(report.months)
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "top": top,
        "bottom": bottom,
        "left": left,
    }
