"""Hostile input on the escort and follow-up forms: a clear message, nothing written, no 500."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import create_app
from app.core import timezones
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.escorts import EscortRequest
from app.models.tickets import Ticket, TicketEvent
from tests.functional.test_escorts import form_data
from tests.helpers import soup
from tests.spanish import SPANISH


def nothing_written(db) -> bool:
    return (db.session.scalar(select(func.count(Ticket.id))) == 0
            and db.session.scalar(select(func.count(AuditEvent.id))) == 0)


def local(delta: timedelta) -> tuple[str, str]:
    moment = timezones.to_local(utcnow() + delta, ZoneInfo("America/New_York"))
    return moment.date().isoformat(), moment.strftime("%H:%M")


LONG = "x" * 5000
PAST_DAY, PAST_TIME = local(timedelta(hours=-3))
FAR_DAY, FAR_TIME = local(timedelta(days=45))

REFUSED = [
    ("empty form", {}, "Choose where the officer should meet you."),
    ("long description", {"from_place": "other", "from_other": LONG},
     "Keep the description under 200 characters."),
    ("long needs", {"needs": LONG}, "Keep this under 500 characters."),
    ("long name", {"name": LONG}, "Keep your name under 120 characters."),
    ("long phone", {"phone": "5" * 1000}, "Enter a phone number under 40 characters."),
    ("long email", {"email": "a" * 300 + "@example.org"}, "under 254 characters"),
    ("null byte", {"name": "Pat\x00Doe"}, "Remove the invisible control characters"),
    ("escape sequence", {"needs": "\x1b[31mred"}, "Remove the invisible control characters"),
    ("direction override", {"from_place": "other", "from_other": "Lobby \u202eevil"},
     "Remove the invisible control characters"),
    ("phone letters", {"phone": "call me maybe"}, "Enter a phone number, like"),
    ("phone too short", {"phone": "123"}, "Enter a phone number, like"),
    ("phone script", {"phone": "<script>alert(1)</script>"},
     "Enter a phone number, like"),
    ("bad email", {"email": "not-an-email"}, "Enter an email address like"),
    ("party words", {"party_size": "abc"}, "Enter a whole number"),
    ("party zero", {"party_size": "0"}, "between 1 and 20"),
    ("party huge", {"party_size": "99999999999999999999999"}, "between 1 and 20"),
    ("party negative", {"party_size": "-3"}, "between 1 and 20"),
    ("time in the past", {"when": "later", "date": PAST_DAY, "time": PAST_TIME},
     "already passed"),
    ("too far ahead", {"when": "later", "date": FAR_DAY, "time": FAR_TIME}, "days ahead"),
    ("later without a time", {"when": "later"}, "Enter the date you need the escort"),
    ("impossible date", {"when": "later", "date": "2026-13-45", "time": "10:00"},
     "Not a valid date"),
    ("impossible time", {"when": "later", "date": FAR_DAY, "time": "25:99"}, "Not a valid time"),
    ("forged when", {"when": "tomorrow"}, "Not a valid choice"),
    ("unknown location", {"from_place": "987654"}, "Choose a place from the list."),
    ("negative location", {"to_place": "-1"}, "Choose a place from the list."),
    ("sql in location", {"from_place": "1 OR 1=1"}, "Choose a place from the list."),
    ("other without text", {"to_place": "other", "to_other": "   "}, "Describe the destination"),
]


@pytest.mark.parametrize(("case", "overrides", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_escort_form_refuses_with_a_clear_message(client, db, campus, case, overrides, message):
    data = form_data(campus, **overrides) if case != "empty form" else overrides
    response = client.post("/escorts/", data=data)
    assert response.status_code == 400, case
    summary = soup(response).select_one(".error-summary")
    assert summary is not None and message in summary.text, summary
    assert nothing_written(db)


def test_same_place_twice_is_refused(client, db, campus):
    same = str(campus["garage"].id)
    response = client.post("/escorts/", data=form_data(campus, from_place=same, to_place=same))
    assert response.status_code == 400
    assert "The start and the destination are the same place." in soup(response).text
    response = client.post("/escorts/", data=form_data(
        campus, from_place="other", from_other="Bench", to_place="other", to_other="BENCH"))
    assert "The start and the destination are the same place." in soup(response).text
    assert nothing_written(db)


def test_retired_location_is_refused(client, db, campus):
    response = client.post("/escorts/", data=form_data(campus, to_place=str(campus["retired"].id)))
    assert response.status_code == 400 and "Choose a place from the list." in soup(response).text
    assert nothing_written(db)


def test_script_and_sql_are_kept_as_text_and_escaped(client, db, campus):
    script = "<script>alert('x')</script>"
    sql = "'; DROP TABLE ticket; --"
    response = client.post("/escorts/", data=form_data(
        campus, name=script, needs=sql, from_place="other", from_other=script + " door"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    ticket = db.session.scalar(select(EscortRequest))
    assert ticket.needs == sql and ticket.contact_name == script
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    follow = soup(client.get(response.headers["Location"])).select_one(".private-link a")["href"]
    follow_page = client.get(follow).get_data(as_text=True)
    assert "<script>alert" not in follow_page and sql.replace("'", "&#39;") in follow_page


def test_odd_but_honest_unicode_is_accepted(client, db, campus):
    response = client.post("/escorts/", data=form_data(
        campus, name="Zoë Ñúñez 李", needs="Spricht Deutsch 🚶", phone="+1 (555) 010-1234"))
    assert response.status_code == 303
    assert db.session.scalar(select(EscortRequest)).contact_name == "Zoë Ñúñez 李"


def test_csrf_is_required(app, db, campus):
    strict = create_app("testing", WTF_CSRF_ENABLED=True,
                        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    response = strict.test_client().post("/escorts/", data=form_data(campus))
    assert response.status_code == 400
    assert nothing_written(db)


# --- follow-up pages ---------------------------------------------------------------------

@pytest.mark.parametrize("body,message", [
    ("x" * 2001, "under 2000 characters"),
    ("hello\x00there", "Remove the invisible control characters"),
    ("", "Write your message first."),
])
def test_bad_messages_are_refused(client, db, make_escort, body, message):
    opened = make_escort()
    response = client.post(f"/track/{opened.ticket.reference}/{opened.token}/message",
                           data={"body": body})
    assert response.status_code == 400 and message in soup(response).text
    assert db.session.scalar(select(TicketEvent).where(TicketEvent.kind == "message_in")) is None


@pytest.mark.parametrize("path", [
    "/track/ESC-ZZZZZZ/" + "A" * 500,
    "/track/%00%01/%ff%fe",
    "/track/ESC-%E2%80%AE/abc",
    "/track/' OR 1=1 --/x",
    "/track/mine",
])
def test_forged_links_are_404_or_sign_in(client, db, make_escort, path):
    make_escort()
    response = client.get(path)
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("data", [
    {"link": "javascript:alert(1)"},
    {"link": "x" * 600},
    {"reference": "ESC-\x00", "code": "\x00"},
    {"reference": "<script>", "code": "' OR 1=1 --"},
    {},
])
def test_find_form_never_fails(client, db, make_escort, data):
    make_escort()
    response = client.post("/track/", data=data)
    assert response.status_code == 400
    assert soup(response).select_one(".error-summary") is not None


def test_wtforms_own_messages_follow_each_pages_language(client, db, campus):
    """WTForms' built-in messages come from a catalogue read once per process and language
    (app.web.language): a Spanish visitor's forged choice is refused in Spanish, and the
    English visitor after them still reads English."""
    spanish = client.post("/escorts/", data=form_data(campus, when="tomorrow"), headers=SPANISH)
    assert spanish.status_code == 400
    assert "Opción inválida." in soup(spanish).select_one(".error-summary").get_text()
    english = client.post("/escorts/", data=form_data(campus, when="tomorrow"))
    assert "Not a valid choice." in soup(english).select_one(".error-summary").get_text()
