"""The submission key that makes a double submit one record, as an attacker would try it:
a key copied from someone else's page, a key a script mangles. (Six taps at once from one
browser: tests/unit/test_open_ticket.py.)"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.escorts import EscortRequest
from tests.functional.test_escorts import form_data
from tests.helpers import soup


def escorts(db) -> list[EscortRequest]:
    db.session.commit()  # a fresh snapshot: see what other sessions wrote
    return list(db.session.scalars(select(EscortRequest).order_by(EscortRequest.id)))


def fresh_key(client) -> str:
    page = soup(client.get("/escorts/"))
    return page.find("input", attrs={"name": "submission_key"})["value"]


def test_a_key_copied_from_another_persons_page_still_makes_the_second_persons_request(
        app, db, campus):
    first, second = app.test_client(), app.test_client()
    key = fresh_key(first)
    assert first.post("/escorts/", data=form_data(campus, submission_key=key)).status_code == 303
    sent = second.post("/escorts/", data=form_data(
        campus, submission_key=key, name="Sam Roe", phone="(555) 010-9999"),
        follow_redirects=True)
    assert [escort.contact_name for escort in escorts(db)] == ["Pat Doe", "Sam Roe"]
    assert soup(sent).h1.text == "Escort requested"
    assert escorts(db)[1].reference in soup(sent).select_one(".private-link a")["href"]


def test_the_same_key_from_the_same_browser_is_still_one_request(app, db, campus):
    client = app.test_client()
    key = fresh_key(client)
    for _ in range(3):
        assert client.post("/escorts/", data=form_data(campus, submission_key=key)
                           ).status_code == 303
    assert len(escorts(db)) == 1


@pytest.mark.parametrize("mangled", [
    "key\x00" + "a" * 20, "k" * 10_000, "short", "has spaces in it ok", "ключ" * 8, "'; --" * 5,
])
def test_a_mangled_key_is_refused_with_a_message_and_writes_nothing(client, db, campus,
                                                                    mangled):
    response = client.post("/escorts/", data=form_data(campus, submission_key=mangled))
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary").text
    assert "send it again" in summary
    assert escorts(db) == []
    offered = soup(response).find("input", attrs={"name": "submission_key"})["value"]
    assert offered != mangled and len(offered) >= 16
    again = client.post("/escorts/", data=form_data(campus, submission_key=offered))
    assert again.status_code == 303
    assert len(escorts(db)) == 1


def test_the_refusal_of_a_mangled_key_links_to_no_hidden_field(client, db, campus):
    response = client.post("/escorts/", data=form_data(campus, submission_key="bad"))
    summary = soup(response).select_one(".error-summary")
    assert not summary.select('a[href="#submission_key"]')
