"""Hostile input on the virtual walk: a clear message on the form, nothing written, no
500; forged links open nothing; impossible positions are refused; floods are limited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.walks import SafetyTimerTicket, VirtualWalk
from tests.functional.test_walks import started, walk_data
from tests.helpers import soup, text

LONG = "x" * 5000

REFUSED = [
    ("empty form", {"from_place": "", "to_place": "", "minutes": "", "phone": ""},
     "Choose where you are starting from."),
    ("forged place", {"from_place": "999999"}, "Choose a place from the list."),
    ("place not a number", {"from_place": "1 OR 1=1"}, "Choose a place from the list."),
    ("other without words", {"from_place": "other", "from_other": ""},
     "Describe the start place."),
    ("long description", {"from_place": "other", "from_other": LONG},
     "Keep the description under 200 characters."),
    ("direction override", {"from_place": "other", "from_other": "Lobby \u202eevil"},
     "Remove the invisible control characters"),
    ("same place", {"to_place": "GARAGE"}, "The start and the destination are the same place."),
    ("minutes words", {"minutes": "ten"}, "Enter a whole number"),
    ("minutes too few", {"minutes": "4"}, "Choose between 5 and 120 minutes."),
    ("minutes too many", {"minutes": "121"}, "Choose between 5 and 120 minutes."),
    ("minutes huge", {"minutes": "9" * 40}, "Choose between 5 and 120 minutes."),
    ("minutes negative", {"minutes": "-5"}, "Choose between 5 and 120 minutes."),
    ("phone letters", {"phone": "call me maybe"}, "Enter a phone number, like"),
    ("long phone", {"phone": "5" * 1000}, "Enter a phone number under 40 characters."),
    ("emergency phone script", {"emergency_phone": "<script>alert(1)</script>"},
     "Enter a phone number, like"),
    ("null byte in name", {"name": "Pat\x00Doe"}, "Remove the invisible control characters"),
    ("two-line name", {"name": "Pat\nDoe"}, "Keep this answer on one line."),
]


@pytest.mark.parametrize(("case", "changes", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_start_form_refuses_with_a_message_and_writes_nothing(
        client, db, campus, case, changes, message):
    changes = {k: str(campus["garage"].id) if v == "GARAGE" else v for k, v in changes.items()}
    response = client.post("/walk/", data=walk_data(campus, **changes))
    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one(".error-summary").get_text()
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(VirtualWalk.id))) == 0


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 5000, "..%2F..%2Fetc"])
def test_a_forged_walk_link_opens_nothing(client, db, campus, token):
    started(client, campus)
    for path in (f"/walk/{token}", f"/walk/{token}/help", f"/walk/{token}/safe"):
        response = client.get(path) if path.count("/") == 2 else client.post(path)
        assert response.status_code == 404, path
    assert db.session.scalar(select(func.count(SafetyTimerTicket.id))) == 0
    assert db.session.scalar(select(VirtualWalk.status)) == "running"


@pytest.mark.parametrize("position", [
    {"latitude": "nan", "longitude": "0", "accuracy": "5"},
    {"latitude": "inf", "longitude": "0", "accuracy": "5"},
    {"latitude": "91", "longitude": "0", "accuracy": "5"},
    {"latitude": "0", "longitude": "1e400", "accuracy": "5"},
    {"latitude": "0", "longitude": "0", "accuracy": "-1"},
    {"latitude": "north", "longitude": "0", "accuracy": "5"},
    {"latitude": "0\x00", "longitude": "0", "accuracy": "5"},
    {},
])
def test_impossible_positions_are_refused_and_nothing_is_kept(client, db, campus, position):
    path = started(client, campus)
    response = client.post(f"{path}/position", data=position)
    assert response.status_code == 400
    assert "error" in response.json
    assert db.session.scalar(select(VirtualWalk.latitude)) is None


@pytest.mark.parametrize("query", [
    "from_place=999999&to_place=abc", "from_place=other&from_other=%00%1b[31m",
    "from_place=" + "9" * 500, "to_place=other&to_other=" + "y" * 5000,
])
def test_hostile_prefill_in_the_address_is_ignored(client, campus, query):
    response = client.get(f"/walk/?{query}")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#from_place option[selected]") is None or \
        page.select_one("#from_place option[selected]")["value"] in ("", "other")
    other = page.select_one("#from_other").get("value", "")
    assert "\x00" not in other and "\x1b" not in other and len(other) <= 200


def test_starting_walks_is_limited_per_address(limited_app, db, campus):
    client = limited_app(RATELIMIT_WALK_LIMIT="2 per 10 minutes").test_client()
    codes = [client.post("/walk/", data=walk_data(campus, submission_key=f"k-{n:020d}",
                                                  name="Typed-words-kept-7Q")).status_code
             for n in range(3)]
    assert codes == [303, 303, 429]
    assert db.session.scalar(select(func.count(VirtualWalk.id))) == 2
    refused = client.post("/walk/", data=walk_data(campus, name="Typed-words-kept-7Q"))
    assert "Typed-words-kept-7Q" in str(soup(refused).select_one("main"))
    assert {"tel:911", "tel:5550104400"} <= {
        a["href"] for a in soup(refused).select_one(".rate-limited").find_all("a")}


def test_help_now_is_limited_per_address_and_the_answer_shows_the_numbers(
        limited_app, db, campus):
    client = limited_app(RATELIMIT_HELP_LIMIT="2 per 10 minutes").test_client()
    paths = [started(client, campus, submission_key=f"k-{n:020d}") for n in range(3)]
    codes = [client.post(f"{path}/help").status_code for path in paths]
    assert codes == [303, 303, 429]
    assert db.session.scalar(select(func.count(SafetyTimerTicket.id))) == 2
    refused = client.post(f"{paths[2]}/help")
    assert "try again in a few minutes" in text(refused)
    assert {"tel:911", "tel:5550104400"} <= {
        a["href"] for a in soup(refused).select_one(".rate-limited").find_all("a")}
