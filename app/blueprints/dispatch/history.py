"""Closed tickets: a searchable history and its CSV export for a date range."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template, request
from flask_login import current_user

from app.blueprints.dispatch import bp
from app.blueprints.dispatch.forms import HistoryForm
from app.core.csv_export import csv_response
from app.core.timezones import local_today
from app.services import queue
from app.web.access import roles_required
from app.web.hostile import int_arg

PER_PAGE = 100
DEFAULT_DAYS = 30


def _history_form() -> HistoryForm:
    form = HistoryForm(request.args)
    form.kind.choices = [("", "Any kind"), *queue.queue_kinds()]
    if not request.args.get("date_from") and not request.args.get("date_to"):
        today = local_today()
        form.date_from.data, form.date_to.data = today - timedelta(days=DEFAULT_DAYS), today
    return form


def _filters(form: HistoryForm) -> queue.HistoryFilters:
    return queue.HistoryFilters(form.date_from.data, form.date_to.data,
                                form.kind.data or None, form.q.data)


def _page() -> int:
    return int_arg("page", 1)


@bp.route("/history")
@roles_required("dispatcher", "supervisor")
def history():
    form = _history_form()
    if not form.validate():
        return render_template("dispatch/history.html", title="Closed tickets", form=form,
                               tickets=[], total=0, page=1, per_page=PER_PAGE), 400
    page = _page()
    tickets, total = queue.closed_history(_filters(form), PER_PAGE, (page - 1) * PER_PAGE)
    return render_template("dispatch/history.html", title="Closed tickets", form=form,
                           tickets=tickets, total=total, page=page, per_page=PER_PAGE,
                           kinds=dict(queue.queue_kinds()), outcome_labels=queue.OUTCOME_LABELS,
                           query_args=_query_args())


def _query_args() -> dict[str, str]:
    """The search as link arguments (only the form's own keys, never arbitrary ones)."""
    keys = ("date_from", "date_to", "kind", "q")
    return {key: request.args[key] for key in keys if request.args.get(key)}


@bp.route("/history.csv")
@roles_required("dispatcher", "supervisor")
def history_csv():
    form = _history_form()
    if not form.validate():
        return render_template("dispatch/history.html", title="Closed tickets", form=form,
                               tickets=[], total=0, page=1, per_page=PER_PAGE), 400
    filters = _filters(form)
    rows = queue.export_history(filters, current_user)
    name = f"closed-tickets-{filters.date_from or 'start'}-to-{filters.date_to or 'now'}.csv"
    return csv_response(queue.CSV_HEADER, rows, name)
