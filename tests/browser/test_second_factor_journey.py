"""A new admin's first sign-in in a real browser: sent to set up two-step sign-in, the QR
code drawn under the site's own CSP, recovery codes shown, then the admin pages open."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.journey import sign_in

pytestmark = pytest.mark.browser


def test_a_new_admin_sets_up_two_step_sign_in_before_anything_else(live_server, page, db,
                                                                   make_user,
                                                                   assert_accessible):
    admin = make_user(roles=("admin",), name="Nia New", second_factor=False)
    refused = []
    page.on("console", lambda msg: refused.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    sign_in(page, live_server, admin)
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    assert page.url.endswith("/account/two-step")
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert page.locator("svg.qr-code").bounding_box()["width"] > 100
    assert_accessible(page)
    page.goto(live_server + "/admin/")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()

    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes code").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("I have saved my codes")).click()
    expect(page.get_by_role("heading", name="Users and roles")).to_be_visible()
    assert not refused, refused
