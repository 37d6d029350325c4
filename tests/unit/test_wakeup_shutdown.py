"""The live wake-up thread stops cleanly, and says plainly (once) when its database is gone.

Before: the LISTEN thread never stopped, so when a run dropped its PostgreSQL database the
thread logged a full traceback, then another every second while it failed to reconnect.
Now `hub.stop()` ends it quietly (the app fixture calls it before dropping the database),
and a connection lost for real is one warning line, not a traceback per retry.
"""
from __future__ import annotations

import logging
import os
import secrets
import time

import pytest
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.services.wakeup import Hub

WAKEUP_LOGGER = "app.services.wakeup"


def _wait_for(condition, seconds: float = 15.0) -> bool:
    """Poll `condition` until it holds (True) or the time is up (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture()
def throwaway_pg():
    """A PostgreSQL database of its own (dropped WITH FORCE by the test or at the end)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    name = f"test_listen_{secrets.token_hex(4)}"
    server = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def drop():
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url, drop
    drop()
    server.dispose()


def _listening(url: str):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    hub = Hub()
    hub.start(app)
    assert _wait_for(lambda: hub.generation > 0), "the listener never connected"
    return hub


def _wakeup_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == WAKEUP_LOGGER]


def test_stopping_the_listener_ends_its_thread_without_a_word(throwaway_pg, caplog):
    url, drop = throwaway_pg
    caplog.set_level(logging.DEBUG, logger=WAKEUP_LOGGER)
    hub = _listening(url)
    assert hub.stop(timeout=10), "the listener thread did not end"
    drop()
    assert _wakeup_records(caplog) == []


def test_a_dropped_database_is_one_warning_line_not_a_traceback_per_retry(throwaway_pg,
                                                                          caplog):
    url, drop = throwaway_pg
    caplog.set_level(logging.DEBUG, logger=WAKEUP_LOGGER)
    hub = _listening(url)
    drop()
    assert _wait_for(lambda: any(r.levelno == logging.WARNING for r in _wakeup_records(caplog)))
    assert _wait_for(lambda: hub.reconnect_failures >= 2), "it stopped trying to reconnect"
    assert hub.stop(timeout=10)
    records = _wakeup_records(caplog)
    assert [r.levelno for r in records] == [logging.WARNING], [r.getMessage() for r in records]
    assert not records[0].exc_info and "LISTEN" in records[0].getMessage()


def test_the_sqlite_poller_stops_too(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                     LIVE_POLL_SECONDS=0.05)
    hub = Hub()
    hub.start(app)
    assert hub.stop(timeout=10)
    hub.start(app)  # a stopped hub can start again (a new app in the same process)
    assert hub.stop(timeout=10)
