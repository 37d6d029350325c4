"""Requesting an escort through the form, the confirmation page, and recurring escorts."""
from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.core import timezones
from app.models.base import utcnow
from app.models.escorts import EscortRequest, RecurringEscort
from app.models.outbox import OutboxMessage
from app.services import escorts
from app.services.escorts import Place
from tests.helpers import soup


def form_data(campus, **overrides) -> dict:
    data = {
        "from_place": str(campus["garage"].id), "from_other": "",
        "to_place": str(campus["rail"].id), "to_other": "",
        "when": "now", "date": "", "time": "", "party_size": "2",
        "needs": "Walks slowly", "phone": "(555) 010-1234", "name": "Pat Doe",
        "email": "pat@example.org", "submission_key": "key-" + "a" * 20,
    }
    data.update(overrides)
    return data


def count(db) -> int:
    return db.session.scalar(select(func.count(EscortRequest.id)))


def local_later(hours: int = 3):
    zone = ZoneInfo("America/New_York")
    moment = timezones.to_local(utcnow() + timedelta(hours=hours), zone)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def test_form_shows_places_grouped_emergency_number_and_a_submission_key(client, campus):
    page = soup(client.get("/escorts/"))
    assert page.h1.text == "Request an escort"
    assert "If you feel unsafe right now, call" in page.text and "911" in page.text
    groups = [g["label"] for g in page.select("#from_place optgroup")]
    assert "Parking" in groups and "Transit stops" in groups and "Not in the list" in groups
    options = [o.text for o in page.select("#from_place option")]
    assert "Garage A, Level 3" in options and "Old Annex" not in options
    assert "Other (describe)" in options
    assert page.find("input", {"name": "submission_key"})["value"]
    for label in ("Where should the officer meet you?", "Phone number we can call you on"):
        assert page.find("label", string=lambda s, label=label: s and label in s)


def test_request_now_shows_reference_and_private_link(app, client, db, campus):
    response = client.post("/escorts/", data=form_data(campus))
    assert response.status_code == 303
    page = soup(client.get(response.headers["Location"]))
    ticket = db.session.scalar(select(EscortRequest))
    assert page.h1.text == "Escort requested"
    assert ticket.reference in page.text and "Keep this link" in page.text
    link = page.select_one(".private-link a")["href"]
    assert link.startswith(app.config["SITE_URL"] + f"/track/{ticket.reference}/")
    assert ticket.priority == 2 and ticket.party_size == 2 and ticket.needs == "Walks slowly"
    assert ticket.contact_phone == "(555) 010-1234" and ticket.requester_id is None
    mail = db.session.scalar(select(OutboxMessage))
    assert link in mail.text_body
    assert client.get(link).status_code == 200


def test_confirmation_is_not_cached(client, db, campus):
    response = client.post("/escorts/", data=form_data(campus))
    page = client.get(response.headers["Location"])
    assert "no-store" in page.headers["Cache-Control"]
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_double_submit_makes_one_ticket_and_the_same_confirmation(client, db, campus):
    first = client.post("/escorts/", data=form_data(campus), follow_redirects=True)
    second = client.post("/escorts/", data=form_data(campus), follow_redirects=True)
    assert count(db) == 1
    link = soup(first).select_one(".private-link a")["href"]
    assert soup(second).select_one(".private-link a")["href"] == link
    assert soup(second).h1.text == "Escort requested"


def test_a_later_time_is_scheduled_p3_and_stored_in_utc(client, db, campus):
    day, at = local_later(5)
    client.post("/escorts/", data=form_data(campus, when="later", date=day, time=at))
    ticket = db.session.scalar(select(EscortRequest))
    assert ticket.scheduled and ticket.priority == 3
    expected = timezones.combine(date.fromisoformat(day), time.fromisoformat(at),
                                ZoneInfo("America/New_York"))
    assert ticket.requested_for == expected


