"""Administration use cases: users and staff roles, disabling accounts, the audit log
(locations: app.services.locations).

Every change is audited with the acting admin. Two rules keep the portal manageable: the
last active admin can lose neither the admin role nor the account, and no admin can disable
their own account. Role changes lock the "admin" role row first, so two admins removing each
other's role at the same moment cannot leave the portal with none (on SQLite the use case's
BEGIN IMMEDIATE serialises them anyway).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import Select, func, or_, select

from app.core.database import use_case
from app.core.search import icontains, startswith
from app.core.timezones import combine
from app.extensions import db
from app.models.accounts import STAFF_ROLES, Role, User, role_conflict, user_roles
from app.models.audit import AuditEvent
from app.services import advocate_audit, audit, login_sessions
from app.services import advocate_grants as grants

PER_PAGE = 25


class AdminError(Exception):
    """A change the rules refuse; the message is shown to the admin as it is."""


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: Select, page: int, per_page: int = PER_PAGE) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, min(page, max(1, math.ceil((total or 0) / per_page))))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total or 0, page, per_page)


# --- users and roles ---------------------------------------------------------------------


def search_users(text: str = "", page: int = 1) -> Page:
    """Users whose name, display name or email contains `text` (case-insensitive)."""
    query = select(User).order_by(func.lower(User.name), User.id)
    text = (text or "").strip()
    if text:
        query = query.where(
            or_(
                icontains(User.name, text),
                icontains(User.email, text),
                icontains(User.display_name, text),
            )
        )
    return paginate(query, page)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


@dataclass(frozen=True)
class RoleChange:
    user: User
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    pending: str | None = None  # "grant" or "revoke" of the advocate role, awaiting approval

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.pending)


def _role(name: str) -> Role:
    role = db.session.scalar(select(Role).where(Role.name == name))
    if role is None:
        role = Role(name=name)
        db.session.add(role)
        db.session.flush()
    return role


def _lock_admin_role() -> None:
    """Serialise changes that could remove the last admin (a row lock on PostgreSQL)."""
    _role("admin")
    db.session.scalar(select(Role.id).where(Role.name == "admin").with_for_update())


def _other_active_admins(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.name == "admin", User.is_active_account.is_(True), User.id != user_id)
    ) or 0


@use_case
def set_roles(admin: User, user_id: int, wanted: set[str] | list[str]) -> RoleChange:
    """Give `user_id` exactly the staff roles `wanted`; audited. Refuses to remove the
    admin role from the last active admin. Giving or taking the advocate role only asks for
    it: another advocate must approve (app.services.advocate_grants)."""
    wanted = set(wanted)
    unknown = wanted - set(STAFF_ROLES)
    if unknown:
        raise AdminError("Choose roles from the list.")
    _lock_admin_role()
    user = db.session.get(User, user_id)
    if user is None:
        raise AdminError("That account no longer exists.")
    current = set(user.role_names)
    added = sorted(wanted - current, key=STAFF_ROLES.index)
    removed = sorted(current - wanted, key=STAFF_ROLES.index)
    if "admin" in removed and _other_active_admins(user.id) == 0:
        raise AdminError("This is the last admin account, so it keeps the admin role. "
                         "Make someone else an admin first.")
    conflict = role_conflict(wanted)
    if conflict:
        raise AdminError(conflict)
    pending = _ask_for_advocate_change(admin, user, added, removed)
    if pending:
        wanted ^= {grants.ADVOCATE}
        added, removed = [r for r in added if r != "advocate"], \
            [r for r in removed if r != "advocate"]
    if not (added or removed):
        return RoleChange(user, pending=pending)
    user.roles = [_role(name) for name in STAFF_ROLES if name in wanted]
    detail = f"added: {', '.join(added) or 'none'}; removed: {', '.join(removed) or 'none'}"
    audit.record("admin.roles_changed", admin, "user", user.id, detail=detail)
    return RoleChange(user, added, removed, pending)


def _ask_for_advocate_change(admin: User, user: User, added, removed) -> str | None:
    change = grants.GRANT if "advocate" in added else \
        grants.REVOKE if "advocate" in removed else None
    if change is None:
        return None
    try:
        grants.request_change(admin, user, change)
    except grants.GrantError as error:
        raise AdminError(str(error)) from error
    return change


def pending_advocate_change(user_id: int):
    """The advocate-role change waiting for an advocate's approval, if any."""
    return grants.pending_for(user_id)


def withdraw_advocate_change(admin: User, user_id: int):
    """Take back the advocate-role change waiting for `user_id` (AdminError if none)."""
    try:
        return grants.withdraw(admin, user_id)
    except grants.GrantError as error:
        raise AdminError(str(error)) from error


@use_case
def set_account_active(admin: User, user_id: int, active: bool) -> User:
    """Enable or disable an account; disabling ends all its sessions at once. Audited."""
    _lock_admin_role()
    user = db.session.get(User, user_id)
    if user is None:
        raise AdminError("That account no longer exists.")
    if user.is_active_account == active:
        return user
    if not active:
        if user.id == admin.id:
            raise AdminError("You cannot disable your own account.")
        if "admin" in user.role_names and _other_active_admins(user.id) == 0:
            raise AdminError("This is the last admin account, so it cannot be disabled.")
        login_sessions.revoke_all(user)
    user.is_active_account = active
    action = "admin.account_enabled" if active else "admin.account_disabled"
    audit.record(action, admin, "user", user.id)
    return user


# --- audit log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_events(filters: AuditFilter, page: int = 1) -> Page:
    """Audit events, newest first, narrowed by `filters` (dates are local, inclusive)."""
    query = _not_confidential(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    if filters.action:
        query = query.where(startswith(AuditEvent.action, filters.action))
    if filters.actor:
        query = query.where(icontains(AuditEvent.actor_label, filters.actor))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= combine(filters.date_from, time.min))
    if filters.date_to:
        day_after = filters.date_to + timedelta(days=1)
        query = query.where(AuditEvent.occurred_at < combine(day_after, time.min))
    return paginate(query, page)


def _not_confidential(query: Select) -> Select:
    """Leave out DV records an older version wrote to this log (new ones go to the
    advocates' own store): nothing here may pair a DV case with a linked ticket."""
    return query.where(~AuditEvent.action.startswith("dv."),
                       ~func.upper(AuditEvent.object_id).startswith(advocate_audit.DV_PREFIX))


def audit_actions() -> list[str]:
    query = _not_confidential(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return list(db.session.scalars(query))


def audit_object_types() -> list[str]:
    return [t for t in db.session.scalars(_not_confidential(
        select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))) if t]


def chain_status() -> int | None:
    """None when the audit chain verifies, else the seq of the first broken link."""
    broken = audit.verify_chain(current_app.config.get("AUDIT_LEGACY_UNTIL", 0))
    return None if broken is None else broken.seq
