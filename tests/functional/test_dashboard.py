"""The operations dashboard: its numbers equal numbers worked out by hand from seeded tickets.

The week seeded is Monday 16 to Sunday 22 November 2026 in the site's time zone; every time
below is a local wall-clock time turned into stored UTC with the app's own `combine`.
"""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta

import pytest

from app.core import cache
from app.core.timezones import combine, to_local
from app.models.base import utcnow
from app.models.seminars import Registration
from app.models.tickets import CANCELLED, RESOLVED
from app.models.walks import WalkTally
from tests.helpers import text

WEEK = {"period": "custom", "date_from": "2026-11-16", "date_to": "2026-11-22"}
SVG = "{http://www.w3.org/2000/svg}"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in November 2026, as stored (naive UTC)."""
    return combine(date(2026, 11, day), time(hour, minute))


def table_rows(page, name) -> list[list[str]]:
    table = page.find("table", attrs={"data-table": name})
    return [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.select("tbody tr")]


def row_for(page, name, first) -> list[str]:
    return next(row for row in table_rows(page, name) if row[0] == first)


def seed_response_week(seed):
    """P1: acknowledged after 60, 90, 150 and 600 s; on scene after 300 and 500 s.
    P3 (one business day, weekdays only): Friday 16:00 acknowledged Monday 15:00 (23 h of
    weekday time: in time, though 71 h passed), Wednesday 10:00 acknowledged Thursday 11:00
    (25 h: late), Tuesday 09:00 acknowledged after an hour (in time).
    A confidential P1 acknowledged after a day must change nothing."""
    seed(1, at(16, 8), 60, 300)
    seed(1, at(17, 14), 90, 500)
    seed(1, at(18, 2), 150)
    seed(1, at(20, 23), 600)
    seed(3, at(20, 16), ack_after=(at(23, 15) - at(20, 16)).total_seconds())
    seed(3, at(18, 10), ack_after=(at(19, 11) - at(18, 10)).total_seconds())
    seed(3, at(17, 9), 3600)
    seed(1, at(19, 12), 86400, confidential=True, summary="Secret")


def test_response_times_and_shares_equal_the_hand_numbers(supervisor, seed):
    seed_response_week(seed)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    # P1 medians: (90 + 150) / 2 = 120 s; p90 at rank 0.9 × 3 = 2.7: 150 + 0.7 × 450 = 465 s.
    # On scene: (300 + 500) / 2 = 400 s; p90 300 + 0.9 × 200 = 480 s. Within 2 min: 2 of 4.
    assert row_for(page, "response", "P1") == [
        "P1", "4", "2m 00s", "7m 45s", "6m 40s", "8m 00s", "2m 00s", "50%", "2", "4",
        "10m 00s", "100%", "2", "2"]
    # P3 wall-clock: 3,600, 90,000 and 255,600 s: median 90,000 s (1 d 1 h); p90 at rank
    # 1.8: 90,000 + 0.8 × 165,600 = 222,480 s (2 d 13 h). Within target by the business
    # clock: 2 of 3 (67 %).
    assert row_for(page, "response", "P3") == [
        "P3", "3", "1d 1h", "2d 13h", "—", "—", "1 business day", "67%", "2", "3",
        "none", "—", "0", "0"]
    assert "P1 50% acknowledged within 2m 00s" in text(page)
    assert "Secret" not in text(page)


def test_on_scene_share_is_judged_against_its_own_per_priority_target(supervisor, seed, app):
    """On-scene targets P1 6 min 40 s, P2 10 min, P3 1 hour. P1 reached after 300, 400 and
    500 s (400 is exactly on target: in time) and one never reached (not judged): 2 of 3.
    P2 reached after 900 s (late) and 120 s (in time): 1 of 2.
    P3 reached after 3,601 s: late, 0 of 1. A DV P1 reached after a day changes nothing."""
    targets = app.config["ON_SCENE_TARGET_SECONDS"]
    app.config["ON_SCENE_TARGET_SECONDS"] = {1: 400, 2: 600, 3: 3600}
    try:
        seed(1, at(16, 8), 60, 300)
        seed(1, at(16, 9), 60, 400)
        seed(1, at(16, 10), 60, 500)
        seed(1, at(16, 11), 60)
        seed(2, at(17, 8), 60, 900)
        seed(2, at(17, 9), 60, 120)
        seed(3, at(18, 9), 60, 3601)
        seed(1, at(18, 12), 60, 86400, confidential=True)
        page = supervisor.get("dashboard.home", _query_string=WEEK)
    finally:
        app.config["ON_SCENE_TARGET_SECONDS"] = targets
    assert row_for(page, "response", "P1")[10:] == ["6m 40s", "67%", "2", "3"]
    assert row_for(page, "response", "P2")[10:] == ["10m 00s", "50%", "1", "2"]
    assert row_for(page, "response", "P3")[10:] == ["1h 00m", "0%", "0", "1"]
    assert "P1 67% on scene within 6m 40s" in text(page)


def test_a_p3_still_inside_its_business_day_is_not_judged_yet(supervisor, seed, db):
    seed(3, at(16, 9), 600)
    waiting = seed(3, at(16, 10))
    waiting.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    page = supervisor.get("dashboard.home", _query_string={"period": "today"})
    assert row_for(page, "response", "P3")[7:10] == ["—", "0", "0"]
    week = supervisor.get("dashboard.home", _query_string=WEEK)
    assert row_for(week, "response", "P3")[7:10] == ["100%", "1", "1"]


def test_worst_ten_lists_the_slowest_against_target_with_links(supervisor, seed):
    slow = seed(1, at(16, 8), 600)
    seed(3, at(16, 9), 3600)
    seed(1, at(17, 8), 60)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    rows = table_rows(page, "worst")
    assert rows[0][:4] == [slow.reference, "P1", "escort", "10m 00s"]
    assert rows[0][5] == "5.0×"
    link = page.find("table", attrs={"data-table": "worst"}).find("a")
    assert link["href"] == f"/dispatch/tickets/{slow.id}"


def test_volume_per_day_and_hour_of_week(supervisor, seed):
    seed(2, at(16, 8, 15), 60)
    seed(2, at(16, 8, 45), 60)
    seed(2, at(20, 16), 60)
    seed(2, at(22, 23, 30), 60, kind="service", service_type="survey")
    seed(2, at(23, 0, 30), 60)  # Monday after: outside the week
    seed(2, at(18, 8), 60, confidential=True)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    days = table_rows(page, "volume")
    assert [row[0] for row in days][:1] == ["Mon 16 Nov"]
    assert [row[-1] for row in days] == ["2", "0", "0", "0", "1", "0", "1"]
    heat = {row[0]: row for row in table_rows(page, "heat")}
    assert heat["Mon"][1 + 8] == "2"
    assert heat["Fri"][1 + 16] == "1"
    assert heat["Sun"][1 + 23] == "1"
    assert sum(int(n) for row in heat.values() for n in row[1:]) == 4
    assert "4 requests" in text(page)


def test_backlog_counts_what_was_open_at_each_day_end(supervisor, seed, db):
    seed(2, at(10, 9), 60)  # received before the week, still open
    first = seed(2, at(16, 9), 60, status=RESOLVED)
    first.closed_at = at(18, 12)
    seed(2, at(17, 9), 60)
    db.session.commit()
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    # end of Mon: the old one and `first` = 2; Tue: 3; Wed (first closed): 2; then 2.
    assert [row[1] for row in table_rows(page, "backlog")] == ["2", "3", "2", "2", "2", "2", "2"]


def test_places_are_ranked_and_repeats_are_incident_places(supervisor, seed, make_location):
    lobby, garage, ward = (make_location("Main lobby"), make_location("Garage B"),
                           make_location("Ward 4"))
    for _ in range(3):
        seed(2, at(17, 10), 60, location_id=lobby.id)
    seed(2, at(17, 11), 60, location_id=garage.id)
    for _ in range(2):
        seed(2, at(18, 11), 60, kind="incident", location_id=ward.id, category="theft",
             description="Bag taken")
    seed(2, at(18, 12), 60, location_id=ward.id, confidential=True)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    assert table_rows(page, "places") == [["Main lobby", "3"], ["Ward 4", "2"],
                                          ["Garage B", "1"]]
    assert table_rows(page, "repeats") == [["Ward 4", "2"]]
    assert row_for(page, "categories", "Theft") == ["Theft", "2"]
    assert "Main lobby (3), Ward 4 (2), Garage B (1)" in text(page)


def test_categories_follow_the_place_filter_but_outreach_thefts_count_every_place(
        supervisor, seed, make_location):
    """One query gives both (dashboard.report_counts): the categories are the scope's, the
    outreach's thefts the whole campus's, as the outreach figures ignore the filters."""
    ward, lobby = make_location("Ward 4"), make_location("Main lobby")
    seed(2, at(18, 11), 60, kind="incident", location_id=ward.id, category="theft",
         description="Bag taken")
    seed(2, at(18, 12), 60, kind="incident", location_id=lobby.id, category="theft",
         description="Phone taken")
    seed(2, at(18, 13), 60, kind="incident", location_id=lobby.id,
         category="suspicious_package", description="A box")
    page = supervisor.get("dashboard.home", _query_string={**WEEK, "location_id": ward.id})
    assert row_for(page, "categories", "Theft") == ["Theft", "1"]
    assert row_for(page, "categories", "Suspicious package") == ["Suspicious package", "0"]
    assert dict(table_rows(page, "outreach"))["Thefts reported"] == "2"
    escorts = supervisor.get("dashboard.home", _query_string={**WEEK, "kind": "escort"})
    assert row_for(escorts, "categories", "Theft") == ["Theft", "0"]
    assert dict(table_rows(escorts, "outreach"))["Thefts reported"] == "2"


def test_outcomes_group_tickets_closed_in_the_period(supervisor, seed, db):
    closings = [(RESOLVED, "completed"), (RESOLVED, "assisted"), (RESOLVED, "referred"),
                (RESOLVED, "nothing_found"), (CANCELLED, "duplicate"), (CANCELLED, "junk"),
                (CANCELLED, "no_longer_needed")]
    for status, outcome in closings:
        ticket = seed(2, at(16, 9), 60, status=status, outcome=outcome)
        ticket.closed_at = at(17, 9)
    db.session.commit()
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    assert table_rows(page, "outcomes") == [["resolved", "2"], ["unfounded", "2"],
                                            ["referred", "1"], ["duplicate", "1"],
                                            ["cancelled", "1"]]


def test_a_kind_filter_narrows_every_figure(supervisor, seed):
    seed(1, at(16, 8), 60)
    seed(1, at(16, 9), 600, kind="service", service_type="survey")
    page = supervisor.get("dashboard.home", _query_string={**WEEK, "kind": "service"})
    assert row_for(page, "response", "P1")[:3] == ["P1", "1", "10m 00s"]


def test_every_chart_is_an_svg_with_a_title_and_summary(supervisor, seed):
    seed_response_week(seed)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    charts = page.select("svg")
    assert len(charts) >= 9
    for chart in charts:
        root = ET.fromstring(str(chart))
        assert root.find(f"{SVG}title").text.strip()
        assert root.find(f"{SVG}desc").text.strip()
        labelled = root.get("aria-labelledby").split()
        assert [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")] == labelled


@pytest.mark.parametrize("name", ["volume", "heat", "backlog", "response", "worst", "places",
                                  "categories", "outcomes", "repeats", "outreach"])
def test_each_csv_equals_its_table(supervisor, seed, name):
    seed_response_week(seed)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    link = page.find("section", attrs={"aria-labelledby": f"{name}-heading"}).find(
        "a", download=True)["href"]
    response = supervisor.get_response(link)
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    table = page.find("table", attrs={"data-table": name})
    assert rows[0] == [th.get_text(strip=True) for th in table.select("thead th")]
    shown = [r for r in table_rows(page, name) if r != ["Nothing in this period."]]
    assert rows[1:] == shown


@pytest.mark.parametrize(("query", "message"), [
    ({"period": "custom", "date_from": "2026-11-22", "date_to": "2026-11-16"},
     "The end date must be on or after the start date."),
    ({"period": "custom", "date_from": "2026-11-16"}, "Give both dates of the custom range."),
    ({"period": "custom", "date_from": "2020-01-01", "date_to": "2026-01-01"}, "at most 366"),
    ({"period": "forever"}, "Not a valid choice"),
    ({"period": "7d", "location_id": "1 OR 1=1"}, "Location"),
    ({"period": "7d", "kind": "dv"}, "Not a valid choice"),
    ({"period": "custom", "date_from": "9999-99-99", "date_to": "2026-01-01"}, "date"),
])
def test_a_bad_period_or_filter_is_explained_not_a_500(supervisor, query, message):
    page = supervisor.get("dashboard.home", _query_string=query, _expected_status=400)
    assert message in text(page)
    assert page.select("svg") == []


@pytest.mark.parametrize("role", ["dispatcher", "officer", "advocate", "trainer", "editor"])
def test_only_supervisors_and_admins_open_the_dashboard(client_request, role):
    client_request.login(role)
    client_request.get_response("dashboard.home", _expected_status=403)
    client_request.get_response("/dashboard/volume.csv", _expected_status=403)


def test_an_admin_sees_the_dashboard_but_no_ticket_links(client_request, seed):
    client_request.login("admin")
    seed(1, at(16, 8), 600)
    page = client_request.get("dashboard.home", _query_string=WEEK)
    assert page.find("table", attrs={"data-table": "worst"}).find("a") is None


def test_unknown_csv_is_404(supervisor):
    supervisor.get_response("/dashboard/secrets.csv", _expected_status=404)


def test_outreach_counts_sessions_attendance_devices_and_thefts(supervisor, seed, db,
                                                                make_session, make_device):
    """Two sessions held in the period (capacity 5 + 8), one cancelled, one next month; three
    attended; one waitlist promotion; two devices registered, one locked down, one
    recovered; one theft report."""
    now = utcnow()
    held = [make_session(capacity=5, starts_in=timedelta(days=-2)),
            make_session(capacity=8, starts_in=timedelta(days=-1))]
    make_session(capacity=30, starts_in=timedelta(days=-1), cancelled_at=now)
    make_session(capacity=30, starts_in=timedelta(days=30))
    for n, (session, attended, promoted) in enumerate(
            [(held[0], True, False), (held[0], True, True), (held[1], True, False),
             (held[1], False, False)]):
        db.session.add(Registration(
            session_id=session.id, name=f"P{n}", email=f"p{n}@example.org",
            person_key=f"email:p{n}@example.org", status="attended" if attended else "confirmed",
            attended_at=now if attended else None, promoted_at=now if promoted else None))
    today = to_local(now).date()  # an installation date is a day on the campus's calendar
    first, second = make_device(), make_device()
    first.locked_on, second.recovered_at = today, now
    seed(2, now - timedelta(hours=1), 60, kind="incident", category="theft",
         description="Laptop taken")
    db.session.add_all([WalkTally(day=today, ended_safely=3),
                        WalkTally(day=today - timedelta(days=40), ended_safely=5)])
    db.session.commit()
    page = supervisor.get("dashboard.home", _query_string={"period": "7d"})
    assert dict(table_rows(page, "outreach")) == {
        "Seminar sessions held": "2", "Seats offered": "13", "Attended": "3",
        "Waitlist promotions": "1", "ALERT devices registered": "2", "Lockdowns done": "1",
        "Thefts reported": "1", "Devices recovered": "1", "Virtual walks ended safely": "3"}


def test_a_dashboard_is_kept_for_its_cache_window(supervisor, seed, app):
    seed(1, utcnow() - timedelta(minutes=30), 60)
    app.config["DASHBOARD_CACHE_SECONDS"] = 3600
    try:
        first = supervisor.get("dashboard.home", _query_string={"period": "7d"})
        seed(1, utcnow() - timedelta(minutes=20), 60)
        again = supervisor.get("dashboard.home", _query_string={"period": "7d"})
        assert row_for(again, "response", "P1")[1] == row_for(first, "response", "P1")[1] == "1"
    finally:
        app.config["DASHBOARD_CACHE_SECONDS"] = 0
        cache.clear()
    fresh = supervisor.get("dashboard.home", _query_string={"period": "7d"})
    assert row_for(fresh, "response", "P1")[1] == "2"
