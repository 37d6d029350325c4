"""Giving and taking the advocate role: a control that an admin alone cannot satisfy.

The advocate role opens every confidential (DV) record, and no admin may hold it. So that an
admin cannot hand it to an account they control, an admin's grant or revocation is only a
request: it stays pending until a different, existing advocate approves it on the advocates'
page. The approver can be neither the account concerned nor the requester. While there is no
advocate at all, only the command line (`flask create-user ... --role advocate`,
`flask grant-advocate EMAIL`: someone with the server's keys) can make the first one.

Every step is audited, and every current advocate is told by email (through the outbox) of
each request, approval and revocation.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core.database import use_case
from app.extensions import db
from app.models.accounts import Role, User, role_conflict, user_roles
from app.models.advocacy import (  # noqa: F401 (GRANT, REVOKE: the callers' names)
    APPROVED,
    DECLINED,
    GRANT,
    PENDING,
    REVOKE,
    WITHDRAWN,
    AdvocateGrant,
)
from app.models.base import utcnow
from app.services import audit, outbox

ADVOCATE = "advocate"
NO_ADVOCATE_YET = ("There is no other advocate to approve this. Without one, the advocate "
                   "role is given or taken only on the server: flask grant-advocate EMAIL "
                   "(see the README, Roles and access).")


class GrantError(Exception):
    """A grant the rules refuse; the message is shown as it is."""


def advocates(exclude: int | None = None) -> list[User]:
    """The active accounts holding the advocate role now."""
    query = (select(User).join(user_roles, user_roles.c.user_id == User.id)
             .join(Role, Role.id == user_roles.c.role_id)
             .where(Role.name == ADVOCATE, User.is_active_account.is_(True)).order_by(User.id))
    return [user for user in db.session.scalars(query) if user.id != exclude]


def pending() -> list[AdvocateGrant]:
    return list(db.session.scalars(select(AdvocateGrant).where(AdvocateGrant.status == PENDING)
                                   .order_by(AdvocateGrant.requested_at)))


def pending_for(user_id: int) -> AdvocateGrant | None:
    return db.session.scalar(select(AdvocateGrant).where(
        AdvocateGrant.user_id == user_id, AdvocateGrant.status == PENDING))


def request_change(admin: User, user: User, change: str) -> AdvocateGrant:
    """Inside the caller's use case: ask the advocates to approve `change` for `user`."""
    existing = pending_for(user.id)
    if existing is not None:
        if existing.change != change:
            raise GrantError("A request about this account's advocate role is already "
                             "waiting for an advocate's decision.")
        return existing
    if change == GRANT:
        conflict = role_conflict(set(user.role_names) | {ADVOCATE})
        if conflict:
            raise GrantError(conflict)
    if not advocates(exclude=user.id):
        raise GrantError(NO_ADVOCATE_YET)
    grant = AdvocateGrant(user=user, change=change, status=PENDING, requested_by=admin)
    db.session.add(grant)
    db.session.flush()
    audit.record(f"advocate.{change}_requested", admin, "user", user.id,
                 detail=f"request={grant.id}")
    _tell_advocates(grant, "requested")
    return grant


@use_case
def approve(advocate: User, grant_id: int) -> AdvocateGrant:
    """A second advocate approves: the role is given or taken now. Audited and mailed."""
    grant = _decidable(advocate, grant_id)
    user = grant.user
    if grant.change == GRANT:
        conflict = role_conflict(set(user.role_names) | {ADVOCATE})
        if conflict:
            raise GrantError(conflict)
        _set_advocate(user, True)
    else:
        _set_advocate(user, False)
    _decide(grant, advocate, APPROVED)
    _tell_advocates(grant, "approved", extra=[user])
    return grant


@use_case
def decline(advocate: User, grant_id: int) -> AdvocateGrant:
    grant = _decidable(advocate, grant_id)
    _decide(grant, advocate, DECLINED)
    _tell_advocates(grant, "declined")
    return grant


