"""Database behaviour that every use case relies on.

SQLite gets WAL, a busy timeout and foreign keys on every connection, and Python's sqlite3
transaction handling is replaced by explicit BEGINs so that a use case can take the write
lock first (BEGIN IMMEDIATE). Without it, a transaction that reads a counter and then writes
fails with "database is locked" as soon as another writer got in between.

`use_case` wraps a service function: it starts the transaction, commits once at the end and
rolls back on any error, so a use case writes everything or nothing. A use case called from
another one joins the open transaction: only the outermost level commits or rolls back.
`separately` runs a small write (an audited refusal) in its own short transaction, after the
outermost use case has ended, so it outlives that use case's rollback.

On PostgreSQL a GET request reads outside a transaction until a use case begins one
(`configure_postgres`): a page that only reads sends no BEGIN and no ROLLBACK.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from app.core.pool import install_checks
from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

IMMEDIATE = "portal_sqlite_immediate"


def configure_sqlite(app: Flask) -> None:
    """Install the SQLite connection hooks on the app's engine (a no-op elsewhere)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]
    _install_sqlite_hooks(engine, busy_ms)


def _install_sqlite_hooks(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def configure_postgres(app: Flask) -> None:
    """Reads outside a transaction for GET requests on PostgreSQL (a no-op elsewhere).

    A page's reads before any use case (the session row, a page's queries) run in the
    driver's autocommit mode: each statement sees the latest committed rows, exactly as it
    would inside a READ COMMITTED transaction, and the page saves the BEGIN and the
    teardown's ROLLBACK, two of a board load's five round trips. A use case starts a real
    transaction with an explicit BEGIN (`begin_write`), and so does any statement but a
    plain read that comes first (a flush's INSERT, a Core UPDATE, a locking read), so every
    write stays in one transaction. Connections
    go back to the pool out of autocommit; the worker, the CLI and the tests' own sessions
    never use it.
    """
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    install_checks(engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])

    @event.listens_for(engine, "before_cursor_execute")
    def write_lock_or_stream_inside_transaction(connection, _cursor, statement, _params,
                                                context, _many):
        # Only a plain read runs outside a transaction. A write (a Core UPDATE, a
        # SAVEPOINT), a locking read (its lock lasts only as long as a transaction) and a
        # streamed read (a server-side cursor lives only inside one) begin one; outside a
        # use case the request's teardown rolls it back.
        streamed = context is not None and context.execution_options.get("stream_results")
        if streamed or not _PLAIN_READ.match(statement) or _LOCKING.search(statement):
            _begin_on(connection.connection.driver_connection)

    @event.listens_for(engine, "checkin")
    def out_of_autocommit(dbapi_connection, _record) -> None:
        if dbapi_connection is not None and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False  # IDLE here: the pool's reset rolled back

    _install_session_hooks()


# The requests that read outside a transaction. A POST nearly always runs a use case, so
# its connection starts one as the driver does (no explicit BEGIN to send).
READING_METHODS = frozenset({"GET", "HEAD"})
_session_hooks_installed = False


def _install_session_hooks() -> None:
    global _session_hooks_installed
    if _session_hooks_installed:
        return
    _session_hooks_installed = True

    @event.listens_for(Session, "after_begin")
    def read_outside_transaction(session, _transaction, connection) -> None:
        if (connection.dialect.name == "postgresql" and has_request_context()
                and request.method in READING_METHODS and not session.info.get(OPEN)):
            connection.connection.driver_connection.autocommit = True


