"""Every CSV export goes through app.core.csv_export.csv_response: no-store, an attachment, and
cells a spreadsheet will not run. A new .csv route fails here until it is listed."""
from __future__ import annotations

import pytest

from app.core.timezones import local_today
from app.models.tickets import RESOLVED

# endpoint -> (role that may export, how to build its URL from the test's data)
EXPORTS = {
    "dispatch.history_csv": ("dispatcher", lambda data: (
        f"/dispatch/history.csv?date_from={data['today']}&date_to={data['today']}")),
    "devices.report_csv": ("admin", lambda data: "/devices/report.csv"),
    "dashboard.table_csv": ("supervisor", lambda data: "/dashboard/worst.csv?period=7d"),
    "support.counts_csv": ("advocate", lambda data: "/support/advocate/counts.csv"),
    "seminars.roster_csv": (
        "trainer", lambda data: f"/seminars/manage/sessions/{data['session'].id}/roster.csv"),
}


def csv_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")}


def test_every_csv_route_is_checked_here(app):
    assert csv_endpoints(app) == set(EXPORTS)


@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_every_csv_export_is_not_stored_by_the_browser(endpoint, login_as, make_ticket,
                                                        make_session):
    make_ticket(status=RESOLVED, summary="=HYPERLINK(\"http://evil.example\")")
    data = {"session": make_session(), "today": local_today().isoformat()}
    role, url = EXPORTS[endpoint]
    response = login_as(role).get(url(data))
    body = response.get_data(as_text=True)  # read the whole stream first
    assert response.status_code == 200, response.status_code
    # (the DV section adds max-age=0 to every answer of its own)
    assert response.headers["Cache-Control"] in ("no-store", "no-store, max-age=0")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "\n=HYPERLINK" not in body
