"""Line breaks never reach a mail header: every field that becomes part of a subject line
is refused on its form with a message, and the outbox strips or refuses what still gets
through (rows saved before the check, other callers)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.apb import NewsletterIssue
from app.models.devices import Device
from app.models.escorts import EscortRequest
from app.models.seminars import Seminar
from app.services import apb, outbox
from app.services.outbox import deliver_due
from tests.helpers import soup

INJECTED = "Parking update\r\nBcc: everyone@evil.example"


def errors(response) -> str:
    summary = soup(response).select_one(".error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("title", [INJECTED, "A\nB", "A\rB"])
def test_an_apb_title_with_a_line_break_is_refused_on_the_form(login_as, db, title):
    editor = login_as("editor")
    response = editor.post("/apb/manage/new", data={
        "title": title, "summary": "S", "body": "B", "action": "save"})
    assert "one line" in errors(response)
    assert count(db, NewsletterIssue) == 0


def test_editing_an_apb_title_to_two_lines_is_refused(login_as, db, make_issue):
    issue = make_issue(title="Fine", status="draft", fanned_out=False)
    response = login_as("editor").post(f"/apb/manage/{issue.id}/edit", data={
        "title": INJECTED, "summary": "S", "body": "B", "action": "save",
        "version": issue.version})
    assert "one line" in errors(response)
    db.session.expire_all()
    assert db.session.get(NewsletterIssue, issue.id).title == "Fine"


def test_a_seminar_title_with_a_line_break_is_refused(login_as, db):
    response = login_as("trainer").post("/seminars/manage/seminars/new", data={
        "title": INJECTED, "description": "Calm words.", "topic": "de-escalation",
        "audience": "public", "duration_minutes": "90", "active": "y"})
    assert "one line" in errors(response)
    assert count(db, Seminar) == 0


def test_a_message_subject_to_registrants_with_a_line_break_is_refused(login_as, db,
                                                                      make_session):
    session = make_session()
    response = login_as("trainer").post(f"/seminars/manage/sessions/{session.id}/message",
                                        data={"subject": INJECTED, "body": "Hello"})
    assert "one line" in errors(response)


def test_a_device_make_with_a_line_break_is_refused(login_as, db):
    response = login_as(None).post("/devices/register", data={
        "device_type": "laptop", "make": "Dell\r\nBcc: x@evil.example", "model": "Latitude",
        "serial": "AB-12-CD-34", "department": "Cardiology"})
    assert "one line" in errors(response)
    assert count(db, Device) == 0


def test_an_escort_name_with_a_line_break_is_refused(client, db, campus):
    response = client.post("/escorts/", data={
        "from_place": str(campus["garage"].id), "to_place": str(campus["rail"].id),
        "when": "now", "party_size": "1", "phone": "(555) 010-1234",
        "name": "Pat\r\nBcc: x@evil.example", "email": "pat@example.org"})
    assert "one line" in errors(response)
    assert count(db, EscortRequest) == 0


def test_an_issue_saved_with_a_line_break_still_reaches_every_subscriber(
    app, db, make_issue, make_subscriber, smtp_server
):
    readers = [make_subscriber() for _ in range(3)]
    make_issue(title=INJECTED, fanned_out=False)
    apb.fanout()
    for _ in range(5):
        deliver_due("test-worker", 50)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(r.email for r in readers)
    for message in smtp_server.messages:
        assert message["Subject"] == "APB: Parking update Bcc: everyone@evil.example"
        assert message["Bcc"] is None
    assert all(rcpts == [to] for (_, rcpts), to in zip(
        smtp_server.envelopes, [m["To"] for m in smtp_server.messages], strict=True))


@pytest.mark.parametrize("address", ["a@example.org\r\nBcc: b@evil.example",
                                     "a@example.org\nb@evil.example", "a@example.org, b@e.x"])
def test_the_outbox_refuses_a_recipient_that_is_not_one_address(app, db, address):
    with pytest.raises(outbox.OutboxError):
        outbox.enqueue(address, "apb_confirm", "Confirm", confirm_url="x")
