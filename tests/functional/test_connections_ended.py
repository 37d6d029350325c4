"""When PostgreSQL ends the pool's connections (a restart, a failover, an administrator),
the next page and the next form work, and so they do when something between dropped a
connection silently (a firewall, a crashed host) while it sat in the pool
(app/core/pool.py: the socket is looked at on every checkout, and a connection idle for
DATABASE_PING_AFTER_IDLE_SECONDS is pinged)."""
from __future__ import annotations

import socket
import struct
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from app.core.pool import install_checks
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


class DroppingProxy:
    """A TCP relay to PostgreSQL that can drop its connections silently, as a firewall
    forgetting them or a crashed host does: the client hears nothing, then a reset once it
    sends again. New connections are relayed as before."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.dropped: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.pairs.append((client, server))
            threading.Thread(target=self._relay, args=(client, server), daemon=True).start()
            threading.Thread(target=self._relay, args=(server, client), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if source in self.dropped:  # the client spoke on a forgotten connection
                    source.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
                    source.close()  # a reset
                    return
                sink.sendall(data)
        except OSError:
            pass

    def drop_silently(self) -> None:
        for client, server in self.pairs:
            self.dropped.add(client)
            server.shutdown(socket.SHUT_RDWR)  # the server's side ends; the client's hears nothing
        self.pairs = []

    def close(self) -> None:
        self.listener.close()


def test_a_connection_dropped_silently_while_idle_is_replaced_before_use(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    url = db.engine.url
    proxy = DroppingProxy(url.host or "127.0.0.1", url.port or 5432)
    engine = create_engine(url.set(host="127.0.0.1", port=proxy.port), pool_pre_ping=False)
    install_checks(engine, ping_after_idle=0.2)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT 1")) == 1
        proxy.drop_silently()
        time.sleep(0.3)  # idle past the threshold: the checkout pings, hears the reset
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT 2")) == 2
    finally:
        engine.dispose()
        proxy.close()


def test_a_connection_in_steady_use_is_handed_out_without_a_ping(db, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    engine = create_engine(db.engine.url, pool_pre_ping=False)
    install_checks(engine, ping_after_idle=60)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn) or True)
    try:
        for n in range(5):
            with engine.connect() as connection:
                assert connection.scalar(text(f"SELECT {n}")) == n
        assert pings == []
    finally:
        engine.dispose()
