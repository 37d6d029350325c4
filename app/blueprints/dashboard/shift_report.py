"""The shift report: one shift's tickets, printable, and the supervisor's sign-off."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.blueprints.dashboard import bp
from app.blueprints.dashboard.forms import ShiftChoiceForm, SignOffForm
from app.models.base import utcnow
from app.services import shifts
from app.services.dispatch import OUTCOME_LABELS
from app.web.access import can_open, roles_required
from app.web.forms import EARLIEST_YEAR, LATEST_YEAR


def _chosen(form: ShiftChoiceForm) -> shifts.Shift | None:
    """The shift the form names; by default the last one that ended."""
    form.shift.choices = [(name, name.capitalize()) for name in shifts.shift_names()]
    if not request.args.get("day") and not request.args.get("shift"):
        running = shifts.current_shift(utcnow())
        found = shifts.current_shift(running.start - timedelta(seconds=1))
        form.day.data, form.shift.data = found.day, found.name
        return found
    if not form.validate():
        return None
    return shifts.shift(form.day.data, form.shift.data)


def _page(form, found, sign_form=None, status: int = 200, error: str | None = None):
    report = shifts.shift_report(found) if found else None
    return render_template(
        "dashboard/shift_report.html", title=found.label if found else "Shift report",
        form=form, report=report, sign_form=sign_form or SignOffForm(formdata=None), error=error,
        outcome_labels=OUTCOME_LABELS, link_tickets=can_open(current_user, "dispatch.ticket"),
        may_sign=current_user.has_any_role({"supervisor"}) and found is not None
        and found.end <= utcnow(),
    ), status


@bp.route("/shift-report")
@roles_required("supervisor", "admin")
def shift_report():
    form = ShiftChoiceForm(request.args)
    found = _chosen(form)
    return _page(form, found, status=200 if found else 400)


def _shift_in_url(day: str, name: str) -> shifts.Shift:
    try:
        started = date.fromisoformat(day)
    except ValueError:
        abort(404)
    found = shifts.shift(started, name) if EARLIEST_YEAR <= started.year <= LATEST_YEAR else None
    if found is None:
        abort(404)
    return found


@bp.route("/shift-report/<day>/<name>/sign-off", methods=["POST"])
@roles_required("supervisor")
def sign_off(day: str, name: str):
    found = _shift_in_url(day, name)
    form = ShiftChoiceForm(formdata=None, day=found.day, shift=found.name)
    form.shift.choices = [(n, n.capitalize()) for n in shifts.shift_names()]
    sign_form = SignOffForm()
    if not sign_form.validate_on_submit():
        return _page(form, found, sign_form, 400)
    try:
        shifts.sign_off(found, current_user, sign_form.comment.data)
    except shifts.ShiftError as refused:
        return _page(form, found, sign_form, 400, error=str(refused))
    flash(f"{found.label} signed off.", "success")
    return redirect(url_for(".shift_report", day=found.day.isoformat(), shift=found.name))
