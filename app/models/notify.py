"""The database tells every process when an event was committed (PostgreSQL).

A statement-level trigger on each event table runs `pg_notify('portal_events', '')` in the
transaction that inserts the events, so the notification is delivered exactly when they
commit and never for a rollback, whoever inserted them (a request, the worker, a script),
and it costs the inserting request no statement of its own. One LISTEN thread per process
(app.services.wakeup) wakes that process's streams. SQLite has no NOTIFY: there the same
thread polls the newest event ids.

The tests build tables with `create_all`, which runs these DDL hooks; production builds them
with the migration `live2notify`, which writes the same statements.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from app.models.live import OfficerStatusEvent
from app.models.tickets import TicketEvent

CHANNEL = "portal_events"
FUNCTION = "portal_notify_events"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$"""


def create_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {table}_notify AFTER INSERT ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()")


NOTIFYING_TABLES = (TicketEvent.__table__, OfficerStatusEvent.__table__)

for _table in NOTIFYING_TABLES:
    event.listen(_table, "after_create", DDL(CREATE_FUNCTION).execute_if(dialect="postgresql"))
    event.listen(_table, "after_create",
                 DDL(create_trigger(_table.name)).execute_if(dialect="postgresql"))
