"""An anonymous report in a real browser on a phone: a suspicious package with a photo, a
dispatcher's question, the reporter's answer through the private link, and a referral."""
from __future__ import annotations

import re

import pytest

from tests.browser.journey import expect, sign_in
from tests.fixtures.reports import image_bytes

pytestmark = pytest.mark.browser


def report_a_package(page, live_server, assert_accessible) -> str:
    page.goto(live_server + "/report/")
    assert_accessible(page)
    page.get_by_role("link", name="Suspicious package").click()
    expect(page.locator("a.call-now").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Floor, room, exit or other detail").fill("Main Lobby, east benches")
    page.get_by_label("What did you see?").fill("A taped box left under a bench for 20 minutes.")
    page.get_by_label("It is still happening or still there").check()
    page.get_by_label("Photos").set_input_files(
        [{"name": "box.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(320, 240))}])
    page.get_by_label("Report anonymously").check()
    assert page.get_by_label("Your name").is_hidden()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("h1")).to_have_text("Report sent")
    expect(page.locator("main")).to_contain_text("Keep this link to see questions from dispatch")
    assert_accessible(page)
    return page.locator(".private-link a").get_attribute("href")


def test_anonymous_package_report_with_follow_up_and_referral(
        live_server, page, browser, assert_accessible, db, make_user):
    link = report_a_package(page, live_server, assert_accessible)
    reference = re.search(r"/track/(RPT-[A-Z0-9]+)/", link).group(1)

    staff = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(staff, live_server, make_user(roles=("dispatcher",)))
    staff.goto(live_server + "/dispatch/")
    staff.get_by_role("link", name=re.compile(reference)).first.click()
    expect(staff.locator(".report-details")).to_contain_text("Suspicious package")
    # The photo is what the dispatcher looks at: wait until it has been fetched and decoded.
    staff.locator(".report-photos img").evaluate(
        "img => img.complete ? null : new Promise(done => {"
        " img.addEventListener('load', done); img.addEventListener('error', done); })")
    assert staff.locator(".report-photos img").evaluate("img => img.naturalWidth") == 320
    assert_accessible(staff)
    staff.get_by_label("Message to the requester").fill("Is anyone near the box now?")
    staff.get_by_role("button", name="Send message").click()
    expect(staff.locator("main")).to_contain_text("Is anyone near the box now?")
    assert_accessible(staff)

    page.goto(link)
    assert "Is anyone near the box now?" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Your message to dispatch").fill("No, security moved people back.")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("main")).to_contain_text("No, security moved people back.")

    staff.reload()
    assert "No, security moved people back." in staff.locator("main").inner_text()
    staff.get_by_label("Referred to another agency").check()
    staff.get_by_label(re.compile("Agency it was referred to")).fill("City Police Department")
    staff.get_by_role("button", name="Close report").click()
    expect(staff.locator(".flashes")).to_contain_text("closed")
    assert_accessible(staff)
    staff.close()

    page.goto(link)
    assert "Referred to City Police Department." in page.locator("main").inner_text()
    assert_accessible(page)
