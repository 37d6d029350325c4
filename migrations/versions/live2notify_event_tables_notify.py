"""Inserting into ticket_event or officer_status_event sends NOTIFY portal_events from a
statement-level trigger (PostgreSQL only), in the inserting transaction: the app no longer
sends it as a statement of its own. The same statements as app/models/notify.py.

Revision ID: live2notify
Revises: dash2closed
"""
from alembic import op

revision = "live2notify"
down_revision = "dash2closed"
branch_labels = None
depends_on = None

TABLES = ("ticket_event", "officer_status_event")
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION portal_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_events', '');
    RETURN NULL;
END
$$"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_FUNCTION)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_notify AFTER INSERT ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_events()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute("DROP FUNCTION IF EXISTS portal_notify_events()")
