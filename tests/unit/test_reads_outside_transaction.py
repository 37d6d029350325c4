"""On PostgreSQL a request reads outside a transaction until a use case begins one
(app.core.database.configure_postgres): a page that only reads sends no BEGIN and no
ROLLBACK, and every write still lands whole or not at all.

What a statement ran in is read from the driver (the server's transaction status as the
statement is sent); what was committed, through a connection of its own.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.exc import OperationalError

from app.core.database import use_case
from app.extensions import db as _db
from app.models.accounts import User
from app.services import audit
from tests.functional.test_query_counts import escort_form
from tests.unit.test_transactions import Refused, committed_actions

IDLE, INTRANS = 0, 2  # psycopg.pq.TransactionStatus

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")


@contextmanager
def statements_seen(db):
    """[(first words of the statement, the server's transaction status before it)]."""
    seen: list[tuple[str, int]] = []

    def before(conn, _cursor, statement, _params, _context, _many) -> None:
        status = conn.connection.driver_connection.info.transaction_status
        seen.append((" ".join(statement.split()[:3]), int(status)))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_a_board_load_reads_without_opening_a_transaction(login_as, db):
    dispatcher = login_as("dispatcher")
    dispatcher.get("/dispatch/")  # the session row is touched (a write) on the first load
    with statements_seen(db) as seen:
        assert dispatcher.get("/dispatch/").status_code == 200
    assert seen, "the board read nothing"
    assert {status for _, status in seen} == {IDLE}, seen


def test_an_escort_request_writes_in_one_transaction(client, db, campus):
    with statements_seen(db) as seen:
        response = client.post("/escorts/", data=escort_form(campus))
    assert response.status_code == 303
    writes = [status for words, status in seen if words.split()[0] in ("INSERT", "UPDATE")]
    assert writes and set(writes) == {INTRANS}, seen


@use_case
def record_then_refuse() -> None:
    audit.record("test.refused", None, "thing", 1)
    _db.session.flush()
    raise Refused("refused after writing")


def test_a_use_case_after_reads_in_a_request_is_rolled_back_whole(app, db):
    with app.test_request_context("/"):
        _db.session.scalars(select(User)).all()  # a read outside any transaction
        with pytest.raises(Refused):
            record_then_refuse()
        _db.session.remove()
    assert committed_actions(db) == []


def test_a_flush_outside_a_use_case_in_a_request_is_still_undone_by_a_rollback(app, db):
    with app.test_request_context("/"):
        _db.session.scalars(select(User)).all()
        audit.record("test.stray", None, "thing", 1)
        _db.session.flush()  # no use case: the flush itself begins the transaction
        assert committed_actions(db) == []
        _db.session.rollback()
        _db.session.remove()
    assert committed_actions(db) == []


def test_connections_go_back_to_the_pool_out_of_autocommit(app, login_as, db):
    dispatcher = login_as("dispatcher")
    assert dispatcher.get("/dispatch/").status_code == 200
    with app.app_context():  # no request: the worker's and the CLI's way
        driver = _db.session.connection().connection.driver_connection
        assert driver.autocommit is False
        audit.record("test.worker", None, "thing", 1)
        _db.session.flush()
        _db.session.rollback()
        _db.session.remove()
    assert committed_actions(db) == []


def test_a_write_outside_a_use_case_in_a_get_is_rolled_back_with_the_request(app, db,
                                                                              make_user):
    user = make_user(name="Pat Before")
    with app.test_request_context("/"):
        _db.session.scalars(select(User)).all()
        _db.session.execute(update(User).where(User.id == user.id).values(name="Pat After"))
        _db.session.remove()  # the request ends without a use case committing it
    with app.app_context():
        assert _db.session.get(User, user.id).name == "Pat Before"


@pytest.mark.parametrize("read", [False, True], ids=["for-update", "for-share"])
def test_a_locking_read_outside_a_use_case_still_holds_its_lock(app, db, make_user, read):
    """`SELECT ... FOR UPDATE` in a GET, outside any use case, would lock nothing in the
    driver's autocommit mode: it begins a transaction, and the lock holds until the end."""
    user = make_user()
    other = create_engine(db.engine.url.render_as_string(hide_password=False))
    try:
        with app.test_request_context("/"):
            locked = _db.session.scalars(
                select(User).where(User.id == user.id).with_for_update(read=read)).one()
            assert locked.id == user.id
            with other.connect() as connection, pytest.raises(OperationalError):
                connection.execute(text(
                    "SELECT id FROM \"user\" WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": user.id})
            _db.session.remove()
        with other.connect() as connection:  # released with the request's session
            connection.execute(text(
                "SELECT id FROM \"user\" WHERE id = :id FOR UPDATE NOWAIT"), {"id": user.id})
    finally:
        other.dispose()
