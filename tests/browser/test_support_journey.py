"""The DV assistance journey in real Chromium on a phone: quick exit (link and Shift x3, Back
does not return), a request asking for an escort, an advocate acknowledging it and creating
the linked escort, and a dispatcher who sees only the escort. axe-core on every page."""
from __future__ import annotations

import re

import pytest

from app.extensions import db as _db
from app.models.support import SupportRequest
from tests.browser.journey import PlaywrightTimeoutError, expect
from tests.helpers import session_cookie

pytestmark = pytest.mark.browser


@pytest.fixture()
def neutral(app, live_server, monkeypatch):
    """Point the quick exit at a page of the live server (the home page with a marker)."""
    url = live_server + "/?neutral=1"
    monkeypatch.setitem(app.config, "DV_NEUTRAL_URL", url)
    return url


def test_quick_exit_link_leaves_and_back_does_not_return(live_server, neutral, page,
                                                         assert_accessible):
    page.goto(live_server + "/")
    page.goto(live_server + "/support/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "quick-exit"
    assert page.locator("#quick-exit").is_visible()
    page.click("#quick-exit")
    page.wait_for_url(neutral)
    assert page.url == neutral
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"/support"))


def test_shift_three_times_leaves(live_server, neutral, page, assert_accessible):
    page.goto(live_server + "/support/browse-safely")
    assert_accessible(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(neutral)
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"/support"))


def test_escape_does_not_leave(live_server, neutral, page):
    page.goto(live_server + "/support/")
    # Nothing should happen, so wait for the one thing that must not: a navigation.
    with pytest.raises(PlaywrightTimeoutError), page.expect_navigation(timeout=500):
        for key in ("Escape", "Shift", "a", "Shift", "Shift"):
            page.keyboard.press(key)
    expect(page).to_have_url(live_server + "/support/")


def test_quick_exit_is_sticky_when_scrolled(live_server, neutral, page):
    page.goto(live_server + "/support/request")
    page.mouse.wheel(0, 3000)
    page.wait_for_function("() => window.scrollY > 0")
    box = page.locator("#quick-exit").bounding_box()
    assert box is not None and 0 <= box["y"] < 100


def test_request_to_escort_journey(app, browser, live_server, neutral, page, make_user,
                                   assert_accessible):
    page.goto(live_server + "/support/")
    page.click("#quick-exit")
    page.wait_for_url(neutral)
    # For DV_EXIT_SECONDS after an exit the section answers with the neutral site; this is a
    # later visit, once the mark has expired.
    assert page.goto(live_server + "/support/").url == neutral
    page.context.clear_cookies()
    page.goto(live_server + "/support/")
    page.get_by_role("link", name="Ask for help").first.click()
    page.wait_for_url(re.compile(r".*/support/request$"))
    assert_accessible(page)
    page.check("input[name=help_kinds][value=escort]")
    page.fill("#details", "Please walk me to the bus after my shift")
    page.check("input[name=contact_method][value=phone]")
    page.fill("#phone", "555 010 3344")
    page.check("input[name=may_leave_message][value=no]")
    page.click("button:has-text('Send to an advocate')")
    page.wait_for_selector("text=Your request was received")
    assert "keep this only if it is safe to" in page.inner_text("main").lower()
    assert_accessible(page)
    request = _db.session.query(SupportRequest).one()
    dv_reference = request.reference

    advocate_context = browser.new_context(viewport={"width": 390, "height": 844})
    advocate_context.add_cookies([session_cookie(app, make_user(roles=("advocate",)), live_server)])
    advocate = advocate_context.new_page()
    advocate.goto(live_server + "/support/advocate/")
    assert_accessible(advocate)
    advocate.click(f"text={dv_reference}")
    expect(advocate).to_have_url(re.compile(r"/support/advocate/-?\d+$"))
    assert_accessible(advocate)
    advocate.click("button:has-text('Acknowledge')")
    advocate.wait_for_selector("text=Acknowledged.")
    advocate.fill("#escort-meet", "Robin")
    advocate.fill("#escort-meet_at", "Staff entrance, east wing")
    advocate.fill("#escort-going_to", "Bus stop 4")
    advocate.click("button:has-text('Create escort for dispatch')")
    advocate.wait_for_selector("text=Escort created for dispatch.")
    assert_accessible(advocate)
    escort_reference = re.search(r"ESC-[0-9A-Z]{6}", advocate.inner_text("main")).group(0)
    advocate_context.close()

    dispatch_context = browser.new_context(viewport={"width": 390, "height": 844})
    dispatch_context.add_cookies([session_cookie(app, make_user(roles=("dispatcher",)),
                                                live_server)])
    dispatcher = dispatch_context.new_page()
    dispatcher.goto(live_server + "/dispatch/")
    board = dispatcher.inner_text("main")
    assert escort_reference in board
    assert dv_reference not in board and "bus after my shift" not in board
    assert_accessible(dispatcher)
    dispatch_context.close()


def test_the_follow_page_shows_the_advocates_message_as_it_arrives(
        live_server, live_config, neutral, page, make_user, make_dv_request, assert_accessible):
    from app.services import support
    from tests.browser.journey import not_reloaded, open_live

    advocate = make_user(roles=("advocate",))
    request, token = make_dv_request()
    open_live(page, f"{live_server}/support/follow/{request.reference}/{token}")
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "quick-exit"  # exit first
    reply = page.get_by_label("Your message")
    reply.click()
    reply.type("I can talk after")
    support.message_person(request.id, advocate, "Is Tuesday at 3 safe to call?")
    page.locator("#live-question", has_text="The advocate writes:").wait_for()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Is Tuesday at 3 safe to call?")
    assert reply.input_value() == "I can talk after"  # typing was never interrupted
    assert not_reloaded(page)
    assert_accessible(page)
    assert page.evaluate("""() => document.getElementById("quick-exit").compareDocumentPosition(
        document.getElementById("live-question")) & Node.DOCUMENT_POSITION_FOLLOWING""")
