"""Two members of staff acting on one ticket at the same moment: exactly one wins.

Each thread has its own app context (its own session and connection). Both read the ticket
(as the ticket page does, so the session holds it), wait at a barrier, then both act with the
version they saw. The check is in the UPDATE itself (the ticket's version column), so the
loser gets TicketConflict however the two interleave, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db as _db
from app.models.accounts import User
from app.models.tickets import ACKNOWLEDGED, ASSIGNED, RESOLVED, Ticket, TicketEvent
from app.services import dispatch
from app.services.dispatch import TicketConflict
from tests.helpers import run_threads


def _race(app, ticket_id: int, actors: list[int], actions) -> list[BaseException | None]:
    """Run actions[i](ticket_id, version) as actors[i], each in its own thread, after
    both have read the ticket."""
    barrier = threading.Barrier(len(actions))
    results: list[BaseException | None] = [None] * len(actions)

    def run(i: int) -> None:
        with app.app_context():
            try:
                seen = dispatch.load_ticket(ticket_id, _as(actors[i]))
                version, _ = seen.version, seen.status  # the page as it was shown
                barrier.wait(timeout=30)
                actions[i](ticket_id, version)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                results[i] = error
            finally:
                _db.session.remove()

    run_threads(run, [(i,) for i in range(len(actions))])
    return results


def _assignment_events(db, ticket_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "assignment"))


@pytest.fixture()
def crew(make_user):
    return {
        "dispatchers": [make_user(roles=("dispatcher",)), make_user(roles=("dispatcher",))],
        "officers": [make_user(roles=("officer",)), make_user(roles=("officer",))],
    }


def _as(user_id: int):
    return _db.session.get(User, user_id)


def two_dispatchers_assign_at_once(app, db, make_ticket, crew):
    ticket = make_ticket(status=ACKNOWLEDGED)
    d = [u.id for u in crew["dispatchers"]]
    o = [u.id for u in crew["officers"]]
    results = _race(app, ticket.id, d, [
        lambda tid, v, i=i: dispatch.assign(tid, _as(d[i]), v, o[i]) for i in range(2)
    ])
    winners = [r for r in results if r is None]
    assert len(winners) == 1, results
    assert [type(r) for r in results if r is not None] == [TicketConflict]
    assert _assignment_events(db, ticket.id) == 1
    row = db.session.get(Ticket, ticket.id)
    assert row.status == ASSIGNED
    assert row.assigned_officer_id in o


def resolve_and_reassign_at_once(app, db, make_ticket, crew):
    officer, other = (u.id for u in crew["officers"])
    ticket = make_ticket(status=ASSIGNED, officer=crew["officers"][0])
    d = [u.id for u in crew["dispatchers"]]
    results = _race(app, ticket.id, d, [
        lambda tid, v: dispatch.close(tid, _as(d[0]), v, RESOLVED, "completed"),
        lambda tid, v: dispatch.assign(tid, _as(d[1]), v, other),
    ])
    assert sum(r is None for r in results) == 1, results
    assert [type(r) for r in results if r is not None] == [TicketConflict]
    db.session.rollback()
    row = db.session.get(Ticket, ticket.id)
    if results[0] is None:  # the resolve won: the resolved ticket was not reassigned
        assert (row.status, row.assigned_officer_id) == (RESOLVED, officer)
        assert _assignment_events(db, ticket.id) == 0
    else:
        assert (row.status, row.assigned_officer_id) == (ASSIGNED, other)


def _is_postgres(db) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.mark.postgres
def test_two_dispatchers_assigning_at_once_on_postgresql_one_wins(app, db, make_ticket, crew):
    if not _is_postgres(db):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    two_dispatchers_assign_at_once(app, db, make_ticket, crew)


@pytest.mark.postgres
def test_resolve_and_reassign_at_once_on_postgresql_one_wins(app, db, make_ticket, crew):
    if not _is_postgres(db):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    resolve_and_reassign_at_once(app, db, make_ticket, crew)


def test_two_dispatchers_assigning_at_once_one_wins(app, db, make_ticket, crew):
    """On the run's database (SQLite serialises writers; PostgreSQL does not)."""
    two_dispatchers_assign_at_once(app, db, make_ticket, crew)


def test_resolve_and_reassign_at_once_one_wins(app, db, make_ticket, crew):
    resolve_and_reassign_at_once(app, db, make_ticket, crew)


def test_a_write_from_a_stale_copy_is_refused_by_the_update_itself(app, db, make_ticket):
    """Two sessions hold the same version; the second UPDATE matches no row."""
    ticket = make_ticket(status=ACKNOWLEDGED)
    first = _db.session()
    with app.app_context():
        second = _db.session()
        stale = second.get(Ticket, ticket.id)
        second.expunge(stale)
        second.commit()  # a copy read earlier, kept in memory: version as it was then
        mine = first.get(Ticket, ticket.id)
        mine.priority = 1
        first.commit()
        stale = second.merge(stale, load=False)
        stale.priority = 3
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority == 1


def test_a_resolved_ticket_cannot_be_reassigned_with_the_version_it_had_before(
        db, make_ticket, crew):
    ticket = make_ticket(status=ASSIGNED, officer=crew["officers"][0])
    seen = ticket.version
    dispatch.close(ticket.id, crew["dispatchers"][0], seen, RESOLVED, "completed")
    with pytest.raises(TicketConflict):
        dispatch.assign(ticket.id, crew["dispatchers"][1], seen, crew["officers"][1].id)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).assigned_officer_id == crew["officers"][0].id
