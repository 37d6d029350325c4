"""The advocates' counts page: DV requests per week and time to first contact."""
from __future__ import annotations

from flask import render_template

from app.blueprints.support import bp
from app.core.csv_export import csv_response
from app.services import advocate_counts
from app.services.dashboard_tables import seconds_text
from app.web import charts
from app.web.access import roles_required

HEADER = ["Week of", "Requests", "Contacted", "First contact median", "First contact p90"]


def _rows(weeks) -> list[list]:
    return [[f"{w.monday:%d %b %Y}", w.requests, w.contacted, seconds_text(w.median),
             seconds_text(w.p90)] for w in weeks]


@bp.route("/advocate/counts")
@roles_required("advocate")
def counts():
    weeks = advocate_counts.weekly()
    total = sum(w.requests for w in weeks)
    summary = f"{total} requests in the last {len(weeks)} weeks; {weeks[-1].requests} this week."
    chart = charts.columns("dv-weeks", "Confidential requests per week", summary,
                           [(f"{w.monday:%d %b}", w.requests) for w in weeks])
    return render_template("support/advocate/counts.html", title="Confidential counts",
                           chart=chart, header=HEADER, rows=_rows(weeks), summary=summary)


@bp.route("/advocate/counts.csv")
@roles_required("advocate")
def counts_csv():
    return csv_response(HEADER, _rows(advocate_counts.weekly()), "confidential-counts.csv")
