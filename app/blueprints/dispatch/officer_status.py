"""Officers set their own status from the phone: available, on a call, on break, off duty."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField

from app.blueprints.dispatch import bp
from app.core.database import use_case
from app.models.live import OFFICER_STATUS_LABELS, OFFICER_STATUSES
from app.services import officer_status
from app.web.access import roles_required
from app.web.forms import select_choices


class OfficerStatusForm(FlaskForm):
    status = SelectField("My status", choices=select_choices(
        (s, OFFICER_STATUS_LABELS[s]) for s in OFFICER_STATUSES))


def status_form() -> OfficerStatusForm:
    current = officer_status.status_of(current_user.id)
    form = OfficerStatusForm(formdata=None, prefix="officer",
                             status=current if current in OFFICER_STATUSES else None)
    form.current_label = OFFICER_STATUS_LABELS.get(current, "Not set")
    return form


@bp.app_context_processor
def officer_status_context() -> dict:
    return {"officer_status_form": status_form}


@bp.route("/mine/status", methods=["POST"])
@roles_required("officer")
def officer_set_status():
    form = OfficerStatusForm(prefix="officer")
    if form.validate_on_submit():
        use_case(officer_status.set_status)(current_user, form.status.data)
        flash(f"Your status is now: {OFFICER_STATUS_LABELS[form.status.data]}.", "success")
    else:
        flash("Choose one of the statuses offered.", "error")
    return redirect(url_for(".my_assignments"), 303)
