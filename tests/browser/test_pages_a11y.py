"""Public pages in real Chromium on a phone: the emergency number above the fold, and no
axe-core WCAG 2.x A/AA violation. Also checks the harness itself."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = ["/", "/services", "/services/code-red", "/services/active-shooter",
         "/services/escorts", "/accessibility", "/privacy", "/services/no-such-service"]


@pytest.mark.parametrize("path", PAGES)
def test_public_page_is_accessible_on_a_phone(live_server, page, assert_accessible, path):
    page.goto(live_server + path)
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/services/code-blue", "/privacy"])
def test_emergency_number_is_above_the_fold_on_a_phone(live_server, page, app, path):
    page.goto(live_server + path)
    number = page.locator(".emergency-banner a.tel").first
    box = number.bounding_box()
    assert box is not None and number.is_visible()
    assert box["y"] + box["height"] <= page.viewport_size["height"] / 2
    assert number.inner_text() == app.config["EMERGENCY_PHONE"]


def test_emergency_page_shows_the_call_button_on_the_first_screen(live_server, page):
    page.goto(live_server + "/services/child-abduction")
    call = page.locator("a.call-now")
    box = call.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert call.get_attribute("href").startswith("tel:")


def test_page_fits_a_phone_without_sideways_scrolling(live_server, page):
    for path in ("/", "/services", "/services/suspicious-activity"):
        page.goto(live_server + path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path


def test_harness_reports_violations_readably(live_server, page, assert_accessible):
    page.goto(live_server + "/")
    page.evaluate("() => { const i = document.createElement('input'); i.type = 'text';"
                  " i.id = 'unlabelled'; document.querySelector('main').append(i); }")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "label" in message
    assert "#unlabelled" in message
    assert "critical" in message or "serious" in message


def test_page_keeps_the_site_csp(live_server, page):
    """The harness does not weaken the policy under test: inline script stays blocked."""
    page.goto(live_server + "/")
    page.evaluate("() => { const s = document.createElement('script');"
                  " s.textContent = 'window.inlineRan = true'; document.body.append(s); }")
    assert page.evaluate("() => window.inlineRan === true") is False
