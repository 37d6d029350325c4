"""When PostgreSQL ends the pool's connections (a restart, a failover, an administrator),
the next page and the next form work: the pool pings each connection before a request gets
it (`pool_pre_ping`). A check of the socket alone was tried and refused: a connection that
a firewall or a crashed host dropped says nothing until it is used."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, func, select, text

from app.models.escorts import EscortRequest
from tests.functional.test_query_counts import escort_form

pytestmark = pytest.mark.postgres


OTHERS = ("FROM pg_stat_activity WHERE datname = current_database() "
          "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")


def end_every_connection(db) -> int:
    """What a restart does to the app's connections: the server closes them (and, as
    after a restart, they are gone by the time the next request comes)."""
    admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.scalar(text(f"SELECT count(pg_terminate_backend(pid)) {OTHERS}"))
            deadline = time.monotonic() + 10
            while connection.scalar(text(f"SELECT count(*) {OTHERS}")) and \
                    time.monotonic() < deadline:
                time.sleep(0.01)
            return ended
    finally:
        admin.dispose()


def test_pages_and_forms_work_right_after_the_server_ended_every_connection(
        login_as, client, db, campus):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    dispatcher = login_as("dispatcher")
    for _ in range(3):
        assert dispatcher.get("/dispatch/").status_code == 200
    db.session.commit()
    assert end_every_connection(db) >= 1
    assert dispatcher.get("/dispatch/").status_code == 200
    assert client.post("/escorts/", data=escort_form(campus)).status_code == 303
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 1
