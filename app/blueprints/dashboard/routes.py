"""/dashboard: how the division is doing, where and when, for a chosen period.

Every chart is drawn on the server (app/web/charts.py) from the same rows as the table
beside it, and every table downloads as CSV (/dashboard/<name>.csv, same query string).
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.blueprints.dashboard import bp
from app.blueprints.dashboard.forms import DashboardForm
from app.core.csv_export import csv_response
from app.services import dashboard, dashboard_tables, dashboard_where
from app.services.dashboard import PeriodError
from app.services.dashboard_tables import TABLE_NAMES, Dashboard, Filters, Table
from app.web import charts
from app.web.access import can_open, roles_required

VIEWERS = ("supervisor", "admin")
FORM_KEYS = ("period", "date_from", "date_to", "kind", "location_id", "building_id")


def _form() -> DashboardForm:
    return DashboardForm(request.args).fill(dashboard.kind_choices(),
                                            dashboard.location_choices(),
                                            dashboard_where.building_choices())


def _dashboard(form: DashboardForm) -> Dashboard | None:
    """The dashboard the form asks for, or None with the form's errors set."""
    if not form.validate():
        return None
    try:
        return dashboard_tables.build_for(Filters(
            form.period.data, form.date_from.data, form.date_to.data, form.kind.data or None,
            form.location_id.data, form.building_id.data))
    except PeriodError as refused:
        form.period.errors = [str(refused)]
        return None


def _bars(table: Table, unit: str = "") -> charts.Chart:
    return charts.bars(table.name, table.title, table.summary,
                       [(str(row[0]), [row[1]]) for row in table.rows], unit=unit)


def chart_set(d: Dashboard, found: dict[str, Table]) -> dict[str, charts.Chart]:
    volume, heat, backlog = found["volume"], found["heat"], found["backlog"]
    buildings, floors = found["buildings"], found["floors"]
    shares = [(f"P{r.priority}", [round(100 * (r.share or 0)), round(100 * (r.scene_share or 0))])
              for r in d.response]
    return {
        "volume": charts.columns("volume", volume.title, volume.summary,
                                 [(row[0], row[-1]) for row in volume.rows]),
        "heat": charts.heat("heat", heat.title, heat.summary,
                            [(row[0], row[1:]) for row in heat.rows]),
        "backlog": charts.line("backlog", backlog.title, backlog.summary,
                               [(row[0], row[1]) for row in backlog.rows]),
        "response": charts.bars("response", "Share within target: acknowledged, on scene",
                                found["response"].summary, shares, unit="%",
                                legend=["Acknowledged within target", "On scene within target"]),
        "buildings": charts.tiles("buildings", buildings.title, buildings.summary,
                                  [(row[0], row[1]) for row in buildings.rows]),
        "floors": charts.stacked("floors", floors.title, floors.summary, _floor_rows(floors)),
        **{name: _bars(found[name]) for name in
           ("places", "categories", "outcomes", "repeats", "outreach")},
    }


def _floor_rows(table: Table) -> list[tuple[str, list[tuple[str, int]]]]:
    """The floor table's (floor, unit, requests) rows as one chart row per floor."""
    rows: dict[str, list[tuple[str, int]]] = {}
    for floor, unit, n in table.rows:
        rows.setdefault(floor, []).append((unit, n))
    return list(rows.items())


@bp.route("/")
@roles_required(*VIEWERS)
def home():
    form = _form()
    d = _dashboard(form)
    if d is None:
        return render_template("dashboard/home.html", title="Operations dashboard",
                               form=form, d=None), 400
    found = dashboard_tables.tables(d)
    return render_template("dashboard/home.html", title="Operations dashboard", form=form,
                           d=d, tables=found, charts=chart_set(d, found),
                           csv_args=_csv_args(),
                           link_tickets=can_open(current_user, "dispatch.ticket"))


def _csv_args() -> dict[str, str]:
    """The form's own query arguments, for the CSV links (never arbitrary ones)."""
    return {key: request.args[key] for key in FORM_KEYS if request.args.get(key)}


@bp.route("/<name>.csv")
@roles_required(*VIEWERS)
def table_csv(name: str):
    if name not in TABLE_NAMES:
        abort(404)
    form = _form()
    d = _dashboard(form)
    if d is None:
        return render_template("dashboard/home.html", title="Operations dashboard",
                               form=form, d=None), 400
    table = dashboard_tables.tables(d)[name]
    return csv_response(table.header, table.rows,
                        f"dashboard-{name}-{d.scope.start:%Y%m%d}-{d.scope.end:%Y%m%d}.csv")
