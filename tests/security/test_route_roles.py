"""Deny by default: every route, every role, and an anonymous visitor, against a written table.

The expected access of every route is written by hand in tests/security/route_access.py (from
DESIGN.md and README's roles, not from the decorators). This test walks the app's whole URL
map for an anonymous visitor, a member and each staff role: those the table allows must get
past the gate (no sign-in redirect, no 403, no 500); the others must be sent to sign in
(anonymous) or get 403 (signed in). A route the table does not name fails, and so does a
table entry whose route is gone.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, UUIDConverter

from app.models.accounts import STAFF_ROLES
from app.web.access import rule_of
from tests.helpers import sign_in
from tests.security.route_access import API_KEY, EXPECTED_ACCESS, ROLES, allowed

EXEMPT = {"static"}
IDENTITIES = ["anonymous", "member", *ROLES]


def _sample_value(converter) -> object:
    if isinstance(converter, IntegerConverter):
        return 987654
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000000"
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0] if hasattr(converter, "items") else "x"
    if isinstance(converter, PathConverter):
        return "nope/nothing"
    return "ZZZ-NOPE99"


def _requests(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and method of the app, logout last."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT:
            continue
        values = {name: _sample_value(rule._converters[name]) for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return sorted(found, key=lambda item: (item[0] == "auth.logout", item))


def _denied(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or (
        response.status_code in (302, 303) and "/login" in location
    )


def _verdict(identity, expected, method, url, response) -> str | None:
    """What is wrong with this response for this identity, or None."""
    roles = None if identity == "anonymous" else ({identity} if identity in ROLES else set())
    status = response.status_code
    if allowed(expected, roles):
        if _denied(response):
            return f"{method} {url}: {identity} refused ({status}), table allows"
        if status == 500:
            return f"{method} {url}: {identity} got 500"
        return None
    wanted = (302, 303) if roles is None else (403,)
    if expected == API_KEY:  # no account opens it: the missing key is refused, 403
        return None if status == 403 else f"{method} {url}: {identity} got {status}, not 403"
    if status not in wanted or (roles is None and "/login" not in response.headers["Location"]):
        return f"{method} {url}: {identity} got {status}, table says refuse ({wanted})"
    return None


def test_the_table_names_every_route_and_nothing_else(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - EXEMPT
    unnamed = sorted(endpoints - EXPECTED_ACCESS.keys())
    stale = sorted(EXPECTED_ACCESS.keys() - endpoints)
    assert unnamed == [], (
        f"routes missing from tests/security/route_access.py (decide who may open them): {unnamed}"
    )
    assert stale == [], f"route_access.py names routes the app does not have: {stale}"


def test_the_table_knows_every_staff_role():
    assert tuple(ROLES) == tuple(STAFF_ROLES), (
        "STAFF_ROLES changed: decide each route for the new role in route_access.py"
    )


def test_every_route_declares_who_may_open_it(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in EXEMPT and rule_of(view) is None
    ]
    assert missing == [], f"routes without an access rule: {missing}"


def test_role_decorator_refuses_unknown_roles():
    from app.web.access import roles_required

    with pytest.raises(ValueError):
        roles_required("janitor")
    with pytest.raises(ValueError):
        roles_required()


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_identity_gets_what_the_written_table_allows(app, db, make_user, identity):
    user = None
    if identity != "anonymous":
        user = make_user(roles=(identity,) if identity in ROLES else ())
    client = app.test_client()
    problems = []
    for endpoint, method, url in _requests(app):
        expected = EXPECTED_ACCESS.get(endpoint)
        if expected is None:
            continue  # reported by test_the_table_names_every_route_and_nothing_else
        if user is not None and not _signed_in(client):
            sign_in(client, user)  # a route that signs out (logout runs last) ends the session
        problem = _verdict(identity, expected, method, url, client.open(url, method=method))
        if problem:
            problems.append(f"{endpoint}: {problem}")
    assert problems == [], "\n".join(problems)


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session
