"""open_ticket relies on the unique constraints (no look-ups before the insert)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.core import tokens
from app.models.escorts import EscortRequest
from app.models.tickets import TicketEvent


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
