"""The advocates' page of requests to give or take the advocate role.

An admin's change of the advocate role waits here until a different advocate approves it
(app.services.advocate_grants). Advocates only.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.blueprints.support import bp
from app.blueprints.support.forms import DecisionForm
from app.services import advocate_grants as grants
from app.web.access import roles_required


@bp.route("/advocate/access")
@roles_required("advocate")
def access_requests():
    return render_template("support/advocate/access.html", title="Advocate access requests",
                           requests=grants.pending(), form=DecisionForm(),
                           me=current_user.id)


@bp.route("/advocate/access/<int:grant_id>/approve", methods=["POST"])
@roles_required("advocate")
def approve_access(grant_id: int):
    return _decide(grants.approve, grant_id, "Approved: the change has taken effect.")


@bp.route("/advocate/access/<int:grant_id>/decline", methods=["POST"])
@roles_required("advocate")
def decline_access(grant_id: int):
    return _decide(grants.decline, grant_id, "Declined: nothing changed.")


def _decide(decision, grant_id: int, done: str):
    if DecisionForm().validate_on_submit():
        try:
            decision(current_user._get_current_object(), grant_id)
        except grants.GrantError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
    return redirect(url_for(".access_requests"), 303)


@bp.route("/advocate/audit")
@roles_required("advocate")
def dv_audit():
    """The DV side of the audit trail, which no admin reads (newest first)."""
    from app.services import advocate_audit

    return render_template("support/advocate/audit.html", title="Confidential audit log",
                           events=advocate_audit.recent(),
                           intact=advocate_audit.verify_chain() is None)
