"""Done when: a supervisor signed in with the demo data sees last week's volume by hour,
whether P1s were acknowledged inside two minutes, the places that need a patrol, and the
night shift's report."""
from __future__ import annotations

from sqlalchemy import select

from app import demo
from app.models.accounts import User
from app.services import shifts
from tests.helpers import text


def test_the_demo_supervisor_answers_the_morning_questions(client_request, db):
    demo.seed_all()
    supervisor = db.session.scalar(select(User).where(User.email == "supervisor@demo.example"))
    client_request.login(user=supervisor)
    page = client_request.get("dashboard.home", _query_string={"period": "7d"})
    heat = page.find("table", attrs={"data-table": "heat"})
    assert sum(int(td.get_text()) for td in heat.select("td")) >= 60
    p1 = next(row for row in page.select("table[data-table=response] tbody tr")
              if row.th.get_text(strip=True) == "P1")
    cells = [td.get_text(strip=True) for td in p1.find_all("td")]
    assert cells[5] == "2m 00s" and cells[6].endswith("%") and cells[6] != "100%"
    repeats = [row.th.get_text(strip=True)
               for row in page.select("table[data-table=repeats] tbody tr")]
    assert set(repeats[:3]) == {"Parking Garage B", "Main Lobby", "Emergency Department Entrance"}
    night = shifts.last_ended("night")
    report = client_request.get("dashboard.shift_report", _query_string={
        "day": night.day.isoformat(), "shift": "night"})
    assert night.label in text(report)
    assert "Garage B stairwell light out: facilities called." in text(report)
    assert report.find("form", action=lambda a: a and a.endswith("/night/sign-off"))


def _counts(db) -> dict[str, int]:
    from sqlalchemy import func

    from app.models.devices import Device
    from app.models.tickets import Ticket
    db.session.rollback()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Ticket, Device)}


def test_a_second_seed_demo_refuses_clearly_and_changes_nothing(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    before = _counts(db)
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 1, again.output
    assert "already loaded" in again.output and "Traceback" not in again.output
    assert _counts(db) == before
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0 and "skipped" in quiet.output
