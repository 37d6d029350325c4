"""The API keys page in a real browser on a phone: rename, a refused name, revoke, publish;
accessible (axe-core) at each step, and its per-key forms' ids unique."""
from __future__ import annotations

import pytest

from app.services import open311, open311_keys
from tests.browser.journey import expect, sign_in
from tests.browser.test_unique_ids import ID_PROBLEMS

pytestmark = pytest.mark.browser


def test_admin_renames_and_revokes_keys_on_an_accessible_page(
        live_server, page, db, make_user, assert_accessible):
    admin = make_user(roles=("admin",), name="Ada Admin")
    open311_keys.create_key("Lobby kiosk", None)
    open311_keys.create_key("Facilities app", None)

    sign_in(page, live_server, admin)
    page.goto(live_server + "/admin/api-keys")
    assert_accessible(page)
    assert page.evaluate(ID_PROBLEMS) == []

    page.get_by_label("New name for Lobby kiosk").fill("")
    page.get_by_role("button", name="Rename Lobby kiosk").click()
    expect(page.locator(".error-summary")).to_contain_text("Give the key a name.")
    assert_accessible(page)

    page.get_by_label("New name for Lobby kiosk").fill("Main lobby kiosk")
    page.get_by_role("button", name="Rename Lobby kiosk").click()
    expect(page.locator(".flashes")).to_contain_text("now named Main lobby kiosk")

    page.get_by_role("button", name="Revoke the key of Facilities app").click()
    expect(page.locator(".flashes")).to_contain_text("revoked")
    expect(page.locator("main")).to_contain_text("Revoked")
    assert_accessible(page)

    page.get_by_label("Report: Theft (report-theft)").uncheck()
    page.get_by_role("button", name="Save published services").click()
    published = sum(1 for service in open311.SERVICES.values() if service.published_by_default)
    expect(page.locator(".flashes")).to_contain_text(f"publishes {published - 1} services")
    assert_accessible(page)
