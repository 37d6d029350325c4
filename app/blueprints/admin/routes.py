"""Routes of the admin blueprint: users and roles, the audit log, locations. Admins only."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.blueprints.admin import bp
from app.blueprints.admin.forms import (
    AccountStatusForm,
    RolesForm,
    UserSearchForm,
    audit_filter_form,
)
from app.services import admin, second_factor
from app.web.access import roles_required
from app.web.headers import no_store
from app.web.hostile import int_arg


def _page() -> int:
    return int_arg("page", 1)


def _user_or_404(user_id: int):
    user = admin.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/")
@roles_required("admin")
def users():
    form = UserSearchForm(request.args)
    query = form.q.data if form.validate() else ""
    results = admin.search_users(query or "", _page())
    return render_template("admin/users.html", form=form, results=results, query=query or "",
                           title="Users and roles")


@bp.route("/users/<int:user_id>")
@roles_required("admin")
def user(user_id: int):
    account = _user_or_404(user_id)
    roles_form = RolesForm(roles=sorted(account.role_names))
    return _user_page(account, roles_form)


def _user_page(account, roles_form, status=200):
    no_store()
    return render_template("admin/user.html", account=account, roles_form=roles_form,
                           pending_grant=admin.pending_advocate_change(account.id),
                           status_form=AccountStatusForm(), title=account.name), status


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@roles_required("admin")
def user_roles(user_id: int):
    account = _user_or_404(user_id)
    form = RolesForm()
    if not form.validate():
        return _user_page(account, form, 400)
    problem = second_factor.check_fresh_code(current_user, form.code.data)
    if problem:
        form.code.errors.append(problem)
        return _user_page(account, form, 400)
    try:
        change = admin.set_roles(current_user, account.id, form.roles.data or [])
    except admin.AdminError as error:
        form.roles.errors.append(str(error))
        return _user_page(account, form, 400)
    flash(_describe(change), "success" if change.changed else "info")
    return redirect(url_for("admin.user", user_id=account.id))


def _describe(change: admin.RoleChange) -> str:
    if not change.changed:
        return f"No change: {change.user.name}'s roles were already as chosen."
    parts = []
    if change.pending:
        parts.append(f"{'giving' if change.pending == 'grant' else 'taking away'} the "
                     "advocate role waits for another advocate's approval")
    if change.added:
        parts.append(f"added {', '.join(change.added)}")
    if change.removed:
        parts.append(f"removed {', '.join(change.removed)}")
    return f"Roles of {change.user.name} updated: {'; '.join(parts)}."


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@roles_required("admin")
def reset_second_factor(user_id: int):
    """A lost phone: remove another person's factor (audited; the owner is emailed)."""
    account = _user_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    try:
        second_factor.reset_for(current_user, account.id)
    except second_factor.SecondFactorError as error:
        flash(error.message, "error")
    else:
        flash(f"{account.name}'s two-step sign-in was reset and they were emailed. They set "
              "it up again at their next sign-in.", "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/users/<int:user_id>/advocate-request/withdraw", methods=["POST"])
@roles_required("admin")
def withdraw_advocate_request(user_id: int):
    """Take back a pending advocate-role request (it narrows access, so no fresh code)."""
    account = _user_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    try:
        admin.withdraw_advocate_change(current_user, account.id)
    except admin.AdminError as error:
        flash(str(error), "error")
    else:
        flash(f"The advocate-role request for {account.name} was withdrawn; nothing changed "
              "and the advocates were told.", "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@roles_required("admin")
def disable_user(user_id: int):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@roles_required("admin")
def enable_user(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    account = _user_or_404(user_id)
    if not AccountStatusForm().validate():
        abort(400)
    try:
        admin.set_account_active(current_user, account.id, active)
    except admin.AdminError as error:
        flash(str(error), "error")
    else:
        flash(f"{account.name}'s account is enabled again." if active else
              f"{account.name}'s account is disabled and all its sessions have ended.",
              "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/audit")
@roles_required("admin")
def audit_log():
    no_store()
    form = audit_filter_form(request.args, admin.audit_actions(), admin.audit_object_types())
    valid = form.validate() if request.args else True
    filters = admin.AuditFilter(
        action=form.action.data or "", actor=form.actor.data or "",
        object_type=form.object_type.data or "", object_id=form.object_id.data or "",
        date_from=form.date_from.data, date_to=form.date_to.data,
    ) if valid else admin.AuditFilter()
    events = admin.audit_events(filters, _page())
    return render_template("admin/audit.html", form=form, events=events, title="Audit log",
                           broken_at=admin.chain_status(), args=_filter_args())


FILTER_FIELDS = ("action", "actor", "object_type", "object_id", "date_from", "date_to")


def _filter_args() -> dict[str, str]:
    """The audit filters to carry to the next page (only known names, never `_external`)."""
    return {name: request.args[name][:254] for name in FILTER_FIELDS if request.args.get(name)}
