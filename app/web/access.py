"""Who may open which route: deny by default, declared next to each route.

Every view carries an `access` rule: `public`, `member` (any signed-in account) or
`roles_required(...)` with the staff roles it allows. No role implies another: an admin
does not read the advocates' queue. tests/security/test_route_roles.py walks every route
and fails on one without a rule.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import abort, current_app, redirect, url_for
from flask_login import current_user

from app.extensions import login_manager
from app.models.accounts import STAFF_ROLES

PUBLIC = "public"
MEMBER = "member"
API_KEY = "api_key"


def _mark(view: Callable, rule) -> None:
    view.access = rule


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    _mark(view, PUBLIC)
    return view


def api_key(view: Callable) -> Callable:
    """A program holding an Open311 API key (app/blueprints/open311): no account, no
    cookie; the view itself refuses a missing, unknown or revoked key with 403, in the
    API's own error format."""
    _mark(view, API_KEY)
    return view


def must_enrol(user) -> bool:
    """An admin or advocate without a second factor may only set one up."""
    return bool(user.must_use_second_factor and not user.has_second_factor)


def _enrolment_page():
    return redirect(url_for("account.two_factor"))


def member(view: Callable) -> Callable:
    """Any signed-in account."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if must_enrol(current_user):
            return _enrolment_page()
        return view(*args, **kwargs)

    _mark(wrapper, MEMBER)
    return wrapper


def enrolling(view: Callable) -> Callable:
    """Any signed-in account, even one that must set up its second factor first (the
    enrolment pages themselves)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    _mark(wrapper, MEMBER)
    return wrapper


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Signed-in staff holding at least one of `roles`; others get 403."""
    unknown = set(roles) - set(STAFF_ROLES)
    if not roles or unknown:
        raise ValueError(f"roles_required needs known roles, got {roles!r}")
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_any_role(allowed):
                abort(403)
            if must_enrol(current_user):
                return _enrolment_page()
            return view(*args, **kwargs)

        _mark(wrapper, allowed)
        return wrapper

    return decorator


def rule_of(view: Callable):
    """The declared rule of a view: PUBLIC, MEMBER, a frozenset of roles, or None."""
    return getattr(view, "access", None)


def can_open(user, endpoint: str) -> bool:
    """Whether `user` (None or anonymous: nobody signed in) may open `endpoint`: its own
    declared rule, read the way the decorators read it. Links are shown from this."""
    view = current_app.view_functions.get(endpoint)
    rule = rule_of(view) if view is not None else None
    if rule is None:
        return False
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return allows(rule, user.role_names if signed_in else None)


def is_staff_page(endpoint: str) -> bool:
    """A route for some staff roles only (not public, not every member)."""
    view = current_app.view_functions.get(endpoint)
    return isinstance(rule_of(view) if view is not None else None, frozenset)


def allows(rule, roles: Iterable[str] | None) -> bool:
    """Whether a visitor with `roles` (None: not signed in) may open a route with `rule`."""
    if rule == PUBLIC:
        return True
    if roles is None or rule == API_KEY:
        return False
    if rule == MEMBER:
        return True
    return bool(set(roles) & set(rule))
