"""Open311 GeoReport v2: every endpoint in XML and JSON, checked by a client written from
the spec (tests/open311_spec.py); requests filed through the API land in dispatch like a
web form's, and their public reads never carry who asked."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.blueprints.outreach.forms import SurveyForm
from app.blueprints.reports.forms import ReportForm
from app.models.audit import AuditEvent
from app.models.outreach import ServiceRequest
from app.models.reports import CATEGORIES, IncidentReport
from app.models.tickets import Ticket
from app.services import dispatch, reports
from tests.helpers import text
from tests.open311_spec import SpecClient

FORMATS = ["xml", "json"]
PACKAGE = "report-suspicious_package"
SECRETS = ("Ann Marlowe-Quist", "ann.quist@example.org", "555-013-2468", "Room 301B",
           "taped shut and humming")


@pytest.fixture()
def spec(client):
    return SpecClient(client)


@pytest.fixture()
def lobby(make_location):
    return make_location("Main Hospital Lobby")


def package_params(key: str, lobby, **extra) -> dict:
    params = {"api_key": key, "service_code": PACKAGE, "address_id": str(lobby.id),
              "address_string": "Room 301B", "first_name": "Ann", "last_name": "Marlowe-Quist",
              "email": "ann.quist@example.org", "phone": "555-013-2468",
              "description": "A brown box taped shut and humming, under the bench."}
    params.update(extra)
    return params


def filed(spec, key, lobby, fmt="json", **extra) -> Ticket:
    answer = spec.post(fmt, **package_params(key, lobby, **extra))
    assert spec.last.status_code == 200, answer
    reference = answer[0]["service_request_id"]
    from app.extensions import db
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_this_endpoint_and_both_formats(spec, fmt):
    found = spec.discovery(fmt)
    endpoint = found["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_report_categories_and_outreach_requests_never_dv_or_escorts(spec, fmt):
    codes = {service["service_code"] for service in spec.services(fmt)}
    assert {f"report-{c}" for c in CATEGORIES} <= codes
    assert {"outreach-presentation", "outreach-survey", "outreach-detail"} <= codes
    # valuables pickups are a unit request now, for signed-in unit staff only
    assert not [c for c in codes if "dv" in c or "escort" in c or "support" in c
                or "valuables" in c]
    for service in spec.services(fmt):
        assert str(service["metadata"]).lower() == "true"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_published_service_has_a_definition_and_takes_requests(spec, api_key, fmt):
    key = api_key()
    for service in spec.services(fmt):
        code = service["service_code"]
        spec.definition(code, fmt)
        assert spec.last.status_code == 200, code
        spec.post(fmt, api_key=key, service_code=code)  # nothing else: refused, never a 500
        assert spec.last.status_code == 400, code


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_definition_is_read_off_the_web_form_so_the_two_cannot_drift(app, spec, fmt):
    found = spec.definition(PACKAGE, fmt)
    with app.test_request_context():
        form = ReportForm(formdata=None, meta={"csrf": False})
        labels = {f.name: str(f.label.text) for f in form}
    codes = [a["code"] for a in found["attributes"]]
    assert codes == ["observed_at", "person_height", "person_clothing", "person_direction",
                     "still_happening", "anonymous"]
    for attribute in found["attributes"]:
        assert attribute["description"] == labels[attribute["code"]]
    orders = [int(a["order"]) for a in found["attributes"]]
    assert orders == sorted(orders)
    anonymous = found["attributes"][-1]
    assert anonymous["datatype"] == "singlevaluelist"
    assert {v["key"] for v in anonymous["values"]} == {"true", "false"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_required_field_of_the_form_is_a_required_attribute(app, spec, fmt):
    found = spec.definition("outreach-survey", fmt)
    area = next(a for a in found["attributes"] if a["code"] == "area")
    assert str(area["required"]).lower() == "true"
    with app.test_request_context():
        assert SurveyForm(formdata=None, meta={"csrf": False}).area.label.text == \
            area["description"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["dv", "support", "escort", "nothing-here", "report-"])
def test_a_service_that_is_not_published_has_no_definition(spec, fmt, code):
    errors = spec.definition(code, fmt)
    assert spec.last.status_code == 404
    assert str(errors[0]["code"]) == "404"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_suspicious_package_filed_through_the_api_is_a_p1_report_with_a_private_link(
        spec, api_key, lobby, client, fmt):
    report = filed(spec, api_key("Lobby kiosk"), lobby, fmt)
    assert isinstance(report, IncidentReport)
    assert report.priority == 1 and report.category == "suspicious_package"
    assert report.location_id == lobby.id and report.location_detail == "Room 301B"
    assert report.contact_email == "ann.quist@example.org"
    notice = spec.post(fmt, **package_params(api_key("Second kiosk"), lobby))[0]
    link = notice["service_notice"].split(": ", 1)[1]
    assert link.startswith("http://") and "/track/" in link
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and notice["service_request_id"] in text(page)


def test_every_filing_is_audited_with_the_keys_name(spec, api_key, lobby, db):
    report = filed(spec, api_key("Facilities app"), lobby)
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "open311.request")).all()
    assert [row.object_id for row in rows] == [report.reference]
    assert "key=Facilities app" in rows[0].detail


def test_an_anonymous_report_through_the_api_keeps_no_contact(spec, api_key, lobby):
    report = filed(spec, api_key(), lobby, **{"attribute[anonymous]": "true"})
    assert report.anonymous
    assert (report.contact_name, report.contact_email, report.contact_phone) == (None,) * 3


def test_the_report_appears_on_the_dispatch_board(spec, api_key, lobby, login_as):
    report = filed(spec, api_key(), lobby)
    board = login_as("dispatcher").get("/dispatch/")
    assert report.reference in text(board)


def test_a_media_url_is_kept_as_text_for_dispatch_and_never_fetched(spec, api_key, lobby):
    report = filed(spec, api_key(), lobby, media_url="https://photos.example.org/p/1.jpg")
    assert "https://photos.example.org/p/1.jpg" in report.description
    assert report.photos == []


def test_an_outreach_survey_through_the_api_is_a_p3_service_request(spec, api_key, lobby, db):
    answer = spec.post("json", api_key=api_key(), service_code="outreach-survey",
                       first_name="Sam", last_name="Ng", email="sam@example.org",
                       description="The back stairs have no camera.", address_id=str(lobby.id))
    assert spec.last.status_code == 200, answer
    request = db.session.scalar(select(ServiceRequest))
    assert request.priority == 3 and request.service_type == "survey"
    assert request.area == "Main Hospital Lobby"
    assert request.details == "The back stairs have no camera."


@pytest.mark.parametrize("fmt", FORMATS)
def test_reading_a_request_shows_the_building_and_nothing_about_who_asked(
        spec, api_key, lobby, client, fmt):
    report = filed(spec, api_key(), lobby)
    for body in (client.get(f"/open311/v2/requests.{fmt}").get_data(as_text=True),
                 client.get(f"/open311/v2/requests/{report.reference}.{fmt}"
                            ).get_data(as_text=True)):
        for secret in SECRETS:
            assert secret not in body
    found = spec.request(report.reference, fmt)[0]
    assert found["address"] == "Main Hospital Lobby"
    assert str(found["address_id"]) == str(lobby.id)
    assert found["status"] == "open" and found["service_code"] == PACKAGE
    assert found["requested_datetime"][-6] in "+-"  # ISO 8601 with an offset


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_status_follows_dispatch_to_closed_with_the_staff_note(
        spec, api_key, lobby, make_user, fmt):
    report = filed(spec, api_key(), lobby)
    desk = make_user(roles=("dispatcher",))
    dispatch.acknowledge(report.id, desk, None)
    assert spec.request(report.reference, fmt)[0]["status"] == "open"
    reports.close_report(report.id, desk, None, "referred", agency="City Police Department")
    found = spec.request(report.reference, fmt)[0]
    assert found["status"] == "closed"
    assert "Referred to City Police Department" in found["status_notes"]


def test_extended_statuses_follow_fixmystreets_names(spec, api_key, lobby, make_user, db):
    report = filed(spec, api_key(), lobby)
    desk = make_user(roles=("dispatcher",))

    def status(ticket=report):
        return spec.get(f"requests/{ticket.reference}", "json", "service_requests", "request",
                        extensions="true")[0]["status"]

    assert status() == "OPEN"
    dispatch.acknowledge(report.id, desk, None)
    assert status() == "INVESTIGATING"
    reports.close_report(report.id, desk, None, "referred", agency="City Police")
    assert status() == "NOT_COUNCILS_RESPONSIBILITY"
    other = filed(spec, api_key("Other"), lobby)
    reports.close_report(other.id, desk, None, "duplicate",
                         duplicate_reference=report.reference)
    assert status(other) == "DUPLICATE"


def test_filters_narrow_the_list_by_service_status_and_id(spec, api_key, lobby, make_user):
    key = api_key()
    first, second = filed(spec, key, lobby), filed(spec, key, lobby)
    survey = spec.post("json", api_key=key, service_code="outreach-survey", first_name="S",
                       email="s@example.org", description="Stairs.", address_string="B wing")
    reports.close_report(first.id, make_user(roles=("dispatcher",)), None, "unfounded")
    ids = {r["service_request_id"] for r in spec.requests("json", service_code=PACKAGE)}
    assert ids == {first.reference, second.reference}
    closed = {r["service_request_id"] for r in spec.requests("json", status="closed")}
    assert closed == {first.reference}
    listed = spec.requests("xml", service_request_id=f"{second.reference},"
                           f"{survey[0]['service_request_id']}")
    assert {r["service_request_id"] for r in listed} == {second.reference,
                                                       survey[0]["service_request_id"]}
    overriding = spec.requests("json", service_request_id=first.reference, status="open",
                               service_code="outreach-survey")
    assert [r["service_request_id"] for r in overriding] == [first.reference]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_range_over_90_days_is_refused(spec, fmt):
    errors = spec.requests(fmt, start_date="2026-01-01T00:00:00Z",
                           end_date="2026-06-01T00:00:00Z")
    assert spec.last.status_code == 400 and "90 days" in errors[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_campus_places_are_listed_for_address_id(client, lobby, fmt):
    body = client.get(f"/open311/v2/locations.{fmt}").get_data(as_text=True)
    assert "Main Hospital Lobby" in body and str(lobby.id) in body


def test_an_unpublished_service_takes_no_requests_and_shows_none(spec, api_key, lobby,
                                                                  make_user):
    from app.services import open311

    report = filed(spec, api_key(), lobby)
    open311.set_published(set(open311.SERVICES) - {PACKAGE}, make_user(roles=("admin",)))
    assert PACKAGE not in {s["service_code"] for s in spec.services("json")}
    spec.request(report.reference, "json")
    assert spec.last.status_code == 404
    spec.post("json", **package_params(api_key("Another"), lobby))
    assert spec.last.status_code == 404


@pytest.mark.usefixtures("live_config")
def test_the_live_board_stream_carries_a_request_filed_through_the_api(
        spec, api_key, lobby, login_as, db):
    from app.services import events
    from tests.fixtures.live import read_sse, ticket_events

    desk = login_as("dispatcher")
    db.session.commit()
    since = events.newest_cursor().token()
    db.session.commit()
    report = filed(spec, api_key(), lobby)
    stream = desk.get(f"/live/board?since={since}", buffered=False)
    got = ticket_events(read_sse(stream, until=lambda e: ticket_events(e)))
    assert got and got[0].data["reference"] == report.reference
    assert got[0].data["priority"] == 1
