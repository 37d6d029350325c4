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


def test_a_dispatcher_issues_an_alert_a_colleague_confirms_it_and_every_page_shows_it(
        app, browser, live_server, make_user, campus, assert_accessible):
    from tests.helpers import session_cookie

    pages = []
    for _ in range(2):
        context = browser.new_context(viewport=PHONE)
        context.add_cookies([session_cookie(app, make_user(roles=("dispatcher",)), live_server)])
        pages.append(context.new_page())
    issuer, colleague = pages
    try:
        issuer.goto(live_server + "/alerts/manage")
        assert_accessible(issuer)
        issuer.get_by_role("link", name="Issue a campus alert").click()
        issuer.get_by_role("button", name="Issue the alert").click()
        expect(issuer.get_by_text("There is a problem")).to_be_visible()
        assert_accessible(issuer)
        issuer.get_by_label("Headline").fill("Armed intruder reported in the Main Lobby")
        issuer.get_by_label("What people should do").fill("Run, hide, fight. Stay away.")
        issuer.get_by_label("Extreme: threat to life").check()
        issuer.get_by_label("Main Hospital Lobby").check()
        issuer.get_by_role("button", name="Issue the alert").click()
        expect(issuer.get_by_text("Not sent yet.")).to_be_visible()
        assert_accessible(issuer)
        alert_url = issuer.url
        colleague.goto(alert_url)
        colleague.get_by_role("button", name="Confirm and send this alert").click()
        expect(colleague.get_by_role("alert").filter(
            has_text="Armed intruder reported in the Main Lobby")).to_be_visible()
        colleague.goto(live_server + "/")
        banner = colleague.get_by_role("alert").filter(has_text="Main Hospital Lobby")
        expect(banner).to_be_visible()
    finally:
        for page in pages:
            page.context.close()
