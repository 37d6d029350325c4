"""The APB in a real browser on a phone: subscribe, confirm from the email, an editor
publishes, the visitor receives the issue and unsubscribes with one click."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models.outbox import OutboxMessage
from app.services import apb
from app.services.outbox import deliver_due
from tests.fixtures.accounts import TEST_PASSWORD

pytestmark = pytest.mark.browser


def emailed_link(db, to: str, path: str) -> str:
    db.session.commit()
    bodies = db.session.scalars(
        select(OutboxMessage.text_body).where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).all()
    db.session.commit()  # end the read: a stale SQLite snapshot would block our next write
    for body in bodies:
        match = re.search(rf"https?://\S+({re.escape(path)}\S+)", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def sign_in(page, live_server, user) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()


def test_visitor_subscribes_receives_an_issue_and_unsubscribes(
        live_server, page, browser, assert_accessible, db, make_user, smtp_server):
    visitor = "visitor@example.org"
    page.goto(live_server + "/apb/")
    assert_accessible(page)
    page.get_by_role("link", name="Get the APB by email").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(visitor)
    page.get_by_role("button", name="Subscribe").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)

    page.goto(live_server + emailed_link(db, visitor, "/apb/confirm/"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my subscription").click()
    assert page.locator("h1").inner_text() == "Subscription confirmed"

    editor_page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(editor_page, live_server, make_user(roles=("editor",)))
    editor_page.goto(live_server + "/apb/manage")
    assert_accessible(editor_page)
    editor_page.get_by_role("link", name="Write a new issue").click()
    editor_page.get_by_label("Title").fill("Bicycle thefts at Garage B")
    editor_page.get_by_label("Summary").fill("Use a U-lock through the frame and wheel.")
    editor_page.get_by_label("Text (Markdown)").fill("## Tips\n\n- Use a **U-lock**.")
    assert_accessible(editor_page)
    editor_page.get_by_role("button", name="Publish now").click()
    assert "Published" in editor_page.locator("main").inner_text()
    assert_accessible(editor_page)
    editor_page.close()

    db.session.commit()
    apb.fanout()
    deliver_due("journey", 50)
    [received] = [m for m in smtp_server.to(visitor) if m["Subject"].startswith("APB:")]
    assert received["Subject"] == "APB: Bicycle thefts at Garage B"
    unsubscribe = received["List-Unsubscribe"].strip().strip("<>")

    page.goto(live_server + "/" + unsubscribe.split("/", 3)[3])
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    assert_accessible(page)
