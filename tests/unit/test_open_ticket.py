"""open_ticket relies on the unique constraints (no look-ups, no savepoint before the insert):
a refused insert runs the use case again, carefully (app.core.database.RunAgain)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import tokens
from app.core.database import use_case
from app.models.audit import AuditEvent
from app.models.escorts import EscortRequest
from app.models.tickets import TicketEvent
from app.services.tickets import open_ticket
from tests.functional.test_query_counts import escort_form
from tests.helpers import run_threads


def test_a_taken_reference_is_drawn_again(db, make_escort, monkeypatch):
    first = make_escort()
    drawn = iter([first.ticket.reference, first.ticket.reference, "ESC-ZZZZZ2"])
    monkeypatch.setattr(tokens, "new_reference", lambda prefix: next(drawn))
    second = make_escort()
    assert not second.duplicate and second.token
    assert second.reference == second.ticket.reference == "ESC-ZZZZZ2"
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 2
    assert db.session.scalar(select(func.count(TicketEvent.id))) == 2


def test_a_double_submit_returns_the_first_reference(db, make_escort):
    first = make_escort(submission_key="same-key-1234")
    second = make_escort(submission_key="same-key-1234")
    assert second.duplicate and second.token is None
    assert second.reference == first.reference


def test_a_double_submit_sent_six_times_at_once_makes_one_ticket(app, db, campus):
    """The tired user's double tap, six times over from one browser (its session cookie),
    on the run's database (PostgreSQL does not serialise the writers): every tap is
    answered like the first, and one ticket, one first event and one audit record are
    written."""
    form = escort_form(campus)
    browser = app.test_client()
    browser.get("/escorts/")  # the page that was shown: it gives the session its nonce
    cookie = browser.get_cookie("session")
    statuses: list[int] = []

    def tap() -> None:
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        statuses.append(client.post("/escorts/", data=form).status_code)

    db.session.commit()  # the taps write from their own sessions: no stale snapshot here
    run_threads(tap, [()] * 6, timeout=60)
    db.session.commit()
    assert statuses == [303] * 6
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 1
    assert db.session.scalar(select(func.count(TicketEvent.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "ticket.created")) == 1


def test_a_reference_taken_twice_at_once_still_opens_both_tickets(db, make_escort, monkeypatch):
    first = make_escort()
    drawn = iter([first.ticket.reference] * 3 + ["ESC-ZZZZZ3"])
    monkeypatch.setattr(tokens, "new_reference", lambda prefix: next(drawn))
    second = make_escort()
    assert second.reference == "ESC-ZZZZZ3" and not second.duplicate
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 2


def test_a_refusal_that_is_not_a_taken_key_is_raised_as_it_is(app, db):
    """Only a unique key taken at the same moment runs the use case again: a real
    constraint fault (here a place that does not exist) is reported, once."""
    ticket = EscortRequest(summary="To nowhere", contact_phone="555-0100",
                           location_id=10**9)
    with pytest.raises(IntegrityError):
        use_case(open_ticket)(ticket, None, "fk-fault-1234")
    db.session.rollback()
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 0
