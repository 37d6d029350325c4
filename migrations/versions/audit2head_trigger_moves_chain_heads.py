"""Inserting an audit record moves its chain's head row on to it, from a trigger (both
databases), so the appender, which holds the head's lock that every other audited write
waits for, no longer sends an UPDATE of its own. The same statements as
app/models/audit.py `head_follows_statements`.

Revision ID: audit2head
Revises: live2notify
"""
from alembic import op

revision = "audit2head"
down_revision = "live2notify"
branch_labels = None
depends_on = None

CHAINS = (("audit_event", "audit_chain_head"), ("advocate_audit_event", "advocate_audit_head"))


def _statements(events: str, head: str, dialect: str) -> list[str]:
    update = f"UPDATE {head} SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1"
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {head}_follows() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {update}; RETURN NULL; END $$",
            f"CREATE TRIGGER {events}_moves_head AFTER INSERT ON {events} "
            f"FOR EACH ROW EXECUTE FUNCTION {head}_follows()",
        ]
    return [f"CREATE TRIGGER {events}_moves_head AFTER INSERT ON {events} BEGIN {update}; END"]


def upgrade():
    dialect = op.get_bind().dialect.name
    for events, head in CHAINS:
        for statement in _statements(events, head, dialect):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for events, head in CHAINS:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {events}_moves_head ON {events}")
            op.execute(f"DROP FUNCTION IF EXISTS {head}_follows()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {events}_moves_head")
