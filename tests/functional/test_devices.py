"""The ALERT registry as members and staff use it."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image
from sqlalchemy import func, select

from app.models.audit import AuditEvent
from app.models.devices import (
    LOCKED,
    RECOVERED,
    REQUESTED,
    STOLEN,
    Device,
    LockdownRequest,
    RegistryNotice,
)
from app.models.outbox import OutboxMessage
from app.models.reports import IncidentReport
from app.services import dispatch
from tests.helpers import soup


def errors(response) -> str:
    summary = soup(response).select_one(".error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


FORM = {
    "device_type": "laptop",
    "make": "Dell",
    "model": "Latitude 7440",
    "serial": "ab-12 cd-34",
    "department": "Cardiology",
    "room": "4B-210",
}


def test_member_registers_a_device_and_sees_it_under_my_devices(login_as, db):
    member = login_as(None)
    response = member.post("/devices/register", data=FORM)
    assert response.status_code == 302
    device = db.session.scalar(select(Device))
    assert (device.serial_normalised, device.owner_id) == ("AB12CD34", member.user.id)
    page = soup(member.get("/devices/mine"))
    assert "Dell Latitude 7440" in page.get_text()
    assert "Not locked" in page.get_text()
    card = soup(member.get(f"/devices/{device.id}/card"))
    assert device.registration_number in card.get_text()


def test_same_serial_written_differently_is_registered_once_and_dispatch_is_told(login_as, db):
    first, second = login_as(None), login_as(None)
    first.post("/devices/register", data=FORM)
    response = second.post("/devices/register", data=FORM | {"serial": "AB12-CD34"})
    text = errors(response)
    assert "already registered" in text
    assert first.user.name not in response.get_data(as_text=True)
    assert first.user.email not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Device.id))) == 1
    notice = db.session.scalar(select(RegistryNotice))
    assert notice.contact_email == second.user.email and notice.requester_id is None


def test_registering_your_own_device_twice_says_so(login_as, db):
    member = login_as(None)
    member.post("/devices/register", data=FORM)
    assert "already registered this device" in errors(member.post("/devices/register", data=FORM))
    assert db.session.scalar(select(func.count(RegistryNotice.id))) == 0


def test_serial_label_photo_is_checked_stored_and_served_to_staff_only(login_as, db, app):
    member = login_as(None)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    response = member.post(
        "/devices/register",
        data=FORM | {"photo": (io.BytesIO(buffer.getvalue()), "label.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    device = db.session.scalar(select(Device))
    assert device.photo_name and "/static/" not in device.photo_name
    assert member.get(f"/devices/staff/{device.id}/photo").status_code == 403
    staff = login_as("dispatcher").get(f"/devices/staff/{device.id}/photo")
    assert staff.status_code == 200 and staff.headers["Cache-Control"].startswith("no-store")


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(login_as, db):
    member = login_as(None)
    response = member.post(
        "/devices/register",
        data=FORM | {"photo": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "label.jpg")},
        content_type="multipart/form-data",
    )
    assert errors(response)
    assert db.session.scalar(select(func.count(Device.id))) == 0


def test_lockdown_request_becomes_a_p3_ticket_and_the_officer_records_the_lock(
    login_as, db, make_device, make_user
):
    member = login_as(None)
    device = make_device(owner=member.user)
    member.post("/devices/lockdown", data={"devices": [device.id], "preferred_times": "Tue 9-11"})
    ticket = db.session.scalar(select(LockdownRequest))
    assert ticket.priority == 3 and ticket.requester_id == member.user.id
    assert db.session.get(Device, device.id).state == REQUESTED
    officer = login_as("officer")
    # Only the officer the ticket is assigned to may record its lock.
    dispatch.assign(ticket.id, make_user(roles=("dispatcher",)), None, officer.user)
    officer.post(
        f"/devices/lockdowns/{ticket.id}/lock",
        data={"device_id": device.id, "lock_id": "L-5531", "locked_on": date.today().isoformat()},
    )
    device = db.session.get(Device, device.id)
    assert (device.state, device.lock_id) == (LOCKED, "L-5531")
    assert "Locked down on" in soup(member.get("/devices/mine")).get_text()


def test_a_lock_for_a_device_outside_the_request_is_refused(login_as, db, make_device):
    member = login_as(None)
    mine, other = make_device(owner=member.user), make_device()
    member.post("/devices/lockdown", data={"devices": [mine.id], "preferred_times": "any"})
    ticket = db.session.scalar(select(LockdownRequest))
    login_as("officer").post(
        f"/devices/lockdowns/{ticket.id}/lock",
        data={"device_id": other.id, "lock_id": "L-1", "locked_on": date.today().isoformat()},
    )
    assert db.session.get(Device, other.id).state != LOCKED


def test_stolen_report_creates_a_linked_theft_ticket_and_recovery_tells_the_owner(
    login_as, db, make_device
):
    member = login_as(None)
    device = make_device(owner=member.user, serial="XK-99-1234")
    member.post(
        f"/devices/{device.id}/stolen",
        data={
            "last_seen_at": "2026-11-24T08:30",
            "where": "Cafeteria",
            "description": "On a table",
        },
    )
    device = db.session.get(Device, device.id)
    theft = db.session.scalar(select(IncidentReport))
    assert device.state == STOLEN and device.theft_ticket_id == theft.id
    assert (theft.category, theft.priority, theft.requester_id) == ("theft", 2, member.user.id)

    officer = login_as("officer")
    found = soup(officer.get("/devices/lookup?q=99 12"))
    assert "REPORTED STOLEN" in found.get_text()
    officer.post(f"/devices/staff/{device.id}/recovered", data={"note": "Found in Garage B"})
    assert db.session.get(Device, device.id).state == RECOVERED
    mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == member.user.email)
    )
    assert "has been recovered" in mail.subject
    assert "recovered" in " ".join(
        e.body or "" for e in db.session.get(IncidentReport, theft.id).events
    )


def test_every_lookup_is_audited(login_as, db, make_device):
    make_device(serial="QQ-111-222")
    login_as("dispatcher").get("/devices/lookup?q=111")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "device.lookup"))
    assert "query=111" in event.detail


def test_lookup_by_asset_tag_and_a_too_short_query(login_as, db, make_device):
    make_device(asset_tag="HSP-004211")
    officer = login_as("officer")
    assert "1 device found" in soup(officer.get("/devices/lookup?q=hsp004211")).get_text()
    assert "at least 3" in soup(officer.get("/devices/lookup?q=a-")).get_text()


def test_someone_elses_device_is_refused_in_every_owner_url_and_audited(login_as, db, make_device):
    device = make_device()
    intruder = login_as(None)
    for path in (
        f"/devices/{device.id}/edit",
        f"/devices/{device.id}/retire",
        f"/devices/{device.id}/card",
        f"/devices/{device.id}/stolen",
    ):
        assert intruder.get(path).status_code == 404
        assert intruder.post(path, data=FORM).status_code in (404, 405)
    assert db.session.get(Device, device.id).retired_at is None
    denied = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "device.denied")
    )
    assert denied >= 4


def test_retiring_frees_the_serial_for_its_next_owner(login_as, db):
    first, second = login_as(None), login_as(None)
    first.post("/devices/register", data=FORM)
    device = db.session.scalar(select(Device))
    first.post(f"/devices/{device.id}/retire")
    assert second.post("/devices/register", data=FORM).status_code == 302


def test_hostile_text_gets_messages_and_writes_nothing(login_as, db):
    member = login_as(None)
    cases = [
        FORM | {"serial": ""},
        FORM | {"serial": "x" * 500},
        FORM | {"serial": "AB\x0012"},
        FORM | {"make": "Dell\nInjected: header"},
        FORM | {"device_type": "toaster"},
        FORM | {"location_id": "99999"},
        FORM | {"location_id": "abc"},
        FORM | {"department": "x" * 121},
        FORM | {"model": "Lat\u202eitude"},
        FORM | {"serial": "1' OR '1'='1"},
    ]
    for data in cases:
        response = member.post("/devices/register", data=data)
        assert response.status_code == 200, data
        assert errors(response), data
    assert db.session.scalar(select(func.count(Device.id))) == 0


def test_script_in_a_field_is_kept_as_text_and_shown_escaped(login_as, db):
    member = login_as(None)
    member.post("/devices/register", data=FORM | {"make": "<script>alert(1)</script>"})
    html = member.get("/devices/mine").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_alert_page_shows_live_figures(client, db, make_device):
    make_device()
    page = soup(client.get("/devices/"))
    assert page.h1.get_text().startswith("ALERT")
    assert page.select(".figure")[0].get_text() == "1"


def test_admin_report_has_table_chart_and_safe_csv(login_as, db, make_device):
    make_device(department='=HYPERLINK("http://evil")')
    admin = login_as("admin")
    page = soup(admin.get("/devices/report"))
    assert page.find("img", src="/devices/report.svg")
    svg = admin.get("/devices/report.svg")
    assert svg.mimetype == "image/svg+xml" and b"<rect" in svg.data
    csv_text = admin.get("/devices/report.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text
    assert login_as("dispatcher").get("/devices/report").status_code == 403
