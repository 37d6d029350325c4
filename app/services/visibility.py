"""Who may see which ticket: the one place that says it.

Every page and use case that shows or changes a ticket asks here: the dispatch board and
ticket page, the officer pages, lockdown actions, report photos, the advocates' DV pages
and the requester's tracking pages. The rules:

- A confidential ticket (a DV support request) is for advocates only: not dispatch, not
  an officer, not an admin, and never on a tracking page (its link goes to the support
  pages, which hold their own person-facing rules).
- Any other ticket: a dispatcher sees every one; an officer sees only those assigned to
  them; a supervisor reads every one but acts on none (unless also a dispatcher); no other
  member of staff sees any.
- A requester sees their own tickets, signed in or through the private link.
- What hangs off a ticket (report photos, lock records) follows the ticket.

Plain functions of a user and a ticket (no database, no request), so the rules are tested
one by one in tests/unit/test_visibility.py. It sits in app/services (not app/core)
because it is a rule of this domain, read by services and views alike.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, false

from app.models.accounts import User
from app.models.tickets import Ticket

ADVOCATES = frozenset({"advocate"})
DISPATCHERS = frozenset({"dispatcher"})
OFFICERS = frozenset({"officer"})
SUPERVISORS = frozenset({"supervisor"})
# Who may look up registered devices and their label photos (a stolen bike is anyone's).
DEVICE_STAFF = DISPATCHERS | OFFICERS


def is_confidential(ticket: Ticket) -> bool:
    return bool(ticket.confidential) or ticket.kind == "dv"


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_assigned(user: User | None, ticket: Ticket) -> bool:
    return (_signed_in(user) and ticket.assigned_officer_id is not None
            and ticket.assigned_officer_id == user.id)


def staff_may_see(user: User | None, ticket: Ticket) -> bool:
    """Whether a member of staff may open (and act on) `ticket`."""
    if not _signed_in(user):
        return False
    if is_confidential(ticket):
        return user.has_any_role(ADVOCATES)
    if user.has_any_role(DISPATCHERS):
        return True
    return user.has_any_role(OFFICERS) and is_assigned(user, ticket)


# Acting on a ticket needs exactly what seeing it needs.
staff_may_act = staff_may_see


def staff_may_read(user: User | None, ticket: Ticket) -> bool:
    """Whether a member of staff may read `ticket`: whoever may act on it, and a supervisor
    any ticket that is not confidential (read only: acting still needs staff_may_act)."""
    if staff_may_see(user, ticket):
        return True
    return (_signed_in(user) and not is_confidential(ticket)
            and user.has_any_role(SUPERVISORS))


def board_may_show(user: User | None, ticket: Ticket) -> bool:
    """The ticket page as a page to read: never a confidential ticket."""
    return not is_confidential(ticket) and staff_may_read(user, ticket)


def on_dispatch_board(user: User | None, ticket: Ticket) -> bool:
    """The dispatch board and ticket page: never a confidential ticket, even for a
    dispatcher who is also an advocate."""
    return not is_confidential(ticket) and staff_may_see(user, ticket)


def on_officer_page(user: User | None, ticket: Ticket) -> bool:
    """The officer pages: the officer's own assignments only (a dispatcher too)."""
    return not is_confidential(ticket) and is_assigned(user, ticket)


def may_see_photo(user: User | None, ticket: Ticket) -> bool:
    """A report photo is seen by whoever may read its report."""
    return staff_may_read(user, ticket)


def may_see_devices(user: User | None) -> bool:
    """Device lookup and label photos: dispatchers and officers."""
    return _signed_in(user) and user.has_any_role(DEVICE_STAFF)


def requester_may_follow(user: User | None, ticket: Ticket) -> bool:
    """The signed-in requester's own tracking pages (DV requests are shown elsewhere)."""
    return _signed_in(user) and not is_confidential(ticket) and ticket.requester_id == user.id


def link_may_show(ticket: Ticket) -> bool:
    """A private tracking link shows a ticket unless it is confidential."""
    return not is_confidential(ticket)


def not_confidential() -> ColumnElement[bool]:
    """The SQL form of "not confidential", for lists (the board, an officer's list)."""
    return Ticket.confidential == false()
