"""The APB in a real browser on a phone: subscribe, confirm from the email, an editor
publishes, the visitor receives the issue and unsubscribes with one click."""
from __future__ import annotations

import pytest

from app.services import apb
from app.services.outbox import deliver_due
from tests.browser.journey import emailed_link, phone_page, sign_in

pytestmark = pytest.mark.browser


def test_visitor_subscribes_receives_an_issue_and_unsubscribes(
        live_server, page, browser, assert_accessible, db, make_user, smtp_server):
    visitor = "visitor@example.org"
    page.goto(live_server + "/apb/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Get the APB by email").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(visitor)
    with page.expect_navigation():
        page.get_by_role("button", name="Subscribe").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)

    page.goto(live_server + emailed_link(db, visitor, "/apb/confirm/"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my subscription").click()
    assert page.locator("h1").inner_text() == "Subscription confirmed"

    editor_page = phone_page(browser)
    sign_in(editor_page, live_server, make_user(roles=("editor",)))
    editor_page.goto(live_server + "/apb/manage")
    assert_accessible(editor_page)
    with editor_page.expect_navigation():
        editor_page.get_by_role("link", name="Write a new issue").click()
    editor_page.get_by_label("Title").fill("Bicycle thefts at Garage B")
    editor_page.get_by_label("Summary").fill("Use a U-lock through the frame and wheel.")
    editor_page.get_by_label("Text (Markdown)").fill("## Tips\n\n- Use a **U-lock**.")
    assert_accessible(editor_page)
    with editor_page.expect_navigation():
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
    with page.expect_navigation():
        page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    assert_accessible(page)
