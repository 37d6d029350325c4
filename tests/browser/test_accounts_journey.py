"""A visitor on a phone: home → services → a guidance page → register → verify the email
(the link is read from the outbox) → sign in → My account. Every page passes axe-core."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.models.outbox import OutboxMessage
from tests.browser.journey import expect, fill_sign_in_form

pytestmark = pytest.mark.browser

EMAIL = "river.jones@example.org"
PASSWORD = "lantern orchard copper meadow 7"


def verification_path(db, email: str) -> str:
    """The path of the verification link in the newest email to `email`."""
    db.session.rollback()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email queued for {email}"
    link = re.search(r"https?://\S+/verify/\S+", message.text_body)
    assert link, message.text_body
    parts = urlsplit(link.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def visit_public_pages(page, base: str, check) -> None:
    page.goto(base + "/")
    check(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Services").click()
    expect(page.locator("h1")).to_have_text("Our services")
    check(page)
    page.get_by_role("link", name="Code Red (fire alarm) response").click()
    expect(page.locator("a.call-now")).to_be_visible()
    check(page)


def register(page, check) -> None:
    page.get_by_role("link", name="Create an account").first.click()
    expect(page.locator("h1")).to_have_text("Create an account")
    check(page)
    page.get_by_label("Full name").fill("River Jones")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("I am visiting a patient or the hospital").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    check(page)


def follow_the_sign_in_link_and_sign_in(page, check) -> None:
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    check(page)
    fill_sign_in_form(page, EMAIL, PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_register_verify_and_sign_in_on_a_phone(live_server, page, db, assert_accessible):
    visit_public_pages(page, live_server, assert_accessible)
    register(page, assert_accessible)

    page.goto(live_server + verification_path(db, EMAIL))
    expect(page.locator("h1")).to_have_text("Email address confirmed")
    assert_accessible(page)

    follow_the_sign_in_link_and_sign_in(page, assert_accessible)
    expect(page.locator("h1")).to_have_text("My account")
    expect(page.locator("main")).to_contain_text("River Jones")
    assert_accessible(page)


def test_wrong_password_is_refused_accessibly(live_server, page, db, make_user,
                                              assert_accessible):
    make_user(email=EMAIL, name="River Jones")
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("not the right password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
