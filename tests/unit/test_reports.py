"""Incident reports: the priority rule, the guidance order, and the report services."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.reports import CATEGORIES, GUIDANCE, IncidentReport, ReportPhoto, report_priority
from app.models.tickets import CANCELLED, RESOLVED
from app.services import dispatch, reports
from app.services.reports import ReportDetails, ReportError
from tests.fixtures.reports import image_bytes


@pytest.mark.parametrize(("category", "still", "expected"), [
    ("suspicious_package", False, 1), ("suspicious_substance", False, 1),
    ("hazardous_material", False, 1), ("suspicious_person", False, 2),
    ("unauthorized_person", False, 2), ("theft", False, 2), ("other", False, 2),
    ("suspicious_person", True, 1), ("theft", True, 1), ("suspicious_package", True, 1),
])
def test_priority_from_category_and_still_happening(category, still, expected):
    assert report_priority(category, still) == expected


def test_every_category_has_guidance_with_call_first_then_meanwhile():
    assert set(GUIDANCE) == set(CATEGORIES)
    for guidance in GUIDANCE.values():
        assert guidance.call_now and guidance.meanwhile and guidance.level


def test_package_guidance_in_order():
    steps = GUIDANCE["suspicious_package"].meanwhile
    assert "Do not touch, move or cover it" in steps[0]
    assert "keep other people away" in steps[1]
    assert "radio" in steps[2]


@pytest.mark.parametrize("category", ["suspicious_substance", "hazardous_material"])
def test_substance_guidance(category):
    text = " ".join(map(str, GUIDANCE[category].meanwhile))  # lazy strings: English here
    assert text.index("Leave the area") < text.index("Avoid contact") < text.index("Wash")


@pytest.mark.parametrize("category", ["suspicious_person", "unauthorized_person"])
def test_person_guidance(category):
    text = " ".join(map(str, GUIDANCE[category].meanwhile))  # lazy strings: English here
    assert "Do not confront" in text and "direction of travel" in text


def test_anonymous_report_keeps_no_contact_account_or_address(app, db, make_user):
    member = make_user()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        opened = reports.submit_report(ReportDetails(
            category="suspicious_person", description="Someone in a staff-only corridor.",
            location_detail="Ward 4", anonymous=True, contact_name="Jo", contact_email="jo@x.org",
            contact_phone="555"), member)
    report = db.session.get(IncidentReport, opened.ticket.id)
    assert report.anonymous and report.priority == 2
    assert (report.contact_name, report.contact_email, report.contact_phone) == (None,) * 3
    assert report.requester_id is None
    events = db.session.query(AuditEvent).all()
    assert events and all(e.ip_address is None for e in events)
    assert all(e.actor_id is None for e in events)


def test_named_report_keeps_contact_and_links_the_member(db, make_user):
    member = make_user()
    opened = reports.submit_report(ReportDetails(
        category="theft", description="Bike taken", location_detail="Rack", contact_name="Jo",
        contact_email="jo@example.org"), member)
    report = opened.ticket
    assert report.contact_name == "Jo" and report.requester_id == member.id
    mail = db.session.query(OutboxMessage).filter_by(to_address="jo@example.org").one()
    assert report.reference in mail.text_body and "/track/" in mail.text_body


def test_create_incident_composes_inside_another_use_case(db):
    from app.core.database import use_case

    @use_case
    def theft_from_device_registry():
        return reports.create_incident(ReportDetails(
            category="theft", description="Laptop reported stolen"), None)

    opened = theft_from_device_registry()
    assert db.session.get(IncidentReport, opened.ticket.id).reference.startswith("RPT-")


def test_same_submission_key_makes_one_report_and_no_orphan_photo(app, db):
    photo = reports.uploads.prepare(image_bytes())
    details = ReportDetails(category="other", description="x", location_detail="y",
                            submission_key="k" * 30)
    first = reports.submit_report(details, None, [photo])
    second = reports.submit_report(details, None, [photo])
    assert second.duplicate and second.ticket.id == first.ticket.id
    assert db.session.query(ReportPhoto).count() == 1
    from pathlib import Path
    stored = {p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir()}
    assert db.session.query(ReportPhoto).one().stored_name in stored


def test_failed_transaction_deletes_written_files(app, db, monkeypatch):
    from pathlib import Path

    before = set(Path(app.config["UPLOAD_DIR"]).glob("*"))
    photo = reports.uploads.prepare(image_bytes())

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(reports.tickets, "open_ticket", broken)
    with pytest.raises(RuntimeError):
        reports.submit_report(ReportDetails(category="other", description="x",
                                            location_detail="y"), None, [photo])
    assert set(Path(app.config["UPLOAD_DIR"]).glob("*")) == before
    assert db.session.query(IncidentReport).count() == 0


def test_service_refuses_bad_values(db):
    for details in (ReportDetails(category="nope", description="x"),
                    ReportDetails(category="other", description="   "),
                    ReportDetails(category="other", description="x",
                                  observed_at=utcnow() + timedelta(hours=1)),
                    ReportDetails(category="other", description="x", location_id=987654)):
        with pytest.raises(ReportError):
            reports.submit_report(details, None)
    assert db.session.query(IncidentReport).count() == 0


def test_add_photos_marks_unread_and_refuses_forged_token(db, make_report):
    report, token = make_report(anonymous=True)
    photo = reports.uploads.prepare(image_bytes())
    reports.add_photos(report.reference, token, [photo])
    report = db.session.get(IncidentReport, report.id)
    assert report.unread_by_staff and len(report.photos) == 1
    assert report.events[-1].kind == "message_in"
    with pytest.raises(ReportError):
        reports.add_photos(report.reference, token[:-2] + "xx", [photo])
    assert db.session.get(IncidentReport, report.id).photos.__len__() == 1


@pytest.mark.parametrize(("outcome", "status", "words"), [
    ("resolved", RESOLVED, "dealt with"),
    ("unfounded", RESOLVED, "nothing of concern"),
    ("referred", RESOLVED, "Referred to City Police Department."),
])
def test_close_with_outcome(db, make_user, make_report, outcome, status, words):
    staff = make_user(roles=("dispatcher",))
    report, _ = make_report()
    reports.close_report(report.id, staff, None, outcome, agency="City Police Department")
    report = db.session.get(IncidentReport, report.id)
    assert report.status == status and report.outcome == outcome
    assert words in report.outcome_in_words
    assert report.events[-1].kind == "outcome" and report.events[-1].visible_to_requester
    assert db.session.query(AuditEvent).filter_by(action="report.closed").count() == 1


def test_close_as_duplicate_links_the_other_ticket(db, make_user, make_report):
    staff = make_user(roles=("dispatcher",))
    first, _ = make_report()
    second, _ = make_report()
    reports.close_report(second.id, staff, None, "duplicate",
                         duplicate_reference=first.reference.lower())
    second = db.session.get(IncidentReport, second.id)
    assert second.status == CANCELLED and second.duplicate_of_id == first.id


@pytest.mark.parametrize(("outcome", "kwargs", "message"), [
    ("referred", {"agency": "  "}, "Name the agency"),
    ("duplicate", {"duplicate_reference": ""}, "Give the reference"),
    ("duplicate", {"duplicate_reference": "RPT-NOPE99"}, "There is no ticket"),
    ("bogus", {}, "Choose an outcome"),
])
def test_close_refusals_write_nothing(db, make_user, make_report, outcome, kwargs, message):
    staff = make_user(roles=("dispatcher",))
    report, _ = make_report()
    with pytest.raises(dispatch.DispatchError, match=message):
        reports.close_report(report.id, staff, None, outcome, **kwargs)
    report = db.session.get(IncidentReport, report.id)
    assert report.is_open and len(report.events) == 1


def test_close_as_duplicate_of_itself_is_refused(db, make_user, make_report):
    staff = make_user(roles=("dispatcher",))
    report, _ = make_report()
    with pytest.raises(dispatch.DispatchError, match="itself"):
        reports.close_report(report.id, staff, None, "duplicate",
                             duplicate_reference=report.reference)


def test_close_with_stale_version_is_a_conflict(db, make_user, make_report):
    staff = make_user(roles=("dispatcher",))
    report, _ = make_report()
    with pytest.raises(dispatch.TicketConflict):
        reports.close_report(report.id, staff, report.version + 5, "resolved")


def test_access_log_lines_for_report_pages_lose_the_client_address():
    import logging

    from app.blueprints.reports import NoReporterAddress

    def line(path):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s - - [%s] %s",
                                   ("203.0.113.9", "25/Nov/2026", f'"POST {path} HTTP/1.1" 303'),
                                   None)
        NoReporterAddress().filter(record)
        return record.getMessage()

    assert "203.0.113.9" not in line("/report/suspicious_package")
    assert line("/report/sent/RPT-ABC234").startswith("- - - [")
    assert "203.0.113.9" in line("/escorts/")
