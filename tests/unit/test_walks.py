"""The safety timer's rules, with the clock passed in (`now=`), never slept.

A walk that runs out opens one P1 ticket, however often the job runs; a walk checked in
(even one second before its deadline) never opens one and leaves only a count; Help now
opens the ticket at once and only once; the shared position is rounded, erased on a safe
end, and on the ticket when the timer fires.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.core.timezones import to_local
from app.models.base import utcnow
from app.models.tickets import NEW, TicketEvent
from app.models.walks import ALERTED, HELP_NOW, RAN_OUT, SafetyTimerTicket, VirtualWalk
from app.services import events, walks
from app.services.escorts import Place
from app.services.tickets import ticket_for_token

T0 = utcnow().replace(microsecond=0)


def timer_tickets(db) -> list[SafetyTimerTicket]:
    db.session.rollback()
    return list(db.session.scalars(select(SafetyTimerTicket)))


def walk_count(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(VirtualWalk.id)))


def test_walk_that_runs_out_opens_one_p1_ticket(db, start_walk):
    started = start_walk(minutes=5, now=T0, name="Pat Walker", emergency_phone="555 010 9999")
    deadline = T0 + timedelta(minutes=5)

    assert walks.fire_due_walks(now=deadline - timedelta(seconds=1)) == 0
    assert walks.fire_due_walks(now=deadline) == 1
    assert walks.fire_due_walks(now=deadline + timedelta(seconds=10)) == 0
    assert walks.fire_due_walks(now=deadline + timedelta(hours=1)) == 0

    [ticket] = timer_tickets(db)
    assert ticket.priority == 1 and ticket.status == NEW and ticket.reason == RAN_OUT
    assert ticket.summary == ("Safety timer ran out: walk from Garage A, Level 3 to "
                              "Medical Center Light Rail Station")
    assert ticket.contact_phone == "555 010 1234" and ticket.contact_name == "Pat Walker"
    assert ticket.emergency_phone == "555 010 9999"
    assert ticket.walk_deadline_at == deadline and ticket.reference.startswith("SAF-")
    walk = db.session.get(VirtualWalk, started.walk.id)
    assert walk.status == ALERTED and walk.ticket_id == ticket.id


def test_check_in_one_second_before_the_deadline_never_opens_a_ticket(db, start_walk):
    started = start_walk(minutes=5, now=T0)
    deadline = T0 + timedelta(minutes=5)
    assert walks.end_safely(started.walk.id, now=deadline - timedelta(seconds=1)) is True
    assert walks.fire_due_walks(now=deadline) == 0
    assert walks.fire_due_walks(now=deadline + timedelta(days=1)) == 0
    assert timer_tickets(db) == []
    assert walk_count(db) == 0
    assert walks.ended_safely_on(to_local(deadline).date()) == 1


def test_a_safe_end_keeps_nothing_but_the_count(db, start_walk):
    for _ in range(3):
        walks.end_safely(start_walk(now=T0).walk.id, now=T0 + timedelta(minutes=1))
    assert walk_count(db) == 0
    assert walks.ended_safely_on(to_local(T0 + timedelta(minutes=1)).date()) == 3
    rows = db.session.execute(text("SELECT * FROM walk_tally")).all()
    assert [len(row) for row in rows] == [2]  # the day and the number: nothing else


def test_ending_a_walk_twice_says_it_has_ended(db, start_walk):
    walk_id = start_walk(now=T0).walk.id
    walks.end_safely(walk_id, now=T0)
    with pytest.raises(walks.WalkError, match="already ended"):
        walks.end_safely(walk_id, now=T0)


def test_help_now_opens_a_p1_at_once_and_only_once(db, start_walk):
    started = start_walk(minutes=30, now=T0)
    first = walks.help_now(started.walk.id, now=T0 + timedelta(minutes=2))
    again = walks.help_now(started.walk.id, now=T0 + timedelta(minutes=3))
    assert again.id == first.id
    assert walks.fire_due_walks(now=T0 + timedelta(hours=1)) == 0
    [ticket] = timer_tickets(db)
    assert ticket.reason == HELP_NOW and ticket.priority == 1
    assert ticket.summary.startswith("Help now pressed: walk from Garage A, Level 3")


def test_the_walks_link_opens_the_tickets_follow_up_page(db, start_walk):
    started = start_walk(now=T0)
    ticket = walks.help_now(started.walk.id, now=T0)
    assert ticket_for_token(ticket.reference, started.token).id == ticket.id


def test_the_ticket_reaches_the_board_stream_like_any_p1(db, start_walk):
    start_walk(now=T0)
    walks.fire_due_walks(now=T0 + timedelta(minutes=6))
    [ticket] = timer_tickets(db)
    got, _, _ = events.read_after(events.Listener(events.BOARD), events.Cursor())
    created = [e.data for e in got if e.data["reference"] == ticket.reference]
    assert created and created[0]["kind"] == "created" and created[0]["priority"] == 1


def test_im_safe_after_the_alert_tells_dispatch(db, start_walk):
    started = start_walk(now=T0)
    walks.fire_due_walks(now=T0 + timedelta(minutes=6))
    assert walks.end_safely(started.walk.id, now=T0 + timedelta(minutes=7)) is False
    [ticket] = timer_tickets(db)
    messages = db.session.scalars(select(TicketEvent.body).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "message_in")).all()
    assert messages == [walks.SAFE_MESSAGE]
    assert ticket.unread_by_staff


def test_add_time_moves_the_deadline_a_limited_number_of_times(app, db, start_walk):
    started = start_walk(minutes=5, now=T0)
    for n in range(1, app.config["WALK_MAX_EXTENSIONS"] + 1):
        walk = walks.add_time(started.walk.id, now=T0 + timedelta(minutes=1))
        assert walk.deadline_at == T0 + timedelta(minutes=5 + 5 * n)
    with pytest.raises(walks.WalkError, match="cannot add more time"):
        walks.add_time(started.walk.id, now=T0 + timedelta(minutes=2))
    assert walks.fire_due_walks(now=T0 + timedelta(minutes=19)) == 0
    assert walks.fire_due_walks(now=T0 + timedelta(minutes=20)) == 1


def test_time_added_after_the_deadline_counts_from_now(db, start_walk):
    started = start_walk(minutes=5, now=T0)
    late = T0 + timedelta(minutes=5, seconds=20)  # the job has not run yet
    walk = walks.add_time(started.walk.id, now=late)
    assert walk.deadline_at == late + timedelta(minutes=5)


def test_position_is_rounded_shown_on_the_ticket_if_the_timer_fires(db, start_walk):
    started = start_walk(now=T0)
    walks.share_position(started.walk.id, 39.2904123, -76.6122456, 12.7,
                         now=T0 + timedelta(minutes=1))
    walks.fire_due_walks(now=T0 + timedelta(minutes=6))
    [ticket] = timer_tickets(db)
    assert (ticket.latitude, ticket.longitude, ticket.accuracy_m) == (39.2904, -76.6122, 13)
    assert ticket.located_at == T0 + timedelta(minutes=1)


def test_location_is_erased_after_a_safe_end(db, start_walk):
    started = start_walk(now=T0)
    walks.share_position(started.walk.id, 39.29, -76.61, 20, now=T0)
    walks.end_safely(started.walk.id, now=T0 + timedelta(minutes=2))
    positions = db.session.execute(text("SELECT latitude, longitude FROM virtual_walk")).all()
    assert positions == []


def test_stop_sharing_erases_the_position_at_once(db, start_walk):
    started = start_walk(now=T0)
    walks.share_position(started.walk.id, 39.29, -76.61, 20, now=T0)
    walk = walks.stop_sharing(started.walk.id)
    assert not walk.has_position and walk.accuracy_m is None and walk.located_at is None


@pytest.mark.parametrize("position", [(91, 0, 5), (0, -181, 5), (0, 0, -1),
                                      (float("nan"), 0, 5), (0, float("inf"), 5)])
def test_impossible_positions_are_refused(db, start_walk, position):
    started = start_walk(now=T0)
    with pytest.raises(walks.WalkError):
        walks.share_position(started.walk.id, *position)


@pytest.mark.parametrize("minutes", [0, 4, 121, 10**9])
def test_walks_are_five_minutes_to_two_hours(db, start_walk, minutes):
    with pytest.raises(walks.WalkError, match="between 5 and 120 minutes"):
        start_walk(minutes=minutes)
    assert walk_count(db) == 0


def test_the_same_place_twice_is_refused(db, start_walk, campus):
    with pytest.raises(walks.WalkError, match="same place"):
        start_walk(origin=Place(campus["lobby"].id), destination=Place(campus["lobby"].id))


def test_a_double_submit_starts_one_walk(db, start_walk):
    first = start_walk(submission_key="walk-" + "k" * 20)
    second = start_walk(submission_key="walk-" + "k" * 20)
    assert second.token is None and second.walk.id == first.walk.id
    assert walk_count(db) == 1


def test_a_walk_that_fired_is_forgotten_once_its_ticket_is_closed(db, start_walk):
    from app.services import followup

    first, second = start_walk(now=T0), start_walk(now=T0)
    walks.fire_due_walks(now=T0 + timedelta(minutes=6))
    ticket = db.session.get(VirtualWalk, first.walk.id).ticket
    followup.requester_cancel(ticket, None)
    assert walks.forget_alerted_walks() == 1
    assert walk_count(db) == 1 and db.session.get(VirtualWalk, second.walk.id) is not None
    assert ticket_for_token(ticket.reference, first.token).id == ticket.id
    assert walks.walk_for_token(first.token) is None
