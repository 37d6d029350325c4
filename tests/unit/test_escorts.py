"""Escort rules: priority, time zones, requests, and recurring occurrences."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.core import timezones
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.escorts import EscortRequest, RecurringEscort
from app.models.locations import Location
from app.models.outbox import OutboxMessage
from app.services import escorts
from app.services.escorts import Place
from tests.helpers import run_threads

NEW_YORK = ZoneInfo("America/New_York")


def test_priority_is_p2_now_and_p3_scheduled():
    assert escorts.default_priority(scheduled=False) == 2
    assert escorts.default_priority(scheduled=True) == 3


def test_local_time_becomes_naive_utc_in_winter_and_summer():
    winter = timezones.combine(date(2026, 1, 15), time(23, 15), NEW_YORK)
    summer = timezones.combine(date(2026, 7, 15), time(23, 15), NEW_YORK)
    assert winter == datetime(2026, 1, 16, 4, 15) and summer == datetime(2026, 7, 16, 3, 15)
    assert timezones.to_local(datetime(2026, 7, 16, 3, 15), NEW_YORK).time() == time(23, 15)


def test_dst_gap_time_still_converts():
    # 02:30 does not exist on 8 March 2026 in New York; it must not crash.
    moment = timezones.combine(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert isinstance(moment, datetime) and moment.tzinfo is None


def test_request_now_is_p2_with_summary_and_from_location(db, campus, make_escort):
    opened = make_escort(email="pat@example.org")
    ticket = opened.ticket
    assert ticket.reference.startswith("ESC-") and opened.token
    assert ticket.priority == 2 and not ticket.scheduled and ticket.requested_for is None
    assert ticket.summary == "Escort from Garage A, Level 3 to Medical Center Light Rail Station"
    assert ticket.location_id == campus["garage"].id
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to_address == "pat@example.org"
    assert f"/track/{ticket.reference}/{opened.token}" in mail.text_body


def test_scheduled_request_is_p3(db, make_escort):
    later = utcnow() + timedelta(hours=3)
    ticket = make_escort(requested_for=later).ticket
    assert ticket.priority == 3 and ticket.scheduled and ticket.requested_for == later


def test_no_email_no_mail(db, make_escort):
    make_escort()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_other_place_goes_to_location_detail(db, campus, make_escort):
    ticket = make_escort(origin=Place(other="Bench by the fountain")).ticket
    assert ticket.location_id is None and ticket.location_detail == "Bench by the fountain"
    assert ticket.summary.startswith("Escort from Bench by the fountain to ")


@pytest.mark.parametrize("places", [
    ("garage", "garage"), ("retired", "rail"), (987654, "rail"),
])
def test_service_refuses_bad_places_and_writes_nothing(db, campus, make_escort, places):
    ids = [campus[p].id if isinstance(p, str) else p for p in places]
    with pytest.raises(escorts.EscortError):
        make_escort(origin=Place(ids[0]), destination=Place(ids[1]))
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_a_unit_inside_a_retired_building_is_refused(db, campus, make_escort):
    """Retiring a building retires what it holds: the form stops offering its units, and
    the service refuses them too (a recurring escort made before, a script)."""
    campus["lobby"].active = False
    unit = Location(name="2 West", kind="unit", parent=campus["lobby"])
    db.session.add(unit)
    db.session.commit()
    with pytest.raises(escorts.EscortError, match="Choose a start place"):
        make_escort(origin=Place(unit.id))
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 0


def test_the_requesters_mail_names_both_places(db, campus, make_escort):
    make_escort(email="pat@example.org")
    mail = db.session.scalar(select(OutboxMessage))
    assert "Garage A, Level 3" in mail.text_body
    assert "Medical Center Light Rail Station" in mail.text_body


def test_service_refuses_times_in_the_past_or_too_far(db, make_escort):
    with pytest.raises(escorts.EscortError):
        make_escort(requested_for=utcnow() - timedelta(hours=1))
    with pytest.raises(escorts.EscortError):
        make_escort(requested_for=utcnow() + timedelta(days=40))
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 0


def test_same_submission_key_makes_one_ticket(db, make_escort):
    first = make_escort(submission_key="abc123")
    second = make_escort(submission_key="abc123")
    assert second.duplicate and second.ticket.id == first.ticket.id
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 1


# --- recurring escorts -------------------------------------------------------------------

@pytest.fixture()
def recurring(db, campus, make_user):
    owner = make_user(email="night@example.org")
    return escorts.create_recurring(owner, escorts.RecurringDetails(
        origin=Place(campus["garage"].id), destination=Place(campus["rail"].id),
        time_of_day=time(23, 15), weekdays={0, 1, 2, 3, 4}, start_date=date(2026, 1, 1),
        end_date=None, party_size=1, needs=None, phone="555 010 9999"))


def _utc(day: date, at: time) -> datetime:
    return timezones.combine(day, at, NEW_YORK)


def _count(db) -> int:
    return db.session.scalar(select(func.count(EscortRequest.id)))


def test_occurrence_is_not_made_before_the_lead_time(app, db, recurring):
    monday = date(2026, 11, 23)
    assert escorts.materialise_due_escorts(now=_utc(monday, time(22, 30))) == 0
    assert _count(db) == 0


def test_occurrence_becomes_one_scheduled_ticket_and_is_idempotent(app, db, recurring):
    monday = date(2026, 11, 23)
    now = _utc(monday, time(23, 0))  # 15 minutes before; the lead is 20
    assert escorts.materialise_due_escorts(now=now) == 1
    assert escorts.materialise_due_escorts(now=now) == 0
    assert escorts.materialise_due_escorts(now=now + timedelta(minutes=5)) == 0
    ticket = db.session.scalar(select(EscortRequest))
    assert _count(db) == 1
    assert ticket.requested_for == _utc(monday, time(23, 15)) and ticket.scheduled
    assert ticket.occurrence_date == monday and ticket.requester_id == recurring.owner_id
    assert ticket.contact_phone == "555 010 9999" and ticket.priority == 3
    db.session.refresh(recurring)
    assert recurring.last_materialised_on == monday


def test_no_occurrence_on_weekends_or_skipped_days(app, db, recurring):
    saturday = date(2026, 11, 28)
    assert escorts.materialise_due_escorts(now=_utc(saturday, time(23, 0))) == 0
    tuesday = date(2026, 11, 24)
    db.session.add(recurring)
    with_skip = escorts.RecurringEscortSkip(recurring_id=recurring.id, skip_date=tuesday)
    db.session.add(with_skip)
    db.session.commit()
    assert escorts.materialise_due_escorts(now=_utc(tuesday, time(23, 0))) == 0


def test_a_stale_occurrence_is_not_dispatched(app, db, recurring):
    monday = date(2026, 11, 23)
    assert escorts.materialise_due_escorts(now=_utc(monday, time(23, 15)) + timedelta(hours=2)) == 0


def test_cancelled_recurring_makes_no_more_tickets(app, db, recurring):
    escorts.cancel_recurring(recurring.owner, recurring.id)
    assert escorts.materialise_due_escorts(now=_utc(date(2026, 11, 23), time(23, 0))) == 0


def test_unique_key_refuses_a_second_ticket_for_one_occurrence(app, db, recurring):
    monday = date(2026, 11, 23)
    at = _utc(monday, time(23, 15))
    assert escorts.materialise_occurrence(recurring.id, monday, at) is not None
    db.session.execute(
        RecurringEscort.__table__.update().values(last_materialised_on=None))
    db.session.commit()
    again = escorts.materialise_occurrence(recurring.id, monday, at)
    assert again.duplicate and _count(db) == 1


def test_database_refuses_two_tickets_for_one_occurrence(app, db, recurring):
    from sqlalchemy.exc import IntegrityError

    monday = date(2026, 11, 23)
    escorts.materialise_occurrence(recurring.id, monday, _utc(monday, time(23, 15)))
    copy = EscortRequest(reference="ESC-COPY22", access_token_hash="x" * 64, summary="copy",
                         recurring_id=recurring.id, occurrence_date=monday)
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _count(db) == 1


def test_two_workers_at_once_make_one_ticket(app, db, recurring):
    monday = date(2026, 11, 23)
    now = _utc(monday, time(23, 0))
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                results.append(escorts.materialise_due_escorts(now=now))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                from app.extensions import db as _db
                _db.session.remove()

    run_threads(worker, [()] * 2, timeout=30)
    assert errors == [] and sorted(results) == [0, 1]
    assert _count(db) == 1


def test_skip_and_cancel_only_for_the_owner(app, db, recurring, make_user):
    stranger = make_user()
    assert escorts.recurring_of(stranger, recurring.id) is None
    with pytest.raises(escorts.EscortError):
        escorts.cancel_recurring(stranger, recurring.id)
    with pytest.raises(escorts.EscortError):
        escorts.skip_occurrence(stranger, recurring.id, date.today() + timedelta(days=7))


def test_skip_refuses_a_day_without_an_occurrence(app, db, recurring):
    today = timezones.to_local(utcnow(), NEW_YORK).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    with pytest.raises(escorts.EscortError):
        escorts.skip_occurrence(recurring.owner, recurring.id, saturday)


def test_upcoming_lists_weekdays_only(recurring):
    dates = escorts.upcoming(recurring, date(2026, 11, 27), count=3)
    assert dates == [date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)]
