"""The board on a desk screen (1366 x 768): the queue uses the width beside the officer
panel, and the rows are dense enough that at least 14 of 20 open tickets show without
scrolling."""
from __future__ import annotations

import pytest

from tests.browser.journey import sign_in

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 768}


def test_the_board_fills_a_desk_screen_with_dense_rows_beside_the_officer_panel(
        live_server, browser, make_user, make_location, make_ticket):
    place = make_location("Main Hospital", kind="building")
    make_user(roles=("officer",), name="Xavier Officer", display_name="Officer X")
    for n in range(20):
        make_ticket(priority=1 + n % 3, age_minutes=n, location_id=place.id,
                    summary=f"Escort: Main Hospital to Garage B, {1 + n % 4} people")
    dispatcher = make_user(roles=("dispatcher",), name="Dana Dispatcher")
    context = browser.new_context(viewport=DESK)
    try:
        page = context.new_page()
        sign_in(page, live_server, dispatcher)
        page.goto(live_server + "/dispatch/")
        table = page.locator("table.queue").bounding_box()
        panel = page.locator("#officer-panel").bounding_box()
        # side by side (the table left of the panel, not under it), and together they use
        # the screen: the table takes everything the panel leaves
        assert table["x"] + table["width"] <= panel["x"]
        assert table["width"] + panel["width"] >= 1366 - 80
        assert table["width"] >= 1000
        assert panel["y"] < 768 and table["y"] < 768
        visible = page.locator("table.queue tbody tr").evaluate_all(
            "rows => rows.filter(r => r.getBoundingClientRect().bottom <= innerHeight).length")
        assert visible >= 14, visible
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()