@use_case
def withdraw(admin: User, user_id: int) -> AdvocateGrant:
    """An admin takes back the change waiting for `user_id` (a mistake, a change of plan):
    nothing changes, a new request may follow. Audited, and every advocate is told."""
    grant = db.session.scalars(select(AdvocateGrant).where(
        AdvocateGrant.user_id == user_id, AdvocateGrant.status == PENDING)
        .with_for_update()).first()
    if grant is None:
        raise GrantError("There is no request waiting for this account: nothing to withdraw.")
    if not admin.has_any_role({"admin"}):
        raise GrantError("Only an admin can withdraw a request.")
    _decide(grant, admin, WITHDRAWN)
    _tell_advocates(grant, "withdrawn")
    return grant


@use_case
def change_on_server(email: str, on: bool = True) -> User:
    """`flask grant-advocate [--revoke]`: the bootstrap, and the way when no other advocate
    can approve. Audited and mailed like an approval."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise GrantError(f"No account for {email}.")
    if on:
        conflict = role_conflict(set(user.role_names) | {ADVOCATE})
        if conflict:
            raise GrantError(conflict)
    was = list(advocates())
    _set_advocate(user, on)
    change = GRANT if on else REVOKE
    grant = AdvocateGrant(user=user, change=change, status=APPROVED, decided_at=utcnow())
    db.session.add(grant)
    db.session.flush()
    audit.record(f"advocate.{change}_on_server", None, "user", user.id,
                 detail=f"request={grant.id}", ip=False)
    _tell_advocates(grant, "approved", extra=was)
    return user


def _decidable(advocate: User, grant_id: int) -> AdvocateGrant:
    grant = db.session.scalars(select(AdvocateGrant).where(AdvocateGrant.id == grant_id)
                               .with_for_update()).first()
    if grant is None or grant.status != PENDING:
        raise GrantError("That request is no longer waiting for a decision.")
    if not advocate.has_any_role({ADVOCATE}) or not advocate.is_active_account:
        raise GrantError("Only an advocate can decide this.")
    if advocate.id in (grant.user_id, grant.requested_by_id):
        audit.record_refusal("advocate.self_approval_refused", advocate, "user", grant.user_id,
                             detail=f"request={grant.id}")
        raise GrantError("Another advocate must decide this: not the account concerned, "
                         "and not the person who asked.")
    return grant


def _decide(grant: AdvocateGrant, decider: User, status: str) -> None:
    grant.status, grant.decided_by, grant.decided_at = status, decider, utcnow()
    audit.record(f"advocate.{grant.change}_{status}", decider, "user", grant.user_id,
                 detail=f"request={grant.id}")


def _set_advocate(user: User, on: bool) -> None:
    role = db.session.scalar(select(Role).where(Role.name == ADVOCATE))
    if role is None:
        role = Role(name=ADVOCATE)
        db.session.add(role)
    if on and role not in user.roles:
        user.roles.append(role)
    if not on and role in user.roles:
        user.roles.remove(role)
    db.session.flush()


def _tell_advocates(grant: AdvocateGrant, step: str, extra: list[User] = ()) -> None:
    """Mail every current advocate (and whoever just lost the role) about this step."""
    people = {user.id: user for user in [*advocates(), *extra]}
    subject = {"requested": "Advocate access: a change is waiting for approval",
               "approved": "Advocate access: a change was approved",
               "declined": "Advocate access: a change was declined",
               "withdrawn": "Advocate access: a request was withdrawn"}[step]
    if grant.change == REVOKE and step == "approved":
        subject = "Advocate access: the advocate role was taken away"
    for person in people.values():
        outbox.enqueue(person.email, "advocate_grant", subject,
                       dedupe_key=f"advocate-grant:{grant.id}:{step}:{person.id}",
                       grant=grant, step=step, recipient=person)
