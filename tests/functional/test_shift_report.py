"""The shift report: one shift's tickets and marked notes, printable; signed off once, audited."""
from __future__ import annotations

import threading
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.core.timezones import combine
from app.models.audit import AuditEvent
from app.models.shifts import ShiftSignOff
from app.models.tickets import ON_SCENE, TicketEvent
from app.services import dispatch, shifts
from tests.helpers import run_threads, text

NIGHT = {"day": "2026-11-18", "shift": "night"}  # 19:00 on the 18th to 07:00 on the 19th


def at(day: int, hour: int, minute: int = 0):
    return combine(date(2026, 11, day), time(hour, minute))


@pytest.fixture()
def received(db, make_ticket):
    def make(created, **fields):
        ticket = make_ticket(**fields)
        ticket.created_at = created
        db.session.commit()
        return ticket

    return make


def test_the_night_shift_lists_its_tickets_and_marked_notes_only(supervisor, received, db,
                                                                 make_user):
    dispatcher = make_user(roles=("dispatcher",))
    inside = received(at(18, 22), summary="Night escort", priority=2)
    late = received(at(19, 6, 59), summary="Dawn check")
    received(at(18, 18, 59), summary="Day shift one")
    received(at(19, 7), summary="Next day shift")
    received(at(18, 23), summary="Secret", confidential=True)
    dispatch.add_note(inside.id, dispatcher, "Patrol the garage at 2am", for_shift_report=True)
    dispatch.add_note(inside.id, dispatcher, "Called the ward", for_shift_report=False)
    page = supervisor.get("dashboard.shift_report", _query_string=NIGHT)
    rows = [row.th.get_text(strip=True) for row in page.select("table.shift-report tbody tr")
            if row.th]
    assert rows == [inside.reference, late.reference]
    assert "Patrol the garage at 2am" in text(page)
    assert "Called the ward" not in text(page)
    assert "Secret" not in text(page)
    assert "Night shift of Wed 18 Nov 2026" in text(page)
    assert "Not signed off yet." in text(page)


def test_a_supervisor_signs_off_once_and_it_is_audited(supervisor, received, db):
    received(at(18, 22))
    page = supervisor.get("dashboard.shift_report", _query_string=NIGHT)
    assert page.find("form", action="/dashboard/shift-report/2026-11-18/night/sign-off")
    supervisor.post("/dashboard/shift-report/2026-11-18/night/sign-off",
                    _data={"comment": "Quiet night"},
                    _expected_redirect="/dashboard/shift-report?day=2026-11-18&shift=night")
    signed = db.session.scalar(select(ShiftSignOff))
    assert (signed.shift_name, signed.tickets_count, signed.comment) == ("night", 1, "Quiet night")
    assert signed.signed_by_id == supervisor.user.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shift.sign_off"))
    assert (audit.object_id, audit.actor_id, audit.detail) == ("2026-11-18-night",
                                                          supervisor.user.id, "tickets=1")
    page = supervisor.get("dashboard.shift_report", _query_string=NIGHT)
    assert "Signed off by" in text(page) and "Quiet night" in text(page)
    again = supervisor.post("/dashboard/shift-report/2026-11-18/night/sign-off",
                            _data={}, _expected_status=400)
    assert "already signed off" in text(again)
    assert len(db.session.scalars(select(ShiftSignOff)).all()) == 1


def test_a_shift_still_running_cannot_be_signed_off(supervisor, db):
    running = shifts.current_shift()
    url = f"/dashboard/shift-report/{running.day.isoformat()}/{running.name}/sign-off"
    page = supervisor.get("dashboard.shift_report",
                          _query_string={"day": running.day.isoformat(), "shift": running.name})
    assert page.find("form", action=url) is None
    with pytest.raises(shifts.ShiftError, match="has not ended yet"):
        shifts.sign_off(running, supervisor.user, None)
    assert db.session.scalar(select(ShiftSignOff)) is None


