"""Seminar pages through the test client: what a visitor, a member and a trainer see."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.models.seminars import CONFIRMED, PENDING, WAITLISTED, Registration
from app.services import seminars
from tests.fixtures.seminars import link_in, mails_to
from tests.helpers import soup


def count(db) -> int:
    return db.session.scalar(select(func.count(Registration.id)))


def test_catalogue_lists_upcoming_sessions_with_seats_left(client_request, db, make_seminar,
                                                           make_session):
    open_day = make_session(capacity=3, seminar=make_seminar(title="De-escalation basics"))
    make_session(capacity=3, starts_in=timedelta(days=-2),
                 seminar=make_seminar(title="Long ago"))
    make_session(seminar=make_seminar(title="Hidden one", active=False))
    seminars.register_visitor(open_day.id, "V", "v@example.org")  # pending: holds no seat
    page = client_request.get("/seminars/")
    assert page.h1.text == "Training seminars"
    titles = [a.text for a in page.select(".card h3 a")]
    assert titles == ["De-escalation basics"]
    assert "3 seats left" in page.select_one(".card").text


def test_catalogue_filters_by_topic_and_audience(client_request, db, make_seminar, make_session):
    make_session(seminar=make_seminar(title="Crime talk", topic="crime-prevention"))
    make_session(seminar=make_seminar(title="Staff only", audience="employees"))
    page = client_request.get("/seminars/?topic=crime-prevention")
    assert [a.text for a in page.select(".card h3 a")] == ["Crime talk"]
    page = client_request.get("/seminars/?audience=employees")
    assert [a.text for a in page.select(".card h3 a")] == ["Staff only"]
    shown = client_request.get("/seminars/?topic=%27%20OR%201=1--&audience=<script>")
    assert len(shown.select(".card")) == 2


def test_detail_page_and_calendar_download(client_request, db, make_seminar, make_session):
    seminar = make_seminar(title="Infant Protection Program", slug="infant-protection")
    session = make_session(seminar=seminar)
    page = client_request.get("/seminars/infant-protection")
    assert page.h1.text == "Infant Protection Program"
    ics_link = page.find("a", href=f"/seminars/sessions/{session.id}/calendar.ics")
    assert ics_link is not None
    response = client_request.get_response(ics_link["href"])
    assert response.mimetype == "text/calendar"
    assert b"BEGIN:VTIMEZONE" in response.data
    client_request.get_response("/seminars/no-such-seminar", _expected_status=404)
    client_request.get_response("/seminars/sessions/987654/calendar.ics", _expected_status=404)


def test_visitor_registers_confirms_and_cancels_by_email_links(client_request, db, make_session):
    session = make_session(capacity=1)
    form = client_request.get(f"/seminars/sessions/{session.id}/register")
    assert form.find("label", attrs={"for": "name"}).text.strip() == "Your name"
    response = client_request.post_response(
        f"/seminars/sessions/{session.id}/register",
        _data={"name": "Ana Visitor", "email": "ana@example.org"}, _expected_status=302)
    assert client_request.get(response.headers["Location"]).h1.text == "Check your email"
    assert db.session.scalar(select(Registration.status)) == PENDING

    confirm_path = link_in(mails_to(db, "ana@example.org")[0], "confirm")
    page = client_request.get(confirm_path)  # a GET (mail scanners) changes nothing
    assert page.h1.text == "Confirm your place"
    assert db.session.scalar(select(Registration.status)) == PENDING
    done = client_request.post_response(confirm_path)
    assert soup(done).h1.text == "Your place is confirmed"
    assert done.headers["Cache-Control"].startswith("no-store")

    cancel_path = link_in(mails_to(db, "ana@example.org")[-1], "cancel")
    assert client_request.get(cancel_path).h1.text == "Cancel your place"
    assert client_request.post(cancel_path).h1.text == "Registration cancelled"
    client_request.get_response(cancel_path, _expected_status=404)


def test_visitor_form_errors_are_shown_on_the_form(client_request, db, make_session):
    session = make_session()
    url = f"/seminars/sessions/{session.id}/register"
    for data in ({}, {"name": "", "email": "not-an-email"},
                 {"name": "x" * 500, "email": "a@example.org"},
                 {"name": "Bad\x00Name", "email": "a@example.org"},
                 {"name": "A", "email": "a@example.org\r\nBcc: victim@example.org"}):
        page = client_request.post(url, _data=data, _expected_status=400)
        assert page.select_one(".error-summary h2").text == "There is a problem"
    assert count(db) == 0


def test_hostile_text_is_escaped(client_request, db, make_session, login_as):
    session = make_session()
    client_request.post_response(f"/seminars/sessions/{session.id}/register",
                                 _data={"name": "<script>alert(1)</script>",
                                        "email": "x@example.org"}, _expected_status=302)
    trainer = login_as("trainer")
    html = trainer.get(f"/seminars/manage/sessions/{session.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_member_registers_in_one_step_then_is_told_twice_is_once(db, login_as, make_session):
    session = make_session(capacity=1)
    member = login_as(None)
    page = soup(member.get(f"/seminars/sessions/{session.id}/register"))
    assert page.find("input", attrs={"name": "email"}) is None
    response = member.post(f"/seminars/sessions/{session.id}/register", follow_redirects=True)
    assert "Your place is confirmed" in soup(response).select_one(".flash").text
    again = member.post(f"/seminars/sessions/{session.id}/register")
    assert again.status_code == 400
    assert "already registered" in soup(again).select_one(".error-summary").text
    assert count(db) == 1


def test_full_session_offers_the_waitlist_with_position(db, login_as, make_user, make_session):
    session = make_session(capacity=1)
    seminars.register_member(session.id, make_user())
    member = login_as(None)
    page = soup(member.get(f"/seminars/sessions/{session.id}/register"))
    assert page.select_one("main button").text == "Join the waitlist"
    response = member.post(f"/seminars/sessions/{session.id}/register", follow_redirects=True)
    assert "in position 1" in soup(response).select_one(".flash").text
    mine = soup(member.get("/seminars/mine"))
    assert "number 1 on the waitlist" in mine.text


def test_past_cancelled_and_staff_only_sessions_are_refused(db, client_request, login_as,
                                                            make_session):
    from app.models.base import utcnow

    past = make_session(starts_in=timedelta(hours=-2))
    cancelled = make_session(cancelled_at=utcnow())
    staff_only = make_session(audience="employees")
    for session in (past, cancelled):
        page = client_request.post(f"/seminars/sessions/{session.id}/register",
                                   _data={"name": "A", "email": "a@example.org"},
                                   _expected_status=400)
        assert page.select_one(".error-summary p").text
    visitor_member = login_as(None, affiliation="visitor")
    response = visitor_member.post(f"/seminars/sessions/{staff_only.id}/register")
    assert response.status_code == 400
    assert "employees only" in soup(response).select_one(".error-summary").text
    assert count(db) == 0
    client_request.get_response("/seminars/sessions/987654/register", _expected_status=404)


def test_forged_links_show_a_clear_page_not_an_error(client_request, db, make_session):
    make_session()
    for path in ("/seminars/confirm/forged", "/seminars/confirm/" + "x" * 3000,
                 "/seminars/registration/forged/cancel"):
        for method in ("get", "post"):
            page = getattr(client_request, method)(path, _expected_status=404)
            assert page.h1.text == "This link does not work"


def test_member_cancels_from_my_seminars_and_the_next_is_promoted(db, login_as, make_user,
                                                                  make_session):
    session = make_session(capacity=1)
    member = login_as(None)
    member.post(f"/seminars/sessions/{session.id}/register")
    waiting = make_user(email="next@example.org")
    seminars.register_member(session.id, waiting)
    registration = db.session.scalar(select(Registration).where(
        Registration.user_id == member.user.id))
    page = soup(member.get("/seminars/mine"))
    assert page.h1.text == "My seminars"
    response = member.post(f"/seminars/mine/{registration.id}/cancel", follow_redirects=True)
    assert "is cancelled" in soup(response).select_one(".flash").text
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status).where(
        Registration.user_id == waiting.id)) == CONFIRMED
    assert mails_to(db, "next@example.org")[-1].subject.startswith("A place is free")


def test_a_member_cannot_cancel_someone_elses_registration(db, login_as, make_user,
                                                           make_session):
    session = make_session()
    other = seminars.register_member(session.id, make_user()).registration
    member = login_as(None)
    response = member.post(f"/seminars/mine/{other.id}/cancel", follow_redirects=True)
    assert "does not exist" in soup(response).select_one(".flash").text
    db.session.expire_all()
    assert other.status == CONFIRMED


def test_history_lists_attended_seminars(db, login_as, make_seminar, make_session):
    member = login_as(None)
    session = make_session(seminar=make_seminar(title="Crime prevention on campus"))
    registration = seminars.register_member(session.id, member.user).registration
    registration.status = "attended"
    db.session.commit()
    page = soup(member.get("/seminars/history"))
    assert page.h1.text == "My training history"
    assert "Crime prevention on campus" in page.select_one("table").text
    assert soup(member.get("/seminars/mine")).find(string="Crime prevention on campus") is None
    assert WAITLISTED  # statuses imported for readability
