"""A visitor requests an escort on a phone and follows it; axe-core on every page they see."""
from __future__ import annotations

import re

import pytest

from app.services import dispatch

pytestmark = pytest.mark.browser


def test_visitor_requests_follows_messages_and_cancels(live_server, page, assert_accessible,
                                                       campus, make_user, db):
    page.goto(live_server + "/escorts/")
    assert_accessible(page)
    page.get_by_role("button", name="Request the escort").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    page.select_option("#from_place", label="Garage A, Level 3")
    page.select_option("#to_place", label="Medical Center Light Rail Station")
    page.get_by_label("Phone number we can call you on").fill("555 010 1234")
    page.get_by_role("button", name="Request the escort").click()
    assert page.locator("h1").inner_text() == "Escort requested"
    assert_accessible(page)
    link = page.locator(".private-link a").get_attribute("href")
    reference = re.search(r"/track/(ESC-[A-Z0-9]+)/", link).group(1)

    dispatcher = make_user(roles=("dispatcher",))
    officer = make_user(roles=("officer",), display_name="Officer Lee")
    ticket_id = db.session.execute(
        db.text("select id from ticket where reference = :r"), {"r": reference}).scalar()
    dispatch.assign(ticket_id, dispatcher, None, officer)

    page.goto(link)
    assert "Officer Lee has been assigned" in page.locator("ol.timeline").inner_text()
    assert_accessible(page)
    page.get_by_label("Your message to dispatch").fill("I am by the pay stations.")
    page.get_by_role("button", name="Send message").click()
    assert "I am by the pay stations." in page.locator("ol.timeline").inner_text()
    page.get_by_role("link", name="Cancel this request").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel my request").click()
    assert "Your request is cancelled" in page.locator("main").inner_text()
    assert_accessible(page)


def test_track_entry_page_is_accessible(live_server, page, assert_accessible, db):
    page.goto(live_server + "/track/")
    assert_accessible(page)
    page.get_by_label("Reference").fill("ESC-ZZZZZZ")
    page.get_by_role("button", name="Open my request").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
