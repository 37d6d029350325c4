"""The navigation shows a link exactly when its route would let the user in: the links are
read from the routes' own rules (app.web.access.can_open), not from a second list of roles."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask_login import AnonymousUserMixin

from app.models.accounts import STAFF_ROLES
from app.web.access import can_open, is_staff_page
from app.web.templating import STAFF_LINKS


def nav_endpoints(app, response) -> list[str]:
    nav = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        "nav[aria-label=Main]")
    adapter = app.url_map.bind("localhost")
    return [adapter.match(urlsplit(a["href"]).path)[0] for a in nav.select("a[href]")]


@pytest.mark.parametrize("role", (*STAFF_ROLES, None))
def test_every_nav_link_opens_for_the_role_and_every_landing_page_it_may_open_is_linked(
        app, login_as, role):
    client = login_as(role)
    shown = nav_endpoints(app, client.get("/"))
    with app.test_request_context():
        refused = [e for e in shown if not can_open(client.user, e)]
        allowed_landings = [e for e, _ in STAFF_LINKS if can_open(client.user, e)]
    assert refused == []
    assert [e for e in shown if e in dict(STAFF_LINKS)] == allowed_landings
    for endpoint in allowed_landings:
        assert client.get(app.url_map.bind("localhost").build(endpoint)).status_code == 200


def test_a_visitor_sees_only_links_that_open_without_signing_in(app, client):
    shown = nav_endpoints(app, client.get("/"))
    with app.test_request_context():
        assert shown and all(can_open(AnonymousUserMixin(), e) for e in shown)
    assert not set(shown) & set(dict(STAFF_LINKS))


def test_every_landing_page_is_a_staff_page_and_every_staff_role_has_one(app, make_user):
    with app.test_request_context():
        assert all(is_staff_page(endpoint) for endpoint, _ in STAFF_LINKS)
        for role in STAFF_ROLES:
            user = make_user(roles=(role,))
            assert any(can_open(user, e) for e, _ in STAFF_LINKS), role
