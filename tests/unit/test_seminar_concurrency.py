"""Capacity holds under concurrency, on the real database of the run.

The suite's database is a file SQLite (WAL, several connections) or PostgreSQL when
TEST_DATABASE_URL is set; .ci/run runs both. Twenty threads, each with its own app context
(so its own session and connection), register at once for a session with five seats: exactly
five are confirmed, fifteen waitlisted, and the waitlist follows the order in which the
transactions committed.
"""
from __future__ import annotations

import threading

from sqlalchemy import select

from app.extensions import db as _db
from app.models.accounts import User
from app.models.seminars import CONFIRMED, WAITLISTED, Registration
from app.services import seminars
from tests.helpers import run_threads

THREADS = 20
SEATS = 5


def _race(app, work) -> list[BaseException]:
    """Run work(i) in THREADS threads released together; return the errors raised."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                work(i)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
            finally:
                _db.session.remove()

    run_threads(run, [(i,) for i in range(THREADS)], timeout=120)
    return errors


def _assert_capacity_held(db, session_id: int) -> None:
    db.session.rollback()  # end the test's own read snapshot: see what the threads wrote
    rows = list(db.session.scalars(
        select(Registration).where(Registration.session_id == session_id)
        .order_by(Registration.arrival)))
    assert len(rows) == THREADS
    assert [r.arrival for r in rows] == list(range(1, THREADS + 1))
    statuses = [r.status for r in rows]
    assert statuses == [CONFIRMED] * SEATS + [WAITLISTED] * (THREADS - SEATS)
    positions = [seminars.waitlist_position(r) for r in rows[SEATS:]]
    assert positions == list(range(1, THREADS - SEATS + 1))
    # The arrival number was taken under the session lock, so it follows commit order:
    # the confirmation times written in those transactions never go backwards.
    times = [r.confirmed_at for r in rows]
    assert times == sorted(times)
    assert seminars.seats_left(rows[0].session) == 0


def test_members_racing_for_the_last_seats(app, db, make_user, make_session):
    session = make_session(capacity=SEATS)
    user_ids = [make_user().id for _ in range(THREADS)]

    def work(i: int) -> None:
        seminars.register_member(session.id, _db.session.get(User, user_ids[i]))

    assert _race(app, work) == []
    _assert_capacity_held(db, session.id)


def test_visitors_confirming_at_once(app, db, make_session):
    """Visitors get their seat when they confirm: twenty confirmations at once."""
    session = make_session(capacity=SEATS)
    ids = [seminars.register_visitor(session.id, f"Visitor {i}", f"v{i}@example.org")
           .registration.id for i in range(THREADS)]

    assert _race(app, lambda i: seminars.confirm(ids[i])) == []
    _assert_capacity_held(db, session.id)


def test_the_same_person_twice_at_once_makes_one_registration(app, db, make_user,
                                                               make_session):
    session = make_session(capacity=SEATS)
    user_id = make_user().id

    errors = _race(app, lambda i: seminars.register_member(
        session.id, _db.session.get(User, user_id)))

    assert len(errors) == THREADS - 1
    assert all(isinstance(e, seminars.AlreadyRegistered) for e in errors)
    db.session.rollback()
    rows = db.session.scalars(select(Registration).where(Registration.session_id == session.id))
    assert [r.status for r in rows] == [CONFIRMED]
