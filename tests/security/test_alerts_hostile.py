"""Hostile input on campus alerts: the issue and update forms, the hide button and its
cookie, alert numbers in URLs. A clear message on the form, nothing written, never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.alerts import CampusAlert
from app.models.audit import AuditEvent
from tests.fixtures.auth import error_text
from tests.helpers import soup

GOOD = {"headline": "Fire in Garage B", "instruction": "Leave Garage B by the stairs.",
        "severity": "severe", "minutes": "60"}

REFUSED = [
    ("no headline", {"headline": ""}, "Write a headline."),
    ("long headline", {"headline": "x" * 161}, "160"),
    ("null byte", {"headline": "Fire\x00"}, "invisible control characters"),
    ("direction override", {"instruction": "Leave \u202eevil"}, "invisible control characters"),
    ("no instruction", {"instruction": "  "}, "Say what people should do"),
    ("long instruction", {"instruction": "x" * 2001}, "2000"),
    ("made-up severity", {"severity": "catastrophic"}, "Not a valid choice"),
    ("minutes not offered", {"minutes": "999999"}, "Not a valid choice"),
    ("minutes not a number", {"minutes": "soon"}, "Not a valid choice"),
    ("place not a number", {"locations": ["garage"]}, "Invalid choice"),
    ("place that does not exist", {"locations": ["987654"]}, "Not a valid choice"),
    ("start that is not a time", {"starts_at": "2026-13-45T99:99"}, "Not a valid datetime"),
    ("start years ahead", {"starts_at": "2099-01-01T00:00"}, ""),
]


def nothing_written(db) -> bool:
    return (db.session.scalar(select(func.count(CampusAlert.id))) == 0
            and db.session.scalar(select(func.count(AuditEvent.id)).where(
                AuditEvent.object_type == "campus_alert")) == 0)


@pytest.mark.parametrize(("case", "changes", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_hostile_alert_form_gets_a_message_and_writes_nothing(login_as, db, campus, case,
                                                                changes, message):
    response = login_as("dispatcher").post("/alerts/manage/new", data={**GOOD, **changes})
    assert response.status_code == 200, case
    assert error_text(response), case
    assert message.lower() in error_text(response).lower(), (case, error_text(response))
    assert nothing_written(db)


def test_an_update_of_an_alert_that_was_already_updated_is_refused(login_as, db, make_alert):
    dispatcher = login_as("dispatcher")
    fire = make_alert(issuer=dispatcher.user)
    update = {**GOOD, "headline": "All clear", "all_clear": "y"}
    assert dispatcher.post(f"/alerts/manage/{fire.id}/update", data=update).status_code == 302
    again = dispatcher.post(f"/alerts/manage/{fire.id}/update", data=update)
    assert again.status_code == 200
    assert "Only an alert that is out" in error_text(again)
    assert db.session.scalar(select(func.count(CampusAlert.id))) == 2


def test_alert_numbers_that_do_not_exist_are_not_found(login_as, client, db):
    staff = login_as("dispatcher")
    for path in ("/alerts/manage/987654", "/alerts/manage/987654/update"):
        assert staff.get(path).status_code == 404
    for path in ("/alerts/987654", "/alerts/987654/cap.xml", "/alerts/99999999999999999999"):
        assert client.get(path).status_code == 404
    refused = staff.post("/alerts/manage/987654/confirm", follow_redirects=True)
    assert "does not exist" in refused.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil",
                                    "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1"])
def test_hiding_never_sends_anyone_to_another_site(client, db, make_alert, target):
    fire = make_alert()
    response = client.post(f"/alerts/{fire.id}/hide", data={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize("cookie", ["1.2.x", "'; DROP TABLE campus_alert; --", "9" * 500,
                                    ".".join(["1"] * 500), "-1", ""])
def test_a_forged_hide_cookie_hides_nothing_and_breaks_nothing(client, db, make_alert, cookie):
    make_alert(headline="Fire in Garage B")
    client.set_cookie("hidden_alerts", cookie)
    page = client.get("/")
    assert page.status_code == 200
    assert "Fire in Garage B" in soup(page).find(id="campus-alerts").get_text()


def test_the_hide_cookie_stays_small_whatever_is_hidden(client, db, make_alert):
    ids = [make_alert().id for _ in range(25)]
    for alert_id in ids:
        client.post(f"/alerts/{alert_id}/hide", data={"next": "/"})
    assert len(client.get_cookie("hidden_alerts").value.split(".")) == 20
