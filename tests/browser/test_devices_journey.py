"""The ALERT registry in a real browser on a phone: a member registers a laptop and asks for
a lockdown, an officer records the lock, the member reports it stolen, an officer finds it
by part of its serial and marks it recovered, and the member sees it."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.models.devices import LockdownRequest
from tests.browser.journey import phone_page, sign_in

pytestmark = pytest.mark.browser


def ticket_id(db) -> int:
    db.session.commit()
    found = db.session.scalar(select(LockdownRequest.id))
    db.session.commit()
    return found


def test_laptop_is_registered_locked_stolen_found_and_recovered(
        live_server, page, browser, assert_accessible, db, make_user):
    member = make_user(name="Dana Member")
    officer = make_user(roles=("officer",), display_name="Officer Lee")
    dispatcher = make_user(roles=("dispatcher",))

    sign_in(page, live_server, member)
    page.goto(live_server + "/devices/")
    assert_accessible(page)
    page.goto(live_server + "/devices/register")
    assert_accessible(page)
    page.get_by_label("Type of device").select_option("laptop")
    page.get_by_label("Make").fill("Dell")
    page.get_by_label("Model").fill("Latitude 7440")
    page.get_by_label("Serial number").fill("c02-xk 4411-z")
    page.get_by_label("Department").fill("Cardiology")
    with page.expect_navigation():
        page.get_by_role("button", name="Register the device").click()
    assert "Dell Latitude 7440" in page.locator("main").inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Request lockdown")).first.click()
    assert_accessible(page)
    page.get_by_label("When suits you").fill("Weekdays 9 to 11")
    with page.expect_navigation():
        page.get_by_role("button", name="Request the installation").click()
    assert "Installation requested" in page.locator("main").inner_text()

    dispatch_page = phone_page(browser)
    sign_in(dispatch_page, live_server, dispatcher)
    dispatch_page.goto(f"{live_server}/dispatch/tickets/{ticket_id(db)}")
    assert_accessible(dispatch_page)
    dispatch_page.get_by_label("Officer", exact=True).select_option(label="Officer Lee")
    with dispatch_page.expect_navigation():
        dispatch_page.get_by_role("button", name="Assign", exact=True).click()
    dispatch_page.close()

    officer_page = phone_page(browser)
    sign_in(officer_page, live_server, officer)
    officer_page.goto(live_server + "/dispatch/mine")
    assert_accessible(officer_page)
    officer_page.goto(f"{live_server}/dispatch/mine/{ticket_id(db)}")
    assert_accessible(officer_page)
    officer_page.get_by_label("Lock ID").fill("L-5531")
    officer_page.get_by_label("Installed on").fill(date.today().isoformat())
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name=re.compile("Record the lock")).click()
    assert "Lock recorded" in officer_page.locator("main").inner_text()

    page.goto(live_server + "/devices/mine")
    assert "Locked down on" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Report stolen")).first.click()
    assert_accessible(page)
    page.get_by_label("When did you last see it?").fill("2026-11-24T18:30")
    page.get_by_label("Room or other details").fill("Cafeteria, window table")
    with page.expect_navigation():
        page.get_by_role("button", name="Report the theft").click()
    assert "Reported stolen" in page.locator("main").inner_text()

    officer_page.goto(live_server + "/devices/lookup")
    officer_page.get_by_label(re.compile("Serial number, part of it")).fill("4411")
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Look up").click()
    assert "REPORTED STOLEN" in officer_page.locator("main").inner_text()
    assert_accessible(officer_page)
    with officer_page.expect_navigation():
        officer_page.get_by_role("link", name="Dell Latitude 7440").click()
    assert_accessible(officer_page)
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Mark recovered and tell the owner").click()
    assert "Marked recovered" in officer_page.locator("main").inner_text()

    page.goto(live_server + "/devices/mine")
    assert "Recovered" in page.locator("main").inner_text()
    assert_accessible(page)
