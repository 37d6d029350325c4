"""The live loop in real Chromium: each step reaches the other people's open pages by itself.

A visitor sends an escort and the dispatcher's open board shows it without a navigation (a
`window` marker set after load survives only if the page was not reloaded); the dispatcher
assigns and the officer's open page shows it; the officer goes en route and the visitor's
open page shows it. The visitor's stream is dropped meanwhile, and the events it missed
arrive when it reconnects, each once and in order, while a reply being typed is untouched.
"""
from __future__ import annotations

import re

import pytest

from app.services import dispatch, events
from tests.browser.journey import not_reloaded, open_live, sign_in
from tests.fixtures.browser import PHONE

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 768}


@pytest.fixture()
def fast_streams(app, live_config):
    live_config.update(LIVE_HEARTBEAT_SECONDS=1, LIVE_SESSION_CHECK_SECONDS=2)


@pytest.fixture()
def new_page(browser):
    contexts = []

    def open_page(viewport=PHONE):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_the_live_loop_from_request_to_board_to_officer_to_requester(
        live_server, new_page, make_user, make_location, make_ticket, fast_streams):
    make_location("Main Hospital", kind="building")
    make_location("Garage B", kind="garage")
    dispatcher = make_user(roles=("dispatcher",), name="Dana Dispatcher")
    officer = make_user(roles=("officer",), name="Xavier Officer", display_name="Officer X")

    board = new_page(DESK)
    sign_in(board, live_server, dispatcher)
    open_live(board, live_server + "/dispatch/")
    beat = new_page()
    sign_in(beat, live_server, officer)
    open_live(beat, live_server + "/dispatch/mine")

    # A visitor sends an escort: the open board shows it without a reload.
    visitor = new_page()
    visitor.goto(live_server + "/escorts/")
    visitor.get_by_label("Where should the officer meet you?").select_option(label="Main Hospital")
    visitor.get_by_label("Where are you going?").select_option(label="Garage B")
    visitor.get_by_label("Phone number we can call you on").fill("(555) 010-1234")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Request the escort").click()
    reference = re.search(r"ESC-[0-9A-Z]{6}", visitor.content()).group(0)
    follow_url = visitor.locator(".private-link a").get_attribute("href")
    follow_url = live_server + follow_url if follow_url.startswith("/") else follow_url
    row = board.locator(f"tr[data-reference='{reference}']")
    row.wait_for()
    assert not_reloaded(board)

    # A new P1 from elsewhere: banner, highlighted row marked NEW P1, announcement, title.
    p1 = make_ticket(priority=1, summary="Suspicious package in lobby")
    board.locator("#p1-banner").wait_for(state="visible")
    assert p1.reference in board.locator("#p1-banner").inner_text()
    p1_row = board.locator(f"tr[data-reference='{p1.reference}']")
    assert "row-new-p1" in p1_row.get_attribute("class") and "NEW P1" in p1_row.inner_text()
    assert p1.reference in board.locator("#board-announcer").inner_text()
    assert board.title().startswith("(1 P1)")
    rows = board.locator("tbody tr").evaluate_all("rs => rs.map(r => r.dataset.reference)")
    assert rows.index(p1.reference) < rows.index(reference)  # P1 first
    assert not_reloaded(board)

    # The visitor follows the request; the dispatcher (another tab) assigns Officer X.
    open_live(visitor, follow_url)
    desk = board.context.new_page()
    desk.goto(live_server + "/dispatch/")
    with desk.expect_navigation():
        desk.locator(f"tr[data-reference='{reference}']").get_by_role(
            "link", name=reference).click()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Acknowledge").click()
    desk.get_by_label("Officer", exact=True).select_option(label="Officer X")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Assign", exact=True).click()

    # The officer's open page shows the assignment; the board row and the visitor's page too.
    card = beat.locator("li.assignment", has_text=reference)
    card.wait_for()
    assert not_reloaded(beat)
    board.wait_for_function(
        "ref => document.querySelector(`tr[data-reference='${ref}']`)"
        ".innerText.includes('Officer X')", arg=reference)
    visitor.locator(".follow-officer", has_text="Officer X").wait_for()
    assert not_reloaded(board) and not_reloaded(visitor)

    # The visitor's stream drops; meanwhile the officer goes en route and dispatch asks.
    visitor.evaluate("() => window.portalLive.drop(0)")
    reply = visitor.get_by_label("Your message to dispatch")
    reply.click()
    reply.type("I am by the")
    received_before = visitor.evaluate("() => window.portalLive.received.length")
    card.get_by_label(re.compile("Arrival in minutes")).fill("5")
    with beat.expect_navigation():
        card.get_by_role("button", name="En route").click()
    desk.get_by_label("Message to the requester").fill("Which door are you at?")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Send message").click()
    # Both changes are committed; the dropped stream is closed, so nothing reached the page.
    assert visitor.evaluate("() => window.portalLive.received.length") == received_before
    assert "on the way" not in visitor.locator(".follow-status").inner_text()

    visitor.evaluate("() => window.portalLive.resume()")
    visitor.locator(".follow-status", has_text="Officer X is on the way").wait_for()
    visitor.locator("#live-question", has_text="Which door are you at?").wait_for()
    received = visitor.evaluate("() => window.portalLive.received")[received_before:]
    assert len(received) == len(set(received)) == 2, received  # each missed event once
    order = [events.Cursor.from_token(i).ticket for i in received]
    assert order == sorted(order)
    timeline = visitor.locator("ol.timeline").inner_text()
    assert timeline.count("Officer X is on the way") == 1
    assert timeline.index("is on the way") < timeline.index("Which door are you at?")
    assert visitor.locator(".follow-expected").is_visible()
    # Typing was never interrupted: same text, still focused, page never reloaded.
    assert reply.input_value() == "I am by the"
    assert visitor.evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    assert not_reloaded(visitor)


