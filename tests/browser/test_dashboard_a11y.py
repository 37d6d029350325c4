"""The operations dashboard and the shift report in a real browser: accessible (axe-core),
and the supervisor's morning questions answered at a glance."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.base import utcnow
from tests.browser.journey import expect, sign_in

pytestmark = pytest.mark.browser


def test_a_supervisor_reads_last_week_and_the_night_shift(
    live_server, page, db, make_user, make_ticket, make_location, assert_accessible
):
    supervisor = make_user(roles=("supervisor",), name="Sky Supervisor")
    lobby = make_location("Main lobby")
    for n, priority in enumerate((1, 1, 2, 3)):
        ticket = make_ticket(priority=priority, status="resolved", location_id=lobby.id,
                             outcome="completed", age_minutes=60 * (n + 2))
        ticket.acknowledged_at = ticket.created_at + timedelta(seconds=60 + 90 * n)
        ticket.on_scene_at = ticket.created_at + timedelta(minutes=8)
        ticket.closed_at = utcnow()
    db.session.commit()

    sign_in(page, live_server, supervisor)
    page.goto(live_server + "/dashboard/?period=7d")
    expect(page.locator("h1")).to_have_text("Operations dashboard")
    expect(page.locator("#heat-heading")).to_have_text("Requests per hour of the week")
    expect(page.locator("#response-heading")).to_have_text("Response times per priority")
    expect(page.locator("table[data-table=places] tbody tr").first).to_contain_text("Main lobby")
    expect(page.locator("#buildings-heading")).to_have_text("Requests per building")
    expect(page.locator("#floors-heading")).to_have_text("Main lobby: requests per floor and unit")
    assert_accessible(page)

    page.get_by_role("link", name="Shift report").click()
    expect(page.locator("h1")).to_contain_text("shift of")
    assert_accessible(page)
