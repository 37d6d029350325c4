"""PostgreSQL tells the listeners about an event from a trigger on the event tables
(app.models.notify): whoever inserts the event, exactly when it commits, never for a
rollback, and without a statement of the app's own.

A plain psycopg connection LISTENs as another process's wake-up thread would.
"""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import insert, make_url, text

from app.core.database import use_case
from app.extensions import db as _db
from app.models.notify import CHANNEL
from app.models.tickets import TicketEvent
from tests.functional.test_query_counts import counted_queries, escort_form

pytestmark = pytest.mark.postgres


@pytest.fixture()
def listener(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    url = make_url(db.engine.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        yield lambda: [n.channel for n in conn.notifies(timeout=0.5, stop_after=1)]


def test_an_event_inserted_by_plain_sql_wakes_the_listeners_when_it_commits(
        db, make_ticket, listener):
    ticket = make_ticket()
    listener()  # the fixture's own event
    with db.engine.connect() as connection:
        connection.execute(insert(TicketEvent.__table__).values(
            ticket_id=ticket.id, kind="note", visible_to_requester=False,
            for_shift_report=False, created_at=ticket.created_at))
        assert listener() == [], "told before the commit"
        connection.commit()
    assert listener() == [CHANNEL]


def test_a_rolled_back_event_wakes_nobody(db, make_ticket, listener):
    ticket = make_ticket()
    listener()
    with db.engine.connect() as connection:
        connection.execute(insert(TicketEvent.__table__).values(
            ticket_id=ticket.id, kind="note", visible_to_requester=False,
            for_shift_report=False, created_at=ticket.created_at))
        connection.rollback()
    assert listener() == []


def test_an_escort_request_sends_no_notify_statement_of_its_own(client, db, campus, listener):
    with counted_queries() as sent:
        assert client.post("/escorts/", data=escort_form(campus)).status_code == 303
    assert not [s for s in sent if "pg_notify" in s], sent
    assert listener() == [CHANNEL]


def test_the_event_tables_have_their_triggers(db, listener):
    @use_case
    def triggers():
        return set(_db.session.scalars(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))

    assert {"ticket_event_notify", "officer_status_event_notify"} <= triggers()
