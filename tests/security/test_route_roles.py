"""Deny by default: every route, every role, and an anonymous visitor.

Each view declares its rule with app.web.access (public, member, roles_required). This test walks
the app's whole URL map: a route without a rule fails, and for every rule each identity gets
exactly what the rule allows. Anonymous visitors are sent to sign in; signed-in accounts
without the role get 403.
"""

from __future__ import annotations

import pytest

from app import create_app
from app.models.accounts import STAFF_ROLES
from app.web.access import allows, rule_of

IDENTITIES = [None, "member", *STAFF_ROLES]
EXEMPT = {"static"}


def _all_rules():
    app = create_app("testing")
    return sorted(
        (
            (rule.endpoint, rule.rule, method)
            for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
            if rule.endpoint not in EXEMPT
        ),
    )


def _sample_value(converter) -> object:
    from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, UUIDConverter

    if isinstance(converter, IntegerConverter):
        return 987654
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000000"
    if isinstance(converter, AnyConverter):
        return converter.items[0] if hasattr(converter, "items") else "x"
    if isinstance(converter, PathConverter):
        return "nope/nothing"
    return "ZZZ-NOPE99"


def _build_url(app, endpoint):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: _sample_value(rule._converters[name]) for name in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **values)


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


@pytest.mark.parametrize(("endpoint", "path", "method"), _all_rules())
def test_each_identity_gets_exactly_what_the_route_allows(
    app, db, login_as, endpoint, path, method
):
    rule = rule_of(app.view_functions[endpoint])
    assert rule is not None, f"{endpoint} has no access rule"
    url = _build_url(app, endpoint)
    for identity in IDENTITIES:
        if identity is None:
            client, roles = app.test_client(), None
        else:
            role = None if identity == "member" else identity
            client = login_as(role)
            roles = client.user.role_names
        response = client.open(url, method=method)
        location = response.headers.get("Location", "")
        denied = response.status_code in (401, 403) or (
            response.status_code in (302, 303) and "/login" in location
        )
        should_allow = allows(rule, roles)
        who = identity or "anonymous"
        if should_allow:
            assert not denied, f"{who} refused on {method} {url} ({response.status_code})"
            assert response.status_code != 500, f"{who} got 500 on {method} {url}"
        else:
            expected = (302, 303) if identity is None else (403,)
            assert response.status_code in expected, (
                f"{who} got {response.status_code} on {method} {url}, expected {expected}"
            )
