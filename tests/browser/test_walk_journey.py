"""A virtual walk on a phone: a newcomer starts a 5-minute walk, shares their location, lets
it run out (the worker's job run with a later `now`), and the walk page says dispatch has
been alerted while the P1 arrives on the dispatcher's open board by itself. Every page the
walker sees is checked with axe-core."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.models.base import utcnow
from app.services import walks
from tests.browser.journey import expect, sign_in
from tests.fixtures.browser import PHONE, WAIT_MS

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 768}
CAMPUS = {"latitude": 39.2904123, "longitude": -76.6122456, "accuracy": 12}


@pytest.fixture()
def fast_streams(app, live_config):
    live_config.update(LIVE_HEARTBEAT_SECONDS=1, LIVE_SESSION_CHECK_SECONDS=2)


@pytest.fixture()
def new_page(browser):
    contexts = []

    def open_page(viewport=PHONE, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_a_walk_that_runs_out_reaches_the_board_and_the_walker_sees_dispatch_alerted(
        live_server, new_page, assert_accessible, make_user, make_location, fast_streams):
    make_location("Emergency Department", kind="building")
    make_location("Garage C", kind="garage")
    dispatcher = make_user(roles=("dispatcher",), name="Dana Dispatcher")
    board = new_page(DESK)
    sign_in(board, live_server, dispatcher)
    board.goto(live_server + "/dispatch/")
    board.wait_for_function("() => window.portalLive && window.portalLive.state === 'live'")

    walker = new_page(geolocation={"latitude": CAMPUS["latitude"],
                                   "longitude": CAMPUS["longitude"],
                                   "accuracy": CAMPUS["accuracy"]},
                      permissions=["geolocation"])
    walker.goto(live_server + "/services/escorts")
    with walker.expect_navigation():
        walker.get_by_role("link", name=re.compile("Start a virtual walk")).click()
    assert_accessible(walker)
    walker.get_by_label("Where are you starting from?").select_option(
        label="Emergency Department")
    walker.get_by_label("Where are you going?").select_option(label="Garage C")
    walker.get_by_label("How many minutes should it take?").fill("5")
    walker.get_by_label("Phone number dispatch can call you on").fill("(555) 010-1234")
    with walker.expect_navigation():
        walker.get_by_role("button", name="Start the walk").click()
    expect(walker.locator("h1")).to_have_text("Your walk")
    clock = walker.locator("#walk-time")
    expect(clock).to_have_text(re.compile(r"^[45]:\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first)  # the clock ticks
    assert_accessible(walker)

    walker.get_by_role("button", name="Share my location").click()
    expect(walker.locator("#walk-location-status")).to_have_text(
        "Your location is shared with this walk.")
    expect(walker.get_by_role("button", name="Stop sharing my location")).to_be_visible()

    # The worker runs after the deadline: the P1 arrives on the open board by itself.
    assert walks.fire_due_walks(now=utcnow() + timedelta(minutes=5, seconds=10)) == 1
    row = board.locator("tr", has_text="Safety timer ran out")
    expect(row).to_be_visible()
    expect(row).to_contain_text("P1")

    walker.reload()
    expect(walker.locator("h1")).to_have_text("Dispatch has been alerted")
    expect(walker.get_by_role("link", name=re.compile("Call dispatch"))).to_be_visible()
    assert_accessible(walker)

    with board.expect_navigation():
        row.get_by_role("link", name=re.compile("SAF-")).click()
    details = board.locator("main")
    expect(details).to_contain_text("Emergency Department")
    expect(details).to_contain_text("39.2904, -76.6122")
