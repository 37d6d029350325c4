"""A database that goes away answers the friendly 503, and everything recovers by itself.

The app talks to the test PostgreSQL through a TCP proxy (tests/fixtures/db_proxy.py) that
the test closes and reopens: open connections are cut and new ones refused, as in a
PostgreSQL restart. The app and the worker are never restarted.
"""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from app import create_app
from app.extensions import db as _db
from app.models.outbox import OutboxMessage
from app.ops import worker as loop
from app.ops.jobs import Job
from app.services import outbox
from tests.fixtures.mail import point_mail_at
from tests.functional.test_escorts import form_data
from tests.helpers import soup

TYPED = "Walks slowly, uses a blue cane"


def outage_app(url: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url, TESTING=False,
                      PROPAGATE_EXCEPTIONS=False)


def assert_friendly_503(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = soup(response)
    assert page.h1.get_text(strip=True)
    assert page.find("a", href="tel:911"), "the emergency number is on the page"
    assert "Traceback" not in page.get_text() and "OperationalError" not in page.get_text()


def test_pages_answer_503_while_the_database_is_down_and_200_once_it_is_back(
        db, campus, pg_proxy):
    proxy, url = pg_proxy
    app = outage_app(url)
    client = app.test_client()
    with client.session_transaction() as session:  # a signed-in browser: its session row
        session["_user_id"] = "a-session-token-that-needs-a-database-lookup"
    assert client.get("/apb/").status_code == 200
    try:
        proxy.down()
        assert_friendly_503(client.get("/apb/"))
        assert_friendly_503(client.get("/escorts/"))
        proxy.up()
        assert client.get("/apb/").status_code == 200
        assert client.get("/escorts/").status_code == 200
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_a_form_sent_during_the_outage_comes_back_with_what_was_typed(db, campus, pg_proxy):
    proxy, url = pg_proxy
    app = outage_app(url)
    client = app.test_client()
    data = form_data(campus, needs=TYPED)
    try:
        proxy.down()
        response = client.post("/escorts/", data=data)
        assert_friendly_503(response)
        page = soup(response)
        assert TYPED in page.get_text(), "what was typed is shown back"
        form = page.find("form", action="/escorts/")
        kept = {i["name"]: i["value"] for i in form.find_all("input", type="hidden")}
        assert kept["needs"] == TYPED and kept["submission_key"] == data["submission_key"]
        proxy.up()
        assert client.post("/escorts/", data=kept).status_code == 303
        assert client.post("/escorts/", data=kept).status_code == 303  # same key: one ticket
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_the_worker_survives_the_outage_and_then_delivers_the_queued_mail(
        db, pg_proxy, smtp_server):
    proxy, url = pg_proxy
    app = outage_app(url)
    point_mail_at(app, smtp_server)
    with app.app_context():
        outbox.enqueue("pat@example.org", "password_changed", "Your password was changed",
                       user={"name": "Pat"}, reset_link="http://127.0.0.1:5000/forgot")
        _db.session.commit()
    runs = {"failed": 0}

    def counted() -> object:
        try:
            return outbox.deliver_job()
        except Exception:
            runs["failed"] += 1
            raise

    stop = threading.Event()

    def work() -> None:
        with app.app_context():
            loop.run_forever(stop, jobs=[Job("outbox.deliver", 0, counted)], idle_seconds=0.05)

    proxy.down()
    thread = threading.Thread(target=work, daemon=True)
    try:
        thread.start()
        deadline = time.monotonic() + 10
        while runs["failed"] < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runs["failed"] >= 3 and thread.is_alive(), "the loop keeps going in the outage"
        assert smtp_server.messages == []
        proxy.up()
        [message] = smtp_server.wait_for(1, timeout=10)
        assert message["To"] == "pat@example.org"
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(timeout=10)
        with app.app_context():
            assert _db.session.scalar(select(OutboxMessage.status)) == "sent"
            _db.session.remove()
            _db.engine.dispose()


def test_a_dv_form_sent_during_the_outage_keeps_the_quick_exit_and_shows_nothing_typed(
        db, pg_proxy):
    from tests.fixtures.support import SECRET_DETAILS
    from tests.fixtures.support import form_data as dv_form_data

    proxy, url = pg_proxy
    app = outage_app(url)
    try:
        proxy.down()
        response = app.test_client().post("/support/request", data=dv_form_data())
        assert_friendly_503(response)
        page = soup(response)
        assert page.find(id="quick-exit") and "Staying safe" in page.get_text()
        assert SECRET_DETAILS not in page.get_text(), "never shown back on a DV page"
        kept = {i["name"]: i["value"] for i in page.find_all("input", type="hidden")}
        assert kept["details"] == SECRET_DETAILS, "but kept, to send again"
        assert response.headers["Cache-Control"].startswith("no-store")
    finally:
        proxy.up()
        with app.app_context():
            _db.engine.dispose()
