"""Dispatchers, supervisors and admins issue campus alerts, confirm an extreme one (a
second dispatcher) or withdraw it before it goes out, and post updates ("all clear")."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.blueprints.alerts import bp
from app.blueprints.alerts.forms import AlertForm, UpdateForm
from app.blueprints.apb.forms import ActionForm
from app.core.timezones import to_utc
from app.extensions import db
from app.models.alerts import CampusAlert
from app.services import alerts
from app.services.alerts import ISSUERS
from app.web.access import roles_required


@bp.route("/manage")
@roles_required(*ISSUERS)
def manage():
    return render_template("alerts/manage.html", active=alerts.active_alerts(),
                           held=alerts.held_for_confirmation(), recent=alerts.latest(20),
                           action=ActionForm(), title="Campus alerts")


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required(*ISSUERS)
def new():
    form = AlertForm()
    if form.validate_on_submit():
        draft = alerts.AlertDraft(
            form.headline.data, form.instruction.data, form.severity.data,
            int(form.minutes.data), to_utc(form.starts_at.data) if form.starts_at.data else None,
            tuple(form.locations.data or ()))
        try:
            alert = alerts.issue(current_user, draft)
        except alerts.AlertError as error:
            form.form_errors.append(str(error))
        else:
            _flash_outcome(alert)
            return redirect(url_for("alerts.manage_alert", alert_id=alert.id))
    return render_template("alerts/new.html", form=form, title="Issue a campus alert")


@bp.route("/manage/<int:alert_id>")
@roles_required(*ISSUERS)
def manage_alert(alert_id: int):
    alert = db.get_or_404(CampusAlert, alert_id)
    return render_template("alerts/manage_alert.html", alert=alert, action=ActionForm(),
                           successor=alerts.successor(alert), title=alert.headline)


@bp.route("/manage/<int:alert_id>/confirm", methods=["POST"])
@roles_required(*ISSUERS)
def confirm(alert_id: int):
    return _act_on_held(alerts.confirm, alert_id,
                        "Confirmed: the alert is on every page and going to subscribers.")


@bp.route("/manage/<int:alert_id>/withdraw", methods=["POST"])
@roles_required(*ISSUERS)
def withdraw(alert_id: int):
    return _act_on_held(alerts.withdraw, alert_id,
                        "Withdrawn: the alert will not be sent, and nobody can confirm it.")


def _act_on_held(action, alert_id: int, done: str):
    """One button on a held alert's page: `action(current_user, alert_id)`, then back to
    that page saying what happened (or why not)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, alert_id)
    except alerts.AlertError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for("alerts.manage_alert", alert_id=alert_id))


@bp.route("/manage/<int:alert_id>/update", methods=["GET", "POST"])
@roles_required(*ISSUERS)
def update(alert_id: int):
    previous = db.get_or_404(CampusAlert, alert_id)
    form = UpdateForm()
    if form.validate_on_submit():
        draft = alerts.AlertDraft(form.headline.data, form.instruction.data, form.severity.data,
                                  int(form.minutes.data), all_clear=bool(form.all_clear.data))
        try:
            alert = alerts.post_update(current_user, alert_id, draft)
        except alerts.AlertError as error:
            form.form_errors.append(str(error))
        else:
            _flash_outcome(alert)
            return redirect(url_for("alerts.manage_alert", alert_id=alert.id))
    return render_template("alerts/update.html", form=form, previous=previous,
                           title=f"Update: {previous.headline}")


def _flash_outcome(alert: CampusAlert) -> None:
    if alert.awaiting_confirmation:
        flash("Held: an extreme alert goes out when a second dispatcher confirms it.", "success")
    else:
        flash("Issued: the alert is on every page and going to subscribers.", "success")