def test_the_board_never_moves_the_row_in_focus_nor_resets_a_filter_being_typed(
        live_server, new_page, make_user, make_ticket, fast_streams):
    dispatcher = make_user(roles=("dispatcher",))
    older = make_ticket(priority=2, age_minutes=30, summary="Older escort")
    newer = make_ticket(priority=2, age_minutes=5, summary="Newer escort")
    board = new_page(DESK)
    sign_in(board, live_server, dispatcher)
    open_live(board, live_server + "/dispatch/")
    order = "() => [...document.querySelectorAll('tbody tr')].map(r => r.dataset.reference)"
    assert board.evaluate(order) == [older.reference, newer.reference]

    # Focus on a row: a new P1 (which sorts first) waits until the focus leaves the table.
    board.locator(f"tr[data-reference='{newer.reference}'] a").focus()
    applied = board.evaluate("() => window.portalLive.applied || 0")
    p1 = make_ticket(priority=1, summary="Unattended bag")
    board.locator("#p1-banner").wait_for(state="visible")  # the event did arrive
    # ... and the board fetched after it was applied (held back, since the table is in use).
    board.wait_for_function("n => (window.portalLive.applied || 0) > n", arg=applied)
    assert board.evaluate(order) == [older.reference, newer.reference]
    assert board.evaluate("() => document.activeElement.textContent.trim()") == newer.reference

    # Typing in a filter: the field keeps what is typed while the board updates.
    board.get_by_text("Filter and search").click()
    search = board.get_by_label("Search", exact=True)
    search.click()
    search.type("garage")
    board.locator(f"tr[data-reference='{p1.reference}']").wait_for()
    assert board.evaluate(order) == [p1.reference, older.reference, newer.reference]
    make_ticket(priority=3, summary="Survey request")
    board.wait_for_function("() => document.querySelectorAll('tbody tr').length === 4")
    assert search.input_value() == "garage"
    assert not_reloaded(board)


def test_acknowledgement_clocks_tick_and_turn_overdue_without_a_reload(
        live_server, new_page, make_user, make_ticket, fast_streams):
    dispatcher = make_user(roles=("dispatcher",))
    board = new_page(DESK)
    sign_in(board, live_server, dispatcher)
    # P1 target 2 min: 8 s left, time enough to see the clock before it runs out on a busy
    # machine; then the page turns it overdue by itself.
    ticket = make_ticket(priority=1, age_minutes=2 - 8 / 60, summary="Almost late")
    open_live(board, live_server + "/dispatch/")
    clock = board.locator(f"tr[data-reference='{ticket.reference}'] td[data-ack-deadline]")
    assert clock.inner_text().endswith("left")
    clock.locator(".badge-overdue", has_text="Overdue by").wait_for(timeout=20_000)
    assert "row-overdue" in board.locator(f"tr[data-reference='{ticket.reference}']"
                                          ).get_attribute("class")
    assert not_reloaded(board)


# Counts what the page asks of the speaker and the vibration motor, then lets it through.
RECORD_SIGNALS = """
window.signals = {tones: 0, vibrations: []};
if (window.AudioContext) {
  const oscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.signals.tones += 1;
    return oscillator.call(this);
  };
}
Object.defineProperty(navigator, "vibrate", {configurable: true, value: (pattern) => {
  window.signals.vibrations.push(pattern);
  return true;
}});
"""


def test_p1_sound_and_assignment_vibration_are_off_until_chosen_and_the_choice_is_kept(
        live_server, new_page, make_user, make_ticket, fast_streams):
    dispatcher = make_user(roles=("dispatcher",))
    officer = make_user(roles=("officer",), display_name="Officer V")
    board = new_page(DESK)
    board.context.add_init_script(RECORD_SIGNALS)
    sign_in(board, live_server, dispatcher)
    open_live(board, live_server + "/dispatch/")
    sound = board.get_by_label("Sound for a new P1")
    assert not sound.is_checked()
    quiet = make_ticket(priority=1, summary="Bag by the lifts")
    board.locator("#p1-banner", has_text=quiet.reference).wait_for()
    assert board.evaluate("() => window.signals.tones") == 0

    sound.check()
    open_live(board, live_server + "/dispatch/")  # a reload (a new shift, a crash) keeps it
    assert board.get_by_label("Sound for a new P1").is_checked()
    loud = make_ticket(priority=1, summary="Smoke in stairwell C")
    board.locator(f"tr[data-reference='{loud.reference}']").wait_for()
    board.wait_for_function("() => window.signals.tones === 1")
    board.get_by_label("Sound for a new P1").uncheck()
    open_live(board, live_server + "/dispatch/")
    assert not board.get_by_label("Sound for a new P1").is_checked()

    beat = new_page()
    beat.context.add_init_script(RECORD_SIGNALS)
    sign_in(beat, live_server, officer)
    open_live(beat, live_server + "/dispatch/mine")
    vibrate = beat.get_by_label("Vibrate for a new assignment")
    assert not vibrate.is_checked()
    vibrate.check()
    open_live(beat, live_server + "/dispatch/mine")
    assert beat.get_by_label("Vibrate for a new assignment").is_checked()
    ticket = make_ticket(priority=2, summary="Escort to Garage B")
    dispatch.acknowledge(ticket.id, dispatcher, None)
    dispatch.assign(ticket.id, dispatcher, None, officer)  # as the desk would
    beat.locator("li.assignment", has_text="Escort to Garage B").wait_for()
    assert beat.evaluate("() => window.signals.vibrations") == [[200, 100, 200]]
    assert not_reloaded(beat)
