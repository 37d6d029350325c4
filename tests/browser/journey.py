"""Steps that browser journeys share: signing in through the real form, reading mail.

Journeys wait for what the person would see (`expect(locator).to_have_text(...)`,
`expect(page).to_have_url(...)`, `with page.expect_navigation(): ...click()`), never for a
fixed time or a bare load event: tests/unit/test_browser_waits.py fails on a sleep here.
"""
from __future__ import annotations

import re

from sqlalchemy import select

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect
except ImportError:  # no Playwright: tests/fixtures/browser.py skips (or in CI fails) them
    expect = PlaywrightTimeoutError = None

from app.models.outbox import OutboxMessage
from tests.fixtures.accounts import TEST_PASSWORD, totp_code


def fill_sign_in_form(page, email: str, password: str = TEST_PASSWORD) -> None:
    """Type the email address and password into the login form on `page`."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)


def sign_in(page, live_server: str, user, check=None) -> None:
    """Sign `user` in through the login form (a fresh page or context per person).

    `check(page)` (e.g. the axe check) runs on the login page before the form is filled.
    """
    page.goto(live_server + "/login")
    if check is not None:
        check(page)
    fill_sign_in_form(page, user.email)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    if getattr(user, "totp_secret", None):  # admins and advocates: the second step
        page.get_by_label("Code from your authenticator app").fill(totp_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def emailed_link(db, to: str, path: str) -> str:
    """The site path of the newest link containing `path` mailed to `to` (outbox rows)."""
    db.session.commit()
    bodies = db.session.scalars(
        select(OutboxMessage.text_body).where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).all()
    db.session.commit()  # end the read: a stale SQLite snapshot would block our next write
    for body in bodies:
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def open_live(page, url):
    """Open `url`, mark the loaded document, wait until its stream is connected."""
    page.goto(url)
    page.evaluate("() => { window.loadedMarker = 'first-load'; }")
    page.wait_for_function("() => window.portalLive && window.portalLive.state === 'live'")


def not_reloaded(page) -> bool:
    """True while the document `open_live` marked is still the one shown (no reload)."""
    return page.evaluate("() => window.loadedMarker") == "first-load"


def phone_page(browser):
    return browser.new_page(viewport={"width": 390, "height": 844})
