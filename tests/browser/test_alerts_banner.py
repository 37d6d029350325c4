"""The campus alert banner in a real browser: accessible (axe-core) on public and DV pages,
reached by keyboard right after the emergency number, hidden for the visit with and without
JavaScript."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PHONE

pytestmark = pytest.mark.browser


def hide_button(page, headline: str):
    return page.get_by_role("alert").filter(has_text=headline).get_by_role("button")


def test_the_banner_is_accessible_on_every_page_type(page, live_server, make_alert,
                                                     assert_accessible):
    make_alert(headline="Fire in Garage B", severity="severe")
    make_alert(headline="Road closed on Campus Drive", severity="minor")
    for path in ("/", "/support/", "/alerts/", "/no-such-page"):
        page.goto(live_server + path)
        expect(page.get_by_role("alert").filter(has_text="Fire in Garage B")).to_be_visible()
        assert_accessible(page)


def test_the_alert_is_reached_by_keyboard_before_the_site_navigation(page, live_server,
                                                                     make_alert):
    make_alert(headline="Fire in Garage B")
    page.goto(live_server + "/")
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        if focused[-1] == "Fire in Garage B":
            break
    assert focused[-1] == "Fire in Garage B", focused
    assert "Services" not in focused  # the header's navigation comes after the alert
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Hide this alert: Fire in Garage B")


def test_hiding_with_javascript_removes_the_alert_and_moves_focus_on(page, live_server,
                                                                     make_alert):
    make_alert(headline="Fire in Garage B", severity="severe")
    make_alert(headline="Road closed on Campus Drive", severity="minor")
    page.goto(live_server + "/services")
    hide_button(page, "Fire in Garage B").click()
    expect(page.get_by_role("alert").filter(has_text="Fire in Garage B")).to_have_count(0)
    expect(page.locator(":focus")).to_have_text("Hide this alert: Road closed on Campus Drive")
    assert page.url == live_server + "/services"
    page.reload()
    expect(page.get_by_role("alert").filter(has_text="Road closed")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Fire in Garage B")).to_have_count(0)
    hide_button(page, "Road closed on Campus Drive").click()
    expect(page.locator("#campus-alerts")).to_have_count(0)
    expect(page.locator(":focus")).to_have_id("main")


def test_hiding_without_javascript_comes_back_to_the_same_page(browser, live_server,
                                                               make_alert):
    make_alert(headline="Fire in Garage B")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/support/")
        hide_button(page, "Fire in Garage B").click()
        page.wait_for_url(live_server + "/support/")
        expect(page.locator("#campus-alerts")).to_have_count(0)
        expect(page.locator("#quick-exit")).to_be_visible()
    finally:
        context.close()
