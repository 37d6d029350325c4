"""Seminar rules: seats, the waitlist and its promotion order, confirmation, reminders and
the iCalendar file parsed back by the icalendar parser."""
from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.seminars import CANCELLED, CONFIRMED, PENDING, WAITLISTED, Registration
from app.services import seminar_reminders, seminars
from app.services.seminar_calendar import session_calendar, session_uid
from tests.fixtures.seminars import link_in, mails_to


def _member(make_user, **fields):
    return make_user(**fields)


def test_a_member_gets_a_seat_then_the_waitlist(db, make_user, make_session):
    session = make_session(capacity=1)
    first = seminars.register_member(session.id, make_user())
    second = seminars.register_member(session.id, make_user())
    assert first.registration.status == CONFIRMED and first.position is None
    assert second.registration.status == WAITLISTED and second.position == 1
    assert seminars.seats_left(session) == 0


def test_cancelling_promotes_the_first_waitlisted_in_order(db, make_user, make_session):
    session = make_session(capacity=1)
    users = [make_user(email=f"p{i}@example.org") for i in range(4)]
    outcomes = [seminars.register_member(session.id, u) for u in users]
    assert [o.registration.status for o in outcomes] == [CONFIRMED] + [WAITLISTED] * 3

    seminars.cancel_mine(outcomes[0].registration.id, users[0])
    db.session.expire_all()
    assert outcomes[1].registration.status == CONFIRMED
    assert outcomes[1].registration.promoted_at is not None
    assert [seminars.waitlist_position(o.registration) for o in outcomes[2:]] == [1, 2]
    promoted_mail = mails_to(db, "p1@example.org")[-1]
    assert promoted_mail.subject.startswith("A place is free for you")

    # Leaving the waitlist does not promote anyone, but moves the others up.
    seminars.cancel_mine(outcomes[2].registration.id, users[2])
    db.session.expire_all()
    assert outcomes[3].registration.status == WAITLISTED
    assert seminars.waitlist_position(outcomes[3].registration) == 1


def test_visitor_is_pending_until_confirmed_and_holds_no_seat(db, make_session):
    session = make_session(capacity=1)
    outcome = seminars.register_visitor(session.id, "Ana Visitor", " Ana@Example.org ")
    assert outcome.registration.status == PENDING
    assert outcome.registration.email == "ana@example.org"
    assert seminars.seats_left(session) == 1
    [mail] = mails_to(db, "ana@example.org")
    token = link_in(mail, "confirm").rsplit("/", 1)[1]
    registration = seminars.registration_for_confirm_token(token)
    assert registration.id == outcome.registration.id
    assert seminars.confirm(registration.id).registration.status == CONFIRMED
    assert seminars.confirm(registration.id).registration.status == CONFIRMED  # idempotent
    assert seminars.seats_left(session) == 0
    assert "cancel" in mails_to(db, "ana@example.org")[-1].text_body


def test_registering_twice_is_refused_and_writes_nothing(db, make_user, make_session):
    session = make_session()
    user = make_user()
    seminars.register_member(session.id, user)
    with pytest.raises(seminars.AlreadyRegistered, match="already registered"):
        seminars.register_member(session.id, user)
    seminars.register_visitor(session.id, "V", "v@example.org")
    with pytest.raises(seminars.AlreadyRegistered):
        seminars.register_visitor(session.id, "V again", "V@EXAMPLE.ORG")
    # A visitor using a member's address is the same person.
    with pytest.raises(seminars.AlreadyRegistered):
        seminars.register_visitor(session.id, "Someone", user.email.upper())
    assert db.session.scalar(select(func.count(Registration.id))) == 2


def test_cancelled_registration_may_register_again(db, make_user, make_session):
    session = make_session()
    user = make_user()
    first = seminars.register_member(session.id, user).registration
    seminars.cancel_mine(first.id, user)
    again = seminars.register_member(session.id, user).registration
    assert again.id != first.id and again.status == CONFIRMED


def test_past_cancelled_and_employee_only_sessions_are_refused(db, make_user, make_session):
    past = make_session(starts_in=timedelta(hours=-1))
    with pytest.raises(seminars.SeminarError, match="already started"):
        seminars.register_member(past.id, make_user())
    cancelled = make_session(cancelled_at=utcnow())
    with pytest.raises(seminars.SeminarError, match="cancelled"):
        seminars.register_visitor(cancelled.id, "V", "v@example.org")
    staff_only = make_session(audience="employees")
    with pytest.raises(seminars.SeminarError, match="employees only"):
        seminars.register_member(staff_only.id, make_user(affiliation="visitor"))
    with pytest.raises(seminars.SeminarError, match="employees only"):
        seminars.register_visitor(staff_only.id, "V", "v@example.org")
    assert seminars.register_member(staff_only.id, make_user()).registration.status == CONFIRMED
    trainer = make_user(roles=("trainer",), affiliation="other")
    assert seminars.register_member(staff_only.id, trainer).registration.status == CONFIRMED
    assert db.session.scalar(select(func.count(Registration.id))) == 2


def test_forged_tokens_open_nothing(db, make_user, make_session):
    session = make_session()
    seminars.register_member(session.id, make_user())
    assert seminars.registration_for_token("forged") is None
    assert seminars.registration_for_token("x" * 5000) is None
    assert seminars.registration_for_confirm_token("eyJyIjoxfQ.forged.sig") is None
    from app.core import tokens

    other_purpose = tokens.sign("email-verify", {"r": 1})
    assert seminars.registration_for_confirm_token(other_purpose) is None
    with pytest.raises(seminars.SeminarError):
        seminars.cancel_with_token("forged")


