"""A member's own pages in Spanish: recurring escorts, ALERT devices and the account, with
their forms, messages and mail (tests/spanish.py says what "in Spanish" means)."""
from __future__ import annotations

from sqlalchemy import select

from app.models.escorts import RecurringEscort
from tests.functional.test_escorts import recurring_data
from tests.helpers import soup
from tests.spanish import SPANISH, assert_spanish


def test_recurring_escorts_in_spanish(login_as, db, campus):
    client = login_as(None)
    assert_spanish(client.get("/escorts/recurring", headers=SPANISH))
    assert_spanish(client.get("/escorts/recurring/new", headers=SPANISH))
    refused = client.post("/escorts/recurring/new", headers=SPANISH, data=recurring_data(
        campus, weekdays=[], start_date="2020-01-01", time="25:99"))
    assert refused.status_code == 400
    assert_spanish(refused)
    saved = client.post("/escorts/recurring/new", data=recurring_data(campus), headers=SPANISH,
                        follow_redirects=True)
    assert_spanish(saved)
    page = soup(saved)
    assert "Todos los días laborables a las 23:15" in page.text
    skip = page.select_one("form[action$='/skip']")
    day = skip.find("input", {"name": "day"})["value"]
    assert_spanish(client.post(skip["action"], data={"day": day}, headers=SPANISH,
                               follow_redirects=True))
    recurring = db.session.scalar(select(RecurringEscort))
    assert_spanish(client.post(f"/escorts/recurring/{recurring.id}/cancel", headers=SPANISH,
                               follow_redirects=True))