def test_other_place_needs_its_description(client, db, campus):
    response = client.post("/escorts/", data=form_data(campus, from_place="other"))
    assert response.status_code == 400
    assert "Describe the start place." in soup(response).select_one(".error-summary").text
    response = client.post("/escorts/", data=form_data(
        campus, from_place="other", from_other="Bench by the east fountain"))
    assert response.status_code == 303
    assert db.session.scalar(select(EscortRequest)).from_other == "Bench by the east fountain"


def test_member_gets_prefilled_form_and_a_link_to_my_requests(login_as, db, campus):
    client = login_as(None, name="Sam Member", phone="555 010 7777")
    page = soup(client.get("/escorts/"))
    assert page.find("input", {"name": "name"})["value"] == "Sam Member"
    response = client.post("/escorts/", data=form_data(campus), follow_redirects=True)
    assert "My requests" in soup(response).select_one("main").text
    assert db.session.scalar(select(EscortRequest)).requester_id == client.user.id


def test_confirmation_without_the_remembered_link_reveals_nothing(client, db, make_escort):
    ticket = make_escort().ticket
    page = soup(client.get(f"/escorts/confirmation/{ticket.reference}"))
    assert page.h1.text == "Request received"
    assert "Garage A" not in page.text and "/track/" + ticket.reference not in page.text


# --- recurring escorts -------------------------------------------------------------------

def recurring_data(campus, **overrides) -> dict:
    data = {
        "from_place": str(campus["garage"].id), "to_place": str(campus["rail"].id),
        "time": "23:15", "weekdays": ["0", "1", "2", "3", "4"],
        "start_date": (date.today() + timedelta(days=1)).isoformat(), "end_date": "",
        "party_size": "1", "needs": "", "phone": "555 010 9999",
    }
    data.update(overrides)
    return data


def test_recurring_pages_need_an_account(client):
    assert client.get("/escorts/recurring").status_code in (302, 401)


def test_member_saves_lists_skips_and_cancels_a_recurring_escort(login_as, db, campus):
    client = login_as(None)
    response = client.post("/escorts/recurring/new", data=recurring_data(campus))
    assert response.status_code == 303
    recurring = db.session.scalar(select(RecurringEscort))
    assert recurring.weekdays == "01234" and recurring.owner_id == client.user.id
    page = soup(client.get("/escorts/recurring"))
    assert "Every weekday at 23:15" in page.text
    skip_form = page.select_one("form[action$='/skip']")
    day = skip_form.find("input", {"name": "day"})["value"]
    response = client.post(skip_form["action"], data={"day": day}, follow_redirects=True)
    assert "Skipped" in soup(response).text
    db.session.refresh(recurring)
    assert date.fromisoformat(day) in recurring.skip_dates
    response = client.post(f"/escorts/recurring/{recurring.id}/cancel", follow_redirects=True)
    assert "is cancelled" in soup(response).text
    db.session.refresh(recurring)
    assert recurring.active is False


def test_recurring_form_errors(login_as, db, campus):
    client = login_as(None)
    response = client.post("/escorts/recurring/new", data=recurring_data(
        campus, weekdays=[], start_date="2020-01-01", time="25:99"))
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary").text
    assert "Choose at least one day of the week." in summary
    assert "The first day cannot be in the past." in summary
    assert db.session.scalar(select(func.count(RecurringEscort.id))) == 0


def test_someone_elses_recurring_escort_is_404(login_as, db, campus, make_user):
    owner = make_user()
    recurring = escorts.create_recurring(owner, escorts.RecurringDetails(
        origin=Place(campus["garage"].id), destination=Place(campus["rail"].id),
        time_of_day=time(23, 15), weekdays={0}, start_date=date.today(), end_date=None,
        party_size=1, needs=None, phone="555 010 9999"))
    client = login_as(None)
    assert client.post(f"/escorts/recurring/{recurring.id}/cancel").status_code == 404
    assert client.post(f"/escorts/recurring/{recurring.id}/skip",
                       data={"day": date.today().isoformat()}).status_code == 404
    db.session.refresh(recurring)
    assert recurring.active