def test_the_default_is_the_last_shift_that_ended(supervisor):
    running = shifts.current_shift()
    last = shifts.current_shift(running.start - timedelta(seconds=1))
    page = supervisor.get("dashboard.shift_report")
    assert last.label in text(page)


def test_an_admin_reads_the_report_but_does_not_sign(client_request):
    client_request.login("admin")
    page = client_request.get("dashboard.shift_report", _query_string=NIGHT)
    assert page.find("form", action="/dashboard/shift-report/2026-11-18/night/sign-off") is None
    client_request.post_response("/dashboard/shift-report/2026-11-18/night/sign-off",
                                 _expected_status=403)


@pytest.mark.parametrize("url", ["/dashboard/shift-report/2026-13-01/night/sign-off",
                                 "/dashboard/shift-report/9999-01-01/night/sign-off",
                                 "/dashboard/shift-report/2026-11-18/brunch/sign-off"])
def test_a_forged_shift_is_404(supervisor, url):
    supervisor.post_response(url, _expected_status=404)


@pytest.mark.parametrize("query", [{"day": "2026-02-30", "shift": "night"},
                                   {"day": "2026-11-18", "shift": "brunch"},
                                   {"day": "", "shift": "night"}])
def test_a_bad_shift_choice_is_explained(supervisor, query):
    page = supervisor.get("dashboard.shift_report", _query_string=query, _expected_status=400)
    assert page.select(".error-summary, .govuk-error-summary, [role=alert]")


def test_moving_on_scene_records_the_arrival_once(db, make_ticket, make_user):
    dispatcher = make_user(roles=("dispatcher",))
    officer = make_user(roles=("officer",))
    ticket = make_ticket(status="en_route", officer=officer)
    dispatch.move(ticket.id, dispatcher, status=ON_SCENE, note=None, eta_minutes=None,
                  version=ticket.version, seen_events=None)
    db.session.expire_all()
    arrived = db.session.get(type(ticket), ticket.id).on_scene_at
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.to_status == ON_SCENE))
    assert arrived == event.created_at or abs((arrived - event.created_at).total_seconds()) < 1


def test_two_supervisors_signing_at_once_make_one_sign_off(db, login_as, received):
    received(at(18, 22))
    clients = [login_as("supervisor"), login_as("supervisor")]
    barrier = threading.Barrier(2)
    codes = []

    def sign(client):
        barrier.wait(timeout=30)
        codes.append(client.post("/dashboard/shift-report/2026-11-18/night/sign-off",
                                 data={"comment": "Mine"}).status_code)

    run_threads(sign, [(c,) for c in clients])
    assert sorted(codes) == [302, 400]
    db.session.expire_all()
    assert len(db.session.scalars(select(ShiftSignOff)).all()) == 1
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "shift.sign_off")).all()) == 1


def test_a_comment_too_long_is_refused_and_nothing_is_signed(supervisor, db):
    page = supervisor.post("/dashboard/shift-report/2026-11-18/night/sign-off",
                           _data={"comment": "x" * 1001}, _expected_status=400)
    assert "Keep the comment under 1000 characters." in text(page)
    assert db.session.scalar(select(ShiftSignOff)) is None


def test_a_dispatcher_marks_a_note_for_the_shift_report(client_request, make_ticket, db):
    client_request.login("dispatcher")
    ticket = make_ticket()
    url = f"/dispatch/tickets/{ticket.id}"
    page = client_request.get(url)
    box = page.find("input", {"name": "note-for_shift_report"})
    assert page.find("label", attrs={"for": box["id"]}).get_text(strip=True) == (
        "Put this note on the shift report")
    for body, marked in (("For the report", "y"), ("Not for it", None)):
        data = {"note-version": page.find("input", {"name": "note-version"})["value"],
                "note-body": body, **({"note-for_shift_report": marked} if marked else {})}
        client_request.post_response(f"{url}/note", _data=data, _expected_status=302)
    notes = dict(db.session.execute(select(TicketEvent.body, TicketEvent.for_shift_report)
                                    .where(TicketEvent.kind == "note")).all())
    assert notes == {"For the report": True, "Not for it": False}
