"""The dispatch queue queries: order, filters, search, clocks, business days, history, CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.csv_export import csv_safe
from app.core.timezones import local_today
from app.models.tickets import ASSIGNED, NEW, RESOLVED
from app.services import queue
from app.services.queue import HistoryFilters, QueueFilters

NY = ZoneInfo("America/New_York")


def refs(page):
    return [t.reference for t in page.tickets]


def test_p1_first_then_oldest_and_no_closed_or_confidential(db, make_ticket):
    old_p3 = make_ticket(priority=3, age_minutes=300)
    new_p1 = make_ticket(priority=1, age_minutes=1)
    old_p1 = make_ticket(priority=1, age_minutes=20)
    p2 = make_ticket(priority=2, age_minutes=50)
    make_ticket(priority=1, status=RESOLVED, age_minutes=90)
    make_ticket(priority=1, confidential=True, age_minutes=90)
    page = queue.open_queue()
    assert refs(page) == [old_p1.reference, new_p1.reference, p2.reference, old_p3.reference]
    assert page.total_open == 4


def test_filters(db, make_ticket, make_user, make_location):
    officer = make_user(roles=("officer",))
    garage = make_location("Garage C", kind="garage")
    assigned = make_ticket(status=ASSIGNED, officer=officer)
    at_garage = make_ticket(location_id=garage.id)
    p1 = make_ticket(priority=1)
    assert refs(queue.open_queue(QueueFilters(officer_id=officer.id))) == [assigned.reference]
    assert assigned.reference not in refs(queue.open_queue(QueueFilters(officer_id=0)))
    assert refs(queue.open_queue(QueueFilters(location_id=garage.id))) == [at_garage.reference]
    assert refs(queue.open_queue(QueueFilters(priority=1))) == [p1.reference]
    assert refs(queue.open_queue(QueueFilters(status=ASSIGNED))) == [assigned.reference]
    assert len(queue.open_queue(QueueFilters(kind="escort")).tickets) == 3
    assert queue.open_queue(QueueFilters(kind="lockdown")).tickets == []


def test_search_by_reference_summary_place_and_name(db, make_ticket):
    a = make_ticket(summary="Escort to the blue garage")
    b = make_ticket(location_detail="Level 3 near the lifts", contact_name="Ada Lovelace")
    make_ticket(summary="Something else")
    assert refs(queue.open_queue(QueueFilters(q=a.reference.lower()))) == [a.reference]
    assert refs(queue.open_queue(QueueFilters(q="BLUE garage"))) == [a.reference]
    assert refs(queue.open_queue(QueueFilters(q="lifts"))) == [b.reference]
    assert refs(queue.open_queue(QueueFilters(q="lovelace"))) == [b.reference]
    assert queue.open_queue(QueueFilters(q="%")).tickets == []
    assert queue.open_queue(QueueFilters(q="_")).tickets == []


def test_ack_clock_and_overdue_counts(app, db, make_ticket):
    fresh_p1 = make_ticket(priority=1, age_minutes=1)
    late_p1 = make_ticket(priority=1, age_minutes=3)
    late_p2 = make_ticket(priority=2, age_minutes=6)
    acked_p1 = make_ticket(priority=1, age_minutes=30, status="acknowledged")
    page = queue.open_queue()
    clocks = page.clocks
    assert not clocks[fresh_p1.id].overdue and "left" in clocks[fresh_p1.id].label
    assert clocks[late_p1.id].overdue and clocks[late_p1.id].label.startswith("Overdue by")
    assert clocks[late_p2.id].overdue
    assert clocks[acked_p1.id].acknowledged and "in time" in clocks[acked_p1.id].label
    assert (page.total_open, page.total_overdue) == (4, 2)
    only_overdue = queue.open_queue(QueueFilters(overdue=True))
    assert set(refs(only_overdue)) == {late_p1.reference, late_p2.reference}


def test_targets_are_configurable(app, db, make_ticket):
    ticket = make_ticket(priority=1, age_minutes=3)
    targets = app.config["ACK_TARGET_SECONDS"]
    app.config["ACK_TARGET_SECONDS"] = {**targets, 1: 600}
    try:
        assert not queue.ack_clock(ticket).overdue
        assert queue.queue_counts()[1] == 0
    finally:
        app.config["ACK_TARGET_SECONDS"] = targets


def utc(year, month, day, hour, minute=0):
    local = datetime(year, month, day, hour, minute, tzinfo=NY)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@pytest.mark.parametrize(("start", "expected"), [
    (utc(2026, 11, 25, 10), utc(2026, 11, 26, 10)),   # Wednesday -> Thursday
    (utc(2026, 11, 27, 16), utc(2026, 11, 30, 16)),   # Friday -> Monday
    (utc(2026, 11, 28, 9), utc(2026, 12, 1, 0)),      # Saturday -> all of Monday
    (utc(2026, 3, 6, 12), utc(2026, 3, 9, 12)),       # Friday -> Monday across DST
])
def test_one_business_day(start, expected):
    assert queue.add_business_seconds(start, 24 * 3600, NY) == expected
    back = queue.subtract_business_seconds(expected, 24 * 3600, NY)
    assert queue.add_business_seconds(back, 24 * 3600, NY) == expected


def test_p3_waits_over_the_weekend(app, db, make_ticket):
    ticket = make_ticket(priority=3)
    ticket.created_at = utc(2026, 11, 27, 16)
    deadline = queue.ack_deadline("escort", 3, ticket.created_at)
    assert deadline == utc(2026, 11, 30, 16)
    assert not queue.ack_clock(ticket, now=utc(2026, 11, 29, 12)).overdue
    assert queue.ack_clock(ticket, now=utc(2026, 11, 30, 17)).overdue


def test_duration_words():
    assert [queue.duration(s) for s in (5, 65, 3700, 90000)] == ["5s", "1m 05s", "1h 01m",
                                                                 "1d 1h"]


def test_history_date_range_and_search(app, db, make_ticket):
    recent = make_ticket(status=RESOLVED, closed_minutes_ago=60, summary="Walked to garage")
    older = make_ticket(status=RESOLVED, closed_minutes_ago=60 * 24 * 10, age_minutes=60 * 24 * 11)
    make_ticket(status=RESOLVED, confidential=True)
    make_ticket(status=NEW)
    today = local_today()
    tickets, total = queue.closed_history(HistoryFilters(today - timedelta(days=2), today))
    assert [t.reference for t in tickets] == [recent.reference] and total == 1
    tickets, total = queue.closed_history(HistoryFilters(today - timedelta(days=30), today))
    assert [t.reference for t in tickets] == [recent.reference, older.reference]
    tickets, _ = queue.closed_history(HistoryFilters(q="garage"))
    assert [t.reference for t in tickets] == [recent.reference]


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), (None, ""), (42, "42"),
])
def test_csv_cells_cannot_be_formulas(value, expected):
    assert csv_safe(value) == expected


def test_csv_export_streams_closed_tickets(app, db, make_ticket):
    make_ticket(status=RESOLVED, summary="=cmd|' /C calc'!A0", outcome="completed")
    make_ticket(status=NEW)
    text = "".join(queue.history_csv(HistoryFilters()))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert rows[1][8] == "'=cmd|' /C calc'!A0"
    assert rows[1][4] == "Completed"
