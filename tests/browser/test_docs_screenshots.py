"""The role guides' pictures: each role's key pages, opened in a real browser on the demo data.

Every run signs in as each role (the demo accounts of `make run`, given the test password and
second factor), opens the pages its guide in docs/ shows and checks their headings, so a
guide cannot describe a page that no longer opens for that role. With DOCS_SCREENSHOTS=1 it
also saves each page as docs/screenshots/<name>.png (phone 390x844 or desk 1366x900), to
refresh the pictures after a change to the pages:

    DOCS_SCREENSHOTS=1 .venv/bin/python -m pytest -n 0 tests/browser/test_docs_screenshots.py
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import demo
from app.models.accounts import User
from app.models.apb import NewsletterIssue
from app.models.base import utcnow
from app.models.seminars import SeminarSession
from app.models.tickets import Ticket
from tests.browser.journey import expect, sign_in
from tests.fixtures.accounts import TEST_TOTP_SECRET, password_hash
from tests.fixtures.browser import WAIT_MS

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


@dataclass(frozen=True)
class Shot:
    name: str  # docs/screenshots/<name>.png
    path: str  # a site path; {ticket}, {dv}, {session}, {issue} filled from the demo data
    heading: str  # the page's h1 (a regular expression)


# email of the demo account (None: a visitor), viewport, pages
ROLES = {
    "visitor": (None, PHONE, [
        Shot("requester-home", "/", r"Police, Security & Outreach Operations Division"),
        Shot("requester-escort", "/escorts/", r"Request an escort"),
        Shot("requester-report", "/report/", r"Report a concern"),
        Shot("requester-support", "/support/", r"Confidential support"),
        Shot("requester-walk", "/walk/", r"Start a virtual walk"),
    ]),
    "member": ("member@demo.example", PHONE, [
        Shot("requester-my-requests", "/track/mine", r"My requests"),
    ]),
    "dispatcher": ("dispatcher@demo.example", DESK, [
        Shot("dispatch-board", "/dispatch/", r"Dispatch queue"),
        Shot("dispatch-ticket", "/dispatch/tickets/{ticket}", r"ESC-"),
        Shot("dispatch-history", "/dispatch/history", r"Closed tickets"),
        Shot("dispatch-safety-timer", "/dispatch/tickets/{safety}", r"SAF-"),
    ]),
    "officer": ("officer@demo.example", PHONE, [
        Shot("dispatch-officer-assignments", "/dispatch/mine", r"My assignments"),
        Shot("dispatch-officer-lookup", "/devices/lookup", r"Device lookup"),
    ]),
    "advocate": ("advocate@demo.example", DESK, [
        Shot("advocate-queue", "/support/advocate/", r"Advocate queue"),
        Shot("advocate-request", "/support/advocate/{dv}", r"Request DVA-"),
        Shot("advocate-audit", "/support/advocate/audit", r"Confidential audit log"),
    ]),
    "trainer": ("trainer@demo.example", DESK, [
        Shot("trainer-manage", "/seminars/manage", r"Seminars admin"),
        Shot("trainer-roster", "/seminars/manage/sessions/{session}", r"Roster: "),
    ]),
    "editor": ("editor@demo.example", DESK, [
        Shot("editor-issues", "/apb/manage", r"APB editor"),
        Shot("editor-edit", "/apb/manage/{issue}/edit", r"Edit APB issue"),
        Shot("editor-preview", "/apb/manage/{issue}/preview", r"Preview: "),
    ]),
    "admin": ("admin@demo.example", DESK, [
        Shot("admin-users", "/admin/", r"Users and roles"),
        Shot("admin-audit", "/admin/audit", r"Audit log"),
        Shot("admin-locations", "/admin/locations", r"Locations"),
    ]),
}


def _demo_ids(db) -> dict[str, int]:
    first = db.session.scalar
    ids = {
        "ticket": first(select(Ticket.id).where(Ticket.kind == "escort",
                                                Ticket.confidential.is_(False),
                                                Ticket.closed_at.is_(None))
                        .order_by(Ticket.id)),
        "safety": first(select(Ticket.id).where(Ticket.kind == "safety_timer")
                        .order_by(Ticket.id)),
        "dv": first(select(Ticket.id).where(Ticket.confidential.is_(True)).order_by(Ticket.id)),
        "session": first(select(SeminarSession.id).order_by(SeminarSession.id)),
        "issue": first(select(NewsletterIssue.id).order_by(NewsletterIssue.id)),
    }
    db.session.commit()
    return ids


def _demo_account(db, email: str) -> User:
    """The demo account, signing in with the test password (and second factor)."""
    user = db.session.scalar(select(User).where(User.email == email))
    values = {"password_hash": password_hash()}
    if user.must_use_second_factor:
        values |= {"totp_secret": TEST_TOTP_SECRET, "totp_confirmed_at": utcnow(),
                   "totp_last_step": None}
    db.session.execute(update(User).where(User.id == user.id).values(**values))
    db.session.commit()
    return db.session.get(User, user.id)


@pytest.fixture()
def demo_data(live_server, db):
    demo.seed_all()
    return _demo_ids(db)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_guide_page_opens_for_that_role(role, demo_data, live_server, browser, db):
    email, viewport, shots = ROLES[role]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        if email:
            sign_in(page, live_server, _demo_account(db, email))
        for shot in shots:
            page.goto(live_server + shot.path.format(**demo_data))
            expect(page.locator("h1").first).to_have_text(re.compile("^" + shot.heading))
            if os.environ.get("DOCS_SCREENSHOTS") == "1":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{shot.name}.png"))
    finally:
        context.close()
