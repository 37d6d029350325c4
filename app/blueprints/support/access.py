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
from app.services import second_factor
from app.web.access import roles_required
from app.web.forms import scope_ids


@bp.route("/advocate/access")
@roles_required("advocate")
def access_requests():
    requests = grants.pending()
    forms = {grant.id: scope_ids(DecisionForm(formdata=None), grant.id) for grant in requests}
    return render_template("support/advocate/access.html", title="Advocate access requests",
                           requests=requests, forms=forms, me=current_user.id)


@bp.route("/advocate/access/<int:grant_id>/approve", methods=["POST"])
@roles_required("advocate")
def approve_access(grant_id: int):
    return _decide(grants.approve, grant_id, "Approved: the change has taken effect.")


@bp.route("/advocate/access/<int:grant_id>/decline", methods=["POST"])
@roles_required("advocate")
def decline_access(grant_id: int):
    return _decide(grants.decline, grant_id, "Declined: nothing changed.")


def _decide(decision, grant_id: int, done: str):
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.code.errors)) or "The form had expired: try again.", "error")
        return redirect(url_for(".access_requests"), 303)
    problem = second_factor.check_fresh_code(current_user, form.code.data)
    if problem:
        flash(problem, "error")
    else:
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
