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


DEVICE = {"device_type": "laptop", "make": "Dell", "model": "Latitude 7440",
          "serial": "ab-12 cd-34", "department": "Cardiología", "room": "4B-210"}


def test_alert_device_pages_in_spanish(login_as, db, client):
    from app.models.devices import Device

    assert_spanish(client.get("/devices/", headers=SPANISH))
    member = login_as(None)
    assert_spanish(member.get("/devices/mine", headers=SPANISH))
    assert_spanish(member.get("/devices/register", headers=SPANISH))
    assert_spanish(member.post("/devices/register", data={**DEVICE, "make": ""},
                               headers=SPANISH))
    assert_spanish(member.post("/devices/register", data=DEVICE, headers=SPANISH,
                               follow_redirects=True))
    again = member.post("/devices/register", data=DEVICE, headers=SPANISH)
    assert_spanish(again)  # the service's own message: already registered
    device = db.session.scalar(select(Device))
    for page in ("mine", f"{device.id}/card", f"{device.id}/edit", f"{device.id}/retire",
                 f"{device.id}/stolen", "lockdown"):
        assert_spanish(member.get(f"/devices/{page}", headers=SPANISH))
    assert_spanish(member.post("/devices/lockdown", headers=SPANISH, data={
        "devices": [], "preferred_times": ""}))
    assert_spanish(member.post("/devices/lockdown", headers=SPANISH, follow_redirects=True,
                               data={"devices": [device.id], "preferred_times": "martes",
                                     "submission_key": "k" * 32}))
    assert_spanish(member.post(f"/devices/{device.id}/stolen", headers=SPANISH,
                               data={"last_seen_at": "2099-01-01T08:30"}))
    assert_spanish(member.post(f"/devices/{device.id}/stolen", headers=SPANISH,
                               follow_redirects=True, data={
                                   "last_seen_at": "2026-11-24T08:30", "where": "Cafetería",
                                   "submission_key": "s" * 32}))
    assert_spanish(member.get("/devices/mine", headers=SPANISH))  # reported stolen
