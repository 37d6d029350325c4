"""Quick exit from every state of the person's DV pages, with and without JavaScript: after
the exit, neither Back nor Forward shows a DV page (its address or its text).

The journey starts on the home page (a page the person may be seen on), opens the DV help
pages, reaches one state (empty form, form with errors, confirmation, follow-up page, a reply
just sent), then leaves by Shift x3 (JavaScript) or the exit link (both). The test then walks
the whole history back to the home page and forward again, reading each page it lands on.
"""
from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import PHONE

pytestmark = pytest.mark.browser

STATES = ("empty form", "error", "confirmation", "follow-up", "reply")
DV_WORDS = ("Quick exit", "Staying safe", "What help would you like?", "Your request was received",
            "Write to the advocate", "Your private link")


@pytest.fixture()
def neutral(app, live_server, monkeypatch):
    """The neutral site: the portal's own home page with a marker, so the test can read it."""
    url = live_server + "/?neutral=1"
    monkeypatch.setitem(app.config, "DV_NEUTRAL_URL", url)
    return url


def open_context(browser, javascript: bool):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def fill_request(page) -> None:
    page.check("input[name=help_kinds][value=safety_plan]")
    page.check("input[name=contact_method][value=phone]")
    page.fill("#phone", "555 010 3344")
    page.check("input[name=may_leave_message][value=no]")
    page.click("button:has-text('Send to an advocate')")
    page.wait_for_selector("text=Your request was received")


def reach(page, live_server: str, state: str) -> int:
    """Open the DV pages from the home page and reach `state`; the history length at home."""
    page.goto(live_server + "/")
    at_home = page.evaluate("() => history.length")
    page.click("text=Domestic violence help")
    page.wait_for_url(re.compile(r".*/support/$"))
    page.get_by_role("link", name="Ask for help").first.click()
    page.wait_for_url(re.compile(r".*/support/request$"))
    if state == "error":
        page.click("button:has-text('Send to an advocate')")
        page.wait_for_selector("text=There is a problem")
    if state in ("confirmation", "follow-up", "reply"):
        fill_request(page)
    if state in ("follow-up", "reply"):
        page.click("a.private-link")
        page.wait_for_selector("text=Messages and updates")
    if state == "reply":
        page.fill("#body", "Tuesday is better for me")
        page.click("button:has-text('Send message')")
        page.wait_for_selector("text=Your message was sent to the advocate.")
    return at_home


def exit_page(page, how: str) -> None:
    if how == "shift":
        # The Shift listener exists once quick-exit.js has run: wait until the document says
        # its scripts have run (readyState, as the form states are written in place with
        # document.write and have no navigation to wait for), as a person's keypress would
        # only count after that. A function, not a bare expression: Playwright evals a bare
        # expression again on every poll after the first, which these pages' CSP (no
        # 'unsafe-eval') refuses with an EvalError whenever the first poll is not yet true.
        page.wait_for_function("() => document.readyState === 'complete'")
        for _ in range(3):
            page.keyboard.press("Shift")
    else:
        page.click("#quick-exit")
    page.wait_for_url(re.compile(r".*/\?neutral=1$"))


def assert_not_dv(page, live_server: str, step: str) -> None:
    url = page.url
    assert "/support" not in url and url.startswith(live_server + "/"), (step, url)
    text = page.inner_text("body")
    for word in DV_WORDS:
        assert word not in text, (step, url, word)


def walk_history(page, live_server: str) -> None:
    """Press Back until the home page is reached, then Forward to the end; check each page."""
    steps = 0
    while steps < 8:
        steps += 1
        page.go_back(wait_until="load")
        assert_not_dv(page, live_server, f"back {steps}")
        if page.url == live_server + "/":
            break
    assert page.url == live_server + "/", "Back never reached the home page"
    for forward in range(1, steps + 1):
        if page.go_forward(wait_until="load") is None and forward > 1:
            break
        assert_not_dv(page, live_server, f"forward {forward}")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("how", ("shift", "link"))
def test_after_quick_exit_with_javascript_back_and_forward_show_no_dv_page(
        browser, live_server, neutral, state, how):
    context, page = open_context(browser, javascript=True)
    try:
        at_home = reach(page, live_server, state)
        # The whole DV visit is one history entry after the home page, which the exit replaces.
        assert page.evaluate("() => history.length") == at_home + 1, state
        exit_page(page, how)
        assert_not_dv(page, live_server, "exit")
        walk_history(page, live_server)
    finally:
        context.close()


@pytest.mark.parametrize("state", STATES)
def test_after_exit_link_without_javascript_back_and_forward_show_no_dv_page(
        browser, live_server, neutral, state):
    context, page = open_context(browser, javascript=False)
    try:
        reach(page, live_server, state)
        exit_page(page, "link")
        assert_not_dv(page, live_server, "exit")
        walk_history(page, live_server)
    finally:
        context.close()


@pytest.mark.parametrize("javascript", (True, False))
def test_the_shift_shortcut_is_offered_only_where_it_works(browser, live_server, javascript):
    """Without JavaScript, pressing Shift does nothing: a person must not be told to rely
    on it. With it, every DV page says so, beside the Quick exit link."""
    context, page = open_context(browser, javascript=javascript)
    try:
        for path in ("/support/", "/support/request", "/support/browse-safely"):
            page.goto(live_server + path)
            visible = page.inner_text("body")
            assert ("Shift" in visible) is javascript, (path, javascript)
            assert "Quick exit" in visible
    finally:
        context.close()


def test_every_wait_for_a_page_condition_is_a_function():
    """Playwright evals a bare expression again on each poll, which the pages' CSP (no
    'unsafe-eval') refuses whenever the first poll is not yet true: a wait that only fails
    on a slow machine. A function is evaluated once."""
    from pathlib import Path

    bare = []
    for path in Path(__file__).parent.glob("*.py"):
        for match in re.finditer(r"wait_for_function\(\s*[\"']([^\"']*)", path.read_text()):
            if not re.match(r"\s*(\(|[A-Za-z_]\w*\s*=>|function\b|async\b)", match[1]):
                bare.append(f"{path.name}: {match[1]}")
    assert bare == []
