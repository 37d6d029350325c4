"""The board under a flood, in Chromium on a phone: the real request is on the first screen,
the hidden count is said, and the junk is ticked and closed in one go (accessible)."""
from __future__ import annotations

import pytest

from tests.browser.journey import sign_in

pytestmark = pytest.mark.browser


def test_dispatcher_sees_the_real_request_and_closes_the_flood_in_bulk(
        live_server, page, db, make_user, make_ticket, assert_accessible):
    dispatcher = make_user(roles=("dispatcher",))
    junk = [make_ticket(priority=3, summary=f"asdf {n}", age_minutes=60 - n) for n in range(104)]
    real = make_ticket(priority=2, summary="Escort from the garage, please")

    sign_in(page, live_server, dispatcher)
    page.goto(live_server + "/dispatch/")
    assert page.locator(f"tr[data-reference='{real.reference}']").count() == 1
    assert "5 open tickets are not shown" in page.locator(".queue-hidden").inner_text()
    assert_accessible(page)

    for ticket in junk[:3]:
        page.get_by_label(f"Select {ticket.reference}").check()
    page.get_by_label("Close as").select_option(label="Not a genuine request")
    page.get_by_label("Reason, for the record").fill("Script flood")
    with page.expect_navigation():
        page.get_by_role("button", name="Close selected").click()
    assert "3 tickets closed as junk." in page.locator(".flashes").inner_text()
    for ticket in junk[:3]:
        assert page.locator(f"tr[data-reference='{ticket.reference}']").count() == 0
    assert page.locator(f"tr[data-reference='{real.reference}']").count() == 1
    assert_accessible(page)
