"""Waking the open streams of this process when an event is committed anywhere.

- PostgreSQL: every transaction that writes a TicketEvent or OfficerStatusEvent also runs
  `pg_notify('portal_events', '')`, from a trigger on the event tables (app.models.notify),
  so it is delivered only if the change commits. One thread per process LISTENs on its own
  connection and wakes every stream of the process.
- SQLite (development, one machine): the same thread checks the newest event ids every
  LIVE_POLL_SECONDS (one cheap query per process, not per stream).

Streams never depend on a wake-up for correctness: they read the log, so a missed wake-up
costs at most one heartbeat interval of delay, never an event.
"""
from __future__ import annotations

import logging
import os
import threading

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models.live import OfficerStatusEvent
from app.models.notify import CHANNEL
from app.models.tickets import TicketEvent

log = logging.getLogger(__name__)


class Hub:
    """A generation counter that streams wait on; the listener thread bumps it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.reconnect_failures = 0  # in a row, since the listener last connected

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wake(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        """Block until woken after `seen` or `timeout` seconds; True when woken."""
        with self._cond:
            return self._cond.wait_for(lambda: self._generation != seen, timeout)

    def pause(self, seconds: float) -> bool:
        """Wait `seconds` unless stopped first; True when the hub is stopping."""
        return self._stopping.wait(seconds)

    def start(self, app: Flask) -> None:
        """Start this process's listener thread (again after a fork or a stop)."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._stopping.clear()
        with app.app_context():
            engine = db.engine
        target = _listen_postgres if engine.dialect.name == "postgresql" else _poll_sqlite
        self._thread = threading.Thread(target=target, args=(self, app, engine), daemon=True,
                                        name="live-wakeup")
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """End the listener thread before its database goes away (a test run's end, a
        process shutting down); True once it has ended. Streams still wake by heartbeat."""
        self._stopping.set()
        thread, self._thread, self._pid = self._thread, None, None
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        self.wake()
        return not thread.is_alive()


def _listen_postgres(hub: Hub, app: Flask, engine) -> None:
    """LISTEN until stopped; reconnect after a lost connection, saying so once per outage."""
    import psycopg

    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    while not hub.stopping:
        try:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                if hub.reconnect_failures:
                    log.info("live: LISTEN connection back")
                hub.reconnect_failures = 0
                hub.wake()  # whatever happened while not listening is read now
                _deliver(hub, conn)
        except Exception as error:  # noqa: BLE001 (keep listening whatever the database did)
            if hub.stopping:
                return
            _lost(hub, error, isinstance(error, psycopg.Error))
            hub.pause(1)
            hub.wake()


def _lost(hub: Hub, error: Exception, from_database: bool) -> None:
    """One warning per outage: the database's own message, and a traceback only for an
    error that did not come from the database (a bug is worth its trace)."""
    if hub.reconnect_failures == 0:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        log.warning("live: LISTEN connection lost (%s); reconnecting every second, streams "
                    "wake by heartbeat meanwhile", first_line, exc_info=not from_database)
    hub.reconnect_failures += 1


def _deliver(hub: Hub, conn) -> None:
    """Wake the streams at each notification; return when the hub stops (checked each
    second: waiting costs no query, and stop() should not wait long)."""
    while not hub.stopping:
        for _ in conn.notifies(timeout=1, stop_after=1):
            hub.wake()


def _poll_sqlite(hub: Hub, app: Flask, engine) -> None:
    interval = app.config["LIVE_POLL_SECONDS"]
    query = select(select(func.max(TicketEvent.id)).scalar_subquery(),
                   select(func.max(OfficerStatusEvent.id)).scalar_subquery())
    last = None
    while not hub.stopping:
        try:
            with engine.connect() as connection:
                newest = tuple(connection.execute(query).one())
        except Exception:  # noqa: BLE001 (a locked or missing database: try again)
            newest = last
        if newest != last:
            last = newest
            hub.wake()
        hub.pause(interval)


hub = Hub()
