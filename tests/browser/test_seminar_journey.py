"""Seminars in a real browser on a phone: a visitor takes the last seat (confirming through
the emailed link), a member joins the waitlist, the visitor cancels from the email link, and
the member is promoted and sees it. axe-core checks every page on the way."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models.outbox import OutboxMessage
from app.services import seminars
from tests.browser.journey import expect, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def emailed_link(db, to: str, path: str) -> str:
    """The path of the newest link containing `path` mailed to `to` (read from the outbox)."""
    db.session.commit()
    bodies = db.session.scalars(
        select(OutboxMessage.text_body).where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())).all()
    db.session.commit()
    for body in bodies:
        match = re.search(rf"https?://[^/\s]+(\S*{re.escape(path)}\S*)", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def test_last_seat_waitlist_and_promotion(live_server, page, browser, assert_accessible, db,
                                          make_user, make_seminar, make_session):
    seminar = make_seminar(title="De-escalation for front-line staff", slug="de-escalation")
    session = make_session(capacity=2, seminar=seminar)
    seminars.register_member(session.id, make_user())  # one of two seats already taken
    visitor = "visitor@example.org"

    page.goto(live_server + "/seminars/")
    assert_accessible(page)
    page.get_by_role("link", name="De-escalation for front-line staff", exact=True).click()
    expect(page.locator("h1")).to_have_text("De-escalation for front-line staff")
    assert "1 seat left" in page.locator(".card").first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Register")).first.click()
    expect(page.get_by_label("Your name")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Email address").fill(visitor)
    page.get_by_role("button", name="Send me the confirmation link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(page)

    page.goto(live_server + emailed_link(db, visitor, "/seminars/confirm/"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my place").click()
    expect(page.locator("h1")).to_have_text("Your place is confirmed")
    assert_accessible(page)

    member_context = browser.new_context(viewport=PHONE)
    member_page = member_context.new_page()
    member = make_user(name="Morgan Member", email="morgan@example.org")
    sign_in(member_page, live_server, member)
    member_page.goto(f"{live_server}/seminars/sessions/{session.id}/register")
    assert_accessible(member_page)
    member_page.get_by_role("button", name="Join the waitlist").click()
    expect(member_page.locator(".flash")).to_contain_text("in position 1")
    assert "number 1 on the waitlist" in member_page.locator("main").inner_text()
    assert_accessible(member_page)

    page.goto(live_server + emailed_link(db, visitor, "/cancel"))
    assert page.locator("h1").inner_text() == "Cancel your place"
    assert_accessible(page)
    page.get_by_role("button", name="Cancel my place").click()
    expect(page.locator("h1")).to_have_text("Registration cancelled")
    assert_accessible(page)

    member_page.goto(live_server + "/seminars/mine")
    card = member_page.locator(".card").first.inner_text()
    assert "Confirmed" in card and "waitlist" not in card
    assert_accessible(member_page)
    assert emailed_link(db, "morgan@example.org", "/cancel")  # the promotion email
    db.session.commit()
    subjects = db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.to_address == "morgan@example.org")).all()
    db.session.commit()
    assert any(s.startswith("A place is free for you") for s in subjects)
    member_context.close()
