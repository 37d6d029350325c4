"""An escort end to end on phones: a visitor asks, dispatch acknowledges and assigns, the
officer goes en route, arrives and resolves, and the visitor's follow-up page shows each
step. Every page visited is checked with axe-core."""
from __future__ import annotations

import re

import pytest

from tests.browser.journey import expect, sign_in
from tests.fixtures.browser import PHONE, WAIT_MS

pytestmark = pytest.mark.browser


@pytest.fixture()
def staff_page(browser):
    """Another phone, for a member of staff (its own cookies)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def follow_status(page, url, check) -> str:
    page.goto(url)
    check(page)
    return page.locator(".follow-status").inner_text()


def test_escort_from_request_to_resolved(live_server, page, staff_page, assert_accessible,
                                         make_user, make_location):
    make_location("Main Hospital", kind="building")
    make_location("Garage B", kind="garage")
    dispatcher = make_user(roles=("dispatcher",), name="Dana Dispatcher")
    officer = make_user(roles=("officer",), name="Xavier Officer", display_name="Officer X")

    # The visitor asks for an escort.
    page.goto(live_server + "/escorts/")
    assert_accessible(page)
    page.get_by_label("Where should the officer meet you?").select_option(label="Main Hospital")
    page.get_by_label("Where are you going?").select_option(label="Garage B")
    page.get_by_label("Phone number we can call you on").fill("(555) 010-1234")
    page.get_by_role("button", name="Request the escort").click()
    expect(page).to_have_url(re.compile(r"/escorts/confirmation/"))
    expect(page.locator(".private-link a")).to_be_visible()
    assert_accessible(page)
    follow_url = page.locator(".private-link a").get_attribute("href")
    if follow_url.startswith("/"):
        follow_url = live_server + follow_url
    reference = re.search(r"ESC-[0-9A-Z]{6}", page.content()).group(0)
    assert "received" in follow_status(page, follow_url, assert_accessible).lower()

    # Dispatch acknowledges and assigns Officer X.
    desk = staff_page()
    sign_in(desk, live_server, dispatcher, assert_accessible)
    desk.goto(live_server + "/dispatch/")
    assert_accessible(desk)
    row = desk.locator(f"tr[data-reference='{reference}']")
    expect(row).to_be_visible()
    row.get_by_role("link", name=reference).click()
    expect(desk).to_have_url(re.compile(r"/dispatch/tickets/\d+$"))
    assert_accessible(desk)
    desk.get_by_role("button", name="Acknowledge").click()
    expect(desk.locator(".flashes")).to_contain_text("Acknowledged.")
    assert "acknowledged" in follow_status(page, follow_url, assert_accessible).lower()
    desk.get_by_label("Officer", exact=True).select_option(label="Officer X")
    desk.get_by_role("button", name="Assign", exact=True).click()
    expect(desk.locator(".flashes")).to_contain_text("Assigned to Officer X.")
    assert_accessible(desk)
    page.goto(follow_url)
    assert "Officer X" in page.locator("main").inner_text()

    # The officer moves it along from their phone.
    beat = staff_page()
    sign_in(beat, live_server, officer, assert_accessible)
    beat.goto(live_server + "/dispatch/mine")
    assert_accessible(beat)
    card = beat.locator("li.assignment", has_text=reference)
    card.get_by_label(re.compile("Arrival in minutes")).fill("5")
    with beat.expect_navigation():
        card.get_by_role("button", name="En route").click()
    assert_accessible(beat)
    assert "Officer X is on the way" in follow_status(page, follow_url, assert_accessible)

    with beat.expect_navigation():
        beat.get_by_role("button", name="On scene").click()
    assert "Officer X has arrived" in follow_status(page, follow_url, assert_accessible)

    beat.get_by_label("Outcome").select_option(label="Completed")
    beat.get_by_label(re.compile("^Note")).fill("Walked to the car, all well")
    with beat.expect_navigation():
        beat.get_by_role("button", name="Resolved").click()
    expect(beat.locator("main")).not_to_contain_text(reference)
    assert_accessible(beat)
    assert "Resolved" in follow_status(page, follow_url, assert_accessible)
    timeline = page.locator("ol.timeline").inner_text()
    for words in ("Dispatch received your request", "Dispatch acknowledged your request",
                  "Officer X has been assigned", "Officer X is on the way",
                  "Officer X has arrived"):
        assert words in timeline
