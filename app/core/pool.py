"""How a pooled PostgreSQL connection is checked before a request gets it.

SQLAlchemy's `pool_pre_ping` sends a ping on every checkout: a round trip, and on a busy
site nearly every ping goes to a connection that answered a few milliseconds before. Here
the check fits what can have happened to the connection since it was last used:

- The server ended it (a restart, a failover, an administrator, an idle timeout): its
  socket then holds the server's goodbye and the end of the stream, where an idle
  connection's holds nothing. Seen without a round trip, every time.
- Something between dropped it silently (a firewall's idle timeout, a crashed host): the
  socket says nothing until it is used. That takes time to happen, so a connection idle
  for PING_AFTER_IDLE_SECONDS or more is pinged, as `pool_pre_ping` would.

Either way the pool throws the connection away and hands out another
(DisconnectionError), so the request never sees the dead one
(tests/functional/test_connections_ended.py). SQLite keeps the pool's own ping.
"""
from __future__ import annotations

import select
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError

LAST_USED = "portal_last_used"  # the pool record's info: monotonic time of the last checkin


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for the configured database: on PostgreSQL the pool's ping
    on every checkout gives way to `install_checks`."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        options["pool_pre_ping"] = False
    return options


def install_checks(engine: Engine, ping_after_idle: float) -> None:
    @event.listens_for(engine, "checkin")
    def note_last_use(_dbapi_connection, record) -> None:
        record.info[LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def refuse_dead(dbapi_connection, record, _proxy) -> None:
        last_used = record.info.get(LAST_USED)
        if last_used is None:
            return  # connected just now for this checkout
        if _closed_by_server(dbapi_connection):
            raise DisconnectionError("the server closed this connection")
        if time.monotonic() - last_used >= ping_after_idle and not _answers(engine,
                                                                            dbapi_connection):
            # As the pool's ping does: the others are likely gone too (a restart).
            raise InvalidatePoolError("this connection no longer answers")


def _closed_by_server(dbapi_connection) -> bool:
    """Whether the idle connection's socket holds anything (the server's goodbye and end of
    file); anything unexpected there counts as closed, which costs one new connection,
    never a failed request."""
    if dbapi_connection.closed:
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _answers(engine: Engine, dbapi_connection) -> bool:
    """The pool's own ping (the dialect's), False where it finds the connection gone."""
    try:
        return engine.dialect.do_ping(dbapi_connection)
    except engine.dialect.loaded_dbapi.Error as error:
        if engine.dialect.is_disconnect(error, dbapi_connection, None):
            return False
        raise
