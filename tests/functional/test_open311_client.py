"""An outside Open311 client against the portal over real HTTP: `georeport` (PyPI, pinned
in requirements-dev.txt) reads services, definitions and requests in JSON and XML.

georeport has no call that files a request (its GeoReport class only reads), so the
filing is a form-encoded POST written from the spec with the standard library, to the same
server. The issue's journey: a suspicious-package report filed through the API, seen by
dispatch, followed to "closed" with the staff note, and never showing who filed it.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from georeport import GeoReport
from sqlalchemy import select

from app.models.reports import IncidentReport
from app.services import dispatch, reports
from tests.helpers import text

PACKAGE = "report-suspicious_package"
WHO = ("Ann Marlowe-Quist", "ann.quist@example.org", "555-013-2468", "humming")


def post_request(base: str, fmt: str, params: dict) -> tuple[int, bytes]:
    """POST requests.{fmt}, form-encoded, as the spec says (urllib: no client library)."""
    body = urllib.parse.urlencode(params).encode()
    call = urllib.request.Request(f"{base}/open311/v2/requests.{fmt}", data=body,
                                  method="POST")
    call.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


@pytest.fixture()
def served(live_server, api_key, make_location, db):
    place = make_location("Main Hospital Lobby")
    key = api_key("Lobby kiosk")
    db.session.commit()
    return live_server, key, place


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_follows_an_api_report_to_closed_without_learning_who_filed_it(
        served, fmt, db, make_user, login_as):
    base, key, place = served
    status, body = post_request(base, "json", {
        "api_key": key, "service_code": PACKAGE, "address_id": place.id,
        "first_name": "Ann", "last_name": "Marlowe-Quist", "email": "ann.quist@example.org",
        "phone": "555-013-2468", "description": "A box taped shut and humming, by the lifts."})
    assert status == 200, body
    reference = json.loads(body)[0]["service_request_id"]

    client = GeoReport(f"{base}/open311/v2/", output_format=fmt)
    codes = [service["service_code"] for service in client.get_service_list()]
    assert PACKAGE in codes and not [c for c in codes if "escort" in c or "dv" in c]
    definition = client.get_service_definition(PACKAGE)
    assert "observed_at" in json.dumps(definition)

    assert reference in text(login_as("dispatcher").get("/dispatch/"))
    found = client.get_service_request(reference)
    assert found["status"] == "open" and found["address"] == "Main Hospital Lobby"

    db.session.commit()
    report = db.session.scalar(select(IncidentReport).where(IncidentReport.reference == reference))
    desk = make_user(roles=("dispatcher",))
    dispatch.acknowledge(report.id, desk, None)
    reports.close_report(report.id, desk, None, "unfounded")
    found = client.get_service_request(reference)
    assert found["status"] == "closed"
    assert "found nothing of concern" in found["status_notes"]
    listed = client.get_service_requests(service_code=PACKAGE, status="closed")
    listed = listed if isinstance(listed, list) else [listed]
    assert [r["service_request_id"] for r in listed] == [reference]
    everything = json.dumps([found, listed])
    for secret in WHO:
        assert secret not in everything


def test_a_post_without_a_key_is_an_open311_403_over_http(served):
    base, _key, place = served
    status, body = post_request(base, "xml", {"service_code": PACKAGE, "address_id": place.id,
                                              "description": "A box."})
    assert status == 403 and b"<errors><error><code>403</code>" in body
