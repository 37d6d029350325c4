"""The advocates' counts page: DV requests per week and time to first contact, advocates only."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from app.models.base import utcnow
from tests.helpers import text


@pytest.fixture()
def dv_week(db, make_dv_request, make_ticket):
    """This week: three DV requests, two first contacted after 10 and 20 minutes; last
    week: one. An ordinary escort and a confidential escort made from a case are not
    requests."""
    now = utcnow()
    made = []
    for after in (600, 1200, None):
        ticket, _ = make_dv_request()
        ticket.created_at = now - timedelta(minutes=1)
        ticket.acknowledged_at = ticket.created_at + timedelta(seconds=after) if after else None
        made.append(ticket)
    older, _ = make_dv_request()
    older.created_at = now - timedelta(days=7)
    make_ticket(kind="escort", confidential=True)
    make_ticket(kind="escort")
    db.session.commit()
    return made


def test_advocates_see_this_weeks_requests_and_first_contact(client_request, dv_week):
    client_request.login("advocate")
    page = client_request.get("support.counts")
    rows = [[c.get_text(strip=True) for c in r.find_all(["th", "td"])]
            for r in page.select("table[data-table=dv-weeks] tbody tr")]
    assert len(rows) == 12
    # Median of 600 and 1,200 s: 900 s; p90: 600 + 0.9 × 600 = 1,140 s.
    assert rows[-1][1:] == ["3", "2", "15m 00s", "19m 00s"]
    assert rows[-2][1] == "1"
    assert sum(int(r[1]) for r in rows) == 4
    svg = ET.fromstring(str(page.find("svg")))
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Confidential requests per week"
    response = client_request.get_response("support.counts_csv")
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:] == rows
    assert response.headers["Cache-Control"].startswith("no-store")


@pytest.mark.parametrize("role", ["dispatcher", "officer", "trainer", "editor", "supervisor",
                                  "admin", None])
def test_nobody_but_an_advocate_opens_the_counts(client_request, role, dv_week):
    client_request.login(role)
    for target in ("support.counts", "support.counts_csv"):
        client_request.get_response(target, _expected_status=403)


def test_signed_out_visitors_are_sent_to_sign_in(client_request):
    response = client_request.get_response("support.counts", _expected_status=302)
    assert "/login" in response.headers["Location"]


def test_the_dashboard_counts_no_dv_request(client_request, dv_week):
    client_request.login("supervisor")
    page = client_request.get("dashboard.home", _query_string={"period": "7d"})
    assert "1 request." in text(page)  # the ordinary escort only
