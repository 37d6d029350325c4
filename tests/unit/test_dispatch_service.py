"""The dispatch service: the lifecycle table, conflicts, events and audit, confidentiality."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from app.models.tickets import (
    ACKNOWLEDGED,
    ASSIGNED,
    CANCELLED,
    CLOSED_STATUSES,
    EN_ROUTE,
    NEW,
    ON_SCENE,
    RESOLVED,
    STATUSES,
    TRANSITIONS,
    Ticket,
    TicketEvent,
    can_transition,
)
from app.services import audit, dispatch
from app.services.dispatch import DispatchError, IllegalTransition, TicketConflict

WITH_OFFICER = (ASSIGNED, EN_ROUTE, ON_SCENE)
OUTCOME_FOR = {RESOLVED: "completed", CANCELLED: "no_longer_needed"}


@pytest.fixture()
def staff(make_user):
    return {
        "dispatcher": make_user(roles=("dispatcher",)),
        "officer": make_user(roles=("officer",), display_name="Officer Lee"),
        "officer2": make_user(roles=("officer",), display_name="Officer Diaz"),
        "advocate": make_user(roles=("advocate",)),
    }


def counts(db, ticket_id):
    events = db.session.scalar(
        select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket_id))
    audits = db.session.scalar(select(func.count(AuditEvent.id)))
    return events, audits


def snapshot(db, ticket_id):
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    return (ticket.status, ticket.version, ticket.priority, ticket.assigned_officer_id,
            ticket.outcome, *counts(db, ticket_id))


def ticket_in(make_ticket, staff, status):
    officer = staff["officer"] if status in WITH_OFFICER else None
    return make_ticket(status=status, officer=officer)


def attempt(ticket, actor, target):
    """Move `ticket` to `target` with the service function a person would use."""
    if target in CLOSED_STATUSES:
        return dispatch.close(ticket.id, actor, ticket.version, target, OUTCOME_FOR[target])
    return dispatch.move(ticket.id, actor, ticket.version, target)


TABLE = [(a, b) for a in STATUSES for b in STATUSES if b != ASSIGNED]


@pytest.mark.parametrize(("current", "target"), TABLE)
def test_lifecycle_table_is_enforced(db, make_ticket, staff, current, target):
    ticket = ticket_in(make_ticket, staff, current)
    before = snapshot(db, ticket.id)
    if can_transition(current, target):
        attempt(ticket, staff["dispatcher"], target)
        after = snapshot(db, ticket.id)
        assert after[0] == target
        assert after[1] > before[1]
        assert after[5] > before[5] and after[6] > before[6]
    else:
        with pytest.raises(IllegalTransition):
            attempt(ticket, staff["dispatcher"], target)
        assert snapshot(db, ticket.id) == before


def test_the_table_itself():
    assert TRANSITIONS[NEW] == {ACKNOWLEDGED, CANCELLED}
    assert all(not TRANSITIONS[s] for s in CLOSED_STATUSES)
    for status in STATUSES:
        assert status not in TRANSITIONS[status]


@pytest.mark.parametrize("current", [NEW, ACKNOWLEDGED])
def test_assign_from_new_or_acknowledged(db, make_ticket, staff, current):
    ticket = make_ticket(status=current)
    dispatch.assign(ticket.id, staff["dispatcher"], ticket.version, staff["officer"])
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status == ASSIGNED
    assert ticket.assigned_officer_id == staff["officer"].id
    assert ticket.acknowledged_at is not None


@pytest.mark.parametrize("current", [ASSIGNED, EN_ROUTE, ON_SCENE])
def test_reassign_keeps_the_status(db, make_ticket, staff, current):
    ticket = ticket_in(make_ticket, staff, current)
    dispatch.assign(ticket.id, staff["dispatcher"], ticket.version, staff["officer2"].id)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.status, ticket.assigned_officer_id) == (current, staff["officer2"].id)
    assert "Reassigned to Officer Diaz" in [e.body for e in ticket.events]


@pytest.mark.parametrize("current", CLOSED_STATUSES)
def test_closed_tickets_cannot_be_assigned(db, make_ticket, staff, current):
    ticket = make_ticket(status=current)
    before = snapshot(db, ticket.id)
    with pytest.raises(IllegalTransition):
        dispatch.assign(ticket.id, staff["dispatcher"], ticket.version, staff["officer"])
    assert snapshot(db, ticket.id) == before


@pytest.mark.parametrize("who", ["dispatcher", "advocate", "nobody", "same"])
def test_assign_needs_an_active_officer(db, make_ticket, staff, make_user, who):
    ticket = make_ticket(status=ASSIGNED, officer=staff["officer"])
    officer = {"dispatcher": staff["dispatcher"], "advocate": staff["advocate"],
               "nobody": 987654, "same": staff["officer"]}[who]
    before = snapshot(db, ticket.id)
    with pytest.raises(DispatchError):
        dispatch.assign(ticket.id, staff["dispatcher"], ticket.version, officer)
    assert snapshot(db, ticket.id) == before


def test_moving_back_to_acknowledged_unassigns(db, make_ticket, staff):
    ticket = ticket_in(make_ticket, staff, ASSIGNED)
    dispatch.move(ticket.id, staff["dispatcher"], ticket.version, ACKNOWLEDGED)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).assigned_officer_id is None


def test_move_refuses_assigned_and_forged_statuses(db, make_ticket, staff):
    ticket = make_ticket(status=ACKNOWLEDGED)
    before = snapshot(db, ticket.id)
    for forged in (ASSIGNED, "escalated", "", "<script>", "resolved' OR 1=1"):
        with pytest.raises(IllegalTransition):
            dispatch.move(ticket.id, staff["dispatcher"], ticket.version, forged)
    assert snapshot(db, ticket.id) == before


def test_stale_version_is_a_conflict_listing_the_changes(db, make_ticket, staff):
    ticket = make_ticket(status=NEW)
    seen = len(ticket.events)
    version = ticket.version
    dispatch.acknowledge(ticket.id, staff["dispatcher"], version, seen_events=seen)
    before = snapshot(db, ticket.id)
    with pytest.raises(TicketConflict) as caught:
        dispatch.change_priority(ticket.id, staff["dispatcher"], version, 1, "fire alarm",
                                 seen_events=seen)
    assert [e.to_status for e in caught.value.changes] == [ACKNOWLEDGED]
    assert "changed while you were looking" in str(caught.value)
    assert snapshot(db, ticket.id) == before


ACTIONS = {
    "acknowledge": lambda t, s: dispatch.acknowledge(t.id, s["dispatcher"], t.version),
    "priority": lambda t, s: dispatch.change_priority(t.id, s["dispatcher"], t.version, 1,
                                                      "Caller sounds distressed"),
    "assign": lambda t, s: dispatch.assign(t.id, s["dispatcher"], t.version, s["officer"]),
    "move": lambda t, s: dispatch.move(t.id, s["dispatcher"], t.version, ACKNOWLEDGED),
    "note": lambda t, s: dispatch.add_note(t.id, s["dispatcher"], "Checked cameras"),
    "message": lambda t, s: dispatch.message_requester(t.id, s["dispatcher"], "On our way"),
    "resolve": lambda t, s: dispatch.close(t.id, s["dispatcher"], t.version, RESOLVED,
                                           "completed", "Walked to car"),
    "cancel": lambda t, s: dispatch.close(t.id, s["dispatcher"], t.version, CANCELLED,
                                          "duplicate"),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_writes_an_event_and_an_audit_record(db, make_ticket, staff, action):
    ticket = make_ticket(status=NEW if action in ("acknowledge", "move") else ACKNOWLEDGED)
    events, audits = counts(db, ticket.id)
    ACTIONS[action](ticket, staff)
    new_events, new_audits = counts(db, ticket.id)
    assert new_events > events and new_audits > audits
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last.actor_id == staff["dispatcher"].id
    assert last.object_id == ticket.reference
    assert audit.verify_chain() is None


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_confidential_tickets_are_refused_to_dispatch(db, make_ticket, staff, action):
    ticket = make_ticket(status=ACKNOWLEDGED, confidential=True)
    before = snapshot(db, ticket.id)
    with pytest.raises(DispatchError, match="does not exist"):
        ACTIONS[action](ticket, staff)
    assert snapshot(db, ticket.id) == before
    assert dispatch.load_ticket(ticket.id, staff["dispatcher"]) is None
    assert dispatch.load_ticket(ticket.id, staff["advocate"]) is not None


def test_officers_act_only_on_their_own_tickets(db, make_ticket, staff):
    mine = make_ticket(status=ASSIGNED, officer=staff["officer"])
    theirs = make_ticket(status=ASSIGNED, officer=staff["officer2"])
    dispatch.move(mine.id, staff["officer"], mine.version, EN_ROUTE, eta_minutes=7)
    before = snapshot(db, theirs.id)
    with pytest.raises(DispatchError, match="does not exist"):
        dispatch.move(theirs.id, staff["officer"], theirs.version, EN_ROUTE)
    assert snapshot(db, theirs.id) == before
    db.session.expire_all()
    assert db.session.get(Ticket, mine.id).eta_at is not None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"priority": 4, "reason": "x"}, "priority 1, 2 or 3"),
    ({"priority": 1, "reason": "   "}, "reason"),
    ({"priority": 2, "reason": "same"}, "already P2"),
    ({"priority": 1, "reason": "x" * 301}, "too long"),
])
def test_priority_rules(db, make_ticket, staff, kwargs, message):
    ticket = make_ticket(priority=2)
    before = snapshot(db, ticket.id)
    with pytest.raises(DispatchError, match=message):
        dispatch.change_priority(ticket.id, staff["dispatcher"], ticket.version, **kwargs)
    assert snapshot(db, ticket.id) == before


@pytest.mark.parametrize(("status", "outcome", "detail"), [
    (RESOLVED, "duplicate", None),
    (CANCELLED, "completed", None),
    (RESOLVED, "made-up", None),
    (RESOLVED, "completed", "x" * 301),
    (ON_SCENE, "completed", None),
])
def test_close_needs_a_matching_outcome(db, make_ticket, staff, status, outcome, detail):
    ticket = make_ticket(status=ACKNOWLEDGED)
    before = snapshot(db, ticket.id)
    with pytest.raises(DispatchError):
        dispatch.close(ticket.id, staff["dispatcher"], ticket.version, status, outcome, detail)
    assert snapshot(db, ticket.id) == before


def test_resolve_records_outcome_in_plain_words(db, make_ticket, staff):
    ticket = make_ticket(status=ON_SCENE, officer=staff["officer"])
    dispatch.close(ticket.id, staff["officer"], ticket.version, RESOLVED, "completed",
                   "  Walked to the car  ")
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.status, ticket.outcome, ticket.outcome_detail) == (
        RESOLVED, "completed", "Walked to the car")
    assert ticket.closed_at is not None
    assert ticket.events[-1].body == "Completed" and ticket.events[-1].visible_to_requester


@pytest.mark.parametrize(("value", "limit_ok"), [(None, False), (0, False), (241, False),
                                                  (5, True)])
def test_eta_minutes_are_checked(db, make_ticket, staff, value, limit_ok):
    ticket = make_ticket(status=ASSIGNED, officer=staff["officer"])
    if value is None:
        with pytest.raises(DispatchError, match="en route"):
            dispatch.move(ticket.id, staff["officer"], ticket.version, ON_SCENE, eta_minutes=5)
        return
    if limit_ok:
        dispatch.move(ticket.id, staff["officer"], ticket.version, EN_ROUTE, eta_minutes=value)
    else:
        with pytest.raises(DispatchError, match="1 to 240"):
            dispatch.move(ticket.id, staff["officer"], ticket.version, EN_ROUTE,
                          eta_minutes=value)


def test_notes_stay_internal_and_messages_reach_the_requester(db, make_ticket, staff):
    ticket = make_ticket(contact_email="visitor@example.org")
    dispatch.add_note(ticket.id, staff["dispatcher"], "Known to security")
    dispatch.message_requester(ticket.id, staff["dispatcher"], "An officer is on the way")
    db.session.expire_all()
    events = db.session.get(Ticket, ticket.id).events
    note, message = events[-2], events[-1]
    assert (note.kind, note.visible_to_requester) == ("note", False)
    assert (message.kind, message.visible_to_requester) == ("message_out", True)
    mail = db.session.scalars(select(OutboxMessage)).all()
    assert len(mail) == 1 and mail[0].to_address == "visitor@example.org"


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_empty_or_over_long_notes_are_refused(db, make_ticket, staff, body):
    ticket = make_ticket()
    before = snapshot(db, ticket.id)
    with pytest.raises(DispatchError):
        dispatch.add_note(ticket.id, staff["dispatcher"], body)
    with pytest.raises(DispatchError):
        dispatch.message_requester(ticket.id, staff["dispatcher"], body)
    assert snapshot(db, ticket.id) == before


def test_mark_read_clears_the_unread_flag(db, make_ticket, staff):
    ticket = make_ticket(unread_by_staff=True)
    dispatch.mark_read(ticket.id, staff["dispatcher"])
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).unread_by_staff is False


def test_unknown_ticket(db, staff):
    with pytest.raises(DispatchError, match="does not exist"):
        dispatch.acknowledge(987654, staff["dispatcher"], 1)
