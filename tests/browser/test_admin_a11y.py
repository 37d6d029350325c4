"""Admin pages in a real browser on a phone-sized screen: usable and accessible (axe-core)."""
from __future__ import annotations

import re

import pytest

from app.core.database import use_case
from app.models.locations import Location
from app.services import audit
from tests.browser.journey import expect, sign_in
from tests.fixtures.accounts import totp_code

pytestmark = pytest.mark.browser


@use_case
def _an_audit_event() -> None:
    audit.record("test.event", None, "thing", 1, detail="for the page", ip="192.0.2.1")


def test_admin_grants_a_role_and_every_admin_page_is_accessible(
    live_server, page, db, make_user, assert_accessible
):
    admin = make_user(roles=("admin",), name="Ada Admin")
    make_user(name="Tess Target", email="tess@example.org")
    db.session.add(Location(name="North Garage", kind="garage", description="Level 2"))
    db.session.commit()
    _an_audit_event()

    sign_in(page, live_server, admin)
    page.goto(live_server + "/admin/")
    assert_accessible(page)
    page.get_by_label("Name or email").fill("tess")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Tess Target").click()
    expect(page).to_have_url(re.compile(r"/admin/users/\d+$"))
    assert_accessible(page)
    page.get_by_label(re.compile("^Dispatcher")).check()
    page.get_by_label("Your code from your authenticator app").fill(totp_code(admin))
    page.get_by_role("button", name="Save roles").click()
    expect(page.locator(".flashes")).to_contain_text(
        "Roles of Tess Target updated: added dispatcher.")
    assert_accessible(page)

    page.goto(live_server + "/admin/audit")
    assert "admin.roles_changed" in page.inner_text("main")
    assert_accessible(page)
    page.goto(live_server + "/admin/audit?date_from=nope")
    assert_accessible(page)

    page.goto(live_server + "/admin/locations")
    assert_accessible(page)
    page.get_by_role("link", name="Add a location").click()
    expect(page).to_have_url(re.compile(r"/admin/locations/new$"))
    page.get_by_role("button", name="Save location").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter the name of the place.")
    assert_accessible(page)
