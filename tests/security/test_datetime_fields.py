"""Dates and times typed into any form: the future, the far past and year 9999 get a clear
message on the form, never a 500 and never a record."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models.apb import NewsletterIssue
from app.models.base import utcnow
from app.models.devices import NOT_LOCKED, Device
from app.models.reports import IncidentReport
from app.models.seminars import SeminarSession
from app.models.tickets import Ticket
from app.web.templating import localtime
from tests.helpers import soup


def errors(response) -> str:
    summary = soup(response).select_one(".error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def local_form_time(app, delta: timedelta) -> str:
    with app.app_context():
        return localtime(utcnow() + delta, "%Y-%m-%dT%H:%M")


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stolen(member, device, last_seen_at):
    return member.post(f"/devices/{device.id}/stolen", data={
        "last_seen_at": last_seen_at, "where": "Cafeteria", "description": "On a table"})


def test_reporting_a_device_stolen_in_the_future_is_a_form_error(app, db, login_as,
                                                                 make_device):
    member = login_as(None)
    device = make_device(owner=member.user)
    response = stolen(member, device, local_form_time(app, timedelta(days=2)))
    assert response.status_code == 200
    assert "cannot be in the future" in errors(response)
    assert db.session.get(Device, device.id).state == NOT_LOCKED
    assert count(db, IncidentReport) == 0


@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00", "1899-05-05T10:00"])
def test_a_last_seen_time_out_of_any_sensible_range_is_a_form_error(login_as, db, make_device,
                                                                    value):
    member = login_as(None)
    device = make_device(owner=member.user)
    response = stolen(member, device, value)
    assert response.status_code == 200
    assert "Enter a date" in errors(response)
    assert count(db, IncidentReport) == 0


def test_a_report_seen_in_year_9999_is_a_form_error(client, db):
    response = client.post("/report/suspicious_person", data={
        "location_detail": "Lobby", "observed_at": "9999-12-31T23:59", "description": "Loitering"})
    assert response.status_code in (200, 400)
    assert errors(response)
    assert count(db, IncidentReport) == 0


def test_an_escort_on_the_last_day_of_year_9999_is_a_form_error(client, db):
    response = client.post("/escorts/", data={
        "from_other": "Lobby", "to_other": "Garage B", "when": "later",
        "date": "9999-12-31", "time": "23:59"})
    assert response.status_code in (200, 400)
    assert errors(response)
    assert count(db, Ticket) == 0


def test_scheduling_an_apb_issue_in_year_9999_is_a_form_error(login_as, db):
    response = login_as("editor").post("/apb/manage/new", data={
        "title": "Later", "summary": "S", "body": "B", "action": "schedule",
        "publish_at": "9999-12-31T23:59"})
    assert response.status_code in (200, 400)
    assert "Enter a date" in errors(response)
    assert db.session.scalar(select(NewsletterIssue.status)) in (None, "draft")


def test_a_seminar_session_in_year_9999_is_a_form_error(login_as, db, make_seminar):
    seminar = make_seminar()
    response = login_as("trainer").post(
        f"/seminars/manage/seminars/{seminar.id}/sessions/new",
        data={"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:59",
              "capacity": "12", "place": "Education Center", "trainer_id": ""})
    assert response.status_code == 400
    assert "Enter a date" in errors(response)
    assert count(db, SeminarSession) == 0


def test_a_dv_escort_in_year_9999_or_in_the_past_is_a_form_error(app, db, login_as,
                                                                 make_dv_request):
    ticket, _ = make_dv_request()
    advocate = login_as("advocate")
    for when in ("9999-12-31T23:59", local_form_time(app, timedelta(days=-2))):
        response = advocate.post(f"/support/advocate/{ticket.id}/escort", data={
            "escort-meet": "Robin", "escort-meet_at": "East lobby",
            "escort-going_to": "Bus stop 4", "escort-when": when}, follow_redirects=True)
        assert response.status_code < 500, when
        assert count(db, Ticket) == 1, when


def test_a_dv_alert_until_year_9999_is_refused(db, login_as, make_dv_request):
    ticket, _ = make_dv_request()
    response = login_as("advocate").post(f"/support/advocate/{ticket.id}/alert", data={
        "alert-person_description": "Tall", "alert-keep_out_of": "Ward 5",
        "alert-valid_until": "9999-12-31"}, follow_redirects=True)
    assert response.status_code < 500
    assert count(db, Ticket) == 1


@pytest.mark.parametrize("path", [
    "/admin/audit?date_from=0001-01-01&date_to=9999-12-31",
    "/dispatch/history?date_from=0001-01-01&date_to=9999-12-31",
    "/dispatch/history.csv?date_from=0001-01-01&date_to=9999-12-31",
])
def test_search_dates_at_the_ends_of_the_calendar_are_not_a_500(login_as, path):
    staff = login_as("admin" if path.startswith("/admin") else "dispatcher")
    assert staff.get(path).status_code < 500
