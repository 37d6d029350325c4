"""The trainers' pages: seminars, sessions, roster, attendance, CSV, messages, cancelling."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.seminars import (
    CANCELLED,
    CONFIRMED,
    WAITLISTED,
    Registration,
    Seminar,
    SeminarSession,
)
from app.services import seminars
from app.web.templating import localtime
from tests.helpers import soup


def local_form_time(app, delta: timedelta) -> str:
    with app.app_context():
        return localtime(utcnow() + delta, "%Y-%m-%dT%H:%M")


SEMINAR = {"title": "De-escalation", "description": "Calm words.", "topic": "de-escalation",
           "audience": "public", "duration_minutes": "90", "active": "y"}


def session_form(app, **overrides) -> dict:
    data = {"starts_at": local_form_time(app, timedelta(days=3)),
            "ends_at": local_form_time(app, timedelta(days=3, hours=2)),
            "capacity": "12", "place": "Education Center", "trainer_id": ""}
    data.update(overrides)
    return data


def test_trainer_creates_a_seminar_and_a_session(app, db, login_as):
    trainer = login_as("trainer")
    assert soup(trainer.get("/seminars/manage")).h1.text == "Seminars admin"
    response = trainer.post("/seminars/manage/seminars/new", data=SEMINAR)
    assert response.status_code == 302
    seminar = db.session.scalar(select(Seminar))
    assert seminar.slug == "de-escalation"
    response = trainer.post(f"/seminars/manage/seminars/{seminar.id}/sessions/new",
                            data=session_form(app, trainer_id=str(trainer.user.id)))
    assert response.status_code == 302
    session = db.session.scalar(select(SeminarSession))
    assert session.capacity == 12 and session.trainer_id == trainer.user.id
    assert abs((session.starts_at - (utcnow() + timedelta(days=3))).total_seconds()) < 120
    assert soup(trainer.get("/seminars/")).select_one(".card h3 a").text == "De-escalation"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"capacity": "0"}, "at least 1"),
    ({"capacity": "-5"}, "at least 1"),
    ({"capacity": "lots"}, "whole number"),
    ({"ends_at_delta": timedelta(days=3, hours=-1)}, "must end after it starts"),
    ({"starts_delta": timedelta(days=-1), "ends_at_delta": timedelta(days=-1, hours=1)},
     "must start in the future"),
    ({"place": "", "online_url": ""}, "place or an online meeting link"),
    ({"online_url": "javascript:alert(1)"}, "full web address"),
    ({"trainer_id": "987654"}, "Not a valid choice"),
    ({"starts_at": "yesterday-ish"}, "Enter a date and time"),
])
def test_bad_session_input_is_refused_on_the_form(app, db, login_as, make_seminar, overrides,
                                                  message):
    seminar = make_seminar()
    trainer = login_as("trainer")
    if "ends_at_delta" in overrides:
        overrides["ends_at"] = local_form_time(app, overrides.pop("ends_at_delta"))
    if "starts_delta" in overrides:
        overrides["starts_at"] = local_form_time(app, overrides.pop("starts_delta"))
    response = trainer.post(f"/seminars/manage/seminars/{seminar.id}/sessions/new",
                            data=session_form(app, **overrides))
    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one(".error-summary").text
    assert db.session.scalar(select(func.count(SeminarSession.id))) == 0


def test_bad_seminar_input_is_refused(db, login_as, make_seminar):
    make_seminar(slug="taken")
    trainer = login_as("trainer")
    for data in ({}, {**SEMINAR, "topic": "forged"}, {**SEMINAR, "duration_minutes": "-3"},
                 {**SEMINAR, "title": "A\x07B"}, {**SEMINAR, "title": "x" * 500}):
        response = trainer.post("/seminars/manage/seminars/new", data=data)
        assert response.status_code == 400, data
    response = trainer.post("/seminars/manage/seminars/new", data={**SEMINAR, "slug": "taken"})
    assert response.status_code == 400
    assert "already uses" in soup(response).select_one(".error-summary").text
    assert db.session.scalar(select(func.count(Seminar.id))) == 1


def test_editing_a_seminar_and_raising_capacity_promotes(app, db, login_as, make_user,
                                                         make_session):
    session = make_session(capacity=1)
    first = seminars.register_member(session.id, make_user()).registration
    waiting = seminars.register_member(session.id, make_user()).registration
    trainer = login_as("trainer")
    form = soup(trainer.get(f"/seminars/manage/sessions/{session.id}/edit"))
    assert form.find("input", attrs={"name": "capacity"})["value"] == "1"
    response = trainer.post(f"/seminars/manage/sessions/{session.id}/edit",
                            data=session_form(app, capacity="0"))
    assert response.status_code == 400
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    data.update(capacity="2", trainer_id="")
    response = trainer.post(f"/seminars/manage/sessions/{session.id}/edit", data=data)
    assert response.status_code == 302, soup(response).select_one(".error-summary")
    db.session.expire_all()
    assert (first.status, waiting.status) == (CONFIRMED, CONFIRMED)
    response = trainer.post(f"/seminars/manage/seminars/{session.seminar_id}/edit",
                            data={**SEMINAR, "title": "Renamed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.seminar.title == "Renamed"


def test_roster_attendance_and_history(db, login_as, make_user, make_session):
    session = make_session(capacity=2)
    member = make_user(name="Ada Member")
    mine = seminars.register_member(session.id, member).registration
    other = seminars.register_member(session.id, make_user(name="Bo Other")).registration
    late = seminars.register_member(session.id, make_user(name="Cy Late")).registration
    trainer = login_as("trainer")
    page = soup(trainer.get(f"/seminars/manage/sessions/{session.id}"))
    assert page.h1.text.startswith("Roster")
    assert [li.text.split(" (")[0] for li in page.select("ol li")] == ["Cy Late"]
    assert page.find("label", attrs={"for": f"attended-{mine.id}"})
    response = trainer.post(f"/seminars/manage/sessions/{session.id}/attendance",
                            data={"attended": [str(mine.id), str(late.id), "abc", "987654"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert (mine.status, other.status, late.status) == ("attended", CONFIRMED, WAITLISTED)


def test_roster_csv_is_safe_from_formula_injection(db, login_as, make_session):
    session = make_session()
    seminars.register_visitor(session.id, "=HYPERLINK(\"http://evil\")", "evil@example.org")
    seminars.register_visitor(session.id, "+1-2", "plus@example.org")
    trainer = login_as("trainer")
    response = trainer.get(f"/seminars/manage/sessions/{session.id}/roster.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Status", "Waitlist position", "Name"]
    names = [row[2] for row in rows[1:]]
    assert names == ["'=HYPERLINK(\"http://evil\")", "'+1-2"]


def test_message_all_registrants_goes_through_the_outbox(db, login_as, make_user, make_session):
    session = make_session(capacity=1)
    seminars.register_member(session.id, make_user(email="a@example.org"))
    seminars.register_member(session.id, make_user(email="b@example.org"))
    trainer = login_as("trainer")
    assert trainer.post(f"/seminars/manage/sessions/{session.id}/message",
                        data={"subject": "", "body": ""}).status_code == 400
    response = trainer.post(f"/seminars/manage/sessions/{session.id}/message",
                            data={"subject": "Room change", "body": "We moved to room 3."})
    assert response.status_code == 302
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject == "Room change"))
    assert sorted(m.to_address for m in sent) == ["a@example.org", "b@example.org"]


def test_cancelling_a_session_tells_everyone(db, login_as, make_user, make_session):
    session = make_session(capacity=1)
    seminars.register_member(session.id, make_user(email="a@example.org"))
    seminars.register_member(session.id, make_user(email="b@example.org"))
    seminars.register_visitor(session.id, "P", "p@example.org")
    trainer = login_as("trainer")
    assert soup(trainer.get(f"/seminars/manage/sessions/{session.id}/cancel")).h1.text == (
        "Cancel session")
    response = trainer.post(f"/seminars/manage/sessions/{session.id}/cancel",
                            data={"reason": "Trainer ill"})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.cancelled_at is not None
    assert {r.status for r in db.session.scalars(select(Registration))} == {CANCELLED}
    told = db.session.scalars(select(OutboxMessage.to_address).where(
        OutboxMessage.subject.like("Cancelled:%")))
    assert sorted(told) == ["a@example.org", "b@example.org", "p@example.org"]
    again = trainer.post(f"/seminars/manage/sessions/{session.id}/cancel", data={"reason": ""})
    assert again.status_code == 400


def test_admin_is_not_a_trainer(login_as, db):
    assert login_as("admin").get("/seminars/manage").status_code == 403
