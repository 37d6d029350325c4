"""The two-person rule for the advocate role in a real browser: an admin asks, the account
gets nothing, a different advocate approves on the advocates' page (axe-core on each page)."""
from __future__ import annotations

import re

import pytest

from app.extensions import db as _db
from app.models.accounts import User
from tests.browser.journey import sign_in
from tests.fixtures.accounts import totp_code

pytestmark = pytest.mark.browser


def test_admin_asks_and_a_second_advocate_approves(browser, live_server, page, db, make_user,
                                                     assert_accessible):
    admin = make_user(roles=("admin",), name="Ada Admin")
    reviewer = make_user(roles=("advocate",), name="Rae Reviewer")
    target = make_user(name="Tess Target", email="tess@example.org")

    sign_in(page, live_server, admin)
    page.goto(live_server + f"/admin/users/{target.id}")
    page.get_by_label(re.compile("^Advocate")).check()
    page.get_by_label("Your code from your authenticator app").fill(totp_code(admin))
    page.get_by_role("button", name="Save roles").click()
    assert "waits for another advocate's approval" in page.inner_text(".flashes")
    assert "Waiting for another advocate's approval" in page.inner_text("main")
    assert_accessible(page)
    _db.session.commit()  # end the test's read snapshot (SQLite WAL) before reading
    assert "advocate" not in _db.session.get(User, target.id).role_names

    context = browser.new_context(viewport={"width": 390, "height": 844})
    second = context.new_page()
    sign_in(second, live_server, reviewer)
    second.goto(live_server + "/support/advocate/")
    second.get_by_role("link", name="Advocate access requests").click()
    assert "Tess Target" in second.inner_text("main")
    assert_accessible(second)
    second.get_by_label("Your code from your authenticator app").fill(totp_code(reviewer))
    second.get_by_role("button", name=re.compile("^Approve giving the role")).click()
    assert "Approved" in second.inner_text(".flashes")
    assert_accessible(second)
    second.goto(live_server + "/support/advocate/audit")
    assert_accessible(second)
    context.close()
    _db.session.commit()  # end the test's read snapshot (SQLite WAL) before reading
    assert "advocate" in _db.session.get(User, target.id).role_names