def _begin_explicitly(session: Session) -> None:
    """BEGIN on the session's connection if it reads outside a transaction (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        _begin_on(session.connection().connection.driver_connection)


def _begin_on(driver) -> None:
    """BEGIN on a psycopg connection in autocommit mode, unless a transaction is open."""
    if driver.autocommit and driver.info.transaction_status == _IDLE:
        driver.execute("BEGIN")


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE
_PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b",
                      re.IGNORECASE)


def begin_write() -> None:
    """Start a fresh transaction that holds the write lock from its first statement.

    On SQLite this is BEGIN IMMEDIATE, so whatever the request read before is committed away
    first (reads only: a service calls this before it changes anything). On PostgreSQL the
    request's connection simply goes on: each statement sees the latest committed rows, and
    row locks and constraints do the rest, so the extra commit would only cost a round trip
    and reload what was already loaded. Its reads so far ran outside a transaction
    (`configure_postgres`): the use case's transaction starts here, with BEGIN.
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        _begin_explicitly(session)
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={IMMEDIATE: True})


OPEN = "portal_use_case_open"  # session.info: a use case owns the current transaction
AFTERWARDS = "portal_use_case_afterwards"  # session.info: writes to make once it has ended
AGAIN = "portal_use_case_again"  # session.info: the use case runs a second time (RunAgain)


class RunAgain(Exception):  # noqa: N818 (an instruction, not an error)
    """Raised inside a use case when the database refused an insert that a careful second
    run can handle (a unique key taken at the same moment): the outermost use case rolls
    back, forgets its `separately` writes, and runs once more with `running_again()` True.

    It lets the common case go without a savepoint (two round trips per insert) while a
    double submit or a random reference already taken still ends in one record."""


def in_use_case() -> bool:
    return bool(db.session.info.get(OPEN))


def running_again() -> bool:
    """True in the second run of a use case after RunAgain: take the careful path."""
    return bool(db.session.info.get(AGAIN))


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a service function as one transaction: commit at its end, roll back on error.

    Called while another use case runs, it joins that transaction and neither commits nor
    rolls back: the outermost use case decides for both, and runs again once after
    RunAgain.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if in_use_case():
            return fn(*args, **kwargs)
        try:
            return _run(fn, args, kwargs)
        except RunAgain:
            db.session.info[AGAIN] = True
            try:
                return _run(fn, args, kwargs)
            finally:
                db.session.info.pop(AGAIN, None)

    return wrapper


def _run(fn: Callable[..., R], args, kwargs) -> R:
    begin_write()
    db.session.info[OPEN] = True
    try:
        result = fn(*args, **kwargs)
        db.session.commit()
    except RunAgain:
        db.session.rollback()
        db.session.info.pop(AFTERWARDS, None)  # the second run asks for its own
        raise
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.info.pop(OPEN, None)
        _run_afterwards()
    return result


def separately(write: Callable[[], object]) -> None:
    """Make `write` in its own short transaction, whatever happens to the current use case.

    Inside a use case it runs right after the outermost one has committed or rolled back
    (on SQLite the writer's lock is free by then); outside one it runs at once.
    """
    if in_use_case():
        db.session.info.setdefault(AFTERWARDS, []).append(write)
    else:
        use_case(write)()


def _run_afterwards() -> None:
    for write in db.session.info.pop(AFTERWARDS, []):
        use_case(write)()


def is_database_busy(error: BaseException) -> bool:
    """True for the errors that mean "try again shortly" rather than a bug."""
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "could not obtain lock" in text or "deadlock" in text


# What the drivers say when the server is gone, restarting or refusing connections.
UNAVAILABLE_MARKERS = (
    "connection refused", "could not connect", "connection failed", "server closed the connection",
    "terminating connection", "the database system is shutting down",
    "the database system is starting up", "the database system is in recovery mode",
    "connection timed out", "connection is closed", "connection reset", "broken pipe",
    "ssl syscall error", "consuming input failed", "unable to open database file",
    "no connection to the server", "connection not open", "connection already closed",
)


def is_database_unavailable(error: BaseException) -> bool:
    """True when the database connection was lost or refused (a restart, a network cut)."""
    if isinstance(error, PoolTimeout) or getattr(error, "connection_invalidated", False):
        return True
    text = str(getattr(error, "orig", error)).lower()
    return any(marker in text for marker in UNAVAILABLE_MARKERS)
