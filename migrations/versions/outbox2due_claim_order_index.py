"""The outbox's claim order as a partial index over pending messages (priority first, then
due time and id), so a batch is the index's first rows however large the backlog.

Revision ID: outbox2due
Revises: audit2head
"""
import sqlalchemy as sa
from alembic import op

revision = "outbox2due"
down_revision = "audit2head"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    op.create_index("ix_outbox_due", "outbox_message",
                    [sa.text("priority DESC"), "next_attempt_at", "id"], unique=False,
                    postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade():
    op.drop_index("ix_outbox_due", table_name="outbox_message")