def test_cancel_link_works_once_and_only_the_newest(db, make_user, make_session):
    session = make_session(capacity=1)
    user = make_user(email="m@example.org")
    seminars.register_member(session.id, user)
    token = link_in(mails_to(db, "m@example.org")[-1], "cancel").split("/")[-2]
    registration = seminars.cancel_with_token(token)
    assert registration.status == CANCELLED
    with pytest.raises(seminars.SeminarError):
        seminars.cancel_with_token(token)


def test_reminders_are_sent_once_however_often_it_runs(db, make_user, make_session):
    soon = make_session(starts_in=timedelta(hours=20))
    later = make_session(starts_in=timedelta(days=5))
    custom = make_session(starts_in=timedelta(hours=40), reminder_hours=48)
    for session in (soon, later, custom):
        seminars.register_member(session.id, make_user())
    waiting = make_session(capacity=1, starts_in=timedelta(hours=10))
    seminars.register_member(waiting.id, make_user())
    seminars.register_member(waiting.id, make_user())  # waitlisted: no reminder

    assert seminar_reminders.send_reminders() == 3
    assert seminar_reminders.send_reminders() == 0
    assert seminar_reminders.send_reminders(now=utcnow() + timedelta(minutes=5)) == 0
    keys = db.session.scalars(select(OutboxMessage.dedupe_key)
                              .where(OutboxMessage.dedupe_key.like("seminar-reminder:%")))
    assert len(set(keys)) == 3
    # Days later, the other session's reminder goes out, once.
    assert seminar_reminders.send_reminders(now=utcnow() + timedelta(days=4, hours=1)) == 1


def test_reminders_from_several_workers_at_once_go_out_once(app, db, make_user, make_session):
    import threading

    from app.extensions import db as _db

    session = make_session(capacity=10, starts_in=timedelta(hours=2))
    for _ in range(6):
        seminars.register_member(session.id, make_user())
    counts, barrier = [], threading.Barrier(4)

    def worker():
        with app.app_context():
            barrier.wait(timeout=30)
            counts.append(seminar_reminders.send_reminders())
            _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    assert sum(counts) == 6
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.subject.like("Reminder:%"))) == 6


def test_icalendar_parses_back_with_the_site_time_zone(app, db, make_session):
    session = make_session()
    parsed = Calendar.from_ical(session_calendar(session))
    [event] = parsed.walk("VEVENT")
    zone = app.config["TIMEZONE"]
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == [zone]
    assert event["DTSTART"].params["TZID"] == zone
    start = event.decoded("DTSTART")
    assert start.astimezone(UTC).replace(tzinfo=None) == session.starts_at
    expected_local = session.starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    assert (start.hour, start.minute) == (expected_local.hour, expected_local.minute)
    assert event.decoded("DTEND").astimezone(UTC).replace(tzinfo=None) == session.ends_at
    assert str(event["UID"]) == session_uid(session)
    assert str(event["SUMMARY"]) == session.seminar.title
    assert Calendar.from_ical(session_calendar(session)).walk("VEVENT")[0]["UID"] == event["UID"]


def test_icalendar_of_a_summer_session_uses_daylight_time(app, db, make_session):
    from datetime import datetime

    session = make_session()
    session.starts_at = datetime(2031, 7, 1, 16, 0)  # 12:00 in New York (EDT, UTC-4)
    session.ends_at = datetime(2031, 7, 1, 17, 30)
    db.session.commit()
    start = Calendar.from_ical(session_calendar(session)).walk("VEVENT")[0].decoded("DTSTART")
    if app.config["TIMEZONE"] == "America/New_York":
        assert (start.hour, start.minute) == (12, 0)
        assert start.utcoffset() == timedelta(hours=-4)


def test_flask_seminars_remind_and_the_worker_job(app, db, make_user, make_session):
    from app.ops.jobs import all_jobs

    session = make_session(starts_in=timedelta(hours=3))
    seminars.register_member(session.id, make_user())
    runner = app.test_cli_runner()
    assert "queued: 1" in runner.invoke(args=["seminars", "remind"]).output
    assert "queued: 0" in runner.invoke(args=["seminars", "remind"]).output
    assert "seminars.remind" in {job.name for job in all_jobs()}


def test_demo_seminars_seed_upcoming_sessions_some_nearly_full(db):
    from app.demo import seminars as demo
    from app.models.outreach import ServiceRequest
    from app.models.seminars import SeminarSession

    demo.seed()
    db.session.commit()
    sessions = db.session.scalars(select(SeminarSession)).all()
    assert len(sessions) >= 8 and all(s.starts_at > utcnow() for s in sessions)
    assert sum(seminars.seats_left(s) <= 2 for s in sessions) >= 3
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == 2


def test_the_database_itself_refuses_a_second_active_registration(db, make_session):
    from sqlalchemy.exc import IntegrityError

    session = make_session()

    def add(status):
        db.session.add(Registration(session_id=session.id, name="A", email="a@example.org",
                                    person_key="email:a@example.org", status=status))
        db.session.commit()

    add(CANCELLED)
    add(CONFIRMED)
    with pytest.raises(IntegrityError):
        add(WAITLISTED)
    db.session.rollback()
    session.capacity = 0
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_every_confirmation_email_carries_the_invitation(app, db, make_session, make_user,
                                                         smtp_server):
    from app.services.outbox import deliver_due

    session = make_session()
    user = make_user(email="attendee@example.org")
    seminars.register_member(session.id, user)
    deliver_due("test", 10)
    [received] = smtp_server.to("attendee@example.org")
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(event["UID"]) == session_uid(session)
    assert event["DTSTART"].params["TZID"] == app.config["TIMEZONE"]
